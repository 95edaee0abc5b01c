/**
 * FHIR XML → the same JSON model the rest of the engine uses, keeping positions.
 *
 * The conversion is driven by the StructureDefinitions (through compiled plans), never by
 * per-resource rules: an element becomes an array when its base max cardinality is not 1,
 * primitives take their `value` attribute (typed: booleans and numbers become JSON
 * booleans and numbers), `id` and extensions on primitives move to `_name`, xmlAttr
 * elements (Element.id, Extension.url) come from attributes, inline resources (contained,
 * Bundle.entry.resource) take their `resourceType` from the element name, and the xhtml
 * `div` is kept as a string. DTDs and entity declarations are refused before parsing.
 */
import { fastXml, type Fxp } from './fast-xml.js';
import type { ChildTable, PlanCompiler } from '../compile/compiler.js';
import type { ElementPlan, TypeRef } from '../compile/plan.js';
import type { ValidationIssue } from '../model/issue.js';
import { LocationIndex, lineColumnOf } from './locations.js';
import { firstElementDeeperThan, offsetOfLineColumn, restoreLongRuns, shrinkLongRuns } from './xml-guard.js';
import type { RuleId } from '../model/rules.js';

const lib = fastXml;

export const FHIR_NS = 'http://hl7.org/fhir';
export const XHTML_NS = 'http://www.w3.org/1999/xhtml';

export interface XmlParseResult {
  value: Record<string, unknown> | undefined;
  locations: LocationIndex;
  issues: ValidationIssue[];
}

type XNode = Record<string, unknown>;

/** The parser's metadata key on each node (read only after a parse: the library is loaded then). */
let metaKey: symbol | undefined;
const meta = (): symbol => (metaKey ??= lib().XMLParser.getMetaDataSymbol() as unknown as symbol);

const MAX_DEPTH = 500;

/**
 * JavaScript's special property names are legal XML names. fast-xml-parser refuses a whole
 * document that uses __proto__, constructor or prototype, and renames toString and the like,
 * so they are marked on the way in and read back as written: a supplier then sees "unknown
 * element constructor" at its line, and no input can reach an object's prototype.
 */
const RESERVED_NAMES = new Set([
  '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf',
  '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
]);
const RESERVED_MARK = '#reserved-';

// the library may pass a name through twice: marking must be idempotent
function escapeReserved(name: string): string {
  if (name.startsWith(RESERVED_MARK)) return name;
  return RESERVED_NAMES.has(name.slice(name.indexOf(':') + 1)) ? RESERVED_MARK + name : name;
}

function unescapeName(name: string): string {
  return name.startsWith(RESERVED_MARK) ? name.slice(RESERVED_MARK.length) : name;
}

/** obj[key] as an own property only, so that "constructor" is not Object and "__proto__" not the prototype. */
function ownValue(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

let parserMade: InstanceType<Fxp['XMLParser']> | undefined;
const parser = (): InstanceType<Fxp['XMLParser']> =>
  (parserMade ??= new (lib().XMLParser)({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    captureMetaData: true,
    processEntities: true,
    // decodes character references (&#39; &#x27;) as well; other HTML named entities never get
    // here because they are refused before parsing (XML defines only the five predefined ones)
    htmlEntities: true,
    trimValues: false,
    parseTagValue: false,
    parseAttributeValue: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    commentPropName: '#comment',
    transformTagName: escapeReserved,
    transformAttributeName: escapeReserved,
    // the library's default (100) refuses deep but sound resources (nested Questionnaire items)
    maxNestedTags: MAX_DEPTH,
    // no callbacks use the element path: building its string for every value costs seconds on big files
    jPath: false,
  }));

/** Resource types whose XML is converted with a structural guess when no plan is known. */
export interface XmlConvertOptions {
  /** Name the file in messages. */
  file?: string;
}

export function parseFhirXml(text: string, compiler: PlanCompiler): XmlParseResult {
  const locations = new LocationIndex(text);
  const issues: ValidationIssue[] = [];
  const fatal = (message: string, offset: number, ruleId: RuleId = 'xml-syntax'): XmlParseResult => {
    const lc = lineColumnOf(text, offset);
    issues.push({ severity: 'fatal', code: 'structure', message, line: lc.line, column: lc.column, ruleId });
    return { value: undefined, locations, issues };
  };

  // Refuse DTDs outright: they are the door to entity expansion bombs and external entities,
  // and FHIR XML never needs them.
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype) {
    return fatal(
      'XML with a DOCTYPE declaration is not accepted: FHIR XML must not use DTDs or entity declarations (they can read local files or expand without bound). Remove the <!DOCTYPE ...> block.',
      doctype.index,
      'xml-dtd',
    );
  }
  if (/<!ENTITY/i.test(text)) {
    return fatal('XML entity declarations are not accepted in FHIR XML.', text.search(/<!ENTITY/i), 'xml-dtd');
  }
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (text.slice(start).trim() === '') return fatal('The file is empty: expected a FHIR XML resource', 0);

  // XML knows only five named entities; HTML ones (&nbsp;) make the document not well-formed
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)([A-Za-z][A-Za-z0-9]*);/.exec(text);
  if (entity) {
    return fatal(
      `Invalid XML: the entity &${entity[1]}; is not defined (XML has only &amp; &lt; &gt; &quot; &apos;): use a character reference such as &#160; instead`,
      entity.index,
      'xml-entity',
    );
  }
  // XML 1.0 allows no control characters but tab, CR and LF, anywhere (the library lets some through)
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.exec(text);
  if (control) {
    const hex = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return fatal(`Invalid XML: the character U+${hex} is not allowed anywhere in XML (not even as &#x${hex};): remove it`, control.index);
  }
  // a character reference must name a character XML allows (its Char production), and a string
  // given to the parser directly may hold a lone surrogate half: both as fatal as in JSON
  const badChar = forbiddenCharacter(text);
  if (badChar) return fatal(badChar.message, badChar.index);
  // long values are swapped out while the library works (see xml-guard.ts)
  const shrunk = shrinkLongRuns(text);
  const forParser = shrunk?.text ?? text;
  const check = lib().XMLValidator.validate(forParser, { allowBooleanAttributes: false });
  if (check !== true) {
    const { line, col, msg, code } = check.err;
    let offset = offsetOfLineColumn(forParser, line, col);
    // the library gives no column when the document has no element at all ("Start tag
    // expected"): the element was expected where the text ends
    if (!Number.isFinite(offset)) offset = forParser.length;
    if (shrunk) offset = shrunk.original(offset);
    // the library lists unclosed elements as a JSON array: say what happened instead
    const unclosed = code === 'InvalidXml' && /^Invalid '\[/.test(msg) ? [...msg.matchAll(/"([^"]+)"/g)].map((m) => `<${m[1]}>`) : undefined;
    if (unclosed) {
      return fatal(
        `Invalid XML: the file ends before ${unclosed.length === 1 ? `the element ${unclosed[0]} is` : `the elements ${unclosed.join(', ')} are`} closed (is the file truncated?)`,
        text.length,
      );
    }
    return fatal(`Invalid XML: ${readable(msg)}`, offset);
  }
  if (shrunk?.problems.length) {
    const p = shrunk.problems[0]!;
    return fatal(`Invalid XML: ${p.message}`, p.offset);
  }

  let doc: XNode[];
  try {
    doc = parser().parse(forParser) as XNode[];
  } catch (e) {
    const msg = (e as Error).message;
    if (/nested/i.test(msg)) {
      const at = firstElementDeeperThan(text, MAX_DEPTH);
      return fatal(`XML is nested more than ${MAX_DEPTH} levels deep: no FHIR resource needs that; flatten the content`, at ?? 0, 'xml-depth');
    }
    return fatal(`Invalid XML: ${readable(msg)}`, 0);
  }
  if (shrunk) restoreLongRuns(doc, shrunk, meta(), true);
  const rootNode = doc.find((n) => elementName(n) !== undefined);
  if (!rootNode) return fatal('No root element found: expected a FHIR resource element', 0);

  const conv = new Converter(text, compiler, locations, issues);
  const value = conv.resourceFromElement(rootNode, new Map(), 0);
  return { value, locations, issues };
}

/** Control characters in a library message, written so they can be seen. */
function readable(msg: string): string {
  return msg.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const orderCache = new WeakMap<ChildTable, Map<ElementPlan, number>>();

function orderOf(table: ChildTable): Map<ElementPlan, number> {
  let m = orderCache.get(table);
  if (!m) {
    m = new Map();
    table.elements.forEach((e, i) => m!.set(e, i));
    orderCache.set(table, m);
  }
  return m;
}

function elementName(n: XNode): string | undefined {
  for (const k of Object.keys(n)) {
    if (k !== ':@' && k !== '#text' && k !== '#comment') return k;
  }
  return undefined;
}

function attrsOf(n: XNode): Record<string, string> {
  const attrs = n[':@'] as Record<string, string> | undefined;
  if (!attrs) return {};
  let out: Record<string, string> | undefined;
  for (const k of Object.keys(attrs)) {
    if (!k.startsWith(RESERVED_MARK)) continue;
    out ??= Object.assign(Object.create(null) as Record<string, string>, attrs);
    delete out[k];
    Object.defineProperty(out, unescapeName(k), { value: attrs[k], enumerable: true, writable: true, configurable: true });
  }
  return out ?? attrs;
}

function childrenOf(n: XNode, name: string): XNode[] {
  const c = n[name];
  return Array.isArray(c) ? (c as XNode[]) : [];
}

function offsetOf(n: XNode): number {
  const m = (n as Record<symbol, { startIndex?: number } | undefined>)[meta()];
  return m?.startIndex ?? 0;
}

function endOf(n: XNode): number | undefined {
  const m = (n as Record<symbol, { endIndex?: number } | undefined>)[meta()];
  return m?.endIndex;
}

type Scope = Map<string, string>;

function withScope(scope: Scope, attrs: Record<string, string>): Scope {
  let next: Scope | undefined;
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      next ??= new Map(scope);
      next.set(k === 'xmlns' ? '' : k.slice(6), v);
    }
  }
  return next ?? scope;
}

function splitQName(escaped: string, scope: Scope): { local: string; ns: string | undefined } {
  const qname = unescapeName(escaped);
  const colon = qname.indexOf(':');
  if (colon < 0) return { local: qname, ns: scope.get('') };
  return { local: qname.slice(colon + 1), ns: scope.get(qname.slice(0, colon)) };
}

const NUMERIC_TYPES = new Set(['decimal', 'integer', 'positiveInt', 'unsignedInt', 'integer64']);

class Converter {
  constructor(
    private readonly text: string,
    private readonly compiler: PlanCompiler,
    private readonly locations: LocationIndex,
    private readonly issues: ValidationIssue[],
  ) {}

  private issue(severity: ValidationIssue['severity'], message: string, offset: number, ruleId: RuleId, expression?: string): void {
    const lc = this.locations.lineColumn(offset);
    this.issues.push({ severity, code: 'structure', message, line: lc.line, column: lc.column, ruleId, expression });
  }

  /** Convert an element that *is* a resource (root, or the child of contained/entry.resource). */
  resourceFromElement(node: XNode, outer: Scope, depth: number, path?: string): Record<string, unknown> | undefined {
    const qname = elementName(node)!;
    const attrs = attrsOf(node);
    const scope = withScope(outer, attrs);
    const { local, ns } = splitQName(qname, scope);
    const offset = offsetOf(node);
    const here = path ?? local;
    if (ns !== FHIR_NS) {
      this.issue(
        'fatal',
        ns
          ? `Wrong namespace "${ns}" on <${unescapeName(qname)}>: FHIR XML elements must be in the namespace ${FHIR_NS}`
          : `<${unescapeName(qname)}> has no namespace: FHIR XML elements must be in the namespace ${FHIR_NS} (add xmlns="${FHIR_NS}")`,
        offset,
        'xml-namespace',
        here,
      );
      if (path === undefined) return undefined;
    }
    const obj: Record<string, unknown> = { resourceType: local };
    this.locations.setMember(obj, 'resourceType', offset);
    if (path === undefined) this.locations.rootOffset = offset;
    const plan = this.compiler.typePlan(local);
    if (!plan || plan.kind !== 'resource') {
      // the validator reports the unknown type (with a suggestion) at this element: saying it here too doubled it
      // keep the content so that other checks can still say something about it
      this.fillGeneric(obj, node, qname, scope, depth + 1, here);
      return obj;
    }
    this.checkAttributes(attrs, [], offset, here);
    this.fill(obj, node, qname, this.compiler.children(plan.root), scope, depth + 1, here);
    return obj;
  }

  private checkAttributes(attrs: Record<string, string>, allowed: string[], offset: number, path: string): void {
    for (const k of Object.keys(attrs)) {
      if (k === 'xmlns' || k.startsWith('xmlns:') || k.startsWith('xsi:') || k.startsWith('xml:')) continue;
      if (allowed.includes(k)) continue;
      this.issue('error', `Unknown XML attribute "${k}" on ${path}`, offset, 'xml-unknown-attribute', path);
    }
  }

  /** Fill `obj` from the child elements of `node` using the allowed-children table. */
  private fill(
    obj: Record<string, unknown>,
    node: XNode,
    qname: string,
    table: ChildTable,
    scope: Scope,
    depth: number,
    path: string,
  ): void {
    if (depth > MAX_DEPTH) {
      this.issue('fatal', `XML is nested more than ${MAX_DEPTH} levels deep`, offsetOf(node), 'xml-depth', path);
      return;
    }
    const arrays = new Map<string, number>();
    // FHIR XML elements must follow the definition's order
    let lastIndex = -1;
    let lastName = '';
    const order = orderOf(table);
    for (const child of childrenOf(node, qname)) {
      const cname = elementName(child);
      if (cname === undefined) {
        const t = child['#text'];
        if (typeof t === 'string' && t.trim() !== '') {
          this.issue(
            'error',
            `Text "${t.trim().slice(0, 40)}" is not allowed directly inside ${path}: FHIR XML carries values in value="..." attributes`,
            offsetOf(node),
            'xml-text',
            path,
          );
        }
        continue;
      }
      const cattrs = attrsOf(child);
      const cscope = withScope(scope, cattrs);
      const { local, ns } = splitQName(cname, cscope);
      const coffset = offsetOf(child);
      const cpath = `${path}.${local}`;
      const slot = table.get(local);
      const isXhtml = slot !== undefined && (slot.type ?? slot.el.types[0])?.code === 'xhtml';
      if (ns !== FHIR_NS && !isXhtml) {
        this.issue(
          'error',
          `Element <${unescapeName(cname)}> in ${path} is in namespace "${ns ?? '(none)'}": FHIR XML elements must be in ${FHIR_NS}`,
          coffset,
          'xml-namespace',
          cpath,
        );
        continue;
      }
      if (!slot) {
        // unknown element: keep it (generically) so that the validator reports it at its position
        const v: Record<string, unknown> = {};
        this.fillGeneric(v, child, cname, cscope, depth + 1, cpath);
        if ('value' in cattrs) v.value = cattrs.value;
        this.put(obj, local, v, coffset, arrays, true);
        continue;
      }
      const el = slot.el;
      const idx = order.get(el) ?? -1;
      if (idx < lastIndex) {
        this.issue('error', `Element <${local}> is out of order in ${path}: it must come before <${lastName}> (FHIR XML follows the definition's element order)`, coffset, 'xml-element-order', cpath);
      } else {
        lastIndex = idx;
        lastName = local;
      }
      const type = slot.type ?? (el.types.length === 1 ? el.types[0] : undefined);
      const code = type?.code ?? (el.contentReference ? 'BackboneElement' : 'Element');
      const multiple = el.isArray;
      if (el.xmlAttr) {
        // a primitive's value has no FHIRPath of its own: the problem is the primitive element's
        if (local === 'value' && code.startsWith('System.')) {
          this.issue('error', `The value of ${path} must be written as an attribute (value="…"), not as a <value> element`, coffset, 'xml-attribute-expected', path);
        } else {
          this.issue('error', `${local} must be written as an XML attribute, not as an element`, coffset, 'xml-attribute-expected', cpath);
        }
        continue;
      }
      if (code === 'xhtml') {
        this.putXhtml(obj, local, child, cname, cscope, coffset, cpath);
        continue;
      }
      if (code === 'Resource' || code === 'DomainResource' || this.isResourceType(code)) {
        const inner = childrenOf(child, cname).filter((n) => elementName(n) !== undefined);
        this.checkAttributes(cattrs, [], coffset, cpath);
        if (inner.length !== 1) {
          this.issue('error', `${cpath} must contain exactly one resource element (found ${inner.length})`, coffset, 'xml-resource-container', cpath);
          if (inner.length === 0) continue;
        }
        const r = this.resourceFromElement(inner[0]!, cscope, depth + 1, cpath);
        if (r) this.put(obj, local, r, coffset, arrays, multiple);
        continue;
      }
      if (this.compiler.isPrimitive(code)) {
        this.putPrimitive(obj, local, child, cname, cattrs, cscope, code, el, multiple, coffset, arrays, depth, cpath);
        continue;
      }
      // complex type or backbone element
      const v: Record<string, unknown> = {};
      const childTable = this.compiler.children(el, type);
      const allowedAttrs: string[] = [];
      for (const [n, s] of childTable.slots) if (s.el.xmlAttr) allowedAttrs.push(n);
      this.checkAttributes(cattrs, allowedAttrs, coffset, cpath);
      for (const a of allowedAttrs) {
        if (a in cattrs) {
          v[a] = cattrs[a];
          this.locations.setMember(v, a, coffset);
        }
      }
      this.fill(v, child, cname, childTable, cscope, depth + 1, cpath);
      this.put(obj, local, v, coffset, arrays, multiple);
    }
    // primitive arrays: pad `_name` arrays to the value arrays' length
    for (const [name] of arrays) {
      const under = obj['_' + name];
      const vals = obj[name];
      if (Array.isArray(under) && Array.isArray(vals)) {
        while (under.length < vals.length) under.push(null);
        if (under.every((u) => u === null)) delete obj['_' + name];
      }
    }
  }

  private isResourceType(code: string): boolean {
    const p = this.compiler.typePlan(code);
    return p !== undefined && p.kind === 'resource';
  }

  private put(
    obj: Record<string, unknown>,
    name: string,
    value: unknown,
    offset: number,
    arrays: Map<string, number>,
    multiple: boolean,
  ): void {
    if (multiple) {
      let arr = ownValue(obj, name) as unknown[] | undefined;
      if (!Array.isArray(arr)) {
        arr = [];
        setOwn(obj, name, arr);
        this.locations.setMember(obj, name, offset);
        arrays.set(name, 0);
      }
      this.locations.setMember(arr, arr.length, offset);
      arr.push(value);
    } else {
      if (name in obj) {
        this.issue('error', `Element "${name}" appears more than once but allows only one`, offset, 'cardinality-max-xml', name);
        return;
      }
      obj[name] = value;
      this.locations.setMember(obj, name, offset);
    }
  }

  private putPrimitive(
    obj: Record<string, unknown>,
    name: string,
    node: XNode,
    qname: string,
    attrs: Record<string, string>,
    scope: Scope,
    code: string,
    el: ElementPlan,
    multiple: boolean,
    offset: number,
    arrays: Map<string, number>,
    depth: number,
    path: string,
  ): void {
    this.checkAttributes(attrs, ['value', 'id'], offset, path);
    const raw = attrs.value;
    let value: unknown = null;
    if (raw !== undefined) value = this.typedPrimitive(raw, code);
    // id and extensions of the primitive go to `_name`
    let under: Record<string, unknown> | null = null;
    const hasChildren = childrenOf(node, qname).some((c) => elementName(c) !== undefined);
    if (attrs.id !== undefined || hasChildren) {
      under = {};
      if (attrs.id !== undefined) {
        under.id = attrs.id;
        this.locations.setMember(under, 'id', offset);
      }
      const ptable = this.compiler.children(el, { code, profiles: [], targetProfiles: [] });
      // only id/extension are valid under a primitive; a <value> child is reported by fill as
      // xml-attribute-expected (every primitive's value is an XML attribute) and never stored
      this.fill(under, node, qname, ptable, scope, depth + 1, path);
    }
    if (raw !== undefined && raw === '') {
      // value="" is an empty string; the validator reports empty values, keep it visible
      value = '';
    }
    if (multiple) {
      let arr = obj[name] as unknown[] | undefined;
      if (!Array.isArray(arr)) {
        arr = [];
        obj[name] = arr;
        this.locations.setMember(obj, name, offset);
        arrays.set(name, 0);
      }
      const i = arr.length;
      this.locations.setMember(arr, i, offset);
      arr.push(value);
      this.rememberRaw(arr, i, raw, value);
      if (under) {
        let uarr = obj['_' + name] as unknown[] | undefined;
        if (!Array.isArray(uarr)) {
          uarr = [];
          obj['_' + name] = uarr;
          this.locations.setMember(obj, '_' + name, offset);
        }
        while (uarr.length < i) uarr.push(null);
        this.locations.setMember(uarr, i, offset);
        uarr.push(under);
      }
    } else {
      if (name in obj || ('_' + name) in obj) {
        this.issue('error', `Element "${name}" appears more than once but allows only one`, offset, 'cardinality-max-xml', path);
        return;
      }
      if (raw !== undefined) {
        obj[name] = value;
        this.locations.setMember(obj, name, offset);
        this.rememberRaw(obj, name, raw, value);
      }
      if (under) {
        obj['_' + name] = under;
        this.locations.setMember(obj, '_' + name, offset);
      }
      if (raw === undefined && !under) {
        // <birthDate/>: an element with neither value nor children
        obj[name] = null;
        this.locations.setMember(obj, name, offset);
      }
    }
  }

  private rememberRaw(parent: object, key: string | number, raw: string | undefined, value: unknown): void {
    if (raw !== undefined && typeof value === 'number' && String(value) !== raw) {
      this.locations.setRawNumber(parent, key, raw);
    }
  }

  /** Booleans and numbers become JSON values when they are valid; otherwise the text is kept for the validator to report. */
  private typedPrimitive(raw: string, code: string): unknown {
    if (code === 'boolean') {
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      return raw;
    }
    if (NUMERIC_TYPES.has(code)) {
      if (/^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(raw)) return Number(raw);
      return raw;
    }
    return raw;
  }

  private putXhtml(
    obj: Record<string, unknown>,
    name: string,
    node: XNode,
    qname: string,
    scope: Scope,
    offset: number,
    path: string,
  ): void {
    const { ns } = splitQName(qname, scope);
    if (ns !== XHTML_NS) {
      this.issue('error', `The narrative <div> at ${path} must be in the XHTML namespace ${XHTML_NS}`, offset, 'xhtml-namespace', path);
    }
    const end = endOf(node);
    let xhtml = end !== undefined ? this.text.slice(offset, end) : '';
    if (!/\sxmlns\s*=/.test(xhtml.slice(0, xhtml.indexOf('>') + 1)) && ns === XHTML_NS) {
      // the namespace came from an ancestor: make the fragment self-describing, as JSON requires
      xhtml = xhtml.replace(/^<([A-Za-z_:][\w:.-]*)/, `<$1 xmlns="${XHTML_NS}"`);
    }
    obj[name] = xhtml;
    this.locations.setMember(obj, name, offset);
  }

  /** Best-effort conversion of content we have no definition for (unknown elements/resources). */
  private fillGeneric(obj: Record<string, unknown>, node: XNode, qname: string, scope: Scope, depth: number, path: string): void {
    if (depth > MAX_DEPTH) return;
    for (const child of childrenOf(node, qname)) {
      const cname = elementName(child);
      if (cname === undefined) continue;
      const cattrs = attrsOf(child);
      const cscope = withScope(scope, cattrs);
      const { local } = splitQName(cname, cscope);
      const coffset = offsetOf(child);
      const hasKids = childrenOf(child, cname).some((c) => elementName(c) !== undefined);
      let v: unknown;
      if (!hasKids && 'value' in cattrs) v = cattrs.value;
      else {
        const o: Record<string, unknown> = {};
        for (const [k, a] of Object.entries(cattrs)) if (!k.startsWith('xmlns')) o[k] = a;
        this.fillGeneric(o, child, cname, cscope, depth + 1, `${path}.${local}`);
        v = o;
      }
      const existing = ownValue(obj, local);
      if (existing === undefined) {
        setOwn(obj, local, v);
        this.locations.setMember(obj, local, coffset);
      } else if (Array.isArray(existing) && this.locations.offsetOf(existing, 0) !== undefined) {
        this.locations.setMember(existing, existing.length, coffset);
        existing.push(v);
      } else {
        const arr = [existing, v];
        this.locations.setMember(arr, 0, this.locations.offsetOf(obj, local) ?? coffset);
        this.locations.setMember(arr, 1, coffset);
        setOwn(obj, local, arr);
      }
    }
  }
}

export type { TypeRef };

/** XML 1.0's Char production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. */
function isXmlChar(code: number): boolean {
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
}

/** The first character reference (outside comments and CDATA) to a character XML forbids, or a lone surrogate. */
function forbiddenCharacter(text: string): { message: string; index: number } | undefined {
  const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.exec(text);
  const refs = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|&#(x[0-9A-Fa-f]+|[0-9]+);/g;
  for (let m = refs.exec(text); m && (!lone || m.index < lone.index); m = refs.exec(text)) {
    if (!m[1]) continue;
    const code = m[1][0] === 'x' ? parseInt(m[1].slice(1), 16) : parseInt(m[1], 10);
    if (!isXmlChar(code)) {
      const hex = Number.isFinite(code) && code <= 0x10ffff ? `U+${code.toString(16).toUpperCase().padStart(4, '0')}` : 'a code point beyond Unicode';
      return { message: `Invalid XML: the character reference ${m[0]} names ${hex}, which XML does not allow (only tab, line breaks and characters from U+0020 up, without surrogates, U+FFFE and U+FFFF): remove it`, index: m.index };
    }
  }
  if (lone) return { message: `Invalid XML: a lone UTF-16 surrogate (U+${lone[0].charCodeAt(0).toString(16).toUpperCase()}) is not a character: the text is not valid Unicode`, index: lone.index };
  return undefined;
}
