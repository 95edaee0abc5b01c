/**
 * Checks of Narrative.div (https://hl7.org/fhir/R4/narrative.html): well-formed XML,
 * a single XHTML <div> root, only the elements and attributes FHIR allows (txt-1),
 * nothing that could run code when a receiver displays it, and some content (txt-2).
 *
 * The element and attribute lists follow the HL7 Java validator (InstanceValidator
 * checkInnerNames), which implements the narrative page's "basic HTML 4.0 formatting
 * elements" in practice, so suppliers see the same verdict from both tools.
 * XML syntax is left to fast-xml-parser; this module only walks the parsed tree.
 */
import { fastXml, type Fxp } from '../parse/fast-xml.js';
import { offsetOfLineColumn, restoreLongRuns, shrinkLongRuns } from '../parse/xml-guard.js';
import type { RuleId } from '../model/rules.js';

const lib = fastXml;

export interface XhtmlProblem {
  severity: 'error' | 'warning';
  message: string;
  ruleId: RuleId;
}

export const XHTML_NAMESPACE = 'http://www.w3.org/1999/xhtml';
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

const ALLOWED_ELEMENTS = new Set([
  'p', 'br', 'div', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'a', 'span', 'b', 'em', 'i', 'strong',
  'small', 'big', 'tt', 'dfn', 'q', 'var', 'abbr', 'acronym', 'cite', 'blockquote', 'hr',
  'address', 'bdo', 'kbd', 'sub', 'sup', 'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'pre', 'table',
  'caption', 'colgroup', 'col', 'thead', 'tr', 'tfoot', 'tbody', 'th', 'td', 'code', 'samp',
  'img', 'map', 'area',
]);

/** Elements that load or run active content: reported as security problems, not just "not allowed". */
const UNSAFE_ELEMENTS: Record<string, string> = {
  script: 'script elements are not allowed in FHIR narrative: narratives must be safe to display',
  noscript: 'noscript elements are not allowed in FHIR narrative: narratives must be safe to display, with no scripts',
  object: 'embedded objects are not allowed in FHIR narrative: narratives must be safe to display',
  applet: 'applets are not allowed in FHIR narrative: narratives must be safe to display',
  embed: 'embedded content is not allowed in FHIR narrative: narratives must be safe to display',
  iframe: 'frames are not allowed in FHIR narrative: narratives must be self-contained and safe to display',
  frame: 'frames are not allowed in FHIR narrative: narratives must be self-contained and safe to display',
  frameset: 'frames are not allowed in FHIR narrative: narratives must be self-contained and safe to display',
  form: 'forms are not allowed in FHIR narrative: narratives are for display only',
  input: 'form controls are not allowed in FHIR narrative: narratives are for display only',
  button: 'form controls are not allowed in FHIR narrative: narratives are for display only',
  select: 'form controls are not allowed in FHIR narrative: narratives are for display only',
  textarea: 'form controls are not allowed in FHIR narrative: narratives are for display only',
  base: 'base elements are not allowed in FHIR narrative: they would change how the receiver resolves links',
  link: 'link elements are not allowed in FHIR narrative: external stylesheets and resources must not be loaded',
  meta: 'meta elements are not allowed in FHIR narrative: they can redirect or change how the page is processed',
  style: 'style elements are not allowed in FHIR narrative: use the style attribute on the element instead',
};

/** Attributes allowed on any element (Java validator list, plus xmlns* handled separately). */
const GLOBAL_ATTRIBUTES = new Set([
  'title', 'style', 'class', 'id', 'lang', 'xml:lang', 'dir', 'accesskey', 'tabindex',
  // tables
  'span', 'width', 'align', 'valign', 'char', 'charoff', 'abbr', 'axis', 'headers', 'scope', 'rowspan', 'colspan',
]);

/** Attributes allowed only on particular elements, as `element.attribute`. */
const ELEMENT_ATTRIBUTES = new Set([
  'a.href', 'a.name', 'a.charset', 'a.type', 'a.hreflang', 'a.rel', 'a.rev', 'a.shape', 'a.coords',
  'img.src', 'img.alt', 'img.longdesc', 'img.height', 'img.width', 'img.usemap', 'img.ismap', 'img.border',
  'map.name', 'area.shape', 'area.coords', 'area.href', 'area.nohref', 'area.alt',
  'blockquote.cite', 'q.cite',
  'table.summary', 'table.width', 'table.border', 'table.frame', 'table.rules', 'table.cellspacing', 'table.cellpadding',
  'pre.xml:space', 'td.nowrap',
]);

/** Attributes holding URLs a browser will follow or load. */
const URL_ATTRIBUTES = new Set(['href', 'src', 'cite', 'longdesc', 'usemap']);

const PREDEFINED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
// the reference is optional so a bare '&' (which the validator misses in attribute values) is seen too
const ENTITY_RE = /&(?:(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z_][\w.-]*);)?/g;
const DTD_RE = /<!(?:DOCTYPE|ENTITY)/i;
const NON_WHITESPACE_RE = /[^ \t\r\n]/;
// Browsers ignore ASCII whitespace and control characters inside a URL scheme ("java\tscript:").
const URL_NOISE_RE = /[\u0000-\u0020\u007F]/g;
const UNSAFE_DATA_TYPES = /^data:(?:text\/html|application\/xhtml\+xml|text\/xml|application\/xml|[^,;]*(?:java|ecma)script)/;
const UNSAFE_STYLE_RE = /javascript:|vbscript:|expression\s*\(|behaviou?r\s*:|-moz-binding/i;
const MAX_DEPTH = 1000;

const NONE: readonly XhtmlProblem[] = Object.freeze([]);

let parserMade: InstanceType<Fxp['XMLParser']> | undefined;
const parser = (): InstanceType<Fxp['XMLParser']> =>
  (parserMade ??= new (lib().XMLParser)({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    allowBooleanAttributes: false,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    commentPropName: '#comment',
    cdataPropName: '#cdata',
    // entities are decoded here, in one pass: the parser's own decoding skips character
    // references and would let "&amp;#106;" be decoded twice
    processEntities: false,
    htmlEntities: false,
    captureMetaData: true,
    maxNestedTags: MAX_DEPTH,
    // no callbacks use the element path: building its string for every value costs seconds on big files
    jPath: false,
  }));
/** The parser's metadata key on each node (read only after a parse: the library is loaded then). */
let metaKey: symbol | undefined;
const meta = (): symbol => (metaKey ??= lib().XMLParser.getMetaDataSymbol() as unknown as symbol);

interface Analysis {
  problems: readonly XhtmlProblem[];
  /** txt-1: no error other than xhtml-empty. */
  htmlOk: boolean;
  /** txt-2: some non-whitespace text or an image. */
  hasContent: boolean;
}

// The validator and the invariant engine may both ask about the same div in a row.
let lastDiv: string | undefined;
let lastAnalysis: Analysis | undefined;

/** Check a Narrative.div value (XHTML as a string, as in FHIR JSON). Includes txt-1 (allowed elements/attributes) and txt-2 (some non-whitespace content). */
export function checkNarrativeXhtml(div: string): readonly XhtmlProblem[] {
  return analyse(div).problems;
}

/** txt-1: only the XHTML elements and attributes FHIR allows, well-formed, in a single XHTML <div>. */
export function htmlChecks(div: string): boolean {
  return analyse(div).htmlOk;
}

/** txt-2: the narrative has some non-whitespace text or an image. */
export function narrativeHasContent(div: string): boolean {
  return analyse(div).hasContent;
}

function analyse(div: string): Analysis {
  if (div === lastDiv && lastAnalysis) return lastAnalysis;
  const result = quickAnalysis(div) ?? fullAnalysis(div);
  lastDiv = div;
  lastAnalysis = result;
  return result;
}

/** The full check: fast-xml-parser validates and parses, then the tree is walked. */
export function fullAnalysis(div: string): Analysis {
  return new Walker(div).run();
}

const CLEAN: Analysis = Object.freeze({ problems: NONE, htmlOk: true, hasContent: true });
// characters XML does not allow (or this scan does not judge): their narratives take the full check
const UNUSUAL_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\]\]>/;
const QUICK_MAX_DEPTH = 100;

/**
 * The usual narrative, checked in one scan of the text with no tree built (fast-xml-parser's
 * validate and parse are most of the time of the full check): a single <div> in the XHTML
 * namespace holding lowercase allowed elements with quoted allowed attributes, text with
 * predefined or numeric references only, and no comment, CDATA, processing instruction,
 * prefix or DTD. CLEAN when such a narrative has nothing to report and some content; undefined
 * for anything else (anything unusual, any problem), which the full check then judges and
 * words. So the scan only ever answers "nothing to report", and only where the full check
 * would say so too (xhtml.test.ts compares the two on real narratives and mutations of them).
 */
export function quickAnalysis(div: string): Analysis | undefined {
  if (UNUSUAL_RE.test(div)) return undefined;
  const n = div.length;
  let i = 0;
  const ws = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9;
  while (i < n && ws(div.charCodeAt(i))) i++;
  const open: string[] = [];
  let hasContent = false;
  for (;;) {
    if (i >= n) return undefined; // the root is not closed
    if (div.charCodeAt(i) !== 60 /* < */) {
      // text, only inside the root
      if (open.length === 0) return undefined;
      const lt = div.indexOf('<', i);
      if (lt < 0) return undefined;
      const text = quickDecode(div.slice(i, lt));
      if (text === undefined) return undefined;
      if (!hasContent && NON_WHITESPACE_RE.test(text)) hasContent = true;
      i = lt;
      continue;
    }
    const c1 = div.charCodeAt(i + 1);
    if (c1 === 47 /* / */) {
      // </name> exactly, closing the innermost open element
      const name = open.pop();
      if (name === undefined || !div.startsWith(name, i + 2) || div.charCodeAt(i + 2 + name.length) !== 62) return undefined;
      i += name.length + 3;
      if (open.length === 0) {
        // the root is closed: only whitespace may follow
        while (i < n && ws(div.charCodeAt(i))) i++;
        return i === n && hasContent ? CLEAN : undefined;
      }
      continue;
    }
    if (c1 < 97 || c1 > 122) return undefined; // not a lowercase element name (<!, <?, <h:div, <P…)
    let e = i + 2;
    for (let c = div.charCodeAt(e); (c >= 97 && c <= 122) || (c >= 48 && c <= 57); c = div.charCodeAt(++e));
    const name = div.slice(i + 1, e);
    const root = open.length === 0;
    if (root ? name !== 'div' : !ALLOWED_ELEMENTS.has(name)) return undefined;
    if (name === 'img') hasContent = true;
    let xmlns = false;
    const seen: string[] = [];
    // attributes: whitespace, name="value" or name='value'; then > or />
    for (;;) {
      const c = div.charCodeAt(e);
      if (c === 62 /* > */) {
        e++;
        if (open.length >= QUICK_MAX_DEPTH) return undefined;
        open.push(name);
        break;
      }
      if (c === 47 /* / */) {
        if (div.charCodeAt(e + 1) !== 62 || root) return undefined;
        e += 2;
        break;
      }
      if (!ws(c)) return undefined;
      while (ws(div.charCodeAt(e))) e++;
      const a = div.charCodeAt(e);
      if (a === 62 || a === 47) continue;
      const start = e;
      for (let d = div.charCodeAt(e); (d >= 97 && d <= 122) || d === 58 /* : */; d = div.charCodeAt(++e));
      if (e === start) return undefined;
      const attr = div.slice(start, e);
      const quote = div.charCodeAt(e + 1);
      if (div.charCodeAt(e) !== 61 /* = */ || (quote !== 34 && quote !== 39)) return undefined;
      const close = div.indexOf(quote === 34 ? '"' : "'", e + 2);
      if (close < 0) return undefined;
      const raw = div.slice(e + 2, close);
      e = close + 1;
      if (raw.includes('<') || seen.includes(attr)) return undefined;
      seen.push(attr);
      if (attr === 'xmlns') {
        // the XHTML namespace, on the root (where it is required) or again below it
        if (raw !== XHTML_NAMESPACE) return undefined;
        xmlns = true;
        continue;
      }
      if (!quickAttributeOk(name, attr, raw)) return undefined;
    }
    if (root && !xmlns) return undefined;
    i = e;
  }
}

/** Entity references decoded as the full check does; undefined for a bare & or a named entity other than the predefined five. */
function quickDecode(s: string): string | undefined {
  if (s.indexOf('&') < 0) return s;
  let bad = false;
  const out = s.replace(ENTITY_RE, (_whole, ref: string | undefined) => {
    if (ref === undefined) {
      bad = true;
      return '';
    }
    if (ref.charCodeAt(0) === 35 /* # */) {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    const predefined = PREDEFINED_ENTITIES[ref];
    if (predefined === undefined) bad = true;
    return predefined ?? '';
  });
  return bad ? undefined : out;
}

/** An attribute the full check would not report (Walker.checkAttributes, on a lowercase name). */
function quickAttributeOk(element: string, attr: string, raw: string): boolean {
  if (attr.startsWith('on') || (!GLOBAL_ATTRIBUTES.has(attr) && !ELEMENT_ATTRIBUTES.has(`${element}.${attr}`))) return false;
  const value = quickDecode(raw);
  if (value === undefined) return false;
  if (URL_ATTRIBUTES.has(attr)) {
    if (unsafeUrl(value, attr)) return false;
    if ((attr === 'href' || (attr === 'src' && element === 'img')) && unfollowableScheme(value, attr === 'src')) return false;
  } else if (attr === 'style' && UNSAFE_STYLE_RE.test(value)) return false;
  return true;
}

type XNode = Record<string, unknown>;

interface Scope {
  defaultNs: string | undefined;
  prefixes: ReadonlyMap<string, string>;
}

class Walker {
  private readonly found = new Map<string, { problem: XhtmlProblem; count: number }>();
  private hasContent = false;
  private lineStarts: number[] | undefined;

  constructor(private readonly div: string) {}

  run(): Analysis {
    const div = this.div;
    if (!NON_WHITESPACE_RE.test(div)) {
      this.add('xhtml-syntax', `the narrative div is empty: expected <div xmlns="${XHTML_NAMESPACE}">…</div> with some text`);
      return this.finish(false);
    }
    const dtd = DTD_RE.exec(div);
    if (dtd) {
      // never let a parser see a DTD: entity definitions are the classic XML bomb
      this.add(
        'xhtml-syntax',
        `the narrative contains ${dtd[0].toUpperCase()} (${this.where(dtd.index)}): DTDs and entity declarations are not allowed in FHIR narrative; remove them`,
      );
      return this.finish(heuristicContent(div));
    }
    // long texts and attribute values (data: images) are swapped out while the library works
    const shrunk = shrinkLongRuns(div);
    const forParser = shrunk?.text ?? div;
    const valid = lib().XMLValidator.validate(forParser, { allowBooleanAttributes: false });
    if (valid !== true) {
      const { line, col, msg } = valid.err;
      const where = shrunk ? this.where(shrunk.original(offsetOfLineColumn(forParser, line, col))) : `line ${line}, column ${col}`;
      this.add('xhtml-syntax', `the narrative is not well-formed XHTML (${where}): ${msg}`);
      return this.finish(heuristicContent(div));
    }
    if (shrunk?.problems.length) {
      const p = shrunk.problems[0]!;
      this.add('xhtml-syntax', `the narrative is not well-formed XHTML (${this.where(p.offset)}): ${p.message}`);
      return this.finish(heuristicContent(div));
    }
    let nodes: XNode[];
    try {
      nodes = parser().parse(forParser) as XNode[];
      if (shrunk) restoreLongRuns(nodes, shrunk, meta(), false);
    } catch (e) {
      const msg = (e as Error).message;
      this.add(
        'xhtml-syntax',
        /nested/i.test(msg)
          ? `the narrative nests elements more than ${MAX_DEPTH} deep: flatten the markup`
          : `the narrative is not well-formed XHTML: ${msg}`,
      );
      return this.finish(heuristicContent(div));
    }
    this.checkTopLevel(nodes);
    return this.finish(this.hasContent);
  }

  private finish(hasContent: boolean): Analysis {
    const problems: XhtmlProblem[] = [];
    for (const { problem, count } of this.found.values()) {
      problems.push(count > 1 ? { ...problem, message: `${problem.message} (and ${count - 1} more like it)` } : problem);
    }
    // a link nobody can follow is wrong, but not a txt-1 matter (elements and attributes)
    const htmlOk = !problems.some((p) => p.severity === 'error' && p.ruleId !== 'xhtml-link-scheme');
    // when the XML is broken, "empty" would only be a guess on top of the real problem
    if (!hasContent && !problems.some((p) => p.ruleId === 'xhtml-syntax')) {
      problems.push({
        severity: 'error',
        ruleId: 'xhtml-empty',
        message:
          'the narrative has no content (txt-2): the div must contain some non-whitespace text or an image; write a human-readable summary of the resource',
      });
    }
    return { problems: problems.length ? problems : NONE, htmlOk, hasContent };
  }

  private checkTopLevel(nodes: XNode[]): void {
    const roots: XNode[] = [];
    for (const node of nodes) {
      const name = nodeName(node);
      if (name === '#text') {
        if (NON_WHITESPACE_RE.test(String(textOf(node)))) {
          this.add('xhtml-syntax', `the narrative has text outside the root <div> (${this.at(node)}): put all content inside the div`);
        }
      } else if (name === '#comment') {
        // harmless
      } else if (name === '#cdata') {
        this.add('xhtml-syntax', `the narrative has a CDATA section outside the root <div> (${this.at(node)}): put all content inside the div`);
      } else if (name.startsWith('?')) {
        if (name !== '?xml') this.processingInstruction(node, name);
      } else {
        roots.push(node);
      }
    }
    if (roots.length === 0) {
      this.add('xhtml-syntax', `the narrative has no root element: expected <div xmlns="${XHTML_NAMESPACE}">…</div>`);
      return;
    }
    if (roots.length > 1) {
      this.add(
        'xhtml-syntax',
        `the narrative has ${roots.length} top-level elements (second at ${this.at(roots[1]!)}): it must be a single <div> with everything inside it`,
      );
    }
    const root = roots[0]!;
    const name = nodeName(root);
    const attrs = attributesOf(root);
    const scope = this.scopeFor(attrs, { defaultNs: undefined, prefixes: new Map([['xml', XML_NAMESPACE]]) });
    const { prefix, local } = splitName(name);
    const ns = prefix ? scope.prefixes.get(prefix) : scope.defaultNs;
    if (local !== 'div') {
      this.add('xhtml-element', `the narrative root is <${name}> (${this.at(root)}): it must be a <div xmlns="${XHTML_NAMESPACE}">; wrap the content in a div`);
    } else if (ns === undefined && !prefix) {
      this.add(
        'xhtml-namespace',
        `the narrative <div> has no XHTML namespace (${this.at(root)}): add xmlns="${XHTML_NAMESPACE}" to the div`,
      );
    } else if (ns !== XHTML_NAMESPACE) {
      this.add(
        'xhtml-namespace',
        `the narrative <${name}> is in namespace ${ns ?? `(undeclared prefix ${prefix})`}, not XHTML (${this.at(root)}): use <div xmlns="${XHTML_NAMESPACE}">`,
      );
    }
    // keep walking even with a bad root namespace, as if it were right: reporting every child
    // again for the root's mistake would bury the other problems
    this.walkElement(root, name, attrs, prefix ? scope : { ...scope, defaultNs: XHTML_NAMESPACE }, 0, true);
  }

  private walkElement(node: XNode, name: string, attrs: Record<string, string>, scope: Scope, depth: number, isRoot: boolean): void {
    const { prefix, local } = splitName(name);
    const ns = prefix ? scope.prefixes.get(prefix) : scope.defaultNs;
    if (!isRoot) this.checkElementName(node, name, prefix, local, ns);
    if (local === 'img' && ns === XHTML_NAMESPACE) this.hasContent = true;
    this.checkAttributes(node, local, attrs);

    if (depth >= MAX_DEPTH) return;
    const children = node[name];
    if (!Array.isArray(children)) return;
    for (const child of children as XNode[]) {
      const childName = nodeName(child);
      if (childName === '#text' || childName === '#cdata') {
        const text = childName === '#cdata' ? cdataText(child) : this.decodeText(child, String(textOf(child)));
        if (!this.hasContent && NON_WHITESPACE_RE.test(text)) this.hasContent = true;
      } else if (childName === '#comment') {
        // comments are not displayed and cannot run anything
      } else if (childName.startsWith('?')) {
        this.processingInstruction(child, childName);
      } else {
        const childAttrs = attributesOf(child);
        this.walkElement(child, childName, childAttrs, this.scopeFor(childAttrs, scope), depth + 1, false);
      }
    }
  }

  private checkElementName(node: XNode, name: string, prefix: string | undefined, local: string, ns: string | undefined): void {
    if (ns !== XHTML_NAMESPACE) {
      // an HTML name in the wrong namespace is a namespace slip; anything else is a foreign element (svg, math…)
      this.add(
        ALLOWED_ELEMENTS.has(local) ? 'xhtml-namespace' : 'xhtml-element',
        `element <${name}> (${this.at(node)}) is ${ns !== undefined ? `in namespace ${ns}` : prefix !== undefined ? `using an undeclared prefix '${prefix}'` : 'in no namespace'}: FHIR narrative may only contain elements in the XHTML namespace ${XHTML_NAMESPACE}`,
      );
      return;
    }
    const unsafe = UNSAFE_ELEMENTS[local.toLowerCase()];
    if (unsafe !== undefined) {
      this.add('xhtml-script', `<${name}> (${this.at(node)}): ${unsafe}`);
      return;
    }
    if (ALLOWED_ELEMENTS.has(local)) return;
    if (ALLOWED_ELEMENTS.has(local.toLowerCase())) {
      this.add('xhtml-element', `element <${name}> (${this.at(node)}) is not allowed: XHTML element names are lowercase; write <${local.toLowerCase()}>`);
      return;
    }
    this.add(
      'xhtml-element',
      `element <${name}> (${this.at(node)}) is not allowed in FHIR narrative (txt-1): only basic HTML formatting elements are allowed (p, div, span, b, i, table, ul, a, img, …)`,
    );
  }

  private checkAttributes(node: XNode, element: string, attrs: Record<string, string>): void {
    for (const attr of Object.keys(attrs)) {
      if (attr === 'xmlns' || attr.startsWith('xmlns:')) continue; // checked in scopeFor
      const rawValue = attrs[attr]!;
      const value = this.decodeText(node, rawValue);
      const lower = attr.toLowerCase();
      if (lower.startsWith('on')) {
        this.add(
          'xhtml-script',
          `attribute ${attr} on <${element}> (${this.at(node)}) is an event handler: scripts are not allowed in FHIR narrative; narratives must be safe to display`,
        );
        continue;
      }
      if (!GLOBAL_ATTRIBUTES.has(attr) && !ELEMENT_ATTRIBUTES.has(`${element}.${attr}`)) {
        this.add(
          'xhtml-attribute',
          `attribute ${attr} is not allowed on <${element}> in FHIR narrative (txt-1) (${this.at(node)}): remove it${ELEMENT_ATTRIBUTES.has(`a.${attr}`) || ELEMENT_ATTRIBUTES.has(`img.${attr}`) ? ` (${attr} is only allowed on ${ELEMENT_ATTRIBUTES.has(`a.${attr}`) ? '<a>' : '<img>'})` : ''}`,
        );
        // an unsafe URL is worse than a misplaced one: fall through to the URL check
      }
      if (URL_ATTRIBUTES.has(lower)) {
        const why = unsafeUrl(value, lower);
        if (why) {
          this.add(
            'xhtml-script',
            `${attr} on <${element}> (${this.at(node)}) is ${why}: links and images in FHIR narrative must not run code; use an http(s) URL or a #reference`,
          );
        } else if (lower === 'href' || (lower === 'src' && element === 'img')) {
          const scheme = unfollowableScheme(value, lower === 'src');
          if (scheme) {
            this.add(
              'xhtml-link-scheme',
              `${attr} on <${element}> (${this.at(node)}) uses the scheme '${scheme}:', which ${lower === 'src' ? 'a reader cannot load an image from' : 'is not a hyperlink a reader can follow (an identifier such as a urn: names something, it does not locate it)'}: use an http(s) URL, ${lower === 'src' ? 'a data: URL' : 'mailto:, tel:'} or a #reference, or put the identifier in the text`,
            );
          }
        }
      } else if (lower === 'style' && UNSAFE_STYLE_RE.test(value)) {
        this.add(
          'xhtml-script',
          `the style attribute on <${element}> (${this.at(node)}) contains script (${UNSAFE_STYLE_RE.exec(value)![0]}): narratives must be safe to display; use plain CSS properties only`,
        );
      }
    }
  }

  /** Applies the element's xmlns declarations; the element checks then judge the namespace. */
  private scopeFor(attrs: Record<string, string>, parent: Scope): Scope {
    let scope = parent;
    for (const attr of Object.keys(attrs)) {
      if (attr === 'xmlns') {
        scope = { ...scope, defaultNs: attrs[attr]! };
      } else if (attr.startsWith('xmlns:')) {
        const prefixes = new Map(scope.prefixes);
        prefixes.set(attr.slice(6), attrs[attr]!);
        scope = { ...scope, prefixes };
      }
    }
    return scope;
  }

  private processingInstruction(node: XNode, name: string): void {
    this.add('xhtml-syntax', `processing instruction <${name}…?> (${this.at(node)}) is not allowed in FHIR narrative: remove it`);
  }

  /** Decodes character and predefined entity references; reports any other named entity. */
  private decodeText(node: XNode, s: string): string {
    if (s.indexOf('&') < 0) return s;
    return s.replace(ENTITY_RE, (whole, ref: string | undefined) => {
      if (ref === undefined) {
        this.add('xhtml-syntax', `a bare '&' (${this.at(node)}) is not allowed in XML: write it as &amp; (e.g. href="page?a=1&amp;b=2")`);
        return '&';
      }
      if (ref.charCodeAt(0) === 35 /* # */) {
        const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
      }
      const predefined = PREDEFINED_ENTITIES[ref];
      if (predefined !== undefined) return predefined;
      const offset = this.div.indexOf(whole);
      this.add(
        'xhtml-syntax',
        `entity ${whole} (${offset >= 0 ? this.where(offset) : this.at(node)}) is not defined: FHIR narrative is XML, not HTML, so only &amp; &lt; &gt; &quot; &apos; and numeric references work; write the character itself or a numeric reference (e.g. &#160; for &nbsp;)`,
      );
      return ' ';
    });
  }

  private add(ruleId: RuleId, message: string): void {
    // the same mistake is often repeated in every row of a table: report it once, with a count
    const key = `${ruleId}\u0000${message.replace(/\(line \d+, column \d+\)/, '')}`;
    const seen = this.found.get(key);
    if (seen) seen.count++;
    else this.found.set(key, { problem: { severity: 'error', ruleId, message }, count: 1 });
  }

  private at(node: XNode): string {
    const m = (node as Record<symbol, { startIndex?: number } | undefined>)[meta()];
    return m?.startIndex !== undefined ? this.where(m.startIndex) : 'position unknown';
  }

  private where(offset: number): string {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = 0; i < this.div.length; i++) if (this.div.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return `line ${lo + 1}, column ${offset - starts[lo]! + 1}`;
  }
}

function nodeName(node: XNode): string {
  for (const key of Object.keys(node)) if (key !== ':@') return key;
  return '';
}

function textOf(node: XNode): unknown {
  return node['#text'] ?? '';
}

function cdataText(node: XNode): string {
  const inner = node['#cdata'];
  if (Array.isArray(inner)) return inner.map((n: XNode) => String(textOf(n))).join('');
  return '';
}

function attributesOf(node: XNode): Record<string, string> {
  const attrs = node[':@'];
  return attrs && typeof attrs === 'object' ? (attrs as Record<string, string>) : {};
}

function splitName(name: string): { prefix: string | undefined; local: string } {
  const colon = name.indexOf(':');
  return colon < 0 ? { prefix: undefined, local: name } : { prefix: name.slice(0, colon), local: name.slice(colon + 1) };
}

function unsafeUrl(value: string, attr: string): string | undefined {
  const url = value.replace(URL_NOISE_RE, '').toLowerCase();
  if (url.startsWith('javascript:')) return 'a javascript: URL';
  if (url.startsWith('vbscript:')) return 'a vbscript: URL';
  if (url.startsWith('data:')) {
    if (UNSAFE_DATA_TYPES.test(url)) return 'a data: URL holding a document or script';
    // an SVG opened as a page (a link) can run script; shown as an <img> it cannot
    if (attr === 'href' && url.startsWith('data:image/svg')) return 'a data: URL holding an SVG document';
  }
  return undefined;
}

/** Schemes a reader can follow from a narrative link (others, such as urn: or oid identifiers, locate nothing). */
const LINK_SCHEMES = new Set(['http', 'https', 'ftp', 'ftps', 'sftp', 'mailto', 'tel', 'sms', 'news', 'data']);
/** Schemes an image can be loaded from (narrative.html: images by URL, or inline as data:). */
const IMAGE_SCHEMES = new Set(['http', 'https', 'data']);
const SCHEME_RE = /^([a-z][a-z0-9+.-]*):/;

/**
 * The scheme of a link or image URL a reader cannot follow or load, or undefined. Relative
 * URLs and #fragments (a contained resource, another part of the narrative) always can.
 */
function unfollowableScheme(value: string, image: boolean): string | undefined {
  const m = SCHEME_RE.exec(value.replace(URL_NOISE_RE, '').toLowerCase());
  if (!m) return undefined;
  return (image ? IMAGE_SCHEMES : LINK_SCHEMES).has(m[1]!) ? undefined : m[1];
}

/** Used only when the XML cannot be parsed, so txt-2 still gets a sensible answer. */
function heuristicContent(div: string): boolean {
  return /<img[\s/>]/i.test(div) || NON_WHITESPACE_RE.test(div.replace(/<[^>]*>/g, ''));
}

/** A narrative's language sections: the languages of the root's child divs that carry lang or xml:lang. */
export interface LanguageSections {
  /** Each section's language, in document order (xml:lang when both are given). */
  languages: string[];
  /** Whether the root holds text or elements outside any language section. */
  otherContent: boolean;
}

/**
 * The language sections of a narrative div (extensions pack, "Controlling the presence of Language
 * Sections": the root elements of the div are divs with a language attribute); undefined when the
 * div does not parse (its syntax is reported by the narrative checks).
 */
export function narrativeLanguageSections(div: string): LanguageSections | undefined {
  if (DTD_RE.test(div)) return undefined;
  let nodes: XNode[];
  try {
    if (lib().XMLValidator.validate(div, { allowBooleanAttributes: false }) !== true) return undefined;
    nodes = parser().parse(div) as XNode[];
  } catch {
    return undefined;
  }
  const root = nodes.find((n) => {
    const name = nodeName(n);
    return name !== '#text' && name !== '#comment' && !name.startsWith('?');
  });
  if (!root) return undefined;
  const languages: string[] = [];
  let otherContent = false;
  const children = root[nodeName(root)];
  for (const child of Array.isArray(children) ? (children as XNode[]) : []) {
    const name = nodeName(child);
    if (name === '#comment' || name.startsWith('?')) continue;
    if (name === '#text' || name === '#cdata') {
      if (NON_WHITESPACE_RE.test(name === '#cdata' ? cdataText(child) : String(textOf(child)))) otherContent = true;
      continue;
    }
    const attrs = attributesOf(child);
    const lang = attrs['xml:lang'] ?? attrs.lang;
    if (splitName(name).local === 'div' && lang !== undefined) languages.push(lang);
    else otherContent = true;
  }
  return { languages, otherContent };
}
