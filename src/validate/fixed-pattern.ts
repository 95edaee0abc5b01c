/**
 * fixed[x] (exact) and pattern[x] (partial) matching, on FHIR JSON values.
 */

/** Exact equality, as fixed[x] requires; ids and extensions the fixed value does not mention are tolerated. */
export function equalsFixed(instance: unknown, fixed: unknown): boolean {
  if (fixed === null || typeof fixed !== 'object') return primitiveEquals(instance, fixed);
  if (Array.isArray(fixed)) {
    if (!Array.isArray(instance) || instance.length !== fixed.length) return false;
    for (let i = 0; i < fixed.length; i++) if (!equalsFixed(instance[i], fixed[i])) return false;
    return true;
  }
  if (instance === null || typeof instance !== 'object' || Array.isArray(instance)) return false;
  const f = fixed as Record<string, unknown>;
  const v = instance as Record<string, unknown>;
  for (const k of Object.keys(f)) {
    if (!(k in v) || !equalsFixed(v[k], f[k])) return false;
  }
  for (const k of Object.keys(v)) {
    if (k in f || k === 'id' || k === 'extension' || k.startsWith('_')) continue;
    return false;
  }
  return true;
}

/** Pattern matching: every property of the pattern is present with a matching value; arrays match item by item in any order. */
export function matchesPattern(instance: unknown, pattern: unknown): boolean {
  if (pattern === null || typeof pattern !== 'object') return primitiveEquals(instance, pattern);
  if (Array.isArray(pattern)) {
    if (!Array.isArray(instance)) return pattern.length === 1 && matchesPattern(instance, pattern[0]);
    return pattern.every((p) => instance.some((i) => matchesPattern(i, p)));
  }
  if (instance === null || typeof instance !== 'object' || Array.isArray(instance)) return false;
  const v = instance as Record<string, unknown>;
  for (const [k, pv] of Object.entries(pattern as Record<string, unknown>)) {
    if (!(k in v)) return false;
    if (!matchesPattern(v[k], pv)) return false;
  }
  return true;
}

function primitiveEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // a decimal may arrive as a number on one side and text on the other (XML, raw JSON text)
  if (typeof a === 'number' && typeof b === 'string') return String(a) === b || Number(b) === a;
  if (typeof a === 'string' && typeof b === 'number') return String(b) === a || Number(a) === b;
  return false;
}

/** A short rendering of a fixed/pattern value for messages. */
export function describeValue(v: unknown, max = 200): string {
  let s: string;
  if (typeof v === 'string') s = `'${v}'`;
  else s = JSON.stringify(v);
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
}
