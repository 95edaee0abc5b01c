/**
 * Reading parsed JSON safely: instances are untyped until validated, so code that looks into
 * them asks for an object, an array or a string and gets undefined (or []) for anything else.
 */
export type Json = Record<string, unknown>;

/** A JSON object (not an array, not null), or undefined. */
export function rec(v: unknown): Json | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

/** The array, or an empty one for anything else. */
export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The string, or undefined for anything else. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
