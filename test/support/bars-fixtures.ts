/**
 * The toolkit's valid BaRS fixture messages, read and addressed by resource type: tests and rule
 * proofs change one of them in one place and locate the change by entry index.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type J = Record<string, any>;
const FIXTURES = resolve(import.meta.dirname, '../../fixtures/bars/valid');

/** A fresh copy of fixtures/bars/valid/<name>.json. */
export const load = (name: string): J => JSON.parse(readFileSync(resolve(FIXTURES, `${name}.json`), 'utf8')) as J;

/** Index of the first (or nth) entry holding a resource of this type. */
export const idx = (b: J, type: string, nth = 0): number => {
  const all = (b.entry as J[]).map((e, i) => [e, i] as const).filter(([e]) => e.resource.resourceType === type);
  if (!all[nth]) throw new Error(`fixture has no ${type} #${nth}`);
  return all[nth]![1];
};
export const res = (b: J, type: string, nth = 0): J => b.entry[idx(b, type, nth)].resource;
/** The FHIRPath location of that resource (plus `path`), as the engine reports it. */
export const at = (b: J, type: string, path = '', nth = 0): string => `Bundle.entry[${idx(b, type, nth)}].resource${path}`;
export const fullUrl = (b: J, type: string): string => b.entry[idx(b, type)].fullUrl;
