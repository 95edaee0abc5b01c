/**
 * A StructureDefinition validated as an instance (a profile author checking their own profile):
 * the rules of structuredefinition.html, elementdefinition.html and profiling.html that its
 * invariants (sdf-*, eld-*, run by the invariant check) do not express: the base it names, kind
 * and type against that base, element paths against the type, the differential applied to the
 * base (snapshot generation faults, located on the differential element), type and target
 * profiles, bindings, slicing discriminators, and extension definitions.
 */
import type { ElementDefinition, StructureDefinition } from '../model/fhir-types.js';
import type { RuleId } from '../model/rules.js';
import type { IssueType, Severity } from '../model/issue.js';
import { generateSnapshot, SnapshotError, type SnapshotMessage } from '../snapshot/generate.js';
import type { CheckContext, RunState } from './context.js';
import type { Loc } from './walk-path.js';

type Json = Record<string, unknown>;
type TypeRef = NonNullable<ElementDefinition['type']>[number];

const FHIR_TYPE_EXT = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';

/** R4 resources with a canonical url (the targets a `canonical` may name). */
const CANONICAL_RESOURCES = new Set([
  'ActivityDefinition', 'CapabilityStatement', 'ChargeItemDefinition', 'CodeSystem', 'CompartmentDefinition', 'ConceptMap',
  'EffectEvidenceSynthesis', 'EventDefinition', 'Evidence', 'EvidenceVariable', 'ExampleScenario', 'GraphDefinition',
  'ImplementationGuide', 'Library', 'Measure', 'MessageDefinition', 'NamingSystem', 'OperationDefinition', 'PlanDefinition',
  'Questionnaire', 'ResearchDefinition', 'ResearchElementDefinition', 'RiskEvidenceSynthesis', 'SearchParameter',
  'StructureDefinition', 'StructureMap', 'TerminologyCapabilities', 'TestScript', 'ValueSet', 'Resource', 'DomainResource',
]);

/**
 * Types whose values are codes, or carry one, so a binding applies (terminologies.html#4.1: code,
 * Coding, CodeableConcept, Quantity, string, uri; an Extension's value may be any of them).
 */
const BINDABLE = new Set(['code', 'Coding', 'CodeableConcept', 'Quantity', 'string', 'uri', 'url', 'canonical', 'oid', 'uuid', 'id', 'markdown', 'Extension', 'SimpleQuantity', 'MoneyQuantity', 'Age', 'Count', 'Distance', 'Duration']);
/** Types that certainly carry no code: a binding on an element of only these types is meaningless. */
const NOT_BINDABLE = new Set([
  'boolean', 'integer', 'decimal', 'date', 'dateTime', 'time', 'instant', 'base64Binary', 'positiveInt', 'unsignedInt', 'xhtml',
  'Annotation', 'Attachment', 'ContactPoint', 'HumanName', 'Identifier', 'Money', 'Period', 'Range', 'Ratio', 'Reference',
  'SampledData', 'Signature', 'Timing', 'Meta', 'Narrative', 'Dosage', 'Address', 'ContactDetail', 'Contributor',
  'DataRequirement', 'Expression', 'ParameterDefinition', 'RelatedArtifact', 'TriggerDefinition', 'UsageContext',
]);

/** Abstract types: a discriminator may reach into what a slice's profile makes of them, so a name they lack is not proof. */
const OPEN_TYPES = new Set(['Resource', 'DomainResource', 'Element', 'BackboneElement', 'Base']);

export function checkStructureDefinition(ctx: CheckContext, st: RunState, sd: Json, loc: Loc): void {
  new StructureDefinitionCheck(ctx, st, sd, loc).run();
}

class StructureDefinitionCheck {
  private readonly structures = new Map<string, StructureDefinition | null>();
  /** Why a definition could not be built, by canonical (its snapshot failed). */
  private readonly broken = new Map<string, string>();

  constructor(
    private readonly ctx: CheckContext,
    private readonly st: RunState,
    private readonly sd: Json,
    private readonly loc: Loc,
  ) {}

  private report(path: (string | number)[], severity: Severity, code: IssueType, ruleId: RuleId, message: string): void {
    this.ctx.report(this.st, this.at(path), severity, code, ruleId, message);
  }

  /** The location of a path of keys and indexes below the StructureDefinition (as far as it exists). */
  private at(path: (string | number)[]): Loc {
    let l = this.loc;
    let cur: unknown = this.sd;
    for (let i = 0; i < path.length; i++) {
      const k = path[i]!;
      if (cur === null || typeof cur !== 'object') break;
      const next = (cur as Record<string | number, unknown>)[k];
      if (next === undefined) break;
      if (typeof k === 'string' && Array.isArray(next) && typeof path[i + 1] === 'number') {
        const idx = path[i + 1] as number;
        if (next[idx] === undefined) break;
        l = l.child(k, next, idx, idx);
        cur = next[idx];
        i++;
      } else {
        l = l.child(String(k), cur as object, k);
        cur = next;
      }
    }
    return l;
  }

  /** A loaded StructureDefinition with its snapshot, or undefined when it is unknown or cannot be built. */
  private structure(canonical: string): StructureDefinition | undefined {
    let hit = this.structures.get(canonical);
    if (hit === undefined) {
      try {
        hit = this.ctx.compiler.source.getStructure(canonical) ?? this.ctx.compiler.plan(canonical)?.sd ?? null;
      } catch (e) {
        this.broken.set(canonical, (e as Error).message);
        hit = null;
      }
      this.structures.set(canonical, hit);
    }
    return hit ?? undefined;
  }

  run(): void {
    const sd = this.sd;
    const type = str(sd.type);
    const kind = str(sd.kind);
    const derivation = str(sd.derivation);
    const baseUrl = str(sd.baseDefinition);
    let base: StructureDefinition | undefined;
    if (baseUrl) {
      base = this.structure(baseUrl);
      if (!base) {
        const why = this.broken.get(baseUrl) ?? this.ctx.compiler.failure(baseUrl);
        this.report(
          ['baseDefinition'],
          'warning',
          'not-found',
          'sd-base-unknown',
          why
            ? `The base ${baseUrl} could not be used (${why}), so the differential was not checked against it`
            : `Unable to find the base ${baseUrl} of this StructureDefinition, so the differential was not checked against it: load the package or file that defines it (--ig)`,
        );
      }
    }
    let generated: ElementDefinition[] | undefined;
    if (base) {
      if (!derivation) {
        this.report([], 'error', 'required', 'sd-derivation-missing', `StructureDefinition ${str(sd.url) ?? ''} names a baseDefinition, so it must say its derivation (constraint or specialization)`);
      } else if (derivation === 'constraint') {
        if (!base.abstract && kind && base.kind && kind !== base.kind) {
          this.report([], 'error', 'invalid', 'sd-kind-mismatch', `The kind ${kind} must be the kind of the base ${base.url} it constrains (${base.kind})`);
        }
        if (type && base.type && type !== base.type) {
          this.report([], 'error', 'invalid', 'sd-type-mismatch', `The type ${type} must be the type of the base ${base.url} it constrains (${base.type})`);
        }
        generated = this.generate(base);
      } else if (derivation === 'specialization' && type && type === base.type) {
        this.report([], 'error', 'invalid', 'sd-type-mismatch', `A specialization defines a new type: its type ${type} must not be the type of its base ${base.url}`);
      }
    }
    const typeName = kind === 'logical' && type?.includes('/') ? type.slice(type.lastIndexOf('/') + 1) : type;
    const differential = elementsOf(sd.differential);
    const snapshot = elementsOf(sd.snapshot);
    // a differential alone lists only what it changes: discriminators are checked against a full element list
    this.checkElements('differential', differential, typeName, generated ?? (snapshot.length ? snapshot : undefined));
    this.checkElements('snapshot', snapshot, typeName, snapshot);
    this.checkExtensionDefinition(type, derivation, differential, snapshot);
  }

  /** Apply the differential to the base (as the snapshot generator does) and report the profile's faults where they are. */
  private generate(base: StructureDefinition): ElementDefinition[] | undefined {
    const diff = elementsOf(this.sd.differential);
    // an element without a path (or not an object) is reported by the structure check; nothing to apply
    if (!diff.length || diff.some((e) => !e || typeof e !== 'object' || typeof e.path !== 'string' || (e.id !== undefined && typeof e.id !== 'string'))) return undefined;
    let elements: ElementDefinition[];
    let messages: SnapshotMessage[];
    try {
      ({ elements, messages } = generateSnapshot({ ...(this.sd as unknown as StructureDefinition), snapshot: undefined }, {
        structureWithSnapshot: (c) => (c === base.url ? base : this.structure(c)),
      }));
    } catch (e) {
      const message = e instanceof SnapshotError ? e.message : String((e as Error).message);
      this.report([], 'error', 'processing', 'profile-snapshot-failed', `Error generating the snapshot: ${message}`);
      return undefined;
    }
    const unmatched: string[] = [];
    for (const m of messages) {
      if (!m.ruleId) continue;
      const where: (string | number)[] = m.wholeDefinition || m.diffIndex === undefined || m.diffIndex < 0 ? [] : ['differential', 'element', m.diffIndex, ...(m.within ?? [])];
      this.report(where, m.severity, m.ruleId === 'sd-target-not-in-base' || m.ruleId === 'sd-fixed-changed' ? 'value' : 'invalid', m.ruleId, m.message);
      if ((m.ruleId === 'sd-diff-unmatched' || m.ruleId === 'sd-diff-order') && m.elementId) unmatched.push(m.elementId);
    }
    if (unmatched.length) {
      this.report(
        [],
        'error',
        'value',
        'sd-diff-unmatched',
        `The profile ${str(this.sd.url) ?? ''} has ${unmatched.length} element${unmatched.length > 1 ? 's' : ''} in the differential (${unmatched.join(', ')}) without a matching element in the snapshot: check that the paths are legal and in snapshot order`,
      );
    }
    return elements;
  }

  private checkElements(list: 'differential' | 'snapshot', elements: ElementDefinition[], typeName: string | undefined, resolved: ElementDefinition[] | undefined): void {
    elements.forEach((e, i) => {
      if (!e || typeof e !== 'object') return;
      const here: (string | number)[] = [list, 'element', i];
      const path = str(e.path);
      if (!path) return;
      if (typeName && path !== typeName && !path.startsWith(typeName + '.')) {
        this.report(here, 'error', 'business-rule', 'sd-path-type', `The path ${path} must start with the type of the structure, ${typeName}`);
      }
      if (list === 'differential' && !path.includes('.') && e.slicing) {
        this.report(here, 'error', 'invalid', 'sd-slicing-root', `Slicing is not allowed at the root of a profile (${path}): slice one of its elements`);
      }
      const types = Array.isArray(e.type) ? (e.type as TypeRef[]) : [];
      if (path.includes('.')) types.forEach((t, ti) => this.checkType(t, [...here, 'type', ti], path));
      const codes = path.includes('.') ? types.map(workingCode).filter((c): c is string => !!c) : [path];
      if (e.binding && codes.length && codes.every((c) => NOT_BINDABLE.has(c)) && !codes.some((c) => BINDABLE.has(c))) {
        this.report(here, 'error', 'business-rule', 'sd-binding-type', `This element has a binding, but its types (${codes.join(', ')}) carry no code, so a binding cannot apply`);
      }
      if (list === 'snapshot' && path.includes('.') && codes.length) this.checkValueTypes(e, here, codes);
      const slicing = e.slicing as { discriminator?: { type?: string; path?: string }[] } | undefined;
      if (resolved && slicing && Array.isArray(slicing.discriminator)) {
        slicing.discriminator.forEach((dsc, di) => {
          if (!dsc || typeof dsc.path !== 'string') return;
          if (!this.discriminatorResolves(dsc.path, e, resolved)) {
            this.report(
              [...here, 'slicing', 'discriminator', di],
              'error',
              'invalid',
              'sd-discriminator-path',
              `The discriminator path '${dsc.path}' does not appear to be valid for the element that is being sliced '${path}': it names no element of ${path}'s type`,
            );
          }
        });
      }
    });
  }

  /**
   * In a snapshot, fixed[x], pattern[x] and defaultValue[x] hold a value of one of the element's
   * types (elementdefinition-definitions.html: "the value SHALL be of the same type as the element").
   */
  private checkValueTypes(e: ElementDefinition, here: (string | number)[], codes: string[]): void {
    for (const key of Object.keys(e)) {
      const m = /^(fixed|pattern|defaultValue)([A-Z]\w*)$/.exec(key);
      if (!m) continue;
      const suffix = m[2]!;
      const type = codes.find((c) => c.charAt(0).toUpperCase() + c.slice(1) === suffix);
      if (type || codes.some((c) => OPEN_TYPES.has(c) || c === '*')) continue;
      this.report(
        [...here, key],
        'error',
        'invalid',
        'sd-value-type',
        `The element ${e.id ?? e.path} has a ${m[1]} value of type ${suffix}, which is not one of its types (${codes.join(', ')})`,
      );
    }
  }

  /** A type's profiles must be profiles of that type; target profiles belong to Reference and canonical only. */
  private checkType(t: TypeRef, here: (string | number)[], path: string): void {
    const code = workingCode(t);
    if (!code) return;
    if (code !== 'Reference') {
      (Array.isArray(t.profile) ? t.profile : []).forEach((p, pi) => {
        if (typeof p !== 'string') return;
        const psd = this.structure(p);
        if (!psd) {
          this.report([...here, 'profile', pi], 'warning', 'not-found', 'sd-type-profile-unknown', `Unable to resolve the profile ${p}, so it was not checked to be a profile of ${code}`);
        } else if (!this.isInstanceOf(psd, code)) {
          this.report([...here, 'profile', pi], 'error', 'invalid', 'sd-type-profile-wrong', `The profile ${p} is for ${psd.type}, which is not ${code} (or a type derived from it), the type of ${path}`);
        } else if (code === 'Extension') {
          // extensibility.html#modifierExtension: modifier extensions go in modifierExtension, and only there
          const modifier = psd.snapshot?.element?.[0]?.isModifier === true;
          const onModifier = path.endsWith('.modifierExtension');
          if (modifier !== onModifier && (onModifier || path.endsWith('.extension'))) {
            this.report(
              [...here, 'profile', pi],
              'error',
              'invalid',
              'sd-type-profile-wrong',
              modifier
                ? `The extension ${p} is a modifier extension, so it can only be used on a modifierExtension element, not on ${path}`
                : `The extension ${p} is not a modifier extension, so it cannot be used on a modifierExtension element (${path})`,
            );
          }
        }
      });
    }
    const targets = Array.isArray(t.targetProfile) ? t.targetProfile : [];
    targets.forEach((p, pi) => {
      if (typeof p !== 'string') return;
      const where = [...here, 'targetProfile', pi];
      if (code !== 'Reference' && code !== 'canonical' && code !== 'CodeableReference') {
        this.report(where, 'error', 'invalid', 'sd-target-profile-type', `Type ${code} does not allow target profiles (only Reference and canonical do)`);
        return;
      }
      const psd = this.structure(p);
      if (!psd) {
        this.report(where, 'warning', 'not-found', 'sd-type-profile-unknown', `Unable to resolve the target profile ${p}, so it was not checked`);
        return;
      }
      if (code === 'canonical') {
        if (psd.kind === 'resource' && !CANONICAL_RESOURCES.has(psd.type)) {
          this.report(where, 'error', 'invalid', 'sd-target-profile-type', `The target profile ${p} is for ${psd.type}, which has no canonical URL, so a canonical cannot point at it`);
        }
      } else if (psd.kind !== 'resource') {
        this.report(where, 'error', 'invalid', 'sd-target-profile-type', `The target profile ${p} is for ${psd.type} (kind ${psd.kind}), not a resource, so a ${code} cannot point at it`);
      }
    });
  }

  /** Is the profile's type `code`, or derived from it through base definitions (Age → Quantity, Patient → Resource)? */
  private isInstanceOf(psd: StructureDefinition, code: string): boolean {
    let cur: StructureDefinition | undefined = psd;
    for (let guard = 0; cur && guard < 30; guard++) {
      if (cur.type === code || tail(cur.type) === code || cur.url === code) return true;
      if (!cur.baseDefinition) return false;
      cur = this.structure(cur.baseDefinition);
      // a chain that cannot be followed to its end is not proof of a wrong profile
      if (!cur) return true;
    }
    return false;
  }

  /**
   * Does a discriminator path (a restricted FHIRPath: names, extension('url'), resolve(),
   * ofType(T), $this) name elements that the sliced element's type has? Unknown ground (an
   * unloaded type, an abstract type, a function beyond those) counts as resolving.
   */
  private discriminatorResolves(expr: string, el: ElementDefinition, resolved: ElementDefinition[]): boolean {
    const own = findResolved(el, resolved) ?? el;
    let cursor: Cursor | undefined = { elements: resolved, path: own.path, types: typesOf(own) };
    for (const seg of splitPath(expr)) {
      if (seg === '$this' || seg === '') continue;
      if (seg === 'resolve()') return true;
      const ext = /^extension\(\s*(['"])(.*)\1\s*\)$/.exec(seg);
      if (ext) {
        const def = this.structure(ext[2]!);
        cursor = def?.snapshot?.element?.length
          ? { elements: def.snapshot.element, path: def.snapshot.element[0]!.path, types: [{ code: 'Extension' }] }
          : { elements: [], path: 'Extension', types: [{ code: 'Extension' }] };
        continue;
      }
      const of = /^(?:ofType|as)\(\s*([A-Za-z][\w.:/-]*)\s*\)$/.exec(seg);
      if (of) {
        cursor = { ...cursor, types: [{ code: of[1]! }] };
        continue;
      }
      if (seg.includes('(')) return true;
      const next = this.child(cursor, seg);
      if (next === 'unknown') return true;
      if (!next) return false;
      cursor = next;
    }
    return true;
  }

  private child(cursor: Cursor, name: string): Cursor | 'unknown' | undefined {
    const prefix = cursor.path + '.';
    let listed = false;
    for (const e of cursor.elements) {
      if (!e?.path?.startsWith(prefix)) continue;
      const rest = e.path.slice(prefix.length);
      if (rest.includes('.')) {
        listed = true;
        continue;
      }
      listed = true;
      if (e.sliceName) continue;
      if (rest === name || (rest.endsWith('[x]') && (name === rest.slice(0, -3) || choiceNamed(rest, name, e)))) {
        return this.follow(cursor.elements, e);
      }
    }
    if (listed) return undefined;
    if (cursor.types.length === 0) return 'unknown';
    let unknown = false;
    for (const t of cursor.types) {
      const code = workingCode(t);
      if (!code || OPEN_TYPES.has(code)) {
        unknown = true;
        continue;
      }
      const tsd = this.structure(code);
      const els = tsd?.snapshot?.element;
      if (!els?.length) {
        unknown = true;
        continue;
      }
      const found = this.child({ elements: els, path: els[0]!.path, types: [] }, name);
      if (found && found !== 'unknown') return found;
      if (found === 'unknown') unknown = true;
    }
    return unknown ? 'unknown' : undefined;
  }

  /** The element's cursor, following a contentReference (#Questionnaire.item) to the element it reuses. */
  private follow(elements: ElementDefinition[], e: ElementDefinition): Cursor {
    const ref = e.contentReference;
    if (ref) {
      const id = ref.slice(ref.indexOf('#') + 1);
      const target = elements.find((x) => x.id === id || (x.path === id && !x.sliceName));
      if (target) return { elements, path: target.path, types: typesOf(target) };
      const typeSd = this.structure(id.split('.')[0]!);
      const inType = typeSd?.snapshot?.element.find((x) => x.id === id || x.path === id);
      if (typeSd && inType) return { elements: typeSd.snapshot!.element, path: inType.path, types: typesOf(inType) };
      return { elements: [], path: e.path, types: [] };
    }
    return { elements, path: e.path, types: typesOf(e) };
  }

  /** Extension definitions: a context only for extensions; Extension.url fixed to the definition's own url. */
  private checkExtensionDefinition(type: string | undefined, derivation: string | undefined, differential: ElementDefinition[], snapshot: ElementDefinition[]): void {
    const context = Array.isArray(this.sd.context) ? (this.sd.context as Json[]) : [];
    if (type !== 'Extension') {
      if (context.length && type) {
        this.report([], 'error', 'invalid', 'sd-context-not-extension', `The type is ${type}, not Extension, so the StructureDefinition must not say where it is used (context is for extension definitions)`);
      }
      return;
    }
    if (derivation !== 'constraint') return;
    context.forEach((c, i) => {
      if (c && c.type === 'element' && c.expression === 'Element') {
        this.report(
          ['context', i],
          'warning',
          'business-rule',
          'sd-extension-context-element',
          `Review the context of extension ${str(this.sd.name) ?? str(this.sd.url) ?? ''}: context Element lets it be used anywhere; name the elements it is meant for unless that is intended`,
        );
      }
    });
    const url = str(this.sd.url);
    if (!url) return;
    for (const [list, elements] of [['differential', differential], ['snapshot', snapshot]] as const) {
      elements.forEach((e, i) => {
        if (!e || e.path !== 'Extension.url' || (e.id !== undefined && e.id !== 'Extension.url')) return;
        const fixed = (e as unknown as Json).fixedUri;
        if (typeof fixed === 'string' && fixed !== url) {
          this.report(
            [list, 'element', i, 'fixedUri'],
            'error',
            'value',
            'sd-extension-url',
            `Extension.url is fixed to ${fixed}, but this extension's canonical URL is ${url}: an extension is identified by its definition's url, so the two must be the same`,
          );
        }
      });
    }
  }
}

interface Cursor {
  elements: ElementDefinition[];
  path: string;
  types: TypeRef[];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function tail(u: string | undefined): string | undefined {
  return u?.slice(u.lastIndexOf('/') + 1);
}

function elementsOf(v: unknown): ElementDefinition[] {
  const list = v && typeof v === 'object' ? (v as Json).element : undefined;
  return Array.isArray(list) ? (list as ElementDefinition[]) : [];
}

function typesOf(e: ElementDefinition): TypeRef[] {
  return Array.isArray(e.type) ? e.type.filter((t) => t && typeof t === 'object') : [];
}

/** A type's FHIR type name (System.String elements name theirs in an extension). */
function workingCode(t: TypeRef): string | undefined {
  if (!t || typeof t !== 'object') return undefined;
  const e = (t.extension ?? []).find((x) => x?.url === FHIR_TYPE_EXT) as { valueUrl?: string; valueUri?: string } | undefined;
  return e?.valueUrl ?? e?.valueUri ?? (typeof t.code === 'string' ? t.code : undefined);
}

/** valueQuantity names value[x] when Quantity is one of its types. */
function choiceNamed(choice: string, name: string, e: ElementDefinition): boolean {
  const prefix = choice.slice(0, -3);
  if (!name.startsWith(prefix) || name.length === prefix.length) return false;
  const suffix = name.slice(prefix.length);
  return typesOf(e).some((t) => {
    const c = workingCode(t) ?? '';
    return c.charAt(0).toUpperCase() + c.slice(1) === suffix;
  });
}

/** The generated (or given) snapshot element a differential element became: by id, else the unsliced element of its path. */
function findResolved(el: ElementDefinition, resolved: ElementDefinition[]): ElementDefinition | undefined {
  if (el.id) {
    const byId = resolved.find((r) => r.id === el.id);
    if (byId) return byId;
  }
  return resolved.find((r) => r.path === el.path && (el.sliceName ? r.sliceName === el.sliceName : !r.sliceName));
}

/** Split a FHIRPath at its top-level dots (not inside parentheses or quotes). */
function splitPath(expr: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (const ch of expr.trim()) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '.' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  out.push(cur.trim());
  return out;
}
