/**
 * rules/probe/probe-rules.json documents every check bars probe raises, with the guide page the
 * code cites, and nothing the code does not raise.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusPath, HAS_CORPUS } from '../../test/support/corpus.js';
import { PROBE_RULES } from './probe.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const doc = JSON.parse(readFileSync(join(ROOT, 'rules', 'probe', 'probe-rules.json'), 'utf8')) as { rules: { id: string; title: string; severity: string; guidePage: string }[] };
const sources = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => readFileSync(join(import.meta.dirname, f), 'utf8'))
  .join('\n');
const raised = [...new Set(sources.match(/out\.add\('(BARS-PROBE-\d{2})'/g)?.map((m) => m.slice(9, -1)) ?? [])].sort();

describe('probe rules documentation (rules/probe/probe-rules.json)', () => {
  it('documents every check bars probe raises, and only those, with the code’s title and guide page', () => {
    expect(raised.length).toBeGreaterThan(0);
    expect(doc.rules.map((r) => r.id).sort()).toEqual(raised);
    expect(Object.keys(PROBE_RULES).sort()).toEqual(raised);
    for (const r of doc.rules) {
      const code = PROBE_RULES[r.id as keyof typeof PROBE_RULES];
      expect(r.guidePage, r.id).toBe(code.guidePage);
      expect(r.title, r.id).toBe(code.title);
    }
  });

  it.skipIf(!HAS_CORPUS)('cites guide pages that exist in the BaRS guide', () => {
    for (const r of doc.rules) expect(existsSync(corpusPath('bars-guide', r.guidePage)), `${r.id}: ${r.guidePage}`).toBe(true);
  });
});
