/**
 * The shipped message-definitions/*.json (written by scripts/build-message-definitions.ts) are
 * valid FHIR JSON: bars serve answers GET /MessageDefinition with them as they are.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plainEngine } from './support/engine.js';

const DIR = resolve(import.meta.dirname, '..', 'message-definitions');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

/** JSON paths of the empty arrays in a value (FHIR JSON forbids them). */
function emptyArrays(v: unknown, path = ''): string[] {
  if (Array.isArray(v)) return v.length === 0 ? [path] : v.flatMap((x, i) => emptyArrays(x, `${path}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => emptyArrays(x, path ? `${path}.${k}` : k));
  return [];
}

describe('shipped MessageDefinitions', () => {
  it('there are some', () => expect(FILES.length).toBeGreaterThan(0));

  it.each(FILES)('%s has no empty arrays and validates as a MessageDefinition', async (f) => {
    const text = readFileSync(join(DIR, f), 'utf8');
    expect(emptyArrays(JSON.parse(text))).toEqual([]);
    const r = await (await plainEngine()).validate(text, { name: f });
    expect(r.resourceType).toBe('MessageDefinition');
    expect(r.issues.filter((i) => i.severity === 'error' || i.severity === 'fatal')).toEqual([]);
  });
});
