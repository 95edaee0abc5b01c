/**
 * Every official example in ../shared/corpus — the 215 UK Core STU3 examples and the 67 BaRS
 * examples — validated with the corpus IG sources and the BaRS layer. The official examples are
 * not all correct: test/corpus-verdicts.ts lists, per file, the errors expected as
 * (rule id, FHIRPath location) pairs and why each is right. A changed rule, location, count or
 * order fails here; there is no snapshot, so `vitest -u` cannot accept a new verdict.
 *
 * Warnings are not pinned: the BaRS examples raise over a thousand (SHOULD rows of the payload
 * tables, displays TKW expects, extensible bindings), and they do not decide validity.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { barsEngine } from './support/engine.js';
import { corpusPath, HAS_CORPUS } from './support/corpus.js';
import { BARS_EXAMPLE_VERDICTS, UKCORE_EXAMPLE_VERDICTS, type Verdict } from './corpus-verdicts.js';

const examples = (dir: string): string[] => {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (/\.(json|xml)$/i.test(e.name)) out.push(join(d, e.name));
    }
  };
  walk(dir);
  return out.sort();
};

type Pair = [rule: string, location: string];

/** Errors per file (relative name), as [rule, location] in report order. */
async function errorsByFile(dir: string): Promise<Map<string, Pair[]>> {
  const e = await barsEngine();
  const out = new Map<string, Pair[]>();
  for (const f of examples(dir)) {
    const r = await e.validate(readFileSync(f), { name: f });
    const errors = r.issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
    out.set(f.slice(dir.length + 1), errors.map((i): Pair => [i.ruleId, i.expression ?? '']));
  }
  return out;
}

function expectVerdicts(actual: Map<string, Pair[]>, expected: Record<string, Verdict>, total: number): void {
  expect(actual.size, 'number of official example files').toBe(total);
  for (const file of Object.keys(expected)) expect(actual.has(file), `${file} is listed in corpus-verdicts.ts but is not in the corpus`).toBe(true);
  let listed = 0;
  for (const [file, errors] of actual) {
    const verdict = expected[file];
    if (verdict) listed++;
    // one comparison per file: a failure names the file and shows both lists
    expect(errors, `${file}: errors differ from test/corpus-verdicts.ts (decide whether the example or the validator is wrong, and say why there)`).toEqual(verdict?.errors ?? []);
  }
  expect(listed, 'every listed file was compared').toBe(Object.keys(expected).length);
}

/** The Modulus 11 check digit of an NHS number (NHS Data Dictionary), or undefined when none exists. */
function mod11CheckDigit(nhsNumber: string): number | undefined {
  const sum = [...nhsNumber.slice(0, 9)].reduce((a, d, i) => a + Number(d) * (10 - i), 0);
  const check = 11 - (sum % 11);
  return check === 11 ? 0 : check === 10 ? undefined : check;
}

/** NHS numbers in an example's text (XML or JSON), read independently of the toolkit's parser. */
function nhsNumbersIn(text: string): string[] {
  const xml = [...text.matchAll(/Id\/nhs-number"\s*\/>\s*<value value="([^"]*)"/g)].map((m) => m[1]!);
  const json = [...text.matchAll(/"system"\s*:\s*"https:\/\/fhir\.nhs\.uk\/Id\/nhs-number"\s*,\s*"value"\s*:\s*"([^"]*)"/g)].map((m) => m[1]!);
  return [...xml, ...json];
}

/**
 * The reasons' statements about NHS numbers hold for the data: every NHS number in a file that
 * fails Modulus 11 is named in its reason with the right digits, once per BARS-CORE-13 error.
 * Returns how many failing NHS numbers the files hold.
 */
function expectNhsNumberReasons(dir: string, expected: Record<string, Verdict>): number {
  let invalidSeen = 0;
  for (const f of examples(dir)) {
    const file = f.slice(dir.length + 1);
    const invalid = nhsNumbersIn(readFileSync(f, 'utf8')).filter((n) => !/^\d{10}$/.test(n) || mod11CheckDigit(n) !== Number(n[9]));
    invalidSeen += invalid.length;
    const verdict = expected[file];
    const core13 = verdict?.errors.filter(([rule]) => rule === 'BARS-CORE-13').length ?? 0;
    expect(core13, `${file}: one BARS-CORE-13 error per NHS number failing Modulus 11 (${invalid.join(', ') || 'none'})`).toBe(invalid.length);
    const named = [...(verdict?.reason.join(' ') ?? '').matchAll(/NHS number (\d{10}) fails Modulus 11: weights 10\.\.2 over its first nine digits give check digit (\d), its tenth digit is (\d)/g)];
    expect(named.map((m) => m[1]).sort(), `${file}: the reason names each failing NHS number`).toEqual([...invalid].sort());
    for (const [, n, check, tenth] of named) {
      expect(mod11CheckDigit(n!), `${file}: check digit stated for ${n}`).toBe(Number(check));
      expect(n![9], `${file}: tenth digit stated for ${n}`).toBe(tenth);
    }
  }
  return invalidSeen;
}

function expectEachRuleExplained(expected: Record<string, Verdict>): void {
  for (const [file, { errors, reason }] of Object.entries(expected)) {
    expect(errors.length, `${file}: a listed file has errors`).toBeGreaterThan(0);
    for (const rule of new Set(errors.map(([r]) => r))) {
      expect(reason.some((r) => r.startsWith(`${rule} `) || r.startsWith(`${rule}:`)), `${file}: no reason sentence for ${rule}`).toBe(true);
    }
    for (const r of reason) {
      const rule = r.match(/^(\S+?):? /)?.[1];
      expect(errors.some(([id]) => id === rule), `${file}: reason for ${rule}, which the file does not raise`).toBe(true);
    }
  }
}

describe('expected verdicts are explained (no corpus needed)', () => {
  it('every rule id of a file has a reason sentence, and every reason names a rule id the file raises', () => {
    expectEachRuleExplained(BARS_EXAMPLE_VERDICTS);
    expectEachRuleExplained(UKCORE_EXAMPLE_VERDICTS);
  });

  it('the Modulus 11 check digit used to verify the reasons follows the NHS Data Dictionary', () => {
    expect(mod11CheckDigit('9434765919')).toBe(9); // the Data Dictionary's worked example
    expect(mod11CheckDigit('3478526985')).toBe(1);
    expect(mod11CheckDigit('0000000000')).toBe(0); // 11 → 0
    expect(mod11CheckDigit('1000000010')).toBeUndefined(); // 10 → no valid number
  });
});

describe.skipIf(!HAS_CORPUS)('official examples in the corpus', () => {

  it('UK Core STU3 examples: each file raises exactly the expected (rule, location) errors', async () => {
    expectVerdicts(await errorsByFile(corpusPath('ukcore-stu3', 'examples')), UKCORE_EXAMPLE_VERDICTS, 215);
  }, 180_000);

  it('BaRS examples: each file raises exactly the expected (rule, location) errors', async () => {
    expectVerdicts(await errorsByFile(corpusPath('bars', 'Examples')), BARS_EXAMPLE_VERDICTS, 67);
  }, 180_000);

  it('every NHS number failing Modulus 11 is named, with its digits, in its file\'s reason', () => {
    // UK Core: one (the baby patient); BaRS: 3478526985 in 25 Patients and 7778521234 in 4
    expect(expectNhsNumberReasons(corpusPath('ukcore-stu3', 'examples'), UKCORE_EXAMPLE_VERDICTS)).toBe(1);
    expect(expectNhsNumberReasons(corpusPath('bars', 'Examples'), BARS_EXAMPLE_VERDICTS)).toBe(29);
  });

  it('the error responses use a mis-cased CodeSystem URL (the example is wrong, not the rule)', () => {
    const text = readFileSync(corpusPath('bars', 'Examples', examples(corpusPath('bars', 'Examples')).find((f) => f.includes('400BadRequest'))!.split('/Examples/')[1]!), 'utf8');
    expect(text).toContain('https://fhir.nhs.uk/Codesystem/http-error-codes');
  });
});
