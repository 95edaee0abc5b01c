/**
 * Compare a generated snapshot with a published one, property by property: the proof
 * that our generator agrees with the tools the profiles were published with.
 */
import type { ElementDefinition } from '../model/fhir-types.js';
import { choiceValue } from '../model/fhir-types.js';

export const COMPARED_PROPERTIES = ['id', 'min', 'max', 'type', 'fixed', 'pattern', 'binding', 'slicing'] as const;
export type ComparedProperty = (typeof COMPARED_PROPERTIES)[number];

export interface PropertyTally {
  agree: number;
  total: number;
}

export interface Difference {
  profile: string;
  elementId: string;
  property: ComparedProperty;
  published: unknown;
  generated: unknown;
}

export interface Comparison {
  tallies: Record<ComparedProperty, PropertyTally>;
  differences: Difference[];
}

export function emptyComparison(): Comparison {
  const tallies = {} as Record<ComparedProperty, PropertyTally>;
  for (const p of COMPARED_PROPERTIES) tallies[p] = { agree: 0, total: 0 };
  return { tallies, differences: [] };
}

function typeKey(ed: ElementDefinition): unknown {
  return (ed.type ?? []).map((t) => ({
    code: t.code,
    profile: [...(t.profile ?? [])].sort(),
    targetProfile: [...(t.targetProfile ?? [])].sort(),
  }));
}

function bindingKey(ed: ElementDefinition): unknown {
  return ed.binding ? { strength: ed.binding.strength, valueSet: ed.binding.valueSet } : undefined;
}

function slicingKey(ed: ElementDefinition): unknown {
  return ed.slicing
    ? { discriminator: (ed.slicing.discriminator ?? []).map((d) => ({ type: d.type, path: d.path })), rules: ed.slicing.rules }
    : undefined;
}

function fixedKey(ed: ElementDefinition, prefix: 'fixed' | 'pattern'): unknown {
  const v = choiceValue(ed, prefix);
  return v ? { [v.name]: v.value } : undefined;
}

function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) => {
    if (val && typeof val === 'object' && !Array.isArray(val)) {
      return Object.fromEntries(Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    return val;
  });
}

const GETTERS: Record<Exclude<ComparedProperty, 'id'>, (ed: ElementDefinition) => unknown> = {
  min: (ed) => ed.min,
  max: (ed) => ed.max,
  type: typeKey,
  fixed: (ed) => fixedKey(ed, 'fixed'),
  pattern: (ed) => fixedKey(ed, 'pattern'),
  binding: bindingKey,
  slicing: slicingKey,
};

/** Add one profile's comparison to `into`. */
export function compareSnapshot(profile: string, published: ElementDefinition[], generated: ElementDefinition[], into: Comparison): void {
  const gen = new Map(generated.map((e) => [e.id ?? e.path, e]));
  const pubIds = new Set(published.map((e) => e.id ?? e.path));
  for (const p of published) {
    const id = p.id ?? p.path;
    const g = gen.get(id);
    into.tallies.id.total++;
    if (!g) {
      into.differences.push({ profile, elementId: id, property: 'id', published: id, generated: undefined });
      continue;
    }
    into.tallies.id.agree++;
    for (const prop of COMPARED_PROPERTIES) {
      if (prop === 'id') continue;
      const a = GETTERS[prop](p);
      const b = GETTERS[prop](g);
      into.tallies[prop].total++;
      if (canonicalJson(a) === canonicalJson(b)) into.tallies[prop].agree++;
      else into.differences.push({ profile, elementId: id, property: prop, published: a, generated: b });
    }
  }
  for (const g of generated) {
    const id = g.id ?? g.path;
    if (!pubIds.has(id)) {
      into.tallies.id.total++;
      into.differences.push({ profile, elementId: id, property: 'id', published: undefined, generated: id });
    }
  }
}

export function summarise(c: Comparison): { lines: string[]; overall: number; idAgreement: number; cardinality: number } {
  const lines: string[] = [];
  let agree = 0;
  let total = 0;
  for (const p of COMPARED_PROPERTIES) {
    const t = c.tallies[p];
    agree += t.agree;
    total += t.total;
    lines.push(`${p.padEnd(10)} ${pct(t.agree, t.total).padStart(7)}  (${t.agree}/${t.total})`);
  }
  const card = c.tallies.min.agree + c.tallies.max.agree;
  const cardTotal = c.tallies.min.total + c.tallies.max.total;
  lines.push(`${'all'.padEnd(10)} ${pct(agree, total).padStart(7)}  (${agree}/${total})`);
  return {
    lines,
    overall: total ? agree / total : 1,
    idAgreement: c.tallies.id.total ? c.tallies.id.agree / c.tallies.id.total : 1,
    cardinality: cardTotal ? card / cardTotal : 1,
  };
}

function pct(a: number, b: number): string {
  return b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(2)}%`;
}
