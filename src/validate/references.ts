/**
 * References: where they point, whether the target exists (contained or in the Bundle),
 * and whether its type and profile are what the element's targetProfile allows.
 */
import { howToProvide } from '../load/known-packages.js';
import type { Loc } from './walk-path.js';
import type { Applied, CheckContext, RunState } from './context.js';
import { combinationOf, type Combination } from './combination.js';

/** What the definitions applied to a Reference allow it to point at (worked out once per combination). */
interface Targets {
  profiles: Set<string>;
  /** Target resource type → the profiles given for it. */
  byType: Map<string, string[]>;
  anyResource: boolean;
  /** Target profiles whose definition cannot be found (their type is unknown too). */
  unknown: string[];
  /** Per target type: the loaded profiles a target of it must conform to one of (empty: no constraint). */
  usableByType: Map<string, string[]>;
}

/** One applied definition's type.aggregation (the first Reference type that gives some). */
interface Aggregation {
  el: Applied['el'];
  modes: string[];
  allowed: string;
}

/** What references.ts works out once per combination. */
interface ReferenceRules {
  targets: Targets[];
  aggregation: Aggregation[];
}

/**
 * The allowed targets, one list per applied definition that names some: a target must satisfy each
 * of them (a profile narrows the base's list; it does not add to it).
 */
function rulesOf(v: CheckContext, combo: Combination): ReferenceRules {
  let rules = combo.referenceTargets as ReferenceRules | undefined;
  if (!rules) {
    rules = { targets: targetsOf(v, combo), aggregation: aggregationOf(combo) };
    combo.referenceTargets = rules;
  }
  return rules;
}

function aggregationOf(combo: Combination): Aggregation[] {
  const out: Aggregation[] = [];
  for (const a of combo.applied) {
    for (const t of a.el.types) {
      const modes = t.code === 'Reference' ? t.aggregation : undefined;
      if (!modes || modes.length === 0) continue;
      out.push({ el: a.el, modes, allowed: modes.join(', ') });
      break;
    }
  }
  return out;
}

function targetsOf(v: CheckContext, combo: Combination): Targets[] {
  const all: Targets[] = [];
  const seen = new Set<string>();
  for (const a of combo.applied) {
    const profiles = new Set<string>();
    for (const ty of a.el.types) {
      if (ty.code !== 'Reference') continue;
      for (const p of ty.targetProfiles) profiles.add(p);
    }
    if (profiles.size === 0) continue;
    const key = [...profiles].sort().join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    const byType = new Map<string, string[]>();
    let anyResource = false;
    const unknown: string[] = [];
    for (const p of profiles) {
      const plan = v.compiler.plan(p);
      if (!plan && !p.startsWith(CORE_SD)) {
        unknown.push(p);
        continue;
      }
      const type = plan?.type ?? p.slice(p.lastIndexOf('/') + 1);
      if (type === 'Resource' || type === 'DomainResource') anyResource = true;
      const l = byType.get(type);
      if (l) l.push(p);
      else byType.set(type, [p]);
    }
    all.push({ profiles, byType, anyResource, unknown, usableByType: new Map() });
  }
  return all;
}

const CORE_SD = 'http://hl7.org/fhir/StructureDefinition/';

const RELATIVE_REFERENCE = /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
const RESOURCE_URL = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;
// compiled once: a regular expression literal in a function makes a new object per evaluation
const WHITESPACE = /\s/;
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const URN = /^urn:(uuid|oid):/i;
const LOWERCASE_SCHEME = /^[a-z]+:/;

/**
 * The references of a document's Composition whose targets SHALL be in the document Bundle
 * (R4 documents.html "Document Content"; Composition: "any other resources referenced from
 * Composition must be included as subsequent entries in the Bundle").
 */
const DOCUMENT_INCLUDED = new Set([
  'Composition.subject',
  'Composition.encounter',
  'Composition.author',
  'Composition.attester.party',
  'Composition.custodian',
  'Composition.section.author',
  'Composition.section.focus',
  'Composition.section.entry',
]);

/** Is this a reference of the document's Composition (its first entry, not a contained resource) that the document must carry? */
function documentMustInclude(st: RunState, applied: readonly Applied[]): boolean {
  const frame = st.frame;
  if (!frame || frame.resource !== frame.root || frame.entry?.index !== 0 || frame.resource.resourceType !== 'Composition') return false;
  return applied.some((a) => DOCUMENT_INCLUDED.has(a.el.def.base?.path ?? a.el.path));
}

export function checkReference(
  v: CheckContext,
  st: RunState,
  ref: Record<string, unknown>,
  applied: Applied[],
  loc: Loc,
  combo: Combination = combinationOf(applied, 'Reference'),
): void {
  const reference = ref.reference;
  if (typeof reference !== 'string' || reference === '') return;
  // every finding is reported on the Reference element itself (as the Java validator does);
  // the message quotes the reference
  if (WHITESPACE.test(reference)) {
    v.report(st, loc, 'error', 'value', 'reference-format', `The reference '${reference}' contains whitespace`);
    return;
  }

  let target: Record<string, unknown> | undefined;
  let impliedType: string | undefined;
  const frame = st.frame;
  if (reference.startsWith('#')) {
    const id = reference.slice(1);
    if (id === '') target = frame?.root;
    else {
      const contained = frame?.root?.contained;
      if (Array.isArray(contained)) {
        target = contained.find((c) => c && typeof c === 'object' && (c as Record<string, unknown>).id === id) as Record<string, unknown> | undefined;
      }
    }
    // a missing contained target is reported by invariant ref-1
  } else if (!HAS_SCHEME.test(reference) && !reference.includes('?') && !RELATIVE_REFERENCE.test(reference)) {
    // relative, but not Type/id: e.g. 'Organization/https://…/UKCore-Organization'. Guessing a
    // type from its tail would give a misleading message, so say what the form must be.
    v.report(
      st,
      loc,
      'error',
      'value',
      'reference-format',
      `The reference '${reference}' is not a valid relative reference: it must be Type/id (id: 1–64 letters, digits, '-' or '.'), an absolute URL, a urn:uuid: or '#id' of a contained resource`,
    );
    return;
  } else {
    const m = RESOURCE_URL.exec(reference);
    if (m && v.compiler.typePlan(m[1]!)?.kind === 'resource') impliedType = m[1];
    const bundle = st.bundles[st.bundles.length - 1];
    if (bundle) {
      const res = bundle.resolveDetailed(reference, frame?.entry?.fullUrl);
      const found = res.entries;
      if (!res.exact && found.length > 1 && res.target?.startsWith('urn:')) {
        v.report(
          st,
          loc,
          'error',
          'not-found',
          'reference-unresolved',
          `Can't find '${reference}' in the Bundle: it resolves to ${res.target}, which no entry has; ${found.length} entries share the type and id but do not match by the Bundle's fullUrl rules`,
        );
      } else if (!res.exact && found.length) {
        // matched only by type and id, not by the Bundle's resolution rules
        if (found.length > 1) {
          v.report(st, loc, 'warning', 'required', 'reference-ambiguous', `The Bundle has no entry with fullUrl ${res.target}, but ${found.length} entries match ${reference} by type and id (entries ${found.map((f) => f.index).join(', ')}): the reference is ambiguous`);
        }
        for (const f of found) {
          v.report(st, loc, 'warning', 'required', 'reference-base-mismatch', `Entry ${f.index} matches the reference ${reference} by type and id, but its fullUrl ${f.fullUrl ?? '(none)'} is not ${res.target}, the URL the Bundle resolution rules give`);
        }
      } else if (found.length > 1) {
        v.report(st, loc, 'error', 'multiple-matches', 'reference-ambiguous', `The reference '${reference}' matches ${found.length} entries of the Bundle (entries ${found.map((f) => f.index).join(', ')}): it must identify exactly one`);
      }
      target = found.length === 1 || res.exact ? found[0]?.resource : undefined;
      // several candidates were reported above; "no entry" is for a reference nothing matches
      if (!target && found.length === 0) {
        if (URN.test(reference)) {
          // a message or document must carry what it refers to; other Bundles may point elsewhere
          const strict = bundle.type === 'message' || bundle.type === 'document';
          v.report(
            st,
            loc,
            strict ? 'error' : 'warning',
            'not-found',
            'reference-unresolved-urn',
            `The reference '${reference}' is a URN, so it must point at an entry of this Bundle, but no entry has that fullUrl`,
          );
        } else if (bundle.type === 'message' || bundle.type === 'document') {
          const required = bundle.type === 'document' && documentMustInclude(st, applied);
          v.report(
            st,
            loc,
            required ? 'error' : 'warning',
            'not-found',
            'reference-unresolved',
            required
              ? `The reference '${reference}' does not resolve to any entry of this document Bundle: the resources a document's Composition refers to SHALL be included in the Bundle (documents.html#content); add the entry, or correct the reference`
              : `The reference '${reference}' does not resolve to any entry of this ${bundle.type} Bundle: ${bundle.type} Bundles are expected to carry the resources they refer to`,
          );
        }
      }
    } else if (URN.test(reference)) {
      // a resource checked on its own may have been cut out of a Bundle: say so, do not fail it
      v.report(st, loc, 'warning', 'not-found', 'reference-unresolved-urn', `The reference '${reference}' is a URN, which can only be resolved inside a Bundle that carries the target; it was not checked here`);
    }
  }
  const rules = rulesOf(v, combo);
  if (rules.aggregation.length) checkAggregation(v, st, rules.aggregation, loc, reference, target !== undefined, reference.startsWith('#'), st.bundles.length > 0);
  const targetType = target && typeof target.resourceType === 'string' ? target.resourceType : impliedType;
  if (target && impliedType && target.resourceType !== impliedType) {
    v.report(
      st,
      loc,
      'error',
      'structure',
      'reference-resolved-type',
      `The reference '${reference}' names a ${impliedType}, but the resource it resolves to is a ${String(target.resourceType)}`,
    );
  }

  // Reference.type must agree with what the reference points at
  if (typeof ref.type === 'string' && targetType && ref.type !== targetType && !LOWERCASE_SCHEME.test(ref.type)) {
    v.report(st, loc, 'error', 'value', 'reference-type-mismatch', `Reference.type says '${ref.type}' but the reference points at a ${targetType} (resource types are case-sensitive)`);
  }

  // the allowed targets, from every definition that applies
  if (!targetType) return;
  for (const targets of rules.targets) {
    if (!checkTargets(v, st, targets, target, targetType, reference, loc)) return;
  }
}

/** One definition's targetProfile list against the target; false when a problem was reported. */
function checkTargets(
  v: CheckContext,
  st: RunState,
  targets: Targets,
  target: Record<string, unknown> | undefined,
  targetType: string,
  reference: string,
  loc: Loc,
): boolean {
  const allowedTypes = targets.byType;
  if (targets.unknown.length && !targets.anyResource && !allowedTypes.has(targetType)) {
    // a targetProfile nobody can resolve: what it allows (type and content) cannot be known
    for (const p of targets.unknown) {
      v.report(
        st,
        loc,
        'error',
        'not-found',
        'reference-target-profile-unknown',
        `Profile ${p}, a targetProfile of this reference, could not be found, so whether a ${targetType} is allowed here cannot be checked. ${howToProvide(p)}`,
      );
    }
    return false;
  }
  if (!targets.anyResource && !allowedTypes.has(targetType)) {
    v.report(
      st,
      loc,
      'error',
      'structure',
      'reference-target-type',
      `The reference points at a ${targetType}, which is not allowed here: the target must be ${[...allowedTypes.keys()].join(' or ')}`,
    );
    return false;
  }
  if (!target) return true;
  const usable = usableProfiles(v, targets, targetType);
  if (usable.length === 0) return true;
  if (!usable.some((p) => v.conformsTo(st, target, p, targetType))) {
    v.report(
      st,
      loc,
      'error',
      'structure',
      'reference-target-profile',
      `The ${targetType} referenced by '${reference}' does not conform to ${usable.length === 1 ? 'the required profile' : 'any of the allowed profiles'} ${usable.join(', ')}: validate that resource against it to see why`,
    );
    return false;
  }
  return true;
}

/**
 * The profiles a target of this type must conform to one of, worked out once per type: none
 * when the base type is among them (no constraint) or none of them is loaded.
 */
function usableProfiles(v: CheckContext, targets: Targets, targetType: string): string[] {
  let usable = targets.usableByType.get(targetType);
  if (usable) return usable;
  const all = targets.byType.get(targetType) ?? [];
  const candidates = all.filter((p) => p !== `http://hl7.org/fhir/StructureDefinition/${targetType}`);
  usable = candidates.length === 0 || candidates.length < all.length ? [] : candidates.filter((p) => v.compiler.plan(p));
  targets.usableByType.set(targetType, usable);
  return usable;
}

/**
 * type.aggregation: how a profile allows the target to be held. 'contained' and 'bundled'
 * targets must be found in the resource or the Bundle; a contained target needs 'contained',
 * a target elsewhere in the Bundle 'bundled' or 'referenced', anything else 'referenced'.
 */
function checkAggregation(
  v: CheckContext,
  st: RunState,
  aggregation: Aggregation[],
  loc: Loc,
  reference: string,
  found: boolean,
  contained: boolean,
  inBundle: boolean,
): void {
  for (const a of aggregation) {
    const { modes, allowed } = a;
    if (!found && !modes.includes('referenced')) {
      v.report(
        st,
        loc,
        'error',
        'required',
        'reference-aggregation',
        `The reference '${reference}' must point at a resource ${modes.includes('bundled') ? (modes.includes('contained') ? 'contained here or in this Bundle' : 'in this Bundle') : 'contained in this resource'} (aggregation: ${allowed}), but it was not found there`,
        { el: a.el },
      );
    } else if (found) {
      const ok = contained ? modes.includes('contained') : inBundle ? modes.includes('bundled') || modes.includes('referenced') : modes.includes('referenced');
      if (!ok) {
        v.report(
          st,
          loc,
          'error',
          'structure',
          'reference-aggregation',
          `The reference '${reference}' points at a ${contained ? 'contained resource' : 'resource in the Bundle'}, which this element does not allow (aggregation: ${allowed})`,
          { el: a.el },
        );
      }
    }
  }
}
