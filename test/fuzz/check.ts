/**
 * What every fuzz input must give: a result (no exception) in bounded time, whose issues are
 * well-formed and located (a line and column, or a FHIRPath expression).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Fixture } from './mutate.js';

export const ROOT = join(import.meta.dirname, '..', '..');

/** The repository's JSON and XML fixtures (HTTP requests and keys left out: not resources). */
export function loadFixtures(): Fixture[] {
  const out: Fixture[] = [];
  const walk = (dir: string): void => {
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(json|xml)$/.test(n) && !/\.(request|jwks)\.json$/.test(n)) {
        const text = readFileSync(p, 'utf8');
        let json: unknown;
        try {
          json = n.endsWith('.json') ? JSON.parse(text) : undefined;
        } catch {
          json = undefined;
        }
        out.push({ name: relative(ROOT, p), text, json });
      }
    }
  };
  for (const d of ['fixtures/r4', 'fixtures/bars', 'fixtures/profiles']) walk(join(ROOT, d));
  return out;
}

const SEVERITIES = new Set(['fatal', 'error', 'warning', 'information']);

/** What is wrong with a validation result, or undefined when it is well-formed. */
export function resultProblem(r: unknown): string | undefined {
  const res = r as { valid?: unknown; issues?: unknown };
  if (!res || typeof res !== 'object') return 'no result object';
  if (typeof res.valid !== 'boolean') return 'result.valid is not a boolean';
  if (!Array.isArray(res.issues)) return 'result.issues is not an array';
  for (const i of res.issues as Record<string, unknown>[]) {
    if (!SEVERITIES.has(i.severity as string)) return `issue with severity ${JSON.stringify(i.severity)}`;
    if (typeof i.message !== 'string' || i.message === '') return `issue ${String(i.ruleId)} without a message`;
    if (typeof i.ruleId !== 'string' || i.ruleId === '') return `issue without a rule id: ${String(i.message).slice(0, 120)}`;
    if (/\bat .*\.[jt]s:\d+|TypeError|RangeError|ReferenceError/.test(i.message)) return `issue message shows an internal error: ${i.message.slice(0, 200)}`;
    const located = (typeof i.line === 'number' && i.line >= 1 && typeof i.column === 'number' && i.column >= 1) || (typeof i.expression === 'string' && i.expression !== '');
    if (!located) return `issue ${i.ruleId} is not located: ${String(i.message).slice(0, 160)}`;
  }
  const failing = (res.issues as { severity: string; suppressed?: unknown }[]).some((i) => (i.severity === 'error' || i.severity === 'fatal') && !i.suppressed);
  if (failing && res.valid) return 'valid is true with an error issue';
  return undefined;
}
