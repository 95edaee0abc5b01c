import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkNecessityRulesFiles, loadNecessityRules, rulesDir } from './necessity.js';

// The CLI loads the shipped rules without a schema check (start-up time), so this test is
// what keeps them matching rules/schema/necessity-rules.schema.json.
describe('necessity rules files', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'bars-necessity-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('every shipped rules file matches the schema', () => {
    const checked = checkNecessityRulesFiles();
    expect(checked.length).toBeGreaterThan(0);
    expect(checked.map((p) => `${p.application}-${p.payload}`)).toEqual(loadNecessityRules().map((p) => `${p.application}-${p.payload}`));
  });

  it('a rules file from another folder that breaks the schema is refused on load, naming the file', () => {
    const dir = join(tmp, 'rules', 'necessity');
    mkdirSync(join(tmp, 'rules', 'schema'), { recursive: true });
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(rulesDir(), 'schema', 'necessity-rules.schema.json'), join(tmp, 'rules', 'schema', 'necessity-rules.schema.json'));
    const good = JSON.parse(readFileSync(join(rulesDir(), 'necessity', 'APP1-referral-request.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'APP1-referral-request.json'), JSON.stringify({ ...good, resources: 'not a list' }));
    expect(() => loadNecessityRules(dir)).toThrow(/APP1-referral-request\.json does not match the schema/);
  });

  it('one payload table read on its own (through index.json) is the one loaded with all the others, errata applied', async () => {
    vi.resetModules();
    // a fresh module: nothing loaded yet, so each table is read from its own file
    const fresh = await import('./necessity.js');
    const all = loadNecessityRules();
    expect(all.length).toBeGreaterThan(1);
    for (const p of all) expect(fresh.necessityRulesFor(p.application, p.payload)).toEqual(p);
    expect(all.some((p) => p.resources.some((s) => s.rules.some((r) => r.erratum)))).toBe(true);
    expect(fresh.necessityRulesFor('APP1', 'no-such-payload')).toBeUndefined();
  });
});
