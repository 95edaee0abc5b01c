import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkNarrativeXhtml, fullAnalysis, htmlChecks, narrativeHasContent, quickAnalysis } from './xhtml.js';

const NS = 'xmlns="http://www.w3.org/1999/xhtml"';
const div = (inner: string, attrs = ''): string => `<div ${NS}${attrs}>${inner}</div>`;

const VALID: Array<[string, string]> = [
  ['simple paragraph', div('<p>Referral for <b>John Smith</b></p>')],
  ['text directly in div', div('Generated narrative')],
  ['only an image', div('<img src="#photo" alt="photo"/>')],
  ['table with attributes', div('<table border="1" cellpadding="2" cellspacing="0" summary="s"><thead><tr><th scope="col" colspan="2">H</th></tr></thead><tbody><tr><td rowspan="1" valign="top" nowrap="nowrap">x</td><td align="left">y</td></tr></tbody></table>')],
  ['lists and headings', div('<h1>T</h1><h6>t</h6><ul><li>a</li></ul><ol><li>b</li></ol><dl><dt>c</dt><dd>d</dd></dl>')],
  ['links', div('<a href="https://example.org/x?a=1&amp;b=2" name="n" title="t">x</a><a href="#p1">local</a>')],
  ['global attributes', div('<span class="c" style="color: red" id="s1" lang="en" xml:lang="en" dir="ltr" title="t">x</span>')],
  ['entities and references', div('a &amp; b &lt; c &gt; d &quot; &apos; &#160; &#xA9;')],
  ['CDATA text', div('<![CDATA[ 1 < 2 ]]>')],
  ['comments are ignored', div('<!-- generated -->text')],
  ['xml declaration before root', `<?xml version="1.0" encoding="UTF-8"?>${div('x')}`],
  ['whitespace around root', `\n  ${div('x')}\n`],
  ['multi-line', `<div ${NS}>\n  <p>line</p>\n  <pre xml:space="preserve">code</pre>\n</div>`],
  ['prefixed XHTML root', '<h:div xmlns:h="http://www.w3.org/1999/xhtml"><h:p>x</h:p></h:div>'],
  ['data image', div('<img src="data:image/png;base64,iVBORw0KGgo=" alt="x"/>')],
  ['other formatting elements', div('<em>a</em><i>b</i><strong>c</strong><small>d</small><big>e</big><tt>f</tt><dfn>g</dfn><q cite="https://x.org">h</q><var>i</var><abbr>j</abbr><acronym>k</acronym><cite>l</cite><blockquote cite="https://x.org">m</blockquote><hr/><address>n</address><bdo dir="rtl">o</bdo><kbd>p</kbd><sub>q</sub><sup>r</sup><code>s</code><samp>t</samp><br/>')],
  ['followable links: relative, fragment, mailto, tel, ftp', div('<a href="Patient/123">p</a><a href="#s1">s</a><a href="mailto:a@example.org">m</a><a href="tel:+441234">t</a><a href="ftp://example.org/f">f</a>')],
  ['images by https URL, data: or #reference', div('<img src="https://example.org/x.png"/><img src="#binary1"/><img src="photo.png"/>')],
  ['caption, colgroup, tfoot', div('<table><caption>c</caption><colgroup span="2"><col width="10"/></colgroup><tfoot><tr><td>f</td></tr></tfoot><tbody><tr><td>x</td></tr></tbody></table>')],
];

/** [label, div, ruleId, message fragment]. */
const INVALID: Array<[string, string, string, string]> = [
  // syntax
  ['malformed: unclosed element', `<div ${NS}>\n<p>unclosed</div>`, 'xhtml-syntax', 'not well-formed XHTML (line 2, column 12)'],
  ['malformed: not XML at all', 'just some text', 'xhtml-syntax', 'not well-formed XHTML'],
  ['malformed: duplicate attribute', div('<p class="a" class="b">x</p>'), 'xhtml-syntax', "Attribute 'class' is repeated"],
  ['malformed: HTML boolean attribute', div('<table><tr><td nowrap>x</td></tr></table>'), 'xhtml-syntax', 'not well-formed'],
  ['malformed: bare ampersand in text', div('fish & chips'), 'xhtml-syntax', 'not well-formed'],
  ['bare ampersand in attribute', div('<a href="x?a=1&b=2">x</a>'), 'xhtml-syntax', "a bare '&'"],
  ['HTML named entity', div('a&nbsp;b'), 'xhtml-syntax', 'entity &nbsp; (line 1, column 44) is not defined'],
  ['empty string', '', 'xhtml-syntax', 'the narrative div is empty'],
  ['DOCTYPE', `<!DOCTYPE div>${div('x')}`, 'xhtml-syntax', 'DTDs and entity declarations are not allowed'],
  ['ENTITY bomb', `<!DOCTYPE d [<!ENTITY a "aaaa">]><div ${NS}>&a;</div>`, 'xhtml-syntax', 'DTDs and entity declarations'],
  ['two roots (parser)', `${div('a')}<p>b</p>`, 'xhtml-syntax', 'Multiple possible root nodes'],
  ['two roots (self-closed second, which the parser lets through)', `${div('a')}<p/>`, 'xhtml-syntax', 'it must be a single <div>'],
  ['text after root', `${div('a')} trailing`, 'xhtml-syntax', 'not well-formed'],
  ['absurdly deep nesting', div(`${'<span>'.repeat(1200)}x${'</span>'.repeat(1200)}`), 'xhtml-syntax', 'more than 1000 deep'],
  ['processing instruction inside', div('<?php echo 1 ?>x'), 'xhtml-syntax', 'processing instruction'],
  // namespace
  ['missing xmlns', '<div><p>x</p></div>', 'xhtml-namespace', 'add xmlns="http://www.w3.org/1999/xhtml" to the div'],
  ['wrong root namespace', '<div xmlns="http://hl7.org/fhir">x</div>', 'xhtml-namespace', 'is in namespace http://hl7.org/fhir, not XHTML'],
  ['undeclared root prefix', '<h:div>x</h:div>', 'xhtml-namespace', 'undeclared prefix h'],
  ['child in other namespace', div('<p xmlns="http://example.org">x</p>'), 'xhtml-namespace', 'element <p> (line 1, column 43) is in namespace http://example.org'],
  ['unprefixed child under prefixed root', '<h:div xmlns:h="http://www.w3.org/1999/xhtml"><p>x</p></h:div>', 'xhtml-namespace', 'is in no namespace'],
  // elements
  ['root is not a div', `<p ${NS}>x</p>`, 'xhtml-element', 'the narrative root is <p>'],
  ['font', div('<font color="red">x</font>'), 'xhtml-element', 'element <font> (line 1, column 43) is not allowed in FHIR narrative (txt-1)'],
  ['uppercase element', div('<P>x</P>'), 'xhtml-element', 'XHTML element names are lowercase; write <p>'],
  ['body', div('<body>x</body>'), 'xhtml-element', 'element <body>'],
  ['u', div('<u>x</u>'), 'xhtml-element', 'element <u>'],
  ['svg', div('<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>x'), 'xhtml-element', 'is in namespace http://www.w3.org/2000/svg'],
  // unsafe elements
  ['script', div('x<script>alert(1)</script>'), 'xhtml-script', 'script elements are not allowed in FHIR narrative: narratives must be safe to display'],
  ['iframe', div('x<iframe src="https://evil.example"/>'), 'xhtml-script', 'frames are not allowed'],
  ['object', div('x<object data="x"/>'), 'xhtml-script', 'embedded objects are not allowed'],
  ['embed', div('x<embed src="x"/>'), 'xhtml-script', 'embedded content'],
  ['applet', div('x<applet code="x"/>'), 'xhtml-script', 'applets'],
  ['form', div('<form action="x">x</form>'), 'xhtml-script', 'forms are not allowed'],
  ['input', div('x<input type="text"/>'), 'xhtml-script', 'form controls'],
  ['style element', div('<style>p{}</style>x'), 'xhtml-script', 'use the style attribute'],
  ['base', div('<base href="https://evil.example/"/>x'), 'xhtml-script', 'base elements'],
  ['link', div('<link rel="stylesheet" href="x.css"/>x'), 'xhtml-script', 'external stylesheets'],
  ['meta', div('<meta http-equiv="refresh" content="0"/>x'), 'xhtml-script', 'meta elements'],
  ['uppercase script', div('x<SCRIPT>alert(1)</SCRIPT>'), 'xhtml-script', 'script elements are not allowed'],
  // attributes
  ['event handler', div('<p onclick="alert(1)">x</p>'), 'xhtml-script', 'attribute onclick on <p> (line 1, column 43) is an event handler'],
  ['mixed-case event handler', div('<img src="x.png" onError="alert(1)"/>'), 'xhtml-script', 'attribute onError on <img>'],
  ['javascript: href', div('<a href="javascript:alert(1)">x</a>'), 'xhtml-script', 'href on <a> (line 1, column 43) is a javascript: URL'],
  ['obfuscated javascript: href', div('<a href=" JaVa&#x09;Script:alert(1)">x</a>'), 'xhtml-script', 'is a javascript: URL'],
  ['entity-encoded javascript: href', div('<a href="&#106;avascript:alert(1)">x</a>'), 'xhtml-script', 'is a javascript: URL'],
  ['vbscript: href', div('<a href="vbscript:x">x</a>'), 'xhtml-script', 'vbscript: URL'],
  ['data:text/html href', div('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>'), 'xhtml-script', 'data: URL holding a document or script'],
  ['data:image/svg href', div('<a href="data:image/svg+xml,&lt;svg/&gt;">x</a>'), 'xhtml-script', 'data: URL holding an SVG document'],
  ['javascript: img src', div('<img src="javascript:alert(1)"/>'), 'xhtml-script', 'src on <img>'],
  ['script in style attribute', div('<p style="background: url(javascript:alert(1))">x</p>'), 'xhtml-script', 'contains script (javascript:)'],
  ['CSS expression', div('<p style="width: expression(alert(1))">x</p>'), 'xhtml-script', 'contains script'],
  // hyperlinks must be followable: an identifier scheme locates nothing
  ['urn: hyperlink', div('<a href="urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0">x</a>'), 'xhtml-link-scheme', "uses the scheme 'urn:', which is not a hyperlink a reader can follow"],
  ['urn:oid hyperlink on area', div('<map name="m"><area href="URN:oid:1.2.3" alt="a"/></map>x'), 'xhtml-link-scheme', "scheme 'urn:'"],
  ['other unfollowable scheme', div('<a href="cid:part1@example.org">x</a>'), 'xhtml-link-scheme', "scheme 'cid:'"],
  ['image from a non-loadable scheme', div('<img src="ftp://example.org/x.png"/>'), 'xhtml-link-scheme', 'which a reader cannot load an image from'],
  ['unknown attribute', div('<p data-x="1">x</p>'), 'xhtml-attribute', 'attribute data-x is not allowed on <p> in FHIR narrative (txt-1)'],
  ['href on span', div('<span href="https://x.org">x</span>'), 'xhtml-attribute', 'attribute href is not allowed on <span>'],
  ['src on p', div('<p src="x.png">x</p>'), 'xhtml-attribute', '(src is only allowed on <img>)'],
  ['xlink attribute', div('<a xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="x">x</a>'), 'xhtml-attribute', 'attribute xlink:href'],
  ['target attribute', div('<a href="x" target="_blank">x</a>'), 'xhtml-attribute', 'attribute target'],
  // content (txt-2)
  ['empty div', div(''), 'xhtml-empty', 'the narrative has no content (txt-2)'],
  ['self-closed div', `<div ${NS}/>`, 'xhtml-empty', 'no content'],
  ['whitespace only', div('  \n\t '), 'xhtml-empty', 'no content'],
  ['empty elements only', div('<p> </p><br/><span/>'), 'xhtml-empty', 'no content'],
  ['comment only', div('<!-- TODO -->'), 'xhtml-empty', 'no content'],
];

describe('checkNarrativeXhtml: valid narratives', () => {
  it.each(VALID)('%s', (_label, html) => {
    expect(checkNarrativeXhtml(html)).toEqual([]);
    expect(htmlChecks(html)).toBe(true);
    expect(narrativeHasContent(html)).toBe(true);
  });
});

describe('checkNarrativeXhtml: invalid narratives', () => {
  it.each(INVALID)('%s → %s', (_label, html, ruleId, fragment) => {
    const problems = checkNarrativeXhtml(html);
    const match = problems.find((p) => p.ruleId === ruleId);
    expect(match, JSON.stringify(problems)).toBeDefined();
    expect(match!.severity).toBe('error');
    expect(match!.message).toContain(fragment);
    // txt-1 fails for everything but an empty narrative, which is txt-2's business, and a link
    // nobody can follow, which is not about the elements and attributes used
    expect(htmlChecks(html)).toBe(ruleId === 'xhtml-empty' || ruleId === 'xhtml-link-scheme');
  });
});

describe('htmlChecks / narrativeHasContent', () => {
  it('txt-2 is false for whitespace, true for text, images and non-breaking spaces', () => {
    expect(narrativeHasContent(div(' '))).toBe(false);
    expect(narrativeHasContent(div('<p/>'))).toBe(false);
    expect(narrativeHasContent(div('<p>x</p>'))).toBe(true);
    expect(narrativeHasContent(div('<img src="#a"/>'))).toBe(true);
    // U+00A0 is not XML whitespace (nor Java's Character.isWhitespace)
    expect(narrativeHasContent(div('&#160;'))).toBe(true);
  });

  it('txt-2 still answers sensibly when the XML is broken, without a separate empty error', () => {
    expect(narrativeHasContent(`<div ${NS}><p>text</div>`)).toBe(true);
    expect(narrativeHasContent(`<div ${NS}><p></div>`)).toBe(false);
    expect(checkNarrativeXhtml(`<div ${NS}><p></div>`).map((p) => p.ruleId)).toEqual(['xhtml-syntax']);
  });

  it('an unsafe narrative with text fails txt-1 but passes txt-2', () => {
    const html = div('<p onclick="x">hello</p>');
    expect(htmlChecks(html)).toBe(false);
    expect(narrativeHasContent(html)).toBe(true);
  });

  it('reports the empty narrative alongside a namespace problem', () => {
    const rules = checkNarrativeXhtml('<div></div>').map((p) => p.ruleId);
    expect(rules).toEqual(['xhtml-namespace', 'xhtml-empty']);
  });
});

describe('checkNarrativeXhtml: reporting', () => {
  it('reports a repeated mistake once, with a count', () => {
    const problems = checkNarrativeXhtml(div('<font>a</font><font>b</font><font>c</font>'));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain('(and 2 more like it)');
  });

  it('keeps walking inside a disallowed element', () => {
    const rules = checkNarrativeXhtml(div('<font><p onclick="x">a</p></font>')).map((p) => p.ruleId);
    expect(rules).toEqual(['xhtml-element', 'xhtml-script']);
  });

  it('does not double-decode entities (&amp;#106; is literal text, not a j)', () => {
    expect(checkNarrativeXhtml(div('<a href="&amp;#106;avascript:x">x</a>'))).toEqual([]);
  });

  it('returns a shared frozen empty array when valid', () => {
    const a = checkNarrativeXhtml(div('a'));
    const b = checkNarrativeXhtml(div('b'));
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('gives the parser position of a syntax error on a later line', () => {
    const [p] = checkNarrativeXhtml(`<div ${NS}>\n<p>\n<b>x</p>\n</div>`);
    expect(p!.ruleId).toBe('xhtml-syntax');
    expect(p!.message).toMatch(/line 3, column \d+/);
  });
});

describe('quick scan of the usual narrative', () => {
  // every Narrative.div string in the repository's fixtures (JSON files)
  const fixtureDivs = (): string[] => {
    const out: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === 'div' && typeof x === 'string') out.push(x);
          else walk(x);
        }
      }
    };
    const dir = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const f = join(d, e.name);
        if (e.isDirectory()) dir(f);
        else if (e.name.endsWith('.json')) {
          try {
            walk(JSON.parse(readFileSync(f, 'utf8')));
          } catch {
            // not JSON (a deliberately broken fixture)
          }
        }
      }
    };
    dir(resolve(import.meta.dirname, '..', '..', 'fixtures'));
    return [...new Set(out)];
  };

  it('answers only "nothing to report", and only where the full check says exactly that', () => {
    const bases = [...VALID.map(([, d]) => d), ...INVALID.map(([, d]) => d), ...fixtureDivs()];
    // mutations of every base: a token inserted, or a character deleted, at pseudo-random places
    const tokens = ['<', '>', '&', '&amp;', '&nbsp;', '&#0;', '&#x110000;', '&#x;', '"', "'", ' ', '\n', '/', '</p>', '<p>', '<br/>', '<br />', '<b>', '</b>', 'on', ' onclick="x"', ' href="javascript:x"', ' href="urn:x"', ' xmlns="urn:x"', ' xmlns="http://www.w3.org/1999/xhtml"', ' xmlns:h="http://www.w3.org/1999/xhtml"', '<!-- c -->', '<![CDATA[x]]>', '<?pi?>', '\u0001', 'P', ':', '=', ' class="a"', " class='a'", ' class=a', ' class = "a"', ' style="expression(1)"', '<img src="urn:x"/>', '<img src="a.png"/>', '<script>x</script>', ']]>', '<font>', ' nowrap', ' title="a>b"', ' title="a<b"', '\t', '<font>x</font>', '<p onclick="x">y</p>', '<span xmlns="urn:x">z</span>', '<svg>q</svg>', '<P>x</P>', '<a href="javascript:x">j</a>', '<a href="urn:x">u</a>', '<a href=" java\tscript:x">j</a>', '<h:p>x</h:p>', '<span style="behavior: url(x)">s</span>', '<td nowrap="nowrap">c</td>', '<a name="n" href="#x">n</a>', '<img src="data:text/html,x"/>', '<i>&nbsp;</i>', '<i>&#x41;&#65;</i>', '<p/>', '<pre xml:space="preserve">p</pre>', '<span lang="en" xml:lang="en">l</span>', '<p id="a" id="b">d</p>', '<b class="x" title=\'y\'>q</b>'];
    let seed = 12345;
    const rand = (k: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % k;
    };
    let quick = 0;
    let cases = 0;
    for (const base of bases) {
      const variants = [base];
      for (let m = 0; m < 60; m++) {
        const at = rand(base.length + 1);
        variants.push(rand(4) === 0 ? base.slice(0, at) + base.slice(at + 1) : base.slice(0, at) + tokens[rand(tokens.length)]! + base.slice(at));
      }
      for (const d of variants) {
        cases++;
        const q = quickAnalysis(d);
        if (!q) continue;
        quick++;
        expect({ d, analysis: fullAnalysis(d) }).toEqual({ d, analysis: q });
      }
    }
    // the scan must take a good share of these (most mutations break something, most bases do not)
    expect(quick).toBeGreaterThan(cases / 20);
  });

  it('takes the usual narrative without the XML parser', () => {
    for (const label of ['simple paragraph', 'text directly in div', 'only an image', 'table with attributes', 'links', 'entities and references', 'multi-line', 'whitespace around root']) {
      const d = VALID.find(([l]) => l === label)![1];
      expect(quickAnalysis(d), label).toEqual({ problems: [], htmlOk: true, hasContent: true });
    }
  });

  it('leaves everything with a problem, or unusual, to the full check', () => {
    for (const [label, d] of INVALID) expect(quickAnalysis(d), label).toBeUndefined();
    for (const label of ['CDATA text', 'comments are ignored', 'xml declaration before root', 'prefixed XHTML root']) {
      expect(quickAnalysis(VALID.find(([l]) => l === label)![1]), label).toBeUndefined();
    }
  });
});
