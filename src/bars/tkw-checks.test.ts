/**
 * rules/tkw/tkw-checks.json: every check of TKW's BaRS rulesets, mapped to the rules that cover
 * it. Pinned here: the file matches its schema; every check is either not applicable (with the
 * reason) or covered by rule ids that exist (core rules, necessity rules, content negotiation and
 * engine checks, or the HTTP layer's BARS-HTTP-* ids in rules/http/http-rules.json); every core rule is raised by the
 * BaRS layer; and, given TKW's own repository, the mapping lists each of its checks at its line.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { corpusPath, HAS_CORPUS } from '../../test/support/corpus.js';
import { loadNecessityRules } from './rules/necessity.js';

const ROOT = resolve(import.meta.dirname, '../..');
const readJson = <T>(p: string): T => JSON.parse(readFileSync(join(ROOT, p), 'utf8')) as T;

interface TkwCheck {
  id: string;
  config: string;
  line: number;
  implementation?: { file: string; line: number };
  subset: string | null;
  kind: string;
  status: 'covered' | 'partial' | 'http-layer' | 'not-covered' | 'not-applicable';
  applies: boolean;
  coveredBy: string[];
  reason?: string;
  sameAs?: string;
}
interface TkwFile {
  source: { commit: string; rulesets: { file: string }[] };
  beyondTkw?: { ruleIds?: string[] }[];
  checks: TkwCheck[];
}
interface CoreRule {
  id: string;
  guidePage: string;
  tkwRequirement?: string;
}

const mapping = readJson<TkwFile>('rules/tkw/tkw-checks.json');
const core = readJson<{ rules: CoreRule[] }>('rules/core/core-rules.json').rules;

/** The toolkit's source (not its tests), where rule ids are raised. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return sources(p);
    return f.endsWith('.ts') && !f.endsWith('.test.ts') ? [readFileSync(p, 'utf8')] : [];
  });
}
const SRC = sources(join(ROOT, 'src')).join('\n');
const BARS_SRC = sources(join(ROOT, 'src', 'bars')).join('\n');
/** Rule ids the engine builds from a template (`binding-${strength}`). */
const TEMPLATED: Record<string, RegExp> = { 'binding-required': /`binding-\$\{/, 'binding-extensible': /`binding-\$\{/ };
const raisedIn = (src: string, id: string): boolean => src.includes(`'${id}'`) || (TEMPLATED[id]?.test(src) ?? false);

describe('rules/tkw/tkw-checks.json', () => {
  it('matches its JSON Schema (rules/schema/tkw-checks.schema.json)', () => {
    const ajv = new Ajv({ allErrors: true });
    const validate = ajv.compile(readJson<object>('rules/schema/tkw-checks.schema.json'));
    const ok = validate(mapping);
    expect(ok, ajv.errorsText(validate.errors, { separator: '\n' })).toBe(true);
  });

  it('the schema rejects a check marked not applicable without a reason, or covered by nothing', () => {
    const validate = new Ajv({ allErrors: true }).compile(readJson<object>('rules/schema/tkw-checks.schema.json'));
    const first = mapping.checks.find((c) => c.status === 'covered')!;
    const noReason = structuredClone(mapping);
    noReason.checks = [{ ...first, status: 'not-applicable', applies: false, coveredBy: [] }];
    expect(validate(noReason)).toBe(false);
    const uncovered = structuredClone(mapping);
    uncovered.checks = [{ ...first, coveredBy: [] }];
    expect(validate(uncovered)).toBe(false);
    const headerAsCore = structuredClone(mapping);
    headerAsCore.checks = [{ ...mapping.checks.find((c) => c.status === 'http-layer')!, coveredBy: ['BARS-CORE-01'] }];
    expect(validate(headerAsCore)).toBe(false);
  });

  it('ids are unique, and no two checks claim the same TKW line', () => {
    const ids = mapping.checks.map((c) => c.id);
    expect(ids.length).toBe(new Set(ids).size);
    const lines = mapping.checks.map((c) => `${c.config}:${c.line}`);
    expect(lines.length).toBe(new Set(lines).size);
  });

  it('every check is not applicable with a reason, or maps to rule ids that exist', () => {
    const coreIds = new Set(core.map((r) => r.id));
    const httpIds = new Set((JSON.parse(readFileSync(resolve(ROOT, 'rules/http/http-rules.json'), 'utf8')) as { rules: { id: string }[] }).rules.map((r) => r.id));
    const necessityIds = new Set(loadNecessityRules().flatMap((p) => p.resources.flatMap((s) => s.rules.map((r) => r.id))));
    const problems: string[] = [];
    for (const c of mapping.checks) {
      if (c.status === 'not-applicable') {
        if (!c.reason || c.applies) problems.push(`${c.id}: not applicable needs a reason and applies: false`);
        continue;
      }
      if (c.status === 'not-covered') {
        // a known gap: it must say why, and claim no rule
        if (!c.reason || !c.applies || c.coveredBy.length) problems.push(`${c.id}: not covered needs a reason, applies: true and no rule ids`);
        continue;
      }
      if (c.coveredBy.length === 0) problems.push(`${c.id}: ${c.status} but covered by nothing`);
      for (const id of c.coveredBy) {
        if (/^BARS-HTTP-/.test(id)) {
          // header and URL checks are the HTTP layer's (rules/http/http-rules.json)
          if (c.status !== 'http-layer') problems.push(`${c.id}: ${id} is an HTTP-layer id on a ${c.status} check`);
          if (!httpIds.has(id)) problems.push(`${c.id}: ${id} is not in rules/http/http-rules.json`);
        } else if (/^BARS-CORE-/.test(id)) {
          if (!coreIds.has(id)) problems.push(`${c.id}: ${id} is not in rules/core/core-rules.json`);
        } else if (/^APP\d+-/.test(id)) {
          if (!necessityIds.has(id)) problems.push(`${c.id}: ${id} is not a necessity rule id (rules/necessity/)`);
        } else if (!raisedIn(SRC, id)) {
          problems.push(`${c.id}: rule id ${id} is raised nowhere in src/`);
        }
      }
      if (c.status === 'http-layer' && c.coveredBy.some((id) => !/^BARS-HTTP-/.test(id))) problems.push(`${c.id}: http-layer checks map to BARS-HTTP-* ids`);
    }
    expect(problems).toEqual([]);
  });

  it('a check copied from the other ruleset is decided the same way', () => {
    const byId = new Map(mapping.checks.map((c) => [c.id, c]));
    for (const c of mapping.checks.filter((x) => x.sameAs)) {
      const other = byId.get(c.sameAs!);
      expect(other, `${c.id}: sameAs ${c.sameAs} does not exist`).toBeDefined();
      expect([c.status, c.coveredBy], c.id).toEqual([other!.status, other!.coveredBy]);
    }
  });

  it('every rule drawn from TKW is what some TKW check maps to', () => {
    const used = new Set(mapping.checks.flatMap((c) => c.coveredBy));
    expect(core.filter((r) => r.tkwRequirement && !used.has(r.id)).map((r) => r.id)).toEqual([]);
  });
});

describe('rules/core/core-rules.json', () => {
  it('matches its JSON Schema (rules/schema/core-rules.schema.json)', () => {
    const ajv = new Ajv({ allErrors: true });
    const validate = ajv.compile(readJson<object>('rules/schema/core-rules.schema.json'));
    expect(validate(readJson<object>('rules/core/core-rules.json')), ajv.errorsText(validate.errors)).toBe(true);
  });

  it('every rule is raised somewhere in src/bars, and every BARS-CORE id raised there is documented', () => {
    expect(core.filter((r) => !raisedIn(BARS_SRC, r.id)).map((r) => r.id)).toEqual([]);
    const raised = new Set([...BARS_SRC.matchAll(/'(BARS-CORE-\d+)'/g)].map((m) => m[1]!));
    expect([...raised].filter((id) => !core.some((r) => r.id === id))).toEqual([]);
  });

  it.skipIf(!HAS_CORPUS)('every guide page named is a page of the BaRS guide', () => {
    expect(core.filter((r) => !existsSync(corpusPath('bars-guide', r.guidePage))).map((r) => `${r.id}: ${r.guidePage}`)).toEqual([]);
  });
});

/**
 * TKW's own repository (github.com/nhsdigitalmait/FHIR_BaRS) is not part of the corpus. Point
 * TKW_FHIR_BARS at a checkout (with validator_config/) or at a git directory of it, and this
 * proves the mapping lists every CHECK of the rulesets at its line, and nothing else.
 */
const TKW = process.env.TKW_FHIR_BARS;
describe.skipIf(!TKW)('the mapping against TKW\'s rulesets', () => {
  if (!TKW) console.warn('TKW_FHIR_BARS not set: the check of rules/tkw/tkw-checks.json against TKW\'s own rulesets is skipped (set it to a checkout or git directory of github.com/nhsdigitalmait/FHIR_BaRS)');

  const read = (path: string): string => {
    if (existsSync(join(TKW!, 'validator_config'))) return readFileSync(join(TKW!, path), 'utf8');
    return execFileSync('git', ['--git-dir', TKW!, 'show', `${mapping.source.commit}:${path}`], { encoding: 'utf8' });
  };

  it('lists every CHECK of the provider, consumer and common rulesets at its line', () => {
    const expected: string[] = [];
    for (const [prefix, file] of [['provider', 'validator_config/provider_simulator_validator.conf'], ['consumer', 'validator_config/consumer_simulator_validator.conf'], ['common', 'validator_config/bars_common.conf']] as const) {
      let group = '';
      const ordinal = new Map<string, number>();
      read(file).split(/\r?\n/).forEach((raw, i) => {
        const l = raw.trim();
        const m = /^(VALIDATE|SUBSET)\s+(\S+)/.exec(l);
        if (m) group = m[1] === 'SUBSET' ? m[2]! : m[2]!.replace('urn:nhs:names:services:bars:fhir:', '');
        if (!/^CHECK\s/.test(l) || /^CHECK\s+sub\s/.test(l)) return;
        const n = (ordinal.get(group) ?? 0) + 1;
        ordinal.set(group, n);
        expected.push(`${prefix}:${group}#${n} ${file}:${i + 1}`);
      });
    }
    expect(mapping.checks.map((c) => `${c.id} ${c.config}:${c.line}`).sort()).toEqual(expected.sort());
  });

  it('the XSLT a check runs is there, at the line cited', () => {
    for (const c of mapping.checks.filter((x) => x.implementation)) {
      const lines = read(c.implementation!.file).split(/\r?\n/);
      expect(lines[c.implementation!.line - 1], `${c.id}: ${c.implementation!.file}:${c.implementation!.line}`).toMatch(/select|for-each|variable/);
      expect(read(c.config).split(/\r?\n/)[c.line - 1]).toContain(c.implementation!.file.split('/').pop());
    }
  });
});
