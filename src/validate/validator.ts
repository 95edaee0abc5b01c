/**
 * The instance validator: walks a resource once, applying every definition that governs
 * each value at the same time (the base type, every profile, matched slices, type
 * profiles), so structure is checked once and each profile's constraints ride along.
 */
import type { ChildTable, PlanCompiler } from '../compile/compiler.js';
import { choiceValue } from '../compile/fhir-types.js';
import { compareLimit } from './limits.js';
import { convertUcum } from './questionnaire/values.js';
import { isPrimitiveCode, type ElementPlan, type StructurePlan, type TypeRef } from '../compile/plan.js';
import { splitCanonical, type DefinitionSet } from '../load/definitions.js';
import { howToProvide } from '../load/known-packages.js';
import type { IssueType, Severity, ValidationIssue } from '../model/issue.js';
import type { LocationIndex } from '../parse/locations.js';
import type { TerminologyService } from '../terminology/index.js';
import { checkBindings } from './bindings.js';
import { checkAttachment } from './attachment.js';
import { BundleIndex, checkBundle } from './bundle.js';
import { checkExtension } from './extensions.js';
import { describeValue, equalsFixed, matchesPattern } from './fixed-pattern.js';
import { evaluateConstraints } from './invariants.js';
import { Loc } from './location.js';
import { checkPrimitive } from './primitives.js';
import { checkQuestionnaire, checkQuestionnaireResponse, type QuestionnaireContext } from './questionnaire/index.js';
import { checkReference } from './references.js';
import { matchSlices } from './slicing.js';
import { impliedVitalSignsProfile } from './vital-signs.js';
import { checkNarrativeXhtml } from './xhtml.js';
import { combinationOf, type Combination, type MemberSlots } from './combination.js';

export interface ValidatorOptions {
  /** Unknown extensions: 'warning' (default, as the HL7 validator does), 'error', or 'ignore'. */
  unknownExtensions?: 'warning' | 'error' | 'ignore';
  /** Stop adding issues after this many (a broken 50 MB file should not produce a million lines). */
  maxIssues?: number;
}

/** One definition applied to a value: an element plan and, for choices, the type chosen. */
export interface Applied {
  el: ElementPlan;
  type?: TypeRef;
}

export interface ResourceFrame {
  resource: Record<string, unknown>;
  loc: Loc;
  /** The outermost resource (a contained resource's container). */
  root: Record<string, unknown>;
  /** Bundle entry information when the resource is in a Bundle. */
  entry?: { bundle: BundleIndex; index: number; fullUrl?: string };
}

/** Per-call state: where issues go and what is being walked. */
export class RunState {
  readonly issues: ValidationIssue[] = [];
  readonly frames: ResourceFrame[] = [];
  readonly bundles: BundleIndex[] = [];
  readonly pending: Promise<void>[] = [];
  /** (resource, profile) pairs already checked for reference targets. */
  readonly conformance = new Map<object, Map<string, boolean>>();
  /**
   * Values of these types met by the walk, for plugins that asked for them (ValidationPlugin.collects):
   * type → value → where it is. Only the main walk collects (conformance checks run in states of their own).
   */
  collect: ReadonlySet<string> | undefined;
  readonly collected = new Map<string, Map<object, Loc>>();
  private readonly seen = new Set<string>();
  /** Versioned canonicals already reported as checked against another loaded version (said once per input). */
  readonly substituted = new Set<string>();
  truncated = false;
  /** A conformance check's own state: only errors decide it, so nothing else is built or kept. */
  errorsOnly = false;

  constructor(
    readonly locations: LocationIndex | undefined,
    readonly format: 'json' | 'xml',
    readonly maxIssues: number,
  ) {}

  add(issue: ValidationIssue): void {
    // messages and locations quote the input: a 1 MB key or number must not make a 1 MB message
    if (issue.message.length > 400) issue.message = shortenRuns(issue.message);
    if (issue.expression && issue.expression.length > 400) issue.expression = shortenRuns(issue.expression);
    const key = `${issue.severity}|${issue.ruleId}|${issue.expression ?? ''}|${issue.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (this.issues.length >= this.maxIssues) {
      this.truncated = true;
      return;
    }
    this.issues.push(issue);
  }

  get frame(): ResourceFrame | undefined {
    return this.frames[this.frames.length - 1];
  }
}

/** Every run of 200+ characters without a space or quote, cut to its start and its length. */
export function shortenRuns(s: string): string {
  // A linear scan first: the regex alone retries up to 200 characters at every position, and
  // long messages (allowed-value lists, slice reports) are common enough for that to show.
  let run = 0;
  let found = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // whitespace as \s sees it (the ASCII ones, NBSP and the Unicode spaces), and quotes
    if (c === 32 || (c >= 9 && c <= 13) || c === 34 || c === 39 || c === 96 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff) run = 0;
    else if (++run >= 200) {
      found = true;
      break;
    }
  }
  if (!found) return s;
  return s.replace(/[^\s"'`]{200,}/g, (r) => `${r.slice(0, 100)}…(${r.length} characters)`);
}

const RESOURCE_CODES = new Set(['Resource', 'DomainResource']);
const QUANTITY_TYPES = new Set(['Age', 'Count', 'Distance', 'Duration', 'Money', 'SimpleQuantity', 'MoneyQuantity']);

export class InstanceValidator {
  constructor(
    readonly defs: DefinitionSet,
    readonly compiler: PlanCompiler,
    readonly terminology: TerminologyService | undefined,
    readonly options: ValidatorOptions = {},
  ) {}

  /** Record an issue located at `loc`. */
  report(
    st: RunState,
    loc: Loc,
    severity: Severity,
    code: IssueType,
    ruleId: string,
    message: string,
    source?: { plan?: StructurePlan; el?: ElementPlan },
  ): void {
    if (st.errorsOnly && severity !== 'error' && severity !== 'fatal') return;
    // past the limit nothing more is listed: skip the work (locating 300 000 unknown elements one by one took minutes)
    if (st.issues.length >= st.maxIssues) {
      st.truncated = true;
      return;
    }
    const pos = loc.position(st.locations);
    const issue: ValidationIssue = {
      severity,
      code,
      message,
      expression: loc.toString(),
      ruleId,
    };
    if (pos) {
      issue.line = pos.line;
      issue.column = pos.column;
    }
    const plan = source?.plan ?? source?.el?.owner;
    if (plan) issue.source = plan.canonical;
    if (source?.el) issue.elementId = source.el.id;
    st.add(issue);
  }

  /**
   * Validate a resource (the root, a contained resource or a Bundle entry's resource).
   * `extraProfiles` come from --profile, a type profile or a reference's targetProfile.
   */
  validateResource(st: RunState, resource: unknown, loc: Loc, extraProfiles: string[] = [], frameExtra?: Partial<ResourceFrame>): void {
    if (resource === null || typeof resource !== 'object' || Array.isArray(resource)) {
      this.report(st, loc, 'error', 'structure', 'resource-not-object', `A resource must be a JSON object, found ${jsonKind(resource)}`);
      return;
    }
    const r = resource as Record<string, unknown>;
    const rt = r.resourceType;
    if (typeof rt !== 'string') {
      this.report(
        st,
        loc,
        'error',
        'structure',
        'resource-type-missing',
        'The resource has no "resourceType" property, so it cannot be validated: add "resourceType": "<Type>" (e.g. "Patient").',
      );
      return;
    }
    const base = this.compiler.typePlan(rt);
    if (!base || base.kind !== 'resource' || base.sd.abstract) {
      this.report(
        st,
        loc,
        'error',
        'structure',
        'unknown-resource-type',
        `Unknown resource type "${rt}": it is not a FHIR R4 resource type${suggestType(rt, this.defs) ?? ''}`,
      );
      return;
    }
    const applied: Applied[] = [{ el: base.root }];
    const profiles = [...extraProfiles];
    // ImplementationGuide.global: every resource of that type the guide covers must conform
    for (const p of this.globalProfiles().get(rt) ?? []) if (!profiles.includes(p)) profiles.push(p);
    const meta = r.meta as Record<string, unknown> | undefined;
    const metaProfiles = meta && Array.isArray(meta.profile) ? (meta.profile as unknown[]) : [];
    metaProfiles.forEach((p, i) => {
      if (typeof p !== 'string') return;
      const plan = this.profilePlan(st, p, rt, loc.child('meta', r, 'meta').child('profile', meta!.profile as object, i, i));
      if (plan) applied.push({ el: plan.root });
    });
    for (const p of profiles) {
      if (metaProfiles.includes(p)) continue;
      const plan = this.profilePlan(st, p, rt, loc);
      if (plan) applied.push({ el: plan.root });
    }
    if (rt === 'Observation') this.applyVitalSigns(st, r, applied, loc);
    const outer = st.frame;
    const frame: ResourceFrame = {
      resource: r,
      loc,
      root: frameExtra?.root ?? (outer && isContainedLoc(loc) ? outer.root : r),
      entry: frameExtra?.entry ?? this.entryOf(st, loc),
    };
    st.frames.push(frame);
    let bundle: BundleIndex | undefined;
    if (rt === 'Bundle') {
      bundle = new BundleIndex(r);
      st.bundles.push(bundle);
    }
    try {
      this.validateComplex(st, r, dedupeApplied(applied), rt, loc, true);
      if (bundle) checkBundle(this, st, r, bundle, loc);
      if (rt === 'QuestionnaireResponse' || rt === 'Questionnaire') this.checkQuestionnaireRules(st, r, rt, loc);
    } finally {
      if (bundle) st.bundles.pop();
      st.frames.pop();
    }
  }

  /** An Observation recording a vital sign must conform to the core vital signs profile for it. */
  private applyVitalSigns(st: RunState, r: Record<string, unknown>, applied: Applied[], loc: Loc): void {
    const implied = impliedVitalSignsProfile(r);
    if (!implied) return;
    const plan = this.compiler.plan(implied.url);
    if (!plan || applied.some((a) => a.el === plan.root)) return;
    applied.push({ el: plan.root });
    this.report(
      st,
      loc,
      'information',
      'informational',
      'vital-signs-profile',
      `${implied.system} code ${implied.code} makes this Observation a vital sign (${implied.name}), so it was also validated against ${implied.url}: the FHIR specification requires vital signs to conform to that profile`,
      { plan },
    );
  }

  /** Questionnaire rules and QuestionnaireResponse-against-Questionnaire checks (beyond what profiles can say). */
  private checkQuestionnaireRules(st: RunState, r: Record<string, unknown>, rt: string, loc: Loc): void {
    const ctx: QuestionnaireContext = {
      report: (path, severity, code, ruleId, message) => this.report(st, locAt(loc, r, path), severity, code, ruleId, message),
      fetch: (canonical, resourceType) => {
        if (canonical.startsWith('#')) {
          const contained = Array.isArray(r.contained) ? (r.contained as Record<string, unknown>[]) : [];
          return contained.find((c) => c && c.id === canonical.slice(1) && c.resourceType === resourceType);
        }
        const inBundle = this.resolveReference(st, canonical);
        if (inBundle && inBundle.resourceType === resourceType) return inBundle;
        return this.defs.fetch(canonical, resourceType);
      },
      terminology: this.terminology,
    };
    if (rt === 'QuestionnaireResponse') checkQuestionnaireResponse(r, ctx);
    else checkQuestionnaire(r, ctx);
  }

  /** When a resource is a Bundle entry's resource: which entry, for resolving its references. */
  private entryOf(st: RunState, loc: Loc): ResourceFrame['entry'] {
    const bundle = st.bundles[st.bundles.length - 1];
    if (!bundle || loc.name !== 'resource' || loc.parent?.name !== 'entry') return undefined;
    const index = loc.parent.index;
    return { bundle, index, fullUrl: bundle.entry(index)?.fullUrl };
  }

  private globals?: Map<string, string[]>;

  /** Resource type → the profiles loaded ImplementationGuides declare global for it (R4 ImplementationGuide.global). */
  globalProfiles(): Map<string, string[]> {
    if (this.globals) return this.globals;
    const out = new Map<string, string[]>();
    for (const e of this.defs.all('ImplementationGuide')) {
      const ig = this.defs.read<{ global?: { type?: unknown; profile?: unknown }[] }>(e);
      for (const g of Array.isArray(ig?.global) ? ig.global : []) {
        if (typeof g?.type !== 'string' || typeof g.profile !== 'string') continue;
        const list = out.get(g.type) ?? [];
        if (!list.includes(g.profile)) list.push(g.profile);
        out.set(g.type, list);
      }
    }
    this.globals = out;
    return out;
  }

  /** The resource a reference points at (contained or in the enclosing Bundle), if it can be found. */
  resolveReference(st: RunState, reference: string): Record<string, unknown> | undefined {
    const frame = st.frame;
    if (reference.startsWith('#')) {
      const contained = frame?.root?.contained;
      if (!Array.isArray(contained)) return undefined;
      return contained.find((c) => c && typeof c === 'object' && (c as Record<string, unknown>).id === reference.slice(1)) as
        | Record<string, unknown>
        | undefined;
    }
    const bundle = st.bundles[st.bundles.length - 1];
    return bundle?.resolve(reference, frame?.entry?.fullUrl)[0]?.resource;
  }

  /** A scratch state for "does this conform?" questions: same context, own issue list. */
  private scratch(st: RunState): RunState {
    const s = new RunState(undefined, st.format, 10_000);
    s.errorsOnly = true;
    s.frames.push(...st.frames);
    s.bundles.push(...st.bundles);
    return s;
  }

  /** Does a value (resource or datatype) conform to a profile? Cached per value and profile. */
  conformsTo(st: RunState, value: unknown, profile: string, typeCode?: string): boolean {
    if (value === undefined || value === null) return false;
    if (typeof value !== 'object') {
      // primitives: no identity to cache on; they are cheap to check
      const plan = this.compiler.plan(profile);
      if (!plan) return false;
      const s = this.scratch(st);
      const t = typeCode ?? plan.type;
      this.validateValue(s, value, undefined, [{ el: plan.root }], t, Loc.root(t));
      return !s.issues.some((i) => i.severity === 'error' || i.severity === 'fatal');
    }
    let byProfile = st.conformance.get(value);
    if (!byProfile) {
      byProfile = new Map();
      st.conformance.set(value, byProfile);
    }
    const cached = byProfile.get(profile);
    if (cached !== undefined) return cached;
    byProfile.set(profile, true); // cycles (a resource referring to itself) count as conforming
    const plan = this.compiler.plan(profile);
    let ok = false;
    if (plan) {
      const s = this.scratch(st);
      const rt = (value as Record<string, unknown>).resourceType;
      if (typeof rt === 'string' && plan.kind === 'resource') {
        this.validateResource(s, value, Loc.root(rt), [profile]);
      } else {
        const t = typeCode ?? plan.type;
        this.validateValue(s, value, undefined, [{ el: plan.root }], t, Loc.root(t));
      }
      ok = !s.issues.some((i) => i.severity === 'error' || i.severity === 'fatal');
    }
    byProfile.set(profile, ok);
    return ok;
  }

  /**
   * meta.profile naming `url|version` where only another version of the profile is loaded: the
   * loaded one is used (the embedded set carries one version of each), and the run says which.
   */
  private otherVersionPlan(st: RunState, canonical: string, loc: Loc): StructurePlan | undefined {
    const { url, version } = splitCanonical(canonical);
    if (!version) return undefined;
    const entry = this.defs.resolve(url, 'StructureDefinition');
    const plan = entry && this.compiler.plan(url);
    if (!entry || !plan) return undefined;
    if (!st.substituted.has(canonical)) {
      st.substituted.add(canonical);
      this.report(
        st,
        loc,
        'information',
        'informational',
        'profile-version-substituted',
        `Profile ${canonical} names version ${version}, which is not loaded: checked against version ${entry.version ?? '(none stated)'} from ${entry.source.info.name}#${entry.source.info.version}`,
      );
    }
    return plan;
  }

  /** Does a value satisfy one element definition (used for slices without discriminators)? */
  conformsToElement(st: RunState, value: unknown, ext: unknown, el: ElementPlan): boolean {
    const s = this.scratch(st);
    const t = el.types.length === 1 ? el.types[0]!.code : undefined;
    if (!t) return false;
    this.validateValue(s, value, ext, [{ el, type: el.types[0] }], t, Loc.root(t));
    return !s.issues.some((i) => i.severity === 'error' || i.severity === 'fatal');
  }

  /** The plan of a profile named by meta.profile / --profile, reporting why when it cannot be used. */
  private profilePlan(st: RunState, url: string, rt: string, loc: Loc): StructurePlan | undefined {
    const plan = this.compiler.plan(url) ?? this.otherVersionPlan(st, url, loc);
    if (!plan) {
      const failure = this.compiler.failure(url);
      if (failure) {
        this.report(st, loc, 'error', 'processing', 'profile-snapshot-failed', `Profile ${url} could not be used: ${failure}`);
      } else {
        this.report(
          st,
          loc,
          'warning',
          'not-found',
          'profile-unknown',
          `Profile ${url} has not been checked because it could not be found. ${nearProfile(url, this.defs) ?? howToProvide(url)}`,
        );
      }
      return undefined;
    }
    if (plan.type !== rt && !(plan.type === 'Resource' || plan.type === 'DomainResource')) {
      this.report(
        st,
        loc,
        'error',
        'invalid',
        'profile-wrong-type',
        `Profile ${url} is for ${plan.type} resources, but this resource is a ${rt}`,
        { plan },
      );
      return undefined;
    }
    return plan;
  }

  /**
   * Validate one value against the definitions that apply to it. `ext` is the `_name`
   * companion of a primitive (id/extension), `typeCode` the value's FHIR type.
   */
  validateValue(st: RunState, value: unknown, ext: unknown, applied: Applied[], typeCode: string, loc: Loc, known?: Combination): void {
    if (known === undefined && this.holdsResource(typeCode)) {
      const profiles: string[] = [];
      // Bundle.entry.resource and contained are typed Resource: a slice names the actual type
      const rt = value !== null && typeof value === 'object' ? (value as Record<string, unknown>).resourceType : undefined;
      for (const a of applied) {
        for (const t of a.el.types) {
          if (t.code !== typeCode && t.code !== rt && !RESOURCE_CODES.has(t.code)) continue;
          const chosen = this.chooseProfile(st, value, t.profiles, undefined, loc, a.el);
          if (chosen && this.requiredProfileUsable(st, chosen, a.el, loc)) profiles.push(chosen);
        }
      }
      this.validateResource(st, value, loc, profiles);
      return;
    }
    let combo = known ?? combinationOf(applied, typeCode);
    const plans = combo.needsExpansion ? this.expandApplied(st, value, applied, typeCode, loc) : applied;
    if (plans !== applied) combo = combinationOf(plans, typeCode);
    if (isPrimitiveCode(typeCode)) {
      this.validatePrimitive(st, value, ext, plans, typeCode, loc, combo);
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.report(
        st,
        loc,
        'error',
        'structure',
        'json-type',
        `${loc.name} must be a JSON object (a ${typeCode}), found ${jsonKind(value)}`,
        { el: plans[0]?.el },
      );
      return;
    }
    this.validateComplex(st, value as Record<string, unknown>, plans, typeCode, loc, false, false, combo);
  }

  private isResourceType(code: string): boolean {
    if (!/^[A-Z]/.test(code)) return false;
    const p = this.compiler.typePlan(code);
    return p !== undefined && p.kind === 'resource';
  }

  private readonly resourceCodes = new Map<string, boolean>();

  /** Does an element of this type hold a resource (Resource, DomainResource, or a resource type)? */
  private holdsResource(typeCode: string): boolean {
    let r = this.resourceCodes.get(typeCode);
    if (r === undefined) {
      r = RESOURCE_CODES.has(typeCode) || (this.isResourceType(typeCode) && !isPrimitiveCode(typeCode));
      this.resourceCodes.set(typeCode, r);
    }
    return r;
  }

  /** Add type profiles (datatype and extension profiles) and contentReference targets to the applied list. */
  /**
   * Several profiles on one type mean "any of them": pick the one the value conforms to, or
   * report that none fits. One profile is simply applied.
   */
  private chooseProfile(st: RunState, value: unknown, profiles: string[], typeCode: string | undefined, loc: Loc, el: ElementPlan): string | undefined {
    if (profiles.length <= 1) return profiles[0];
    const known = profiles.filter((p) => this.compiler.plan(p));
    if (known.length === 0) return undefined;
    for (const p of known) if (this.conformsTo(st, value, p, typeCode)) return p;
    this.report(
      st,
      loc,
      'error',
      'structure',
      'profile-choice-none',
      `Unable to find a match among the allowed profiles ${known.join(', ')}: the value must conform to at least one of them`,
      { el },
    );
    this.reportWhyNoProfile(st, value, known, typeCode, loc);
    return undefined;
  }

  /**
   * A profile that a definition requires for a value (a type profile): when it cannot be
   * found the value cannot be shown to conform, so that is an error (an instance's own
   * meta.profile claim that cannot be found is only a warning).
   */
  private requiredProfileUsable(st: RunState, url: string, el: ElementPlan, loc: Loc): boolean {
    if (this.compiler.plan(url)) return true;
    const failure = this.compiler.failure(url);
    this.report(
      st,
      loc,
      'error',
      failure ? 'processing' : 'not-found',
      failure ? 'profile-snapshot-failed' : 'profile-required-unknown',
      failure
        ? `Profile ${url} could not be used: ${failure}`
        : `Profile ${url}, which ${el.owner.canonical} requires here (${el.id}), could not be found, so conformance to it could not be checked. ${howToProvide(url)}`,
      { el },
    );
    return false;
  }

  /** When a value fits none of the allowed profiles, each profile's errors say why (as the Java validator lists them). */
  private reportWhyNoProfile(st: RunState, value: unknown, profiles: string[], typeCode: string | undefined, loc: Loc): void {
    for (const p of profiles) {
      const plan = this.compiler.plan(p)!;
      const s = new RunState(st.locations, st.format, 1000);
      s.frames.push(...st.frames);
      s.bundles.push(...st.bundles);
      const rt = value && typeof value === 'object' ? (value as Record<string, unknown>).resourceType : undefined;
      if (typeof rt === 'string' && plan.kind === 'resource') this.validateResource(s, value, loc, [p]);
      else this.validateValue(s, value, undefined, [{ el: plan.root }], typeCode ?? plan.type, loc);
      for (const i of s.issues) {
        if (i.severity === 'error' || i.severity === 'fatal') st.add({ ...i, message: `${i.message} (validating against ${plan.canonical})` });
      }
    }
  }

  private expandApplied(st: RunState, value: unknown, applied: Applied[], typeCode: string, loc: Loc): Applied[] {
    let out: Applied[] | undefined;
    for (const a of applied) {
      for (const t of a.el.types) {
        if (t.code !== typeCode || t.profiles.length === 0) continue;
        const chosen = this.chooseProfile(st, value, t.profiles, typeCode, loc, a.el);
        // an extension's definition is looked up (and reported when unknown) by its url
        for (const p of chosen && (typeCode === 'Extension' || this.requiredProfileUsable(st, chosen, a.el, loc)) ? [chosen] : []) {
          const plan = this.compiler.plan(p);
          if (plan && !applied.some((x) => x.el === plan.root)) {
            out ??= [...applied];
            if (!out.some((x) => x.el === plan.root)) out.push({ el: plan.root });
          }
        }
      }
      if (a.el.contentReference) {
        const target = this.compiler.resolveContentReference(a.el);
        if (target) {
          out ??= [...applied];
          if (!out.some((x) => x.el === target)) out.push({ el: target });
        }
      }
    }
    return out ?? applied;
  }

  private validatePrimitive(st: RunState, value: unknown, ext: unknown, applied: Applied[], typeCode: string, loc: Loc, combo: Combination): void {
    const el0 = applied[0]?.el;
    const withFacts = combo.withFacts;
    if (withFacts.length) this.checkValuePresence(st, value, ext, withFacts, loc);
    if (value !== undefined && value !== null) {
      const raw = typeof value === 'number' && loc.container && loc.key !== undefined ? st.locations?.rawNumber(loc.container, loc.key) : undefined;
      // Resource.id is typed as a plain string in R4's definitions, but it must be a valid id
      const code = typeCode === 'System.String' && loc.name === 'id' && el0?.def.base?.path === 'Resource.id' ? 'id' : typeCode;
      const problems = checkPrimitive(code, value, raw === undefined && st.format === 'json' ? undefined : { raw, format: st.format });
      for (let i = 0; i < problems.length; i++) {
        const p = problems[i]!;
        this.report(st, loc, p.severity, p.ruleId === 'primitive-json-type' ? 'structure' : 'value', p.ruleId, p.message, { el: el0 });
      }
      if (typeCode === 'xhtml' && typeof value === 'string') {
        for (const p of checkNarrativeXhtml(value)) this.report(st, loc, p.severity, 'value', p.ruleId, p.message, { el: el0 });
        this.checkNarrativeLinks(st, value, loc);
      }
      if (withFacts.length && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
        this.checkFixedPattern(st, value, withFacts, loc);
        for (const a of withFacts) {
          const f = a.el.facts;
          if (f.maxLength !== undefined && typeof value === 'string' && value.length > f.maxLength) {
            this.report(st, loc, 'error', 'value', 'max-length', `The value is ${value.length} characters long, more than the ${f.maxLength} allowed`, { el: a.el });
          }
          this.checkMinMaxValue(st, value, a.el, loc);
        }
      }
    }
    if (ext !== undefined && ext !== null) {
      const extLoc = loc;
      if (typeof ext !== 'object' || Array.isArray(ext)) {
        this.report(st, extLoc, 'error', 'structure', 'json-type', `_${loc.name} must be a JSON object holding id and extension, found ${jsonKind(ext)}`);
      } else {
        // `_name` holds the primitive's id and extensions: validate against the primitive type's definition
        this.validateComplex(st, ext as Record<string, unknown>, applied, typeCode, loc, false, true, combo);
      }
    }
    if (this.terminology && value !== null && value !== undefined) checkBindings(this, st, value, applied, typeCode, loc, combo);
    evaluateConstraints(this, st, value, ext, applied, typeCode, loc, combo);
  }

  /** Local links in a narrative (href="#x", src="#x") must point at something in the resource. */
  private checkNarrativeLinks(st: RunState, div: string, loc: Loc): void {
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
      this.report(
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
  private checkValuePresence(st: RunState, value: unknown, ext: unknown, applied: readonly Applied[], loc: Loc): void {
    const hasValue = value !== undefined && value !== null;
    for (const a of applied) {
      const f = a.el.facts;
      if (!f.any) continue;
      if (f.minLength !== undefined && typeof value === 'string' && [...value].length < f.minLength) {
        this.report(st, loc, 'error', 'value', 'min-length', `Value '${value}' is shorter than the minimum length of ${f.minLength} the profile requires`, { el: a.el });
      }
      if (hasValue) continue;
      if (f.mustHaveValue) {
        this.report(st, loc, 'error', 'required', 'must-have-value', `The profile requires a value in ${a.el.path}: extensions alone (e.g. a data-absent-reason) are not enough here`, { el: a.el });
      } else if (f.valueAlternatives.length) {
        const present =
          ext && typeof ext === 'object' && Array.isArray((ext as { extension?: unknown }).extension)
            ? (ext as { extension: { url?: unknown }[] }).extension.map((e) => e?.url)
            : [];
        if (!f.valueAlternatives.some((alt) => present.includes(alt))) {
          this.report(
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

  private checkMinMaxValue(st: RunState, value: string | number | boolean, el: ElementPlan, loc: Loc): void {
    const f = el.facts;
    if (f.minValue === undefined && f.maxValue === undefined) return;
    // dates and dateTimes by the time they stand for (an uncertain comparison is no verdict)
    const cmp = compareLimit;
    if (f.minValue !== undefined && (cmp(value, f.minValue) ?? 0) < 0) {
      this.report(st, loc, 'error', 'value', 'min-value', `The value ${describeValue(value)} is less than the allowed minimum of ${describeValue(f.minValue)}`, { el });
    }
    if (f.maxValue !== undefined && (cmp(value, f.maxValue) ?? 0) > 0) {
      this.report(st, loc, 'error', 'value', 'max-value', `The value ${describeValue(value)} is greater than the allowed maximum of ${describeValue(f.maxValue)}`, { el });
    }
  }

  /** minValueQuantity / maxValueQuantity: compared when the units agree (same system and code). */
  private checkQuantityLimits(st: RunState, q: Record<string, unknown>, el: ElementPlan, loc: Loc): void {
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
        this.report(
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

  private checkFixedPattern(st: RunState, value: unknown, applied: readonly Applied[], loc: Loc): void {
    for (const a of applied) {
      const f = a.el.facts;
      if (!f.any) continue;
      if (f.fixed && !equalsFixed(value, f.fixed.value) && !isVersionedExtensionUrl(a.el, value, f.fixed.value)) {
        this.report(st, loc, 'error', 'value', 'fixed-value', `Value is ${describeValue(value)} but must be ${describeValue(f.fixed.value)} (fixed by the profile)`, { el: a.el });
      }
      if (f.pattern && !matchesPattern(value, f.pattern.value)) {
        this.report(
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

  /**
   * Validate an object value (resource, datatype, backbone element, or a primitive's `_name`
   * companion when `primitiveExt` is set).
   */
  validateComplex(
    st: RunState,
    obj: Record<string, unknown>,
    applied: Applied[],
    typeCode: string,
    loc: Loc,
    isResource: boolean,
    primitiveExt = false,
    combo: Combination = combinationOf(applied, typeCode),
  ): void {
    if (st.truncated) return;
    if (st.collect !== undefined && !primitiveExt && st.collect.has(typeCode)) {
      let values = st.collected.get(typeCode);
      if (!values) st.collected.set(typeCode, (values = new Map()));
      if (!values.has(obj)) values.set(obj, loc);
    }
    const tables = this.tablesOf(combo, applied, typeCode);
    const base = tables[0]!;
    // group the members by element: name → values (primitives carry their `_name` companion);
    // for-in rather than Object.keys: same own names in the same order, without a new array per object
    const members: Member[] = [];
    let keyCount = 0;
    for (const key in obj) {
      // (the hasOwnProperty call in a for-in is one V8 answers from the enumeration cache)
      if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
      keyCount++;
      if (isResource && key === 'resourceType') continue;
      if (primitiveExt && key === 'value') {
        // the twin of an XML <value> child (xml-primitive-value): the primitive is at fault, located at the member
        const at = new Loc(loc.parent, loc.name, loc.index, obj, key);
        this.report(st, at, 'error', 'structure', 'json-primitive-value', `"value" is not allowed in _${loc.name}: the primitive value goes in "${loc.name}" itself`);
        continue;
      }
      const isExtKey = key.charCodeAt(0) === 95 /* _ */ && key.length > 1;
      const name = isExtKey ? key.slice(1) : key;
      const slots = memberSlots(combo, tables, name);
      const slot = slots.slots[0];
      if (!slot) {
        this.reportUnknown(st, obj, key, name, base, applied, typeCode, loc);
        continue;
      }
      let m: Member | undefined;
      for (let i = 0; i < members.length; i++) if (members[i]!.name === name) m = members[i];
      if (!m) {
        m = { name, slot, slots, value: undefined, ext: undefined, hasValue: false, hasExt: false, values: EMPTY_VALUES };
        members.push(m);
      }
      if (isExtKey) {
        m.ext = obj[key];
        m.hasExt = true;
      } else {
        m.value = obj[key];
        m.hasValue = true;
      }
    }

    if (keyCount === 0 && !isResource) {
      this.report(st, loc, 'error', 'structure', 'empty-object', `${loc.name} is an empty object: leave it out, or give it content (FHIR does not allow empty elements)`, {
        el: applied[0]?.el,
      });
    }

    // JSON shape per member and the list of values, each starting with its base definition
    for (const m of members) {
      m.values = this.memberValues(st, obj, m, typeCode, loc);
      const shared = m.slots.chain[0]!;
      for (const v of m.values) v.applied = shared;
    }

    // per applied definition: cardinality, slicing, and which plans each value gets
    for (let i = 0; i < applied.length; i++) {
      const table = tables[i]!;
      const a = applied[i]!;
      if (i > 0) {
        for (const m of members) {
          const slot = m.slots.slots[i];
          if (!slot) {
            this.reportTypeNotAllowed(st, m, table, a, loc, obj);
            continue;
          }
          const add = m.slots.adds[i];
          if (!add) continue;
          // values no slice has touched yet move along the member's shared chain of lists
          const before = m.slots.chain[i - 1]!;
          const after = m.slots.chain[i]!;
          for (const v of m.values) {
            if (v.applied === before) v.applied = after;
            else addApplied(v, add);
          }
        }
      }
      this.checkCardinality(st, table, i, members, loc);
      this.applySlicing(st, table, i, members, loc);
    }

    // recurse
    for (const m of members) {
      const mp = m.slots;
      const t = mp.type;
      if (t === undefined) continue;
      const resource = (mp.resource ??= this.holdsResource(t));
      for (const v of m.values) {
        const plans = v.applied!;
        if (t === 'Extension') {
          checkExtension(this, st, v.value, plans, v.loc, loc, typeCode, applied, m.name === 'modifierExtension', obj);
          continue;
        }
        // the values no slice singled out share one combination
        const known = resource ? undefined : plans === mp.chain[mp.chain.length - 1] ? (mp.chainCombo ??= combinationOf(plans, t)) : combinationOf(plans, t);
        this.validateValue(st, v.value, v.ext, plans, t, v.loc, known);
        if (t === 'Reference' && v.value && typeof v.value === 'object') checkReference(this, st, v.value as Record<string, unknown>, plans, v.loc, known);
      }
    }

    if (!primitiveExt) {
      const withFacts = combo.withFacts;
      if (withFacts.length) {
        this.checkFixedPattern(st, obj, withFacts, loc);
        if (typeof obj.value === 'number' && (typeCode === 'Quantity' || QUANTITY_TYPES.has(typeCode))) {
          for (const a of withFacts) this.checkQuantityLimits(st, obj, a.el, loc);
        }
      }
      if (typeCode === 'Attachment') checkAttachment(this, st, obj, loc);
      if (this.terminology && !isResource) checkBindings(this, st, obj, applied, typeCode, loc, combo);
      evaluateConstraints(this, st, obj, undefined, applied, typeCode, loc, combo);
    }
  }

  /** The children tables of a combination (one per applied definition), computed once. */
  private tablesOf(combo: Combination, applied: Applied[], typeCode: string): ChildTable[] {
    let tables = combo.tables;
    // the list the tables were made for (shared lists come back by identity), else same type codes
    if (tables && (applied === combo.tablesFor || (combo.tableKeys && sameTableKeys(combo.tableKeys, applied, typeCode)))) return tables;
    const keys: string[] = new Array(applied.length);
    tables = new Array(applied.length);
    for (let i = 0; i < applied.length; i++) {
      const a = applied[i]!;
      const t = a.type ?? (a.el.isRoot ? undefined : typeRef(typeCode));
      keys[i] = t?.code ?? '';
      tables[i] = this.compiler.children(a.el, t);
    }
    if (!combo.tables) {
      combo.tables = tables;
      combo.tableKeys = keys;
      combo.tablesFor = applied;
    }
    return tables;
  }

  /** Turn a member into its list of values, checking the JSON shape (array or not, primitive arrays aligned with `_name`). */
  private memberValues(st: RunState, obj: Record<string, unknown>, m: Member, typeCode: string, loc: Loc): Value[] {
    const el = m.slot.el;
    const t = m.slots.type ?? '';
    const primitive = m.slots.primitive;
    const name = m.name;
    if (!primitive && m.hasExt) {
      this.report(st, loc.child('_' + name, obj, '_' + name), 'error', 'structure', 'unknown-element', `_${name} is only allowed for primitive elements; ${name} is a ${t}`, { el });
    }
    if (el.isArray) {
      const arr = m.hasValue ? m.value : undefined;
      const ext = primitive && m.hasExt ? m.ext : undefined;
      if (m.hasValue && !Array.isArray(arr)) {
        this.report(
          st,
          loc.child(name, obj, name),
          'error',
          'structure',
          'json-array-expected',
          `${name} can repeat, so it must be a JSON array (e.g. "${name}": [ ... ]), not a single ${jsonKind(arr)}`,
          { el },
        );
        // still check the value itself
        return [new Value(loc, name, -1, obj, name, arr, Array.isArray(ext) ? undefined : ext)];
      }
      if (m.hasExt && ext !== undefined && !Array.isArray(ext)) {
        this.report(st, loc.child('_' + name, obj, '_' + name), 'error', 'structure', 'json-array-expected', `_${name} must be an array aligned with ${name}`, { el });
      }
      const values = (Array.isArray(arr) ? arr : []) as unknown[];
      const exts = (Array.isArray(ext) ? ext : []) as unknown[];
      if (m.hasValue && values.length === 0) {
        this.report(st, loc.child(name, obj, name), 'error', 'structure', 'empty-array', `${name} is an empty array: leave it out instead (FHIR does not allow empty arrays)`, { el });
      }
      if (exts.length && values.length && exts.length !== values.length) {
        this.report(
          st,
          loc.child('_' + name, obj, '_' + name),
          'error',
          'structure',
          'primitive-extension-alignment',
          `_${name} has ${exts.length} entries but ${name} has ${values.length}: the two arrays must line up (use null where an entry has no value or no extension)`,
          { el },
        );
      }
      const n = Math.max(values.length, exts.length);
      if (n === 0) return EMPTY_VALUES;
      // sized up front: a list grown by push starts with room for 16 or more
      const out: Value[] = new Array(n);
      let k = 0;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        const e = exts[i];
        const container = i < values.length ? (arr as object) : (ext as object);
        if ((v === null || v === undefined) && (e === null || e === undefined)) {
          if (i < values.length) {
            this.report(st, loc.child(name, container, i, i), 'error', 'structure', 'null-value', `${name}[${i}] is null: null is only allowed in primitive arrays when _${name} gives an extension for it`, { el });
          }
          continue;
        }
        if (v === null && !primitive) {
          this.report(st, loc.child(name, container, i, i), 'error', 'structure', 'null-value', `${name}[${i}] is null: remove it from the array`, { el });
          continue;
        }
        out[k++] = new Value(loc, name, i, container, i, v === null ? undefined : v, e === null ? undefined : e);
      }
      if (k < n) out.length = k;
      return out;
    }
    // single-valued element
    if (m.hasValue && Array.isArray(m.value)) {
      this.report(
        st,
        loc.child(name, obj, name),
        'error',
        'structure',
        'json-array-unexpected',
        `${name} allows only one value, so it must not be a JSON array`,
        { el },
      );
      const arr = m.value as unknown[];
      return arr.map((v, i) => new Value(loc, name, i, arr, i, v, undefined));
    }
    if (m.hasValue && m.value === null) {
      this.report(st, loc.child(name, obj, name), 'error', 'structure', 'null-value', `${name} is null: leave the property out instead`, { el });
      if (!m.hasExt) return EMPTY_VALUES;
    }
    return [new Value(loc, name, -1, obj, m.hasValue ? name : '_' + name, m.value === null ? undefined : m.value, m.ext)];
  }

  private reportUnknown(
    st: RunState,
    obj: Record<string, unknown>,
    key: string,
    name: string,
    base: ChildTable,
    applied: Applied[],
    typeCode: string,
    loc: Loc,
  ): void {
    const where = loc.child(key, obj, key);
    // a choice element with a type it does not allow (valueFoo)
    for (const [prefix, el] of base.choices) {
      if (name.startsWith(prefix) && name.length > prefix.length && /^[A-Z]/.test(name.slice(prefix.length))) {
        const allowed = el.types.map((t) => prefix + t.code.charAt(0).toUpperCase() + t.code.slice(1));
        this.report(
          st,
          where,
          'error',
          'structure',
          'choice-type-not-allowed',
          `${name} is not allowed here: ${prefix}[x] accepts ${allowed.join(', ')}`,
          { el },
        );
        return;
      }
    }
    if (key === 'resourceType') {
      this.report(st, where, 'error', 'structure', 'unknown-element', `"resourceType" is only allowed on a resource, not inside ${typeCode}`);
      return;
    }
    if (key === 'fhir_comments') {
      this.report(st, loc, 'error', 'structure', 'unknown-element', `fhir_comments is not allowed in FHIR R4 JSON (it was removed after DSTU2): remove the comments`);
      return;
    }
    const close = closestName(name, [...base.slots.keys()]);
    this.report(
      st,
      where,
      'error',
      'structure',
      'unknown-element',
      `Unknown element "${key}" in ${typeCode === loc.name ? typeCode : `${loc.name} (${typeCode})`}${close ? `: did you mean "${close}"?` : ''}`,
      { el: applied[0]?.el },
    );
  }

  private reportTypeNotAllowed(st: RunState, m: Member, table: ChildTable, a: Applied, loc: Loc, obj: Record<string, unknown>): void {
    const choice = m.slot.el.isChoice ? table.choices.get(m.slot.el.name) : undefined;
    if (choice) {
      const allowed = choice.types.map((t) => choice.name + t.code.charAt(0).toUpperCase() + t.code.slice(1));
      if (a.el.isRoot && a.el.owner.type === 'Extension' && choice.name === 'value' && a.el.owner.url) {
        // the extension's definition fixes its value type: report it on the extension, naming it
        this.report(
          st,
          loc,
          'error',
          'structure',
          'choice-type-not-allowed',
          `The extension ${a.el.owner.canonical} allows ${allowed.join(', ')}, but ${m.name} was found: use the value type its definition gives`,
          { el: choice },
        );
        return;
      }
      this.report(
        st,
        loc.child(m.name, obj, m.hasValue ? m.name : '_' + m.name),
        'error',
        'structure',
        'choice-type-not-allowed',
        `${m.name} is not allowed by the profile: it restricts ${choice.name}[x] to ${allowed.join(', ')}`,
        { el: choice },
      );
    }
  }

  private checkCardinality(st: RunState, table: ChildTable, t: number, members: Member[], loc: Loc): void {
    const checks = cardinalityChecks(table);
    if (checks.length === 0) return;
    // counts per checked element, in one pass over the members (safe to share: nothing recurses in here)
    if (counts.length < checks.length) counts = new Int32Array(checks.length * 2);
    counts.fill(0, 0, checks.length);
    for (let i = 0; i < members.length; i++) {
      const k = members[i]!.slots.checkAt[t]!;
      if (k >= 0) counts[k] += members[i]!.values.length;
    }
    for (let k = 0; k < checks.length; k++) {
      const el = checks[k]!;
      const count = counts[k]!;
      if (count >= el.min && count <= el.max) continue;
      const path = el.path;
      if (count < el.min) {
        this.report(st, loc, 'error', 'required', 'cardinality-min', `${path}: minimum required = ${el.min}, but only found ${count}`, { el });
      }
      if (count > el.max) {
        this.report(
          st,
          loc,
          'error',
          'structure',
          'cardinality-max',
          el.max === 0 ? `${path}: not allowed here (max 0), but found ${count}` : `${path}: max allowed = ${el.max}, but found ${count}`,
          { el },
        );
      }
    }
  }

  private applySlicing(st: RunState, table: ChildTable, t: number, members: Member[], loc: Loc): void {
    const sliced = slicedElements(table);
    if (sliced.length === 0) return;
    for (const el of sliced) {
      const values: Value[] = [];
      for (const m of members) {
        if (m.slots.slots[t]?.el === el) for (const x of m.values) values.push(x); // not push(...): sliced arrays can be huge
      }
      matchSlices(this, st, el, values, loc);
    }
  }
}

export interface Member {
  name: string;
  slot: { el: ElementPlan; type?: TypeRef };
  /** The member's slot in each applied definition's table. */
  slots: MemberSlots;
  value: unknown;
  ext: unknown;
  hasValue: boolean;
  hasExt: boolean;
  values: Value[];
}

/**
 * One value of a member (an array item, or the single value) and where it is: the value is
 * its own location (one object per value instead of two).
 */
export class Value extends Loc {
  /** Every definition that applies to this value (base, profiles, matched slices). */
  applied?: Applied[];

  constructor(
    parent: Loc,
    name: string,
    index: number,
    container: object,
    key: string | number,
    readonly value: unknown,
    readonly ext: unknown,
  ) {
    super(parent, name, index, container, key);
  }

  get loc(): Loc {
    return this;
  }
}

const EMPTY_VALUES = Object.freeze([]) as unknown as Value[];

/** A member name's slot in every table of a combination, looked up once per combination. */
function memberSlots(combo: Combination, tables: ChildTable[], name: string): MemberSlots {
  let m = combo.members.get(name);
  if (m === undefined || m.tables !== tables) {
    const slots = new Array(tables.length);
    for (let i = 0; i < tables.length; i++) slots[i] = tables[i]!.get(name);
    const slot = slots[0];
    const type = slot ? (slot.type?.code ?? concreteType(slot.el)) : undefined;
    // what each further definition adds to a value of this member, and the lists that result
    const adds: (Applied | undefined)[] = new Array(tables.length);
    const chain: Applied[][] = new Array(tables.length);
    if (slot) {
      chain[0] = baseApplied(slot);
      for (let i = 1; i < tables.length; i++) {
        const s = slots[i];
        const prev = chain[i - 1]!;
        if (!s || s.el === slot.el) {
          chain[i] = prev;
          continue;
        }
        const a: Applied = { el: s.el, type: s.type ?? (s.el.types.length === 1 ? s.el.types[0] : undefined) };
        adds[i] = a;
        chain[i] = prev.some((x) => x.el === a.el) ? prev : Object.freeze([...prev, a]) as Applied[];
      }
    }
    // the element a member counts towards in each table's cardinality: a choice present with a type
    // the table does not allow still counts as present (the type is reported on its own)
    const counted: (ElementPlan | undefined)[] = new Array(tables.length);
    const checkAt: number[] = new Array(tables.length);
    for (let i = 0; i < tables.length; i++) {
      const c = slots[i]?.el ?? (slot?.el.isChoice ? tables[i]!.choices.get(slot.el.name) : undefined);
      counted[i] = c;
      checkAt[i] = c ? cardinalityChecks(tables[i]!).indexOf(c) : -1;
    }
    m = { slots, tables, adds, chain, counted, checkAt, type, primitive: type !== undefined && isPrimitiveCode(type) };
    if (tables === combo.tables) combo.members.set(name, m);
  }
  return m;
}

/** The type of an element that has a single type (backbone elements count as BackboneElement). */
function concreteType(el: ElementPlan): string | undefined {
  if (el.types.length === 1) return el.types[0]!.code;
  if (el.contentReference) return 'BackboneElement';
  if (el.types.length === 0) return 'Element';
  return undefined;
}

function sameTableKeys(keys: string[], applied: Applied[], typeCode: string): boolean {
  for (let i = 0; i < applied.length; i++) {
    const a = applied[i]!;
    if ((a.type ? a.type.code : a.el.isRoot ? '' : typeCode) !== keys[i]) return false;
  }
  return true;
}
const baseAppliedCache = new WeakMap<object, Applied[]>();

/** The one-definition list most values start (and stay) with, shared instead of allocated per value. */
function baseApplied(slot: { el: ElementPlan; type?: TypeRef }): Applied[] {
  let a = baseAppliedCache.get(slot);
  if (!a) {
    const t = slot.type ?? (slot.el.types.length === 1 ? slot.el.types[0] : undefined);
    a = Object.freeze([{ el: slot.el, type: t }]) as Applied[];
    baseAppliedCache.set(slot, a);
  }
  return a;
}

/** Add a definition to a value's list, copying the shared list on first write. */
export function addApplied(v: Value, a: Applied): void {
  const list = v.applied!;
  for (let i = 0; i < list.length; i++) if (list[i]!.el === a.el) return;
  if (Object.isFrozen(list)) v.applied = [...list, a];
  else list.push(a);
}
const typeRefs = new Map<string, TypeRef>();

/** A shared TypeRef for a bare type code (no profiles): avoids an allocation per value. */
function typeRef(code: string): TypeRef {
  let t = typeRefs.get(code);
  if (!t) {
    t = { code, profiles: [], targetProfiles: [] };
    typeRefs.set(code, t);
  }
  return t;
}

/** Scratch counts for checkCardinality. */
let counts = new Int32Array(64);

function cardinalityChecks(table: ChildTable): ElementPlan[] {
  // a single-valued choice can still be given twice (valueString and valueBoolean)
  return (table.cardinalityChecks ??= table.elements.filter((e) => e.min > 0 || (e.max !== Infinity && (e.isArray || e.max === 0 || e.isChoice))));
}

function slicedElements(table: ChildTable): ElementPlan[] {
  return (table.sliced ??= table.elements.filter((e) => e.slices.length > 0));
}

function dedupeApplied(list: Applied[]): Applied[] {
  const out: Applied[] = [];
  for (const a of list) if (!out.some((x) => x.el === a.el)) out.push(a);
  return out;
}

function isContainedLoc(loc: Loc): boolean {
  return loc.name === 'contained';
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

/** A location below `loc` given as keys and indexes from `root` (e.g. ['item', 0, 'answer', 1]). */
export function locAt(loc: Loc, root: unknown, path: (string | number)[]): Loc {
  let cur: unknown = root;
  let l = loc;
  for (let i = 0; i < path.length; i++) {
    const k = path[i]!;
    if (cur === null || typeof cur !== 'object') break;
    const next = (cur as Record<string | number, unknown>)[k];
    if (typeof k === 'string' && Array.isArray(next) && typeof path[i + 1] === 'number') {
      const idx = path[i + 1] as number;
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

export function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'string') return `string "${v.length > 40 ? v.slice(0, 39) + '…' : v}"`;
  return `${typeof v} ${String(v)}`;
}

/** A loaded profile whose URL is a near miss of `url` (a typo or a case slip): "did you mean …". */
function nearProfile(url: string, defs: DefinitionSet): string | undefined {
  const lower = url.toLowerCase();
  let best: string | undefined;
  let bestD = 4;
  for (const e of defs.all('StructureDefinition')) {
    if (!e.url || e.derivation !== 'constraint') continue;
    const d = editDistance(lower, e.url.toLowerCase(), bestD);
    if (d < bestD) {
      bestD = d;
      best = e.url;
    }
  }
  return best ? `Did you mean ${best} (loaded)? Profile URLs must match exactly.` : undefined;
}

function suggestType(rt: string, defs: DefinitionSet): string | undefined {
  const lower = rt.toLowerCase();
  for (const e of defs.all('StructureDefinition')) {
    if (e.kind === 'resource' && e.derivation === 'specialization' && e.sdType && e.sdType.toLowerCase() === lower) {
      return ` (did you mean "${e.sdType}"? resource types are case-sensitive)`;
    }
  }
  return undefined;
}

/** A near miss for an unknown element name (case or one typo away). */
function closestName(name: string, candidates: string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    if (c.toLowerCase() === lower) return c;
    const d = editDistance(lower, c.toLowerCase(), bestD);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= 2 && name.length > 3 ? best : undefined;
}

function editDistance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) >= cap) return cap;
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    let rowMin = prev[0];
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
      if (prev[j]! < rowMin) rowMin = prev[j]!;
    }
    if (rowMin >= cap) return cap;
  }
  return prev[b.length]!;
}

const UCUM_SYSTEM = 'http://unitsofmeasure.org';

/**
 * An extension's url pinned to a version (`<canonical>|1.0`) still names the definition whose url is
 * fixed there; the extension checks report the version itself.
 */
function isVersionedExtensionUrl(el: ElementPlan, value: unknown, fixed: unknown): boolean {
  return el.path.endsWith('Extension.url') && typeof value === 'string' && typeof fixed === 'string' && value.startsWith(fixed + '|');
}
