/**
 * rules/http/http-rules.json documents every HTTP rule the code raises, with the guide page the
 * code cites, and nothing the code does not raise.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusPath, HAS_CORPUS } from '../../../test/support/corpus.js';
import { loadApiTable } from './openapi.js';
import { HTTP_RULES } from './rules.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const doc = JSON.parse(readFileSync(join(ROOT, 'rules', 'http', 'http-rules.json'), 'utf8')) as { rules: { id: string; title: string; severity: string; guidePage: string; spec?: string }[] };
const sources = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => readFileSync(join(import.meta.dirname, f), 'utf8'))
  .join('\n');
const used = [...new Set(sources.match(/BARS-HTTP-\d{2}/g) ?? [])].sort();

describe('HTTP rules documentation (rules/http/http-rules.json)', () => {
  it('documents every rule id used in src/bars/http, and only those', () => {
    expect(used.length).toBeGreaterThan(0);
    expect(doc.rules.map((r) => r.id).sort()).toEqual(used);
  });

  it('gives each rule the guide page the code cites, a title and a severity', () => {
    for (const r of doc.rules) {
      expect(HTTP_RULES[r.id as keyof typeof HTTP_RULES]?.guidePage, r.id).toBe(r.guidePage);
      expect(r.title.length, r.id).toBeGreaterThan(20);
      expect(['fatal', 'error', 'warning', 'information'], r.id).toContain(r.severity);
    }
    expect(Object.keys(HTTP_RULES).sort()).toEqual(used);
  });

  it('points into the API specification only at what the derived table holds', () => {
    const table = JSON.stringify(loadApiTable());
    for (const r of doc.rules.filter((x) => x.spec)) {
      const pointer = r.spec!;
      const known = pointer === '#/paths' || pointer === '#/components/parameters' || pointer.startsWith('#/components/securitySchemes/') || table.includes(pointer.replace(/\/requestBody$/, ''));
      expect(known, `${r.id} ${pointer}`).toBe(true);
    }
  });

  it.skipIf(!HAS_CORPUS)('cites guide pages that exist in the BaRS guide', () => {
    for (const r of doc.rules) expect(existsSync(corpusPath('bars-guide', r.guidePage)), `${r.id}: ${r.guidePage}`).toBe(true);
  });
});
