/**
 * What a check needs from the validator, and the per-run state it writes to. Every check file
 * (bindings, references, slicing, invariants…) depends on this interface only, never on the
 * validator that implements it, so a check can be built and tested with a fake context, and
 * the checks and the walk do not import each other.
 */
import type { RuleId } from '../model/rules.js';
import type { ChildTable, PlanCompiler } from '../compile/compiler.js';
import type { ElementPlan, StructurePlan } from '../compile/plan.js';
import type { IssueType, Severity, ValidationIssue } from '../model/issue.js';
import type { LocationIndex } from '../parse/locations.js';
import type { TerminologyService } from '../terminology/index.js';
import type { BundleIndex } from './bundle-index.js';
import type { Applied, Combination } from './combination.js';
import { Loc } from './walk-path.js';

export interface ValidatorOptions {
  /** Unknown extensions: 'warning' (default, as the HL7 validator does), 'error', or 'ignore'. */
  unknownExtensions?: 'warning' | 'error' | 'ignore';
  /** Stop adding issues after this many (a broken 50 MB file should not produce a million lines). */
  maxIssues?: number;
  /** Also report best-practice invariants (dom-6 "should have narrative"...) as information. */
  bestPractice?: boolean;
}

/** The plan lookups checks make (the compiler answers them). */
export type PlanLookup = Pick<PlanCompiler, 'plan' | 'typePlan' | 'children' | 'failure' | 'resolveContentReference' | 'faults' | 'source'>;

/** Where an issue comes from: the profile (plan) or element definition whose rule it is. */
export interface IssueSource {
  plan?: StructurePlan;
  el?: ElementPlan;
}

/** The validator as the checks see it. */
export interface CheckContext {
  readonly compiler: PlanLookup;
  readonly terminology: TerminologyService | undefined;
  readonly options: ValidatorOptions;
  /** Record an issue located at `loc`. */
  report(st: RunState, loc: Loc, severity: Severity, code: IssueType, ruleId: RuleId, message: string, source?: IssueSource): void;
  /** Validate one value against the definitions that apply to it (`ext`: a primitive's `_name` companion). */
  validateValue(st: RunState, value: unknown, ext: unknown, applied: Applied[], typeCode: string, loc: Loc, known?: Combination): void;
  /** Validate an object value (resource, datatype, backbone element, or a primitive's `_name` companion when `primitiveExt`). */
  validateComplex(st: RunState, obj: Record<string, unknown>, applied: Applied[], typeCode: string, loc: Loc, isResource: boolean, primitiveExt?: boolean, combo?: Combination): void;
  /** Does a value (resource or datatype) conform to a profile? */
  conformsTo(st: RunState, value: unknown, profile: string, typeCode?: string): boolean;
  /** Does a value satisfy one element definition (slices without discriminators)? */
  conformsToElement(st: RunState, value: unknown, ext: unknown, el: ElementPlan): boolean;
  /** The resource a reference points at (contained or in the enclosing Bundle), if it can be found. */
  resolveReference(st: RunState, reference: string): Record<string, unknown> | undefined;
  /** Does an element of this type hold a resource (Resource, DomainResource, or a resource type)? */
  holdsResource(typeCode: string): boolean;
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

/** Add a definition to a value's list, copying the shared list on first write. */
export function addApplied(v: Value, a: Applied): void {
  const list = v.applied!;
  for (let i = 0; i < list.length; i++) if (list[i]!.el === a.el) return;
  if (Object.isFrozen(list)) v.applied = [...list, a];
  else list.push(a);
}

/** A value's kind as messages name it ("object", "string \"abc\""…). */
export function jsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'string') return `string "${v.length > 40 ? v.slice(0, 39) + '…' : v}"`;
  return `${typeof v} ${String(v)}`;
}

export type { Applied, ChildTable };
