/**
 * Checks on values: a primitive's lexical form (primitives.ts) and narrative, the value rules a
 * profile puts on an element (fixed, pattern, minLength/maxLength, minValue/maxValue, Quantity
 * limits, mustHaveValue), then its bindings and invariants. Reached through CheckContext.
 */
import type { ElementPlan } from '../compile/plan.js';
import { checkBindings } from './bindings.js';
import type { Applied, Combination } from './combination.js';
import { jsonKind, type CheckContext, type RunState } from './context.js';
import { describeValue, equalsFixed, matchesPattern } from './fixed-pattern.js';
import { evaluateConstraints } from './invariants.js';
import { compareLimit, relativeTemporalLimit } from './limits.js';
import type { Loc } from './walk-path.js';
import { checkPrimitive } from './primitives.js';
import { convertUcum } from './questionnaire/values.js';
import { checkNarrativeXhtml } from './xhtml.js';

const QUANTITY_TYPES = new Set(['Age', 'Count', 'Distance', 'Duration', 'Money', 'SimpleQuantity', 'MoneyQuantity']);

export function validatePrimitive(ctx: CheckContext, st: RunState, value: unknown, ext: unknown, applied: Applied[], typeCode: string, loc: Loc, combo: Combination): void {
  const el0 = applied[0]?.el;
  const withFacts = combo.withFacts;
  if (withFacts.length) checkValuePresence(ctx, st, value, ext, withFacts, loc);
  if (value !== undefined && value !== null) {
    const raw = typeof value === 'number' && loc.container && loc.key !== undefined ? st.locations?.rawNumber(loc.container, loc.key) : undefined;
    // Resource.id is typed as a plain string in R4's definitions, but it must be a valid id
    const code = typeCode === 'System.String' && loc.name === 'id' && el0?.def.base?.path === 'Resource.id' ? 'id' : typeCode;
    const problems = checkPrimitive(code, value, raw === undefined && st.format === 'json' ? undefined : { raw, format: st.format });
    for (let i = 0; i < problems.length; i++) {
      const p = problems[i]!;
      ctx.report(st, loc, p.severity, p.ruleId === 'primitive-json-type' ? 'structure' : 'value', p.ruleId, p.message, { el: el0 });
    }
    if (typeCode === 'xhtml' && typeof value === 'string') {
      for (const p of checkNarrativeXhtml(value)) ctx.report(st, loc, p.severity, 'value', p.ruleId, p.message, { el: el0 });
      checkNarrativeLinks(ctx, st, value, loc);
    }
    if (withFacts.length && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
      checkFixedPattern(ctx, st, value, withFacts, loc);
      for (const a of withFacts) {
        const f = a.el.facts;
        if (f.maxLength !== undefined && typeof value === 'string' && value.length > f.maxLength) {
          ctx.report(st, loc, 'error', 'value', 'max-length', `The value is ${value.length} characters long, more than the ${f.maxLength} allowed`, { el: a.el });
        }
        checkMinMaxValue(ctx, st, value, a.el, loc);
      }
    }
  }
  if (ext !== undefined && ext !== null) {
    const extLoc = loc;
    if (typeof ext !== 'object' || Array.isArray(ext)) {
      ctx.report(st, extLoc, 'error', 'structure', 'json-type', `_${loc.name} must be a JSON object holding id and extension, found ${jsonKind(ext)}`);
    } else {
      // `_name` holds the primitive's id and extensions: validate against the primitive type's definition
      ctx.validateComplex(st, ext as Record<string, unknown>, applied, typeCode, loc, false, true, combo);
    }
  }
  if (ctx.terminology && value !== null && value !== undefined) checkBindings(ctx, st, value, applied, typeCode, loc, combo);
  evaluateConstraints(ctx, st, value, ext, applied, typeCode, loc, combo);
}

/** Local links in a narrative (href="#x", src="#x") must point at something in the resource. */
function checkNarrativeLinks(ctx: CheckContext, st: RunState, div: string, loc: Loc): void {
  if (!div.includes('"#') && !div.includes("'#")) return;
  const root = st.frame?.root;
  if (!root) return;
  let ids = narrativeTargets.get(root);
  if (!ids) {
    ids = collectTargets(root);
    narrativeTargets.set(root, ids);
  }
  const re = /\b(href|src)\s*=\s*(["'])#([^"']*)\2/g;
  for (let m = re.exec(div); m; m = re.exec(div)) {
    const target = m[3]!;
    if (target === '' || ids.has(target)) continue;
    ctx.report(
      st,
      loc,
      'error',
      'value',
      'narrative-link',
      `The narrative links to '#${target}' (${m[1]} attribute), but nothing in the resource has that id: add an element or contained resource with id="${target}", or an anchor <a name="${target}">`,
    );
  }
}

/**
 * Profile rules about a primitive's value itself: minLength, and (R5 rules usable in R4
 * through cross-version extensions) mustHaveValue and valueAlternatives.
 */
function checkValuePresence(ctx: CheckContext, st: RunState, value: unknown, ext: unknown, applied: readonly Applied[], loc: Loc): void {
  const hasValue = value !== undefined && value !== null;
  for (const a of applied) {
    const f = a.el.facts;
    if (!f.any) continue;
    if (f.minLength !== undefined && typeof value === 'string' && [...value].length < f.minLength) {
      ctx.report(st, loc, 'error', 'value', 'min-length', `Value '${value}' is shorter than the minimum length of ${f.minLength} the profile requires`, { el: a.el });
    }
    if (hasValue) continue;
    if (f.mustHaveValue) {
      ctx.report(st, loc, 'error', 'required', 'must-have-value', `The profile requires a value in ${a.el.path}: extensions alone (e.g. a data-absent-reason) are not enough here`, { el: a.el });
    } else if (f.valueAlternatives.length) {
      const present =
        ext && typeof ext === 'object' && Array.isArray((ext as { extension?: unknown }).extension)
          ? (ext as { extension: { url?: unknown }[] }).extension.map((e) => e?.url)
          : [];
      if (!f.valueAlternatives.some((alt) => present.includes(alt))) {
        ctx.report(
          st,
          loc,
          'error',
          'required',
          'value-alternatives',
          `${a.el.path} has no value, so the profile requires one of these extensions in its place: ${f.valueAlternatives.join(', ')}`,
          { el: a.el },
        );
      }
    }
  }
}

function checkMinMaxValue(ctx: CheckContext, st: RunState, value: string | number | boolean, el: ElementPlan, loc: Loc): void {
  const f = el.facts;
  if (f.minValue === undefined && f.maxValue === undefined) return;
  // dates and dateTimes by the time they stand for (an uncertain comparison is no verdict)
  const cmp = compareLimit;
  // a Duration limit on a date is relative to the current clock (ElementDefinition.minValue[x])
  const relMin = typeof value === 'string' ? relativeTemporalLimit(f.minValue, -1) : undefined;
  const relMax = typeof value === 'string' ? relativeTemporalLimit(f.maxValue, 1) : undefined;
  const relative = (limit: unknown, word: string): string => {
    const l = limit as { value: number; code?: string; unit?: string };
    return `${l.value} ${l.code ?? l.unit ?? ''} ${word} now`;
  };
  if (f.minValue !== undefined && (cmp(value, relMin ?? f.minValue) ?? 0) < 0) {
    const what = relMin ? `${relative(f.minValue, 'before')} (${relMin.slice(0, 10)})` : describeValue(f.minValue);
    ctx.report(st, loc, 'error', 'value', 'min-value', `The value ${describeValue(value)} is less than the allowed minimum of ${what}`, { el });
  }
  if (f.maxValue !== undefined && (cmp(value, relMax ?? f.maxValue) ?? 0) > 0) {
    const what = relMax ? `${relative(f.maxValue, 'after')} (${relMax.slice(0, 10)})` : describeValue(f.maxValue);
    ctx.report(st, loc, 'error', 'value', 'max-value', `The value ${describeValue(value)} is greater than the allowed maximum of ${what}`, { el });
  }
}

/** minValueQuantity / maxValueQuantity: compared when the units agree (same system and code). */
function checkQuantityLimits(ctx: CheckContext, st: RunState, q: Record<string, unknown>, el: ElementPlan, loc: Loc): void {
  for (const [prefix, sign, rule, word] of [
    ['minValue', -1, 'min-value', 'less than the allowed minimum'],
    ['maxValue', 1, 'max-value', 'greater than the allowed maximum'],
  ] as const) {
    const limit = prefix === 'minValue' ? el.facts.minValue : el.facts.maxValue;
    if (!limit || typeof limit !== 'object') continue;
    const l = limit as Record<string, unknown>;
    if (typeof l.value !== 'number') continue;
    const sameUnit = (l.code ?? l.unit) === (q.code ?? q.unit) && (l.system === undefined || q.system === undefined || l.system === q.system);
    // UCUM units are compared after converting the value into the limit's unit (mg against 1 g)
    const inLimitUnit = sameUnit
      ? (q.value as number)
      : l.system === UCUM_SYSTEM && q.system === UCUM_SYSTEM && typeof l.code === 'string' && typeof q.code === 'string'
        ? convertUcum(q.value as number, q.code, l.code)
        : undefined;
    if (inLimitUnit === undefined) continue;
    const diff = inLimitUnit - l.value;
    if (Math.sign(diff) === sign) {
      ctx.report(
        st,
        loc,
        'error',
        'value',
        rule,
        `The value ${String(q.value)} ${String(q.code ?? q.unit ?? '')} is ${word} of ${String(l.value)} ${String(l.code ?? l.unit ?? '')}`.replace(/\s+/g, ' '),
        { el },
      );
    }
  }
}

function checkFixedPattern(ctx: CheckContext, st: RunState, value: unknown, applied: readonly Applied[], loc: Loc): void {
  for (const a of applied) {
    const f = a.el.facts;
    if (!f.any) continue;
    if (f.fixed && !equalsFixed(value, f.fixed.value) && !isVersionedExtensionUrl(a.el, value, f.fixed.value)) {
      ctx.report(st, loc, 'error', 'value', 'fixed-value', `Value is ${describeValue(value)} but must be ${describeValue(f.fixed.value)} (fixed by the profile)`, { el: a.el });
    }
    if (f.pattern && !matchesPattern(value, f.pattern.value)) {
      ctx.report(
        st,
        loc,
        'error',
        'value',
        'pattern-value',
        typeof f.pattern.value === 'object'
          ? `The value does not match the pattern ${describeValue(f.pattern.value)} required by the profile`
          : `Value is ${describeValue(value)} but must be ${describeValue(f.pattern.value)} (pattern required by the profile)`,
        { el: a.el },
      );
    }
  }
}


const narrativeTargets = new WeakMap<object, Set<string>>();

/** Everything a narrative link can point at: element and resource ids, and anchors in any narrative. */
function collectTargets(root: unknown): Set<string> {
  const out = new Set<string>();
  const visit = (n: unknown, depth: number): void => {
    if (depth > 100 || !n || typeof n !== 'object') return;
    if (Array.isArray(n)) {
      for (const x of n) visit(x, depth + 1);
      return;
    }
    for (const [k, v] of Object.entries(n as Record<string, unknown>)) {
      if (k === 'id' && typeof v === 'string') out.add(v);
      else if (k === 'div' && typeof v === 'string') {
        const re = /\b(?:id|name)\s*=\s*(["'])([^"']+)\1/g;
        for (let m = re.exec(v); m; m = re.exec(v)) out.add(m[2]!);
      } else visit(v, depth + 1);
    }
  };
  visit(root, 0);
  return out;
}

const UCUM_SYSTEM = 'http://unitsofmeasure.org';

/**
 * An extension's url pinned to a version (`<canonical>|1.0`) still names the definition whose url is
 * fixed there; the extension checks report the version itself.
 */
function isVersionedExtensionUrl(el: ElementPlan, value: unknown, fixed: unknown): boolean {
  return el.path.endsWith('Extension.url') && typeof value === 'string' && typeof fixed === 'string' && value.startsWith(fixed + '|');
}

/** The value rules of an object value: fixed and pattern, and Quantity limits. */
export function checkObjectValues(ctx: CheckContext, st: RunState, obj: Record<string, unknown>, withFacts: readonly Applied[], typeCode: string, loc: Loc): void {
  checkFixedPattern(ctx, st, obj, withFacts, loc);
  if (typeof obj.value === 'number' && (typeCode === 'Quantity' || QUANTITY_TYPES.has(typeCode))) {
    for (const a of withFacts) checkQuantityLimits(ctx, st, obj, a.el, loc);
  }
}
