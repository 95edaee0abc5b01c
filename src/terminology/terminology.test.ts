/**
 * Terminology: local ValueSet expansion and membership (compose include/exclude, concept
 * lists, imports, filters on a loaded CodeSystem, CodeSystem content), displays and binding
 * strengths through the engine, systems that cannot be checked offline, and $validate-code on
 * a terminology server (a local HTTP server here): answers, the server being down or silent,
 * and the cache.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constraintProfile } from '../../test/support/profiles.js';
import { createEngine, type Engine } from '../engine.js';
import { TEST_CACHE } from '../../test/support/engine.js';
import { TerminologyService, type TerminologyCache } from './index.js';

const CS = 'http://example.org/CodeSystem/colours';
const FRAG = 'http://example.org/CodeSystem/fragment';
const STUB = 'http://example.org/CodeSystem/stub';
const PARTIAL = 'http://example.org/CodeSystem/partial';
const VS = (id: string): string => `http://example.org/ValueSet/${id}`;
const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';
const DMD = 'https://dmd.nhs.uk';

const colours = {
  resourceType: 'CodeSystem',
  url: CS,
  version: '1.0.0',
  name: 'Colours',
  status: 'active',
  content: 'complete',
  caseSensitive: true,
  hierarchyMeaning: 'is-a',
  property: [{ code: 'family', type: 'code' }],
  concept: [
    {
      code: 'warm',
      display: 'Warm colours',
      concept: [
        { code: 'red', display: 'Red', designation: [{ language: 'fr', value: 'Rouge' }], property: [{ code: 'family', valueCode: 'primary' }] },
        { code: 'orange', display: 'Orange', property: [{ code: 'family', valueCode: 'secondary' }] },
      ],
    },
    {
      code: 'cool',
      display: 'Cool colours',
      concept: [
        { code: 'blue', display: 'Blue', property: [{ code: 'family', valueCode: 'primary' }] },
        { code: 'green', display: 'Green', property: [{ code: 'family', valueCode: 'secondary' }] },
      ],
    },
  ],
};
const codeSystem = (url: string, content: string, codes: string[]) => ({
  resourceType: 'CodeSystem',
  url,
  version: '1.0.0',
  name: url.split('/').pop(),
  status: 'active',
  content,
  concept: codes.map((code) => ({ code, display: code.toUpperCase() })),
});
const valueSet = (id: string, compose: Record<string, unknown>) => ({ resourceType: 'ValueSet', url: VS(id), version: '1.0.0', name: id.replace(/-/g, ''), status: 'active', compose });

const valueSets = [
  valueSet('explicit', { include: [{ system: CS, concept: [{ code: 'red' }, { code: 'blue', display: 'Bleu' }] }] }),
  valueSet('all-but-green', { include: [{ system: CS }], exclude: [{ system: CS, concept: [{ code: 'green' }] }] }),
  valueSet('import-plus', { include: [{ valueSet: [VS('explicit')] }, { system: CS, concept: [{ code: 'green' }] }] }),
  // system + valueSet in one include: the intersection
  valueSet('intersection', { include: [{ system: CS, concept: [{ code: 'red' }, { code: 'green' }], valueSet: [VS('explicit')] }] }),
  valueSet('is-a-warm', { include: [{ system: CS, filter: [{ property: 'concept', op: 'is-a', value: 'warm' }] }] }),
  valueSet('descendent-of-warm', { include: [{ system: CS, filter: [{ property: 'concept', op: 'descendent-of', value: 'warm' }] }] }),
  valueSet('family-primary', { include: [{ system: CS, filter: [{ property: 'family', op: '=', value: 'primary' }] }] }),
  valueSet('concept-is-blue', { include: [{ system: CS, filter: [{ property: 'concept', op: '=', value: 'blue' }] }] }),
  valueSet('warm-primary', { include: [{ system: CS, filter: [{ property: 'concept', op: 'is-a', value: 'warm' }, { property: 'family', op: '=', value: 'primary' }] }] }),
  valueSet('exclude-by-filter', { include: [{ system: CS }], exclude: [{ system: CS, filter: [{ property: 'concept', op: 'is-a', value: 'cool' }] }] }),
  valueSet('regex-r-or-g', { include: [{ system: CS, filter: [{ property: 'concept', op: 'regex', value: '(r|g)[a-z]+' }] }] }),
  valueSet('regex-backreference', { include: [{ system: CS, filter: [{ property: 'concept', op: 'regex', value: '(.)\\1.*' }] }] }),
  valueSet('fragment', { include: [{ system: FRAG }] }),
  valueSet('stub', { include: [{ system: STUB }] }),
  valueSet('partial-is-a', { include: [{ system: PARTIAL, filter: [{ property: 'concept', op: 'is-a', value: 'root' }] }] }),
  valueSet('missing-import', { include: [{ valueSet: ['http://example.org/ValueSet/not-loaded'] }] }),
  valueSet('snomed-findings', { include: [{ system: SNOMED, filter: [{ property: 'concept', op: 'is-a', value: '404684003' }] }] }),
  valueSet('loinc-codes', { include: [{ system: LOINC }] }),
  valueSet('dmd-medicines', { include: [{ system: DMD }] }),
  // stored expansions, no compose: the whole list, and one page of a longer one
  { resourceType: 'ValueSet', url: VS('expanded-all'), version: '1.0.0', name: 'ExpandedAll', status: 'active', expansion: { timestamp: '2024-01-01', total: 2, contains: [{ system: CS, code: 'red' }, { system: CS, code: 'blue' }] } },
  { resourceType: 'ValueSet', url: VS('expanded-page'), version: '1.0.0', name: 'ExpandedPage', status: 'active', expansion: { timestamp: '2024-01-01', total: 40, offset: 0, contains: [{ system: CS, code: 'red' }, { system: CS, code: 'blue' }] } },
];

const profile = (id: string, path: string, strength: string, vs: string) => constraintProfile(id, 'Observation', [{ id: path, path, binding: { strength, valueSet: vs } }]);
const BOUND = ['required', 'extensible', 'preferred'].map((s) => profile(`obs-${s}`, 'Observation.code', s, VS('explicit')));
const SNOMED_BOUND = profile('obs-snomed', 'Observation.code', 'required', VS('snomed-findings'));

let dir: string;
function igFolder(): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'bars-terminology-'));
    const all = [colours, codeSystem(FRAG, 'fragment', ['a', 'b']), codeSystem(STUB, 'not-present', []), codeSystem(PARTIAL, 'fragment', ['root', 'x']), ...valueSets, ...BOUND, SNOMED_BOUND];
    for (const r of all) writeFileSync(join(dir, `${r.resourceType}-${(r.url as string).split('/').pop()}.json`), JSON.stringify(r));
  }
  return dir;
}

let shared: Promise<Engine> | undefined;
const engine = (): Promise<Engine> => (shared ??= createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [igFolder()] }));
const term = async (): Promise<TerminologyService> => (await engine()).terminology;

const code = (c: string, display?: string) => ({ system: CS, code: c, ...(display ? { display } : {}) });
async function verdict(vs: string, coding: { system?: string; code: string; display?: string }): Promise<string> {
  return (await (await term()).validateCode(VS(vs), coding)).result;
}
const members = async (vs: string): Promise<string[] | undefined> => (await term()).expand(VS(vs))?.map((c) => c.code).sort();

// valueset.html#expansion: total is the number of concepts in the whole expansion; offset and
// count page through it. A page is not the closed list of the value set's codes.
describe('stored expansions', () => {
  it('a complete stored expansion is a closed list; a page of a longer one is not', async () => {
    expect(await verdict('expanded-all', code('red'))).toBe('valid');
    expect(await verdict('expanded-all', code('green'))).toBe('invalid');
    expect(await verdict('expanded-page', code('red'))).toBe('valid');
    expect(await verdict('expanded-page', code('green'))).toBe('unknown');
    expect(await members('expanded-page')).toBeUndefined();
  });
});

describe('ValueSet membership and expansion (local)', () => {
  it.each([
    ['explicit', ['blue', 'red']],
    ['all-but-green', ['blue', 'cool', 'orange', 'red', 'warm']],
    ['import-plus', ['blue', 'green', 'red']],
    ['intersection', ['red']],
    ['is-a-warm', ['orange', 'red', 'warm']],
    ['descendent-of-warm', ['orange', 'red']],
    ['family-primary', ['blue', 'red']],
    ['concept-is-blue', ['blue']],
    ['warm-primary', ['red']],
    ['exclude-by-filter', ['orange', 'red', 'warm']],
    ['regex-r-or-g', ['green', 'red']],
  ])('%s expands to %j, and membership agrees code by code', async (vs, expected) => {
    expect(await members(vs)).toEqual(expected);
    for (const c of colours.concept.flatMap((x) => [x.code, ...x.concept.map((y) => y.code)])) {
      expect(await verdict(vs, code(c)), `${c} in ${vs}`).toBe(expected.includes(c) ? 'valid' : 'invalid');
    }
  });

  it('a regex filter the linear-time engine cannot run (a backreference) leaves the code unchecked, saying why', async () => {
    const r = await (await term()).validateCode(VS('regex-backreference'), code('green'));
    expect(r.result).toBe('unknown');
    expect(r.message).toMatch(/regex filter on concept cannot be applied.*backreferences/);
  });

  it('a display that is not a string (a number or an object from a malformed payload) is left to the type check, not a crash', async () => {
    for (const display of [42, { text: 'Red' }, ['Red']]) {
      const r = await (await term()).validateCode(VS('explicit'), { system: CS, code: 'red', display: display as unknown as string });
      expect(r.result).toBe('valid');
    }
  });

  it('the expansion carries displays: the value set\'s own, else the code system\'s', async () => {
    expect((await term()).expand(VS('explicit'))).toEqual([
      { system: CS, code: 'red', display: 'Red' },
      { system: CS, code: 'blue', display: 'Bleu' },
    ]);
  });

  it('a code from another system, or with no system, is judged by the systems the value set draws on', async () => {
    expect(await verdict('explicit', { system: 'http://example.org/other', code: 'red' })).toBe('invalid');
    expect(await verdict('explicit', { code: 'red' })).toBe('valid');
    expect(await verdict('explicit', { code: 'RED' })).toBe('invalid'); // case-sensitive system
  });

  it('an unknown code in a complete code system is invalid, with a message naming the value set', async () => {
    const r = await (await term()).validateCode(VS('is-a-warm'), code('purple'));
    expect(r.result).toBe('invalid');
    expect(r.message).toMatch(/#purple is not in the value set '\w+' \(http:\/\/example\.org\/ValueSet\/is-a-warm\|1\.0\.0\)/);
  });

  it('a fragment code system: its codes are valid, others unknown (not invalid); a not-present one decides nothing', async () => {
    expect(await verdict('fragment', { system: FRAG, code: 'a' })).toBe('valid');
    const other = await (await term()).validateCode(VS('fragment'), { system: FRAG, code: 'zzz' });
    expect(other.result).toBe('unknown');
    expect(other.message).toMatch(/not in the local copy of .*fragment.*which is only a fragment: it could not be checked offline/);
    const stub = await (await term()).validateCode(VS('stub'), { system: STUB, code: 'anything' });
    expect(stub.result).toBe('unknown');
    expect(stub.message).toMatch(/stub \(content not present\)/);
    // nor can they be expanded
    expect(await members('fragment')).toBeUndefined();
    expect(await members('stub')).toBeUndefined();
  });

  it('a filter on a fragment cannot say "no": the hierarchy it would need is not in the copy', async () => {
    expect(await verdict('partial-is-a', { system: PARTIAL, code: 'root' })).toBe('valid');
    // x is in the fragment, but whether it is below root is not: unknown, not invalid
    expect(await verdict('partial-is-a', { system: PARTIAL, code: 'x' })).toBe('unknown');
  });

  it('the same for codes checked against the code system alone (no value set)', async () => {
    const t = await term();
    expect(t.validateCodeInSystem({ system: CS, code: 'red' }).result).toBe('valid');
    expect(t.validateCodeInSystem({ system: CS, code: 'purple' })).toMatchObject({ result: 'invalid', message: expect.stringMatching(/Unknown code 'purple' in the code system .*colours version 1\.0\.0/) });
    expect(t.validateCodeInSystem({ system: FRAG, code: 'zzz' }).result).toBe('unknown');
  });

  it('an import that is not loaded makes the answer unknown, not invalid', async () => {
    const r = await (await term()).validateCode(VS('missing-import'), code('red'));
    expect(r.result).toBe('unknown');
    expect(r.message).toMatch(/imported value set http:\/\/example\.org\/ValueSet\/not-loaded was not found/);
    expect(await members('missing-import')).toBeUndefined();
  });

  it.each([
    ['snomed-findings', SNOMED, '22298006', 'SNOMED CT'],
    ['loinc-codes', LOINC, '8867-4', 'LOINC'],
    ['dmd-medicines', DMD, '39720311000001101', 'dm+d'],
  ])('%s: %s codes are "not validated offline", and suggest --tx', async (vs, system, c, name) => {
    const r = await (await term()).validateCode(VS(vs), { system, code: c });
    expect(r.result).toBe('unknown');
    expect(r.systemNotOffline).toBe(true);
    expect(r.message).toContain(`The ${name} code '${c}' is not validated offline`);
    expect(r.message).toMatch(/pass --tx <url> to check it/);
    expect(await members(vs)).toBeUndefined();
  });

  it('displays: the code system display and designations are accepted (case and spaces aside), anything else reported', async () => {
    const t = await term();
    expect((await t.validateCode(VS('explicit'), code('red', 'Red'))).display).toBeUndefined();
    expect((await t.validateCode(VS('explicit'), code('red', '  red '))).display).toBeUndefined();
    expect((await t.validateCode(VS('explicit'), code('red', 'Rouge'))).display).toBeUndefined();
    const wrong = await t.validateCode(VS('explicit'), code('red', 'Crimson'));
    expect(wrong.result).toBe('valid');
    expect(wrong.display).toEqual({ expected: ['Red', 'Rouge'], given: 'Crimson' });
  });
});

describe('bindings through the engine', () => {
  const obs = (strength: string, coding: Record<string, unknown>) => ({
    resourceType: 'Observation',
    meta: { profile: [`http://example.org/StructureDefinition/obs-${strength}`] },
    status: 'final',
    code: { coding: [coding] },
  });
  const issuesOf = async (r: Record<string, unknown>) => (await (await engine()).validate(r)).issues.filter((i) => i.ruleId.startsWith('binding') || i.ruleId === 'display-mismatch' || i.ruleId === 'code-unknown');

  it.each([
    ['required', 'error'],
    ['extensible', 'warning'],
    ['preferred', 'information'],
  ])('a code outside a %s binding is an %s', async (strength, severity) => {
    const issues = await issuesOf(obs(strength, code('green')));
    expect(issues).toEqual([
      expect.objectContaining({ severity, ruleId: `binding-${strength}`, expression: 'Observation.code', source: `http://example.org/StructureDefinition/obs-${strength}|1.0.0` }),
    ]);
    expect(issues[0]!.message).toMatch(new RegExp(`not in the value set ${VS('explicit')} \\(${strength} binding\\)`));
    expect(await issuesOf(obs(strength, code('red')))).toEqual([]);
  });

  it('an unknown code in a loaded complete code system is an error whatever the binding', async () => {
    const issues = await issuesOf(obs('preferred', code('purple')));
    expect(issues.map((i) => [i.ruleId, i.severity, i.expression])).toEqual(
      expect.arrayContaining([['code-unknown', 'error', 'Observation.code.coding[0].code']]),
    );
  });

  it('a wrong display is a warning on the display itself', async () => {
    const issues = await issuesOf(obs('required', code('red', 'Crimson')));
    expect(issues).toEqual([expect.objectContaining({ severity: 'warning', ruleId: 'display-mismatch', expression: 'Observation.code.coding[0].display' })]);
    expect(issues[0]!.message).toBe("Wrong display 'Crimson': the code system says 'Red' or 'Rouge'");
  });

  it('a SNOMED CT code under a required binding, offline: information "not validated offline", not an error', async () => {
    const r = await (await engine()).validate({ ...obs('snomed', { system: SNOMED, code: '22298006' }) });
    const i = r.issues.find((x) => x.ruleId === 'binding-not-checked')!;
    expect(i).toMatchObject({ severity: 'information', expression: 'Observation.code' });
    expect(i.message).toMatch(/SNOMED CT code '22298006' is not validated offline/);
    expect(r.valid).toBe(true);
  });
});

describe('$validate-code on a terminology server (--tx)', () => {
  let server: Server;
  let base: string;
  const requests: URL[] = [];
  // the server's idea of SNOMED CT: two findings
  const known: Record<string, string> = { '22298006': 'Myocardial infarction', '44054006': 'Diabetes mellitus type 2' };
  let mode: 'answer' | 'silent' | 'html' = 'answer';

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const url = new URL(req.url!, 'http://127.0.0.1');
      requests.push(url);
      if (mode === 'silent') return; // never answers
      if (mode === 'html') {
        res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad gateway</html>');
        return;
      }
      const c = url.searchParams.get('code') ?? '';
      const parameter: Record<string, unknown>[] = [{ name: 'result', valueBoolean: c in known }];
      if (c in known) parameter.push({ name: 'display', valueString: known[c] });
      else parameter.push({ name: 'message', valueString: `Unknown code '${c}' in SNOMED CT (server)` });
      res.writeHead(200, { 'content-type': 'application/fhir+json' }).end(JSON.stringify({ resourceType: 'Parameters', parameter }));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/fhir`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  });

  class MemoryCache implements TerminologyCache {
    readonly blobs = new Map<string, unknown>();
    readBlob<T>(kind: string, key: string): T | undefined {
      return this.blobs.get(`${kind}/${key}`) as T | undefined;
    }
    writeBlob(kind: string, key: string, value: unknown): void {
      this.blobs.set(`${kind}/${key}`, structuredClone(value));
    }
  }
  const service = async (options: ConstructorParameters<typeof TerminologyService>[1]) => new TerminologyService((await engine()).loaded.defs, options);

  it('asks $validate-code only for what is undecidable offline, and uses the answer', async () => {
    mode = 'answer';
    requests.length = 0;
    const t = await service({ txServer: base, cache: new MemoryCache() });
    // decided locally: no request
    expect((await t.validateCode(VS('explicit'), code('red'))).result).toBe('valid');
    expect(requests).toHaveLength(0);
    const ok = await t.validateCode(VS('snomed-findings'), { system: SNOMED, code: '22298006', display: 'Heart attack' });
    expect(ok.result).toBe('valid');
    expect(ok.display).toEqual({ expected: ['Myocardial infarction'], given: 'Heart attack' });
    const bad = await t.validateCode(VS('snomed-findings'), { system: SNOMED, code: '999' });
    expect(bad).toMatchObject({ result: 'invalid', message: "Unknown code '999' in SNOMED CT (server)" });
    expect(requests.map((u) => u.pathname)).toEqual(['/fhir/ValueSet/$validate-code', '/fhir/ValueSet/$validate-code']);
    expect(Object.fromEntries(requests[0]!.searchParams)).toEqual({ url: VS('snomed-findings'), system: SNOMED, code: '22298006', display: 'Heart attack' });
  });

  it('caches answers: the same question again (this run, or a later one with the same cache) asks no server', async () => {
    mode = 'answer';
    requests.length = 0;
    const cache = new MemoryCache();
    const first = await service({ txServer: base, cache });
    const q = { system: SNOMED, code: '44054006' };
    expect((await first.validateCode(VS('snomed-findings'), q)).result).toBe('valid');
    expect((await first.validateCode(VS('snomed-findings'), q)).result).toBe('valid');
    expect(requests).toHaveLength(1);
    const later = await service({ txServer: base, cache });
    expect((await later.validateCode(VS('snomed-findings'), q)).result).toBe('valid');
    expect(requests).toHaveLength(1);
    // a different code is a different question
    await later.validateCode(VS('snomed-findings'), { system: SNOMED, code: '22298006' });
    expect(requests).toHaveLength(2);
  });

  it('a server that is down: the local "not validated" answer, with a message naming the server, and no crash', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((ok) => closed.close(ok));
    const t = await service({ txServer: `http://127.0.0.1:${port}/fhir`, cache: new MemoryCache() });
    const r = await t.validateCode(VS('snomed-findings'), { system: SNOMED, code: '22298006' });
    expect(r.result).toBe('unknown');
    expect(r.message).toMatch(new RegExp(`terminology server http://127\\.0\\.0\\.1:${port}/fhir could not be reached \\(connection refused\\)`));
  });

  it('a server that does not answer in time, or answers with an error page: the same, saying why', async () => {
    mode = 'silent';
    // the configured timeout is what ends the wait: asked at the same moment, a service with 5 × the
    // timeout answers later, and one with 0.3 s in under half its time (a ratio, not a budget)
    const slow = await service({ txServer: base, cache: new MemoryCache(), timeoutMs: 300 });
    const slower = await service({ txServer: base, cache: new MemoryCache(), timeoutMs: 1500 });
    const timed = async (t: typeof slow) => {
      const t0 = performance.now();
      const r = await t.validateCode(VS('snomed-findings'), { system: SNOMED, code: '22298006' });
      return { r, ms: performance.now() - t0 };
    };
    const [{ r, ms }, other] = await Promise.all([timed(slow), timed(slower)]);
    expect(ms / other.ms, `${ms.toFixed(0)} ms with a 0.3 s timeout, ${other.ms.toFixed(0)} ms with 1.5 s`).toBeLessThan(0.5);
    expect(other.r.message).toMatch(/no answer within 1\.5 s/);
    expect(r.result).toBe('unknown');
    expect(r.message).toMatch(/could not be reached \(no answer within 0\.3 s\)/);
    mode = 'html';
    const html = await service({ txServer: base, cache: new MemoryCache() });
    const h = await html.validateCode(VS('snomed-findings'), { system: SNOMED, code: '22298006' });
    expect(h.result).toBe('unknown');
    expect(h.message).toMatch(/could not be reached \(HTTP 502\)/);
    mode = 'answer';
  });

  it('a connection reset before any answer (a keep-alive socket the server just closed) is retried once: $validate-code is a GET, and GET is idempotent (RFC 9110 9.2.2)', async () => {
    let resets = 1;
    const flaky = createServer((req, res) => {
      if (resets-- > 0) {
        req.socket.destroy(); // reset: no status line, no body
        return;
      }
      res.writeHead(200, { 'content-type': 'application/fhir+json' }).end(JSON.stringify({ resourceType: 'Parameters', parameter: [{ name: 'result', valueBoolean: true }] }));
    });
    await new Promise<void>((ok) => flaky.listen(0, '127.0.0.1', ok));
    try {
      const t = await service({ txServer: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}/fhir`, cache: new MemoryCache() });
      expect((await t.validateCode(VS('snomed-findings'), { system: SNOMED, code: '22298006' })).result).toBe('valid');
      expect(resets).toBe(-1); // the reset happened, then the retry was answered
    } finally {
      flaky.closeAllConnections();
      await new Promise((ok) => flaky.close(ok));
    }
  });

  it('a server that resets every connection: one retry, then the "could not be reached" answer', async () => {
    let seen = 0;
    const broken = createServer((req) => {
      seen++;
      req.socket.destroy();
    });
    await new Promise<void>((ok) => broken.listen(0, '127.0.0.1', ok));
    try {
      const t = await service({ txServer: `http://127.0.0.1:${(broken.address() as AddressInfo).port}/fhir`, cache: new MemoryCache() });
      const r = await t.validateCode(VS('snomed-findings'), { system: SNOMED, code: '22298006' });
      expect(r.result).toBe('unknown');
      expect(r.message).toMatch(/could not be reached \((the server closed the connection without answering|connection reset)\)/);
      expect(seen).toBe(2);
    } finally {
      broken.closeAllConnections();
      await new Promise((ok) => broken.close(ok));
    }
  });

  it('failures are not cached: the next run asks again', async () => {
    mode = 'html';
    const cache = new MemoryCache();
    await (await service({ txServer: base, cache })).validateCode(VS('snomed-findings'), { system: SNOMED, code: '22298006' });
    expect(cache.blobs.size).toBe(0);
    mode = 'answer';
    requests.length = 0;
    expect((await (await service({ txServer: base, cache })).validateCode(VS('snomed-findings'), { system: SNOMED, code: '22298006' })).result).toBe('valid');
    expect(requests).toHaveLength(1);
  });

  it('through the engine (--tx): the server decides the SNOMED CT binding, on disk in the cache folder', async () => {
    mode = 'answer';
    requests.length = 0;
    const cacheDir = mkdtempSync(join(tmpdir(), 'bars-tx-cache-'));
    const make = () => createEngine({ cacheDir, offline: false, tx: base, igs: [igFolder()] });
    const obs = (c: string) => ({ resourceType: 'Observation', meta: { profile: ['http://example.org/StructureDefinition/obs-snomed'] }, status: 'final', code: { coding: [{ system: SNOMED, code: c }] } });
    const e = await make();
    const good = await e.validate(obs('22298006'));
    expect(good.issues.filter((i) => i.ruleId.startsWith('binding'))).toEqual([]);
    const bad = await e.validate(obs('999'));
    expect(bad.issues.find((i) => i.ruleId === 'binding-required')).toMatchObject({ severity: 'error', expression: 'Observation.code' });
    expect(bad.issues.find((i) => i.ruleId === 'binding-required')!.message).toMatch(/Unknown code '999' in SNOMED CT \(server\)/);
    expect(requests).toHaveLength(2);
    // a new engine on the same cache folder: answered from disk
    const again = await (await make()).validate(obs('999'));
    expect(again.valid).toBe(false);
    expect(requests).toHaveLength(2);
    rmSync(cacheDir, { recursive: true, force: true });
  }, 120_000);
});
