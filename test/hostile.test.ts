/**
 * Hostile input, through the library and the `bars` command: malformed and truncated JSON/XML,
 * large files (the 50 MB ones with time and memory budgets: npm run bench big-files), 10 000-deep
 * nesting, JavaScript's special property names, bad encodings, NUL bytes, binary garbage, XML
 * bombs and external entities. Each must give a clear, located
 * issue with a sensible rule id: no crash, no hang, bounded time and memory.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationIssue } from '../src/model/issue.js';
import { bars, barsInProcess } from './support/cli.js';
import { plainEngine } from './support/engine.js';
import { expectLinearTime, expectNoSlowerThan } from './support/timing.js';
import { jsonPatientBundle, longValues, xmlPatientBundle } from './support/big-files.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

async function validate(input: string | Uint8Array): Promise<{ valid: boolean; issues: ValidationIssue[] }> {
  return (await plainEngine()).validate(input, { name: 'input' });
}

/** The one fatal issue a broken input gives: located, with a rule id and a message worth reading. */
function fatal(issues: ValidationIssue[]): ValidationIssue {
  const f = issues.filter((i) => i.severity === 'fatal');
  expect(f, JSON.stringify(issues, null, 1)).toHaveLength(1);
  const i = f[0]!;
  expect(i.line, 'the issue is located').toBeGreaterThan(0);
  expect(i.column, 'the issue is located').toBeGreaterThan(0);
  expect(i.message.length, 'the message is readable, not a dump').toBeLessThan(500);
  expect(i.message).not.toMatch(/\bat .*\.js:\d+|TypeError|RangeError|undefined/);
  return i;
}

const nest = (open: string, close: string, depth: number, inner = ''): string => open.repeat(depth) + inner + close.repeat(depth);

describe('malformed, truncated and empty input (library)', () => {
  it.each([
    ['an empty text', '', /empty/],
    ['only whitespace', ' \n\t ', /empty/],
    ['an empty byte array', new Uint8Array(0), /empty/],
  ] as const)('%s is a fatal "empty" issue', async (_, input, message) => {
    const r = await validate(input);
    expect(r.valid).toBe(false);
    expect(r.issues[0]!.severity).toBe('fatal');
    expect(r.issues[0]!.message).toMatch(message);
  });

  it('a JSON array at the root is not a resource', async () => {
    const i = fatal((await validate('[{"resourceType": "Patient"}]')).issues);
    expect(i).toMatchObject({ ruleId: 'resource-not-object', line: 1, column: 1 });
    expect(i.message).toMatch(/found an array/);
  });

  it('truncated JSON names the place it stops and what is missing', async () => {
    const text = '{\n  "resourceType": "Patient",\n  "name": [ { "family": "Smi';
    const i = fatal((await validate(text)).issues);
    expect(i).toMatchObject({ ruleId: 'json-syntax', line: 3 });
    expect(i.message).toMatch(/Unterminated string.*Patient\.name\[0\]\.family/);
    const j = fatal((await validate('{"resourceType": "Patient", "active": true')).issues);
    expect(j.message).toMatch(/end of file inside an object: a "}" is missing/);
  });

  it('truncated XML says which elements are left open', async () => {
    const text = '<Patient xmlns="http://hl7.org/fhir">\n  <name>\n    <family value="Smith"/>\n';
    const i = fatal((await validate(text)).issues);
    expect(i.ruleId).toBe('xml-syntax');
    expect(i.message).toMatch(/ends before the elements <Patient>, <name> are closed.*truncated/);
    expect(i.line).toBe(4);
  });

  it('malformed XML is located where it breaks', async () => {
    const i = fatal((await validate('<Patient xmlns="http://hl7.org/fhir">\n  <name></family>\n</Patient>')).issues);
    expect(i).toMatchObject({ ruleId: 'xml-syntax', line: 2 });
    expect(i.message).toMatch(/closing tag/i);
  });

  it('an unknown resource type in XML is reported once, at its element', async () => {
    const r = await validate('<Patinet xmlns="http://hl7.org/fhir">\n  <id value="x"/>\n</Patinet>');
    const u = r.issues.filter((i) => i.ruleId === 'unknown-resource-type');
    expect(u).toHaveLength(1);
    expect(u[0]).toMatchObject({ severity: 'error', line: 1, column: 1 });
    expect(u[0]!.message).toMatch(/Unknown resource type "Patinet"/);
  });

  it('text that is neither JSON nor XML says what was expected', async () => {
    const i = (await validate('hello, world')).issues[0]!;
    expect(i).toMatchObject({ severity: 'fatal', ruleId: 'input-format' });
    expect(i.message).toMatch(/neither JSON .* nor XML/);
  });
});

describe('deep nesting (library)', () => {
  it.each([
    ['JSON arrays', (d: number) => `{"resourceType": "Patient", "extension": ${nest('[', ']', d)}}`, 'json-depth'],
    ['JSON objects', (d: number) => `{"resourceType": "Patient", "extension": [${nest('{"extension": [', ']}', d, '{}')}]}`, 'json-depth'],
    ['XML elements', (d: number) => `<Patient xmlns="http://hl7.org/fhir">${nest('<extension>', '</extension>', d)}</Patient>`, 'xml-depth'],
    ['unknown XML elements', (d: number) => `<Patient xmlns="http://hl7.org/fhir">${nest('<foo>', '</foo>', d)}</Patient>`, 'xml-depth'],
  ])('10 000-deep %s: one located fatal issue with a short message, no stack overflow', async (_, deep, ruleId) => {
    const i = fatal((await validate(deep(10_000))).issues);
    expect(i.ruleId).toBe(ruleId);
    expect(i.message).toMatch(/nested more than 500 levels deep/);
    // at the element that went too deep, not at the start of the file
    expect(i.column).toBeGreaterThan(500);
    // refused at the limit: 4 × the depth costs at most ~4 × the time (the reading of the text)
    await expectLinearTime('deep nesting', (n) => validate(deep(n)), 10_000);
  });

  it('nesting within the limit is validated, not refused (JSON and XML, 240 levels of extensions)', async () => {
    let json = '{"url": "http://example.org/leaf", "valueString": "v"}';
    let xml = '<extension url="http://example.org/leaf"><valueString value="v"/></extension>';
    for (let d = 0; d < 240; d++) {
      json = `{"url": "http://example.org/e${d}", "extension": [${json}]}`;
      xml = `<extension url="http://example.org/e${d}">${xml}</extension>`;
    }
    for (const text of [`{"resourceType": "Patient", "extension": [${json}]}`, `<Patient xmlns="http://hl7.org/fhir">${xml}</Patient>`]) {
      const r = await validate(text);
      expect(r.issues.filter((i) => i.severity === 'fatal' || i.severity === 'error')).toEqual([]);
      // every level's unknown extension is reported, down to the deepest
      expect(r.issues.filter((i) => i.ruleId === 'extension-unknown').length).toBeGreaterThanOrEqual(240);
    }
  });

  it('more than 100 nested XML elements (fast-xml-parser\'s default limit) are accepted', async () => {
    let item = '<item><linkId value="leaf"/><text value="t"/><type value="display"/></item>';
    for (let d = 0; d < 60; d++) item = `<item><linkId value="l${d}"/><type value="group"/>${item}</item>`;
    const r = await validate(`<Questionnaire xmlns="http://hl7.org/fhir"><status value="active"/>${item}</Questionnaire>`);
    expect(r.issues.filter((i) => i.severity === 'fatal' || i.severity === 'error')).toEqual([]);
  });
});

describe('JavaScript property names as keys (library)', () => {
  const names = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];
  const before = Object.getOwnPropertyNames(Object.prototype).sort();
  const check = (issues: ValidationIssue[], where: string[]): void => {
    // (in an Extension, "valueOf" reads as value[x] of a type "Of": not allowed there either)
    const unknown = issues.filter((i) => ['unknown-element', 'xml-unknown-attribute', 'choice-type-not-allowed'].includes(i.ruleId)).map((i) => i.expression);
    for (const w of where) expect(unknown, `${w} reported as unknown`).toContain(w);
    expect(issues.filter((i) => i.severity === 'fatal')).toEqual([]);
    // nothing reached a prototype
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.toString.call([])).toBe('[object Array]');
  };

  it('in JSON, at every level: reported as unknown elements, never polluting a prototype', async () => {
    const bad = Object.fromEntries(names.map((n) => [n, { polluted: 'yes' }]));
    const inner = JSON.stringify(bad).slice(1, -1);
    const text = `{"resourceType": "Patient", ${inner}, "name": [{"family": "S", ${inner}}], "contact": [{"name": {"family": "C", ${inner}}}]}`;
    const r = await validate(text);
    check(r.issues, [
      ...names.map((n) => `Patient.${n}`),
      ...names.map((n) => `Patient.name[0].${n}`),
      ...names.map((n) => `Patient.contact[0].name.${n}`),
    ]);
  });

  it('inside Bundle entries, contained resources and extensions too', async () => {
    const bad = JSON.stringify(Object.fromEntries(names.map((n) => [n, { polluted: 'yes' }]))).slice(1, -1);
    const patient = `{"resourceType": "Patient", ${bad}, "contained": [{"resourceType": "Organization", ${bad}}], "extension": [{"url": "https://fhir.supplier.nhs.uk/x", "valueString": "v", ${bad}}]}`;
    const text = `{"resourceType": "Bundle", "type": "collection", ${bad}, "entry": [{"fullUrl": "urn:uuid:2f9d6a3c-5b1e-4c8a-9f00-0a1b2c3d4e5f", "resource": ${patient}, ${bad}}]}`;
    const r = await validate(text);
    check(r.issues, [
      ...names.map((n) => `Bundle.${n}`),
      ...names.map((n) => `Bundle.entry[0].${n}`),
      ...names.map((n) => `Bundle.entry[0].resource.${n}`),
      ...names.map((n) => `Bundle.entry[0].resource.contained[0].${n}`),
      ...names.map((n) => `Bundle.entry[0].resource.extension[0].${n}`),
    ]);
  });

  it('in an object built by JSON.parse (own __proto__ keys)', async () => {
    const obj = JSON.parse('{"resourceType": "Patient", "__proto__": {"polluted": 1}, "name": [{"__proto__": {"family": 1}, "family": "S"}]}');
    const r = await (await plainEngine()).validate(obj);
    check(r.issues, ['Patient.__proto__', 'Patient.name[0].__proto__']);
  });

  it('in XML, as elements and attributes: unknown, located, and the document still parses', async () => {
    const els = names.map((n) => `<${n} value="x"/>`).join('');
    const text = `<Patient xmlns="http://hl7.org/fhir">${els}<name __proto__="x" constructor="y">${els}<family value="S"/></name></Patient>`;
    const r = await validate(text);
    check(r.issues, [...names.map((n) => `Patient.${n}`), ...names.map((n) => `Patient.name[0].${n}`), 'Patient.name']);
    const attr = r.issues.filter((i) => i.ruleId === 'xml-unknown-attribute').map((i) => i.message);
    expect(attr.some((m) => m.includes('"__proto__"'))).toBe(true);
    expect(attr.some((m) => m.includes('"constructor"'))).toBe(true);
    expect(r.issues.every((i) => i.line === 1 && i.column! > 1)).toBe(true);
  });
});

describe('encodings, NUL bytes and binary garbage (library)', () => {
  it('invalid UTF-8 names the byte, its offset, its line and column', async () => {
    const input = bytes('{\n  "resourceType": "Patient",\n  "id": "a', [0xff], 'b"\n}');
    const i = fatal((await validate(input)).issues);
    expect(i).toMatchObject({ ruleId: 'encoding-utf8', line: 3, column: 11 });
    expect(i.message).toMatch(/byte 0xFF at byte offset 41 \(line 3, column 11\)/);
  });

  it('invalid UTF-8 stays fatal, but the rest of the file is validated too (leniently decoded), so every finding comes in one run', async () => {
    const input = bytes('{"resourceType": "Patient", "name": [{"family": "M', [0xfc], 'ller"}], "gender": "mail", "birthDate": "1990-13-01"}');
    const r = await validate(input);
    expect(r.valid).toBe(false);
    expect(fatal(r.issues).ruleId).toBe('encoding-utf8');
    const rules = r.issues.filter((i) => i.severity === 'error').map((i) => `${i.ruleId} @ ${i.expression}`);
    expect(rules).toEqual(expect.arrayContaining(['binding-required @ Patient.gender', 'primitive-range @ Patient.birthDate']));
    // binary content and other encodings are not guessed at: the fatal alone
    expect((await validate(new Uint8Array(randomBytes(4096)))).issues.filter((i) => i.severity !== 'fatal')).toEqual([]);
  });

  it('a Latin-1 é after multi-byte UTF-8 characters: the column counts characters, the offset counts bytes', async () => {
    const input = bytes('{"resourceType": "Patient", "name": [{"family": "Ça', [0xe9], '"}]}');
    const i = fatal((await validate(input)).issues);
    expect(i.message).toMatch(/byte 0xE9 at byte offset 52 \(line 1, column 52\)/);
    expect(i.message).toMatch(/Windows-1252 or ISO-8859-1/);
  });

  it.each([
    ['a UTF-16 LE byte order mark', bytes([0xff, 0xfe], [...Buffer.from('{"resourceType":"Patient"}', 'utf16le')]), /UTF-16 \(it starts with a UTF-16 LE byte order mark\)/],
    ['a UTF-16 BE byte order mark', bytes([0xfe, 0xff], [...Buffer.from('{"resourceType":"Patient"}', 'utf16le').swap16()]), /UTF-16 BE byte order mark/],
    ['UTF-16 without a byte order mark', Buffer.from('<Patient xmlns="http://hl7.org/fhir"/>', 'utf16le'), /UTF-16 LE \(every other byte is zero\)/],
    ['gzip-compressed JSON', gzipSync('{"resourceType":"Patient"}'), /gzip-compressed: decompress it/],
    ['binary garbage', new Uint8Array(randomBytes(8192)), /not text \(binary content/],
  ])('%s is recognised and named', async (_, input, message) => {
    const i = fatal((await validate(input)).issues);
    expect(i.ruleId).toBe('encoding-utf8');
    expect(i.message).toMatch(message);
  });

  it('a UTF-8 byte order mark is accepted (JSON and XML)', async () => {
    for (const text of ['\ufeff{"resourceType": "Patient"}', '\ufeff<Patient xmlns="http://hl7.org/fhir"/>']) {
      const r = await validate(enc(text));
      expect(r.issues.filter((i) => i.severity === 'fatal' || i.severity === 'error')).toEqual([]);
    }
  });

  it('a NUL byte inside a JSON string, after the JSON, and in XML: located syntax errors that show the character', async () => {
    const a = fatal((await validate(bytes('{"resourceType": "Patient", "id": "a', [0], 'b"}'))).issues);
    expect(a).toMatchObject({ ruleId: 'json-syntax', column: 37 });
    expect(a.message).toMatch(/Control character in string.*Patient\.id/);
    const b = fatal((await validate(bytes('{"resourceType": "Patient"}', [0]))).issues);
    expect(b.message).toMatch(/Unexpected "\\u0000" after the end of the JSON value/);
    const c = fatal((await validate(bytes('<Patient xmlns="http://hl7.org/fhir"><id value="a"/>', [0], '</Patient>'))).issues);
    expect(c).toMatchObject({ ruleId: 'xml-syntax', line: 1, column: 53 });
    expect(c.message).toMatch(/U\+0000 is not allowed anywhere in XML/);
    expect(c.message).not.toMatch(/\u0000/);
  });

  it('random bytes that happen to start like JSON or XML never crash the parsers', async () => {
    // printable garbage passes the UTF-8 check and reaches the parsers
    for (let k = 0; k < 40; k++) {
      const noise = randomBytes(2000).toString('latin1').replace(/[^\x20-\x7e\n]/g, '');
      for (const text of [`{${noise}`, `<${noise}`, `{"resourceType": "Patient", ${noise}`, `<Patient xmlns="http://hl7.org/fhir">${noise}`]) {
        const r = await validate(text);
        expect(r.valid).toBe(false);
        expect(r.issues[0]!.line).toBeGreaterThan(0);
      }
    }
  });
});

describe('XML bombs, external entities and DTDs (library)', () => {
  const laughs =
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' +
    Array.from({ length: 9 }, (_, k) => ` <!ENTITY lol${k + 1} "${`&lol${k || ''};`.repeat(10)}">`).join('\n') +
    '\n]>\n<Patient xmlns="http://hl7.org/fhir"><id value="&lol9;"/></Patient>';

  it.each([
    ['billion laughs', laughs],
    ['an external entity (XXE) reading /etc/passwd', '<?xml version="1.0"?>\n<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<Patient xmlns="http://hl7.org/fhir"><id value="&xxe;"/></Patient>'],
    ['an external DTD', '<!DOCTYPE Patient SYSTEM "http://127.0.0.1:1/evil.dtd">\n<Patient xmlns="http://hl7.org/fhir"/>'],
    ['a parameter entity', '<!DOCTYPE p [<!ENTITY % x SYSTEM "http://127.0.0.1:1/x"> %x;]>\n<Patient xmlns="http://hl7.org/fhir"/>'],
  ])('%s: refused before parsing, at the DOCTYPE, quickly', async (_, text) => {
    const r = await validate(text);
    // no dearer than a small document without a DOCTYPE
    await expectNoSlowerThan('refusing the DOCTYPE', () => validate(text), () => validate('<Patient xmlns="http://hl7.org/fhir"><id value="x"/></Patient>'), 10);
    const i = fatal(r.issues);
    expect(i.ruleId).toBe('xml-dtd');
    expect(i.message).toMatch(/DOCTYPE declaration is not accepted.*Remove the <!DOCTYPE/);
    expect(JSON.stringify(r.issues)).not.toMatch(/root:|lollol/);
  });

  it('an entity declaration without a DOCTYPE, and an undefined named entity, are refused too', async () => {
    expect(fatal((await validate('<Patient xmlns="http://hl7.org/fhir"><!ENTITY x "y"></Patient>')).issues).ruleId).toBe('xml-dtd');
    const i = fatal((await validate('<Patient xmlns="http://hl7.org/fhir"><id value="&nbsp;"/></Patient>')).issues);
    expect(i.ruleId).toBe('xml-entity');
    expect(i.message).toMatch(/&#160;/);
  });

  it('a DOCTYPE inside a JSON narrative is refused too (txt-1), without expanding anything', async () => {
    const div = `<!DOCTYPE div [<!ENTITY a "${'x'.repeat(100)}"><!ENTITY b "${'&a;'.repeat(100)}">]><div xmlns="http://www.w3.org/1999/xhtml">&b;</div>`;
    const r = await validate(JSON.stringify({ resourceType: 'Patient', text: { status: 'generated', div } }));
    const i = r.issues.find((x) => x.ruleId === 'xhtml-syntax')!;
    expect(i.message).toMatch(/DOCTYPE.*not allowed/);
    expect(i.expression).toBe('Patient.text.div');
  });
});

describe('long values (library)', () => {
  // fast-xml-parser builds these one character at a time: before xml-guard.ts a 50 MB value took
  // 2 GB and 20 s, so the bounds here are far below that
  const MB = 1024 * 1024;

  it('a 5 MB base64 attachment in XML is read back exactly, quickly', async () => {
    const data = 'QUJD'.repeat((5 * MB) / 4);
    const e = await plainEngine();
    const binary = (base64: string) => `<Binary xmlns="http://hl7.org/fhir">\n<contentType value="application/pdf"/>\n<data value="${base64}"/>\n</Binary>`;
    const r = await e.validate(binary(data));
    // linear in the value's length (fast-xml-parser alone was quadratic: 20 s for 50 MB)
    await expectLinearTime('a long base64 value in XML', (n) => e.validate(binary(data.slice(0, n))), MB / 4);
    expect(r.issues).toEqual([]);
    expect((r.instance!.resource as { data: string }).data).toBe(data);
  });

  it('a problem after a long XML value is still located on its own line and column', async () => {
    const data = 'QUJD'.repeat(MB / 4);
    const r = await validate(`<Binary xmlns="http://hl7.org/fhir">\n<contentType value="application/pdf"/><data value="${data}"/>\n  <nope value="1"/>\n</Binary>`);
    expect(r.issues.find((i) => i.ruleId === 'unknown-element')).toMatchObject({ line: 3, column: 3, expression: 'Binary.nope' });
  });

  it('entities in a long XML value are decoded as in a short one; a bare & or < in it is a located error', async () => {
    const long = 'a'.repeat(100_000);
    const r = await (await plainEngine()).validate(`<Patient xmlns="http://hl7.org/fhir"><name><family value="${long}&amp;&#233;"/></name></Patient>`);
    expect((r.instance!.resource as { name: { family: string }[] }).name[0]!.family).toBe(`${long}&é`);
    const amp = fatal((await validate(`<Patient xmlns="http://hl7.org/fhir">\n<name><family value="${long}&b"/></name></Patient>`)).issues);
    expect(amp).toMatchObject({ ruleId: 'xml-syntax', line: 2, column: 22 + long.length });
    expect(amp.message).toMatch(/bare '&'/);
    const lt = fatal((await validate(`<Patient xmlns="http://hl7.org/fhir"><name><family value="${long}<"/></name></Patient>`)).issues);
    expect(lt.message).toMatch(/'<' is not allowed in an attribute value/);
  });

  it('a long narrative (JSON or XML) is checked like a short one: script found after 1 MB of text', async () => {
    const text = 'x'.repeat(MB);
    const div = `<div xmlns="http://www.w3.org/1999/xhtml"><p>${text}</p><script>alert(1)</script><img src="data:image/png;base64,${'QUJD'.repeat(MB / 4)}"/></div>`;
    const json = await validate(JSON.stringify({ resourceType: 'Patient', text: { status: 'generated', div } }));
    expect(json.issues.map((i) => i.ruleId)).toContain('xhtml-script');
    expect(json.issues.find((i) => i.ruleId === 'xhtml-script')!.message).toMatch(/line 1, column \d{7}/);
    const xml = await validate(`<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/>${div}</text></Patient>`);
    expect(xml.issues.map((i) => i.ruleId)).toContain('xhtml-script');
  });
});

describe('many problems in one file (library)', () => {
  const keys = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join(',\n');

  it('300 000 duplicate keys: no stack overflow (issues were spread into one call), one issue per key name', async () => {
    const r = await validate(`{"resourceType": "Patient",\n${keys(300_000, () => '"id": "a"')}}`);
    expect(r.issues.filter((i) => i.ruleId === 'json-duplicate-key')).toHaveLength(1);
  });

  it('200 000 trailing commas: every one parsed past, the list capped with a note', async () => {
    const r = await validate(`{"resourceType": "Patient", "name": [\n${keys(200_000, () => '{"family": "a",}')}]}`);
    expect(r.issues.filter((i) => i.ruleId === 'json-syntax')).toHaveLength(5000);
    const note = r.issues.find((i) => i.ruleId === 'issues-truncated');
    expect(note).toMatchObject({ severity: 'warning', code: 'too-costly' });
    expect(note!.message).toMatch(/More than 5000 issues: the rest were not listed/);
  });

  it('150 000 unknown elements in one object: 5000 listed, located, in seconds (it was quadratic: minutes)', async () => {
    const r = await validate(`{"resourceType": "Patient",\n${keys(150_000, (i) => `"x${i}": ${i}`)}}`);
    // linear past the 5000-issue cap: 4 × the elements, at most ~4 × the time (quadratic: 16 ×)
    await expectLinearTime('unknown elements', (n) => validate(`{"resourceType": "Patient",\n${keys(n, (i) => `"x${i}": ${i}`)}}`), 10_000);
    const unknown = r.issues.filter((i) => i.ruleId === 'unknown-element');
    expect(unknown).toHaveLength(5000);
    expect(unknown[4999]).toMatchObject({ expression: 'Patient.x4999', line: 5001, column: 1 });
  });

  it('a 1 MB property name or number is quoted in messages, not copied: they stay short', async () => {
    const key = await validate(`{"resourceType": "Patient", "${'k'.repeat(1_000_000)}": 1}`);
    const i = key.issues.find((x) => x.ruleId === 'unknown-element')!;
    expect(i.message).toMatch(/Unknown element "k{100}…\(1000000 characters\)/);
    expect(i.message.length).toBeLessThan(300);
    expect(i.expression!.length).toBeLessThan(300);
    const num = await validate(`{"resourceType": "Observation", "status": "final", "code": {"text": "x"}, "valueInteger": ${'9'.repeat(1_000_000)}}`);
    const n = num.issues.find((x) => x.expression === 'Observation.valueInteger')!;
    expect(n.severity).toBe('error');
    expect(n.message.length).toBeLessThan(500);
  });

  it('100 000 repetitions of an element: validated, not refused', async () => {
    const r = await validate(`{"resourceType": "Patient", "telecom": [\n${keys(100_000, (i) => `{"system": "phone", "value": "${i}"}`)}]}`);
    expect(r.issues.filter((i) => i.severity === 'error' || i.severity === 'fatal')).toEqual([]);
  });
});

describe('hostile files through the bars command', () => {
  let dir: string;
  const files: Record<string, string | Uint8Array> = {
    'empty.json': '',
    'root-array.json': '[{"resourceType": "Patient"}]',
    'truncated.json': '{"resourceType": "Patient", "name": [{"family": "Sm',
    'truncated.xml': '<Patient xmlns="http://hl7.org/fhir"><name><family value="S"/>',
    'deep.json': `{"resourceType": "Patient", "extension": ${nest('[', ']', 10_000)}}`,
    'deep.xml': `<Patient xmlns="http://hl7.org/fhir">${nest('<extension>', '</extension>', 10_000)}</Patient>`,
    'proto.json': '{"resourceType": "Patient", "__proto__": {"x": 1}, "constructor": {"prototype": {"x": 1}}}',
    'proto.xml': '<Patient xmlns="http://hl7.org/fhir"><__proto__ value="1"/><constructor value="1"/></Patient>',
    'bad-utf8.json': bytes('{"resourceType": "Patient", "id": "', [0xc3, 0x28], '"}'),
    'utf16.json': bytes([0xff, 0xfe], [...Buffer.from('{"resourceType":"Patient"}', 'utf16le')]),
    'nul.json': bytes('{"resourceType": "Patient"', [0], '}'),
    'laughs.xml': '<!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><Patient xmlns="http://hl7.org/fhir"><id value="&b;"/></Patient>',
    'xxe.xml': '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><Patient xmlns="http://hl7.org/fhir"><id value="&x;"/></Patient>',
    'binary.json': new Uint8Array(randomBytes(4096)),
  };
  const expected: Record<string, string> = {
    'empty.json': 'json-syntax',
    'root-array.json': 'resource-not-object',
    'truncated.json': 'json-syntax',
    'truncated.xml': 'xml-syntax',
    'deep.json': 'json-depth',
    'deep.xml': 'xml-depth',
    'proto.json': 'unknown-element',
    'proto.xml': 'unknown-element',
    'bad-utf8.json': 'encoding-utf8',
    'utf16.json': 'encoding-utf8',
    'nul.json': 'json-syntax',
    'laughs.xml': 'xml-dtd',
    'xxe.xml': 'xml-dtd',
    'binary.json': 'encoding-utf8',
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bars-hostile-'));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a folder of them: every file reported with a located issue, exit code 1, JSON on stdout, no stack trace', () => {
    const r = bars(['validate', dir, '--format', 'json', '--no-bars']);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.status).toBe(1);
    const results = r.json.results as { file: string; valid: boolean; issues: { ruleId: string; line: number | null; severity: string }[] }[];
    expect(results.map((x) => x.file.slice(dir.length + 1)).sort()).toEqual(Object.keys(files).sort());
    for (const res of results) {
      const name = res.file.slice(dir.length + 1);
      expect(res.valid, name).toBe(false);
      // a file that is not UTF-8 is still validated (leniently decoded), so its fatal may not be the first finding
      const first = res.issues.find((i) => (i.severity === 'fatal' || i.severity === 'error') && i.ruleId === expected[name])!;
      expect(first, name).toBeDefined();
      expect(first.line, name).toBeGreaterThan(0);
    }
    expect(r.json.summary).toMatchObject({ files: 14, valid: 0 });
  });

  it('one of them in text format: file:line:col and the message', async () => {
    const r = await barsInProcess(['validate', join(dir, 'bad-utf8.json'), '--no-bars']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`${join(dir, 'bad-utf8.json')}:1:36  fatal`);
    expect(r.stdout).toMatch(/byte 0xC3 at byte offset 35/);
  });
});

describe('large files through the bars command', () => {
  // the whole file read and the mistake near its end located. The 50 MB runs with their time and
  // peak-memory budgets are a benchmark: npm run bench big-files (bench/big-files.ts). The command
  // runs in this process (its main()): what is measured here is the reading, not the start-up.
  let dir: string;
  const MB = 1024 * 1024;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bars-large-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (file: string): ReturnType<typeof barsInProcess> => barsInProcess(['validate', file, '--format', 'json', '--no-bars']);

  it('a Bundle of ~8 000 Patients (3 MB JSON)', async () => {
    const b = jsonPatientBundle(3);
    const file = join(dir, 'bundle.json');
    writeFileSync(file, b.text);
    const r = await run(file);
    expect(r.timedOut).toBe(false);
    expect(r.status).toBe(1);
    const issues = r.json.results[0].issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ ruleId: 'binding-required', line: b.lines, expression: `Bundle.entry[${b.wrongEntry}].resource.gender` });
  }, 200_000);

  it('a Bundle of ~3 700 Patients (1 MB XML)', async () => {
    const b = xmlPatientBundle(1);
    const file = join(dir, 'bundle.xml');
    writeFileSync(file, b.text);
    const r = await run(file);
    expect(r.timedOut).toBe(false);
    expect(r.json.results[0].issues).toEqual([expect.objectContaining({ ruleId: 'binding-required', line: b.lines, expression: `Bundle.entry[${b.wrongEntry}].resource.gender` })]);
  }, 120_000);

  it('one 5 MB value in each of JSON narrative, JSON base64, XML attribute and XML narrative: valid (one run)', async () => {
    const files = longValues(5).map(([name, ext, make]) => {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.${ext}`);
      writeFileSync(file, make());
      return file;
    });
    const r = await barsInProcess(['validate', ...files, '--format', 'json', '--no-bars']);
    expect(r.timedOut).toBe(false);
    expect(r.json?.results.map((x: { file: string }) => x.file).sort(), r.stderr).toEqual([...files].sort());
    for (const x of r.json.results) expect(x.issues, x.file).toEqual([]);
    expect(r.status).toBe(0);
  }, 120_000);

  it('a file above the size limit is refused with the limit in the message, without reading it into the parser', async () => {
    const { validateInstance } = await import('../src/validate/run.js');
    const e = await plainEngine();
    const r = await validateInstance(e.validator, { bytes: new Uint8Array(3 * MB), name: 'big.json' }, { maxBytes: 2 * MB });
    expect(r.issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'input-too-large' });
    expect(r.issues[0]!.message).toMatch(/3\.0 MB, more than the 2 MB limit/);
  });
});
