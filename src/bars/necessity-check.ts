/**
 * Applying the guide's necessity tables to a message: MUST missing → error, SHOULD missing
 * → warning, MAY → nothing, MUST NOT / SHOULD NOT present → error / warning, FIXED VALUE
 * mismatch → error. A child rule applies only where its parent element is present.
 */
import type { PlanCompiler } from '../compile/compiler.js';
import { truncate } from '../model/text.js';
import type { Applicability, NecessityRule, PayloadRules, ResourceSection } from './rules/necessity.js';
import { arr, rec, type BarsMessage, type IssueSink, type Json } from './message.js';
import type { RuleId } from '../model/rules.js';

/** How a guide path segment maps onto JSON: an exact member, or a choice prefix (value → valueString…). */
interface Segment {
  key: string;
  choice: boolean;
}

const resolved = new Map<string, Segment[] | null>();

/** Resolve a guide path against the resource's definition, forgiving the guide's capitalisation slips. */
export function resolveRulePath(compiler: PlanCompiler, path: string): Segment[] | null {
  const hit = resolved.get(path);
  if (hit !== undefined) return hit;
  const [type, ...rest] = path.split('.');
  const plan = compiler.typePlan(type!);
  let result: Segment[] | null = null;
  if (plan) {
    let table = compiler.children(plan.root);
    const out: Segment[] = [];
    let ok = true;
    for (const raw of rest) {
      const seg = raw.replace(/\[x\]$/, '');
      const lower = seg.toLowerCase();
      let slotName = [...table.slots.keys()].find((k) => k === seg) ?? [...table.slots.keys()].find((k) => k.toLowerCase() === lower);
      let choice = false;
      if (!slotName) {
        const prefix = [...table.choices.keys()].find((k) => k.toLowerCase() === lower);
        if (prefix) {
          choice = true;
          const el = table.choices.get(prefix)!;
          // follow the first complex type for any further segments
          const t = el.types.find((x) => !compiler.isPrimitive(x.code)) ?? el.types[0];
          out.push({ key: prefix, choice: true });
          table = compiler.children(el, t);
          continue;
        }
        ok = false;
        break;
      }
      const slot = table.get(slotName)!;
      out.push({ key: slotName, choice });
      table = compiler.children(slot.el, slot.type ?? (slot.el.types.length === 1 ? slot.el.types[0] : undefined));
    }
    result = ok ? out : null;
  }
  resolved.set(path, result);
  return result;
}

/** A value reached in the instance, with the way back to its resource (paths are built only to report). */
interface Node {
  value: unknown;
  parent: Node | undefined;
  /** Member name below the parent (unused at a root). */
  key: string;
  /** Index in the member's array, or -1. */
  index: number;
  /** At a root: the path of the resource in the message. */
  base?: (string | number)[];
}

function pathOf(n: Node): (string | number)[] {
  const rev: (string | number)[] = [];
  let cur: Node | undefined = n;
  for (; cur && cur.parent; cur = cur.parent) {
    if (cur.index >= 0) rev.push(cur.index);
    rev.push(cur.key);
  }
  const out = cur?.base ? [...cur.base] : [];
  for (let i = rev.length - 1; i >= 0; i--) out.push(rev[i]!);
  return out;
}

function pushValue(out: Node[], parent: Node, k: string, v: unknown): void {
  if (v === undefined || v === null) return;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== null && x !== undefined) out.push({ value: x, parent, key: k, index: i });
    }
  } else out.push({ value: v, parent, key: k, index: -1 });
}

function step(nodes: readonly Node[], seg: Segment): Node[] {
  const out: Node[] = [];
  for (const n of nodes) {
    const o = rec(n.value);
    if (!o) continue;
    if (!seg.choice) {
      pushValue(out, n, seg.key, o[seg.key]);
      continue;
    }
    for (const k in o) if (isChoiceMember(k, seg.key)) pushValue(out, n, k, o[k]);
  }
  return out;
}

function isPresent(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (!Array.isArray(v)) return true;
  for (const x of v) if (x !== null && x !== undefined) return true;
  return false;
}

/** Is `k` a typed member of the choice `prefix` (valueString for value)? */
function isChoiceMember(k: string, prefix: string): boolean {
  if (k.length <= prefix.length || !k.startsWith(prefix)) return false;
  const c = k.charCodeAt(prefix.length);
  return c >= 65 && c <= 90;
}

export interface NecessityOutcome {
  applied: number;
  unresolved: NecessityRule[];
}

export function applyNecessityRules(
  msg: BarsMessage,
  payload: PayloadRules,
  compiler: PlanCompiler,
  sink: IssueSink,
  opts: { definitionKnown?: boolean } = {},
): NecessityOutcome {
  const outcome: NecessityOutcome = { applied: 0, unresolved: [] };
  const targets: { resource: Json; path: (string | number)[] }[] = [
    { resource: msg.bundle, path: [] },
    ...msg.entries.map((e) => ({ resource: e.resource, path: ['entry', e.index, 'resource'] as (string | number)[] })),
  ];
  const countByType = new Map<string, number>();
  for (const t of targets) countByType.set(String(t.resource.resourceType), (countByType.get(String(t.resource.resourceType)) ?? 0) + 1);
  const where = `${payload.application} ${payload.payload}`;
  const report = (rule: PreparedRule, node: Node, severity: 'error' | 'warning' | 'information', code: 'required' | 'business-rule' | 'value', ruleId: RuleId, message: string): void => {
    // a repeat (two rows of one table on one element) is dropped by the plugin's dedupe
    sink.add(pathOf(node), severity, code, ruleId, message, rule.extra);
  };
  /** A rule's element is missing under p: what its necessity says about that. */
  const reportMissing = (c: PreparedRule, p: Node): void => {
    const when = c.rule.appliesWhen;
    if (when && c.missing !== SKIP) {
      const resource = rec(ancestor(p, Number.MAX_SAFE_INTEGER).value);
      const why = applicabilityFails(when, msg, payload.payload, resource);
      if (why) {
        // the row's condition does not hold for this message: the row does not apply
        report(c, p, 'information', 'required', 'bars-necessity-not-applicable', `${c.rule.path} ${c.rule.necessity} be populated only in the situation the guide states ("${truncate(when.text, GUIDANCE_CHARS)}"): not applicable, ${why} (${where})`);
        return;
      }
    }
    if (c.missing === MUST) report(c, p, 'error', 'required', 'bars-necessity-must', c.message);
    else if (c.missing === MUST_CONDITIONAL) report(c, p, 'warning', 'required', 'bars-necessity-must-conditional', c.message);
    else if (c.missing === SHOULD) report(c, p, 'warning', 'required', 'bars-necessity-should', c.message);
  };
  // the rules that look at the values themselves (FIXED VALUE, MUST NOT, SHOULD NOT); presence
  // alone is tested in visit, from the tree's packed arrays
  const applyRule = (c: PreparedRule, parents: readonly Node[]): void => {
    const rule = c.rule;
    const fixedTargets: Node[] | undefined = c.checkFixed ? [] : undefined;
    // "answer.valueString MUST": any answer value satisfies presence (the value type is the profile's business)
    const presence = c.presence!;
    for (const p of parents) {
      const children = step([p], presence);
      const present = children.length > 0;
      if (fixedTargets) for (const x of children) fixedTargets.push(x);
      if (!present) reportMissing(c, p);
      else if (rule.necessity === 'MUST NOT') for (const x of children) report(c, x, 'error', 'business-rule', 'bars-necessity-must-not', c.message);
      else if (rule.necessity === 'SHOULD NOT') for (const x of children) report(c, x, 'warning', 'business-rule', 'bars-necessity-should-not', c.message);
    }
    // the MessageDefinition, when known, is the authority on the event (the guide's tables copy it, not always right)
    const governedByDefinition = opts.definitionKnown === true && c.eventRule;
    const group = c.group;
    if (fixedTargets && fixedTargets.length > 0 && group?.discriminator === c) {
      // a repeated row (one coding per code system): the repetition carrying this fixed value is missing
      if (!fixedTargets.some((n) => valueText(n.value) === rule.fixedValue)) reportMissingRepetition(group, parents, fixedTargets);
      return;
    }
    // the other rows of a repeated row's group describe only the repetition that carries its fixed value
    const checked = fixedTargets && group?.discriminator ? fixedTargets.filter((n) => carriesDiscriminator(group, ancestor(n, c.segs!.length - group.depth))) : fixedTargets;
    if (checked && checked.length > 0 && !governedByDefinition) {
      // displays are human text: the terminology check judges them exactly, the table only by case-insensitive match
      const fixed = rule.fixedValue!;
      const fixedTargets = checked;
      const anyMatch = fixedTargets.some((n) => {
        const v = valueText(n.value);
        return c.display ? v?.trim().toLowerCase() === fixed.trim().toLowerCase() : v === fixed;
      });
      if (!anyMatch) {
        const found = fixedTargets.map((n) => valueText(n.value)).filter((x) => x !== undefined);
        report(
          c,
          fixedTargets[0]!,
          'error',
          'value',
          'bars-necessity-fixed',
          `${rule.path} must be '${rule.fixedValue}' (FIXED VALUE in the ${where} guidance), but is ${found.length ? found.map((f) => `'${f}'`).join(', ') : 'not a simple value'}`,
        );
      }
    }
  };
  /** No repetition of a repeated row carries its fixed value: reported once, as the repetition missing. */
  const reportMissingRepetition = (group: RowGroup, repetitions: readonly Node[], values: readonly Node[]): void => {
    const head = group.head;
    const severity = head.rule.necessity === 'MUST' && !head.rule.condition ? 'error' : head.rule.necessity === 'SHOULD' || head.rule.necessity === 'MUST' ? 'warning' : undefined;
    if (!severity) return;
    const d = group.discriminator!.rule;
    const member = d.path.slice(group.path.length + 1);
    const found = [...new Set(values.map((n) => valueText(n.value)).filter((x) => x !== undefined))];
    const guidance = head.rule.guidance ? `: ${truncate(head.rule.guidance, GUIDANCE_CHARS)}` : '';
    report(
      head,
      repetitions[0]!.parent ?? repetitions[0]!,
      severity,
      'required',
      severity === 'error' ? 'bars-necessity-must' : head.rule.necessity === 'MUST' ? 'bars-necessity-must-conditional' : 'bars-necessity-should',
      `${group.path} with ${member} '${d.fixedValue}' ${severity === 'error' ? 'MUST' : head.rule.necessity} be present (${where}, guide row "${head.rule.rawPath}"${guidance}); the ${group.path.split('.').pop()} present ${found.length === 1 ? 'has' : 'have'} ${member} ${found.map((f) => `'${f}'`).join(', ')}`,
    );
  };
  // down the section's tree of paths: each parent element is reached once, and a branch the
  // resource does not have (no Patient.contact) skips every rule below it
  const visit = (tree: RuleTree, nodes: readonly Node[]): void => {
    const { kinds, presenceKeys, presenceChoice } = tree;
    for (let i = 0; i < kinds.length; i++) {
      const kind = kinds[i]!;
      if (kind === SKIP) continue;
      if (kind === FULL) {
        applyRule(tree.rules[i]!, nodes);
        continue;
      }
      const key = presenceKeys[i]!;
      const choice = presenceChoice[i] === 1;
      for (let j = 0; j < nodes.length; j++) {
        const p = nodes[j]!;
        if (!hasMember(p.value, key, choice)) reportMissing(tree.rules[i]!, p);
      }
    }
    for (const child of tree.children) {
      const next = step(nodes, child.seg!);
      if (next.length) visit(child, next);
    }
  };
  for (const t of targets) {
    const section = sectionFor(payload.resources, t.resource, compiler);
    if (!section) continue;
    // the guide describes one resource of this type (e.g. the incident Location); a second one that
    // contradicts every fixed value of that description is another resource the table does not cover
    if ((countByType.get(String(t.resource.resourceType)) ?? 0) > 1 && contradictsFixedValues(section, t.resource, compiler)) continue;
    const prepared = prepareSection(section, payload, compiler);
    outcome.applied += prepared.applied;
    for (const r of prepared.unresolved) outcome.unresolved.push(r);
    visit(prepared.tree, [{ value: t.resource, parent: undefined, key: '', index: -1, base: t.path }]);
  }
  return outcome;
}

/** A rule with everything that does not depend on the instance worked out once. */
interface PreparedRule {
  rule: NecessityRule;
  /** The resolved path; null when the path does not resolve against the definitions. */
  segs: Segment[] | null;
  presence?: Segment;
  /** What the rule reports when its element is missing: MUST, MUST_CONDITIONAL, SHOULD or SKIP. */
  missing: number;
  extra: { rule: string; guidePage: string };
  /** What a violation of the rule's necessity says (the same for every message). */
  message: string;
  /** A FIXED VALUE the instance is checked against. */
  checkFixed: boolean;
  display: boolean;
  eventRule: boolean;
  /** The repeated row this rule sits under (e.g. the second ServiceRequest.category.coding row). */
  group?: RowGroup;
}

/**
 * A row the guide repeats for one element (ServiceRequest.category.coding once per code system)
 * with the rows below it. Each repetition is told apart by a fixed value of a direct child (the
 * discriminator, e.g. coding.system): the rows apply to the repetition carrying it, not by position.
 */
interface RowGroup {
  path: string;
  /** Segments in `path` below the resource. */
  depth: number;
  head: PreparedRule;
  discriminator?: PreparedRule;
}

/**
 * Why a row's condition does not hold for this message and resource (undefined: it holds).
 * A cancellation is a cancellation payload, or an update whose ServiceRequest is revoked or
 * entered-in-error, or whose Appointment is cancelled (Core 1.5.0 Cancellation page).
 */
export function applicabilityFails(when: Applicability, msg: BarsMessage, payload: string, resource: Json | undefined): string | undefined {
  if (when.message === 'cancellation') {
    const statuses = (type: string): unknown[] => (msg.byType.get(type) ?? []).map((e) => e.resource.status);
    const cancels =
      payload.endsWith('cancellation') ||
      (msg.reasonCode === 'update' && (statuses('ServiceRequest').some((s) => s === 'revoked' || s === 'entered-in-error') || statuses('Appointment').includes('cancelled')));
    if (!cancels) return `this message is not a cancellation (reason '${msg.reasonCode ?? 'none'}')`;
  }
  if (when.resourceType && when.status) {
    const own = resource?.resourceType === when.resourceType ? [resource] : (msg.byType.get(when.resourceType) ?? []).map((e) => e.resource);
    const found = own.map((r) => r?.status).filter((s): s is string => typeof s === 'string');
    if (!found.some((s) => when.status!.includes(s))) return `the ${when.resourceType} status is ${found.length ? found.map((s) => `'${s}'`).join(', ') : 'not given'}, not ${when.status.map((s) => `'${s}'`).join(' or ')}`;
  }
  return undefined;
}

/** The node `up` levels above `n`. */
function ancestor(n: Node, up: number): Node {
  let cur = n;
  for (let i = 0; i < up && cur.parent; i++) cur = cur.parent;
  return cur;
}

function carriesDiscriminator(group: RowGroup, repetition: Node): boolean {
  const d = group.discriminator!;
  return step([repetition], d.presence!).some((x) => valueText(x.value) === d.rule.fixedValue);
}

/** Mark the rules under a repeated row with their group (see RowGroup). */
function groupRepeatedRows(list: PreparedRule[]): void {
  const count = new Map<string, number>();
  for (const c of list) count.set(c.rule.path, (count.get(c.rule.path) ?? 0) + 1);
  let current: RowGroup | undefined;
  for (const c of list) {
    const path = c.rule.path;
    if (current && path.startsWith(`${current.path}.`)) {
      c.group = current;
      if (!current.discriminator && c.checkFixed && c.segs && c.segs.length === current.depth + 1) current.discriminator = c;
      continue;
    }
    current = count.get(path)! > 1 && c.segs ? { path, depth: c.segs.length, head: c } : undefined;
  }
}

/**
 * A section's rules arranged by path: a node per parent element path (Patient, Patient.contact,
 * Patient.contact.name), holding the rules that test presence on that parent's elements.
 */
interface RuleTree {
  /** The step from the parent node (absent at the root: the resource itself). */
  seg?: Segment;
  /** In table order, so that of two rows saying the same thing the first is the one reported. */
  rules: PreparedRule[];
  /**
   * What each rule needs, packed beside the rules so that the common case (a presence test that
   * passes) reads two small arrays and the instance, not the rule objects: a message carries a
   * few hundred rules, and touching each rule's objects showed as cache misses once the FHIR
   * validation before had filled the caches.
   */
  kinds: Uint8Array;
  presenceKeys: string[];
  presenceChoice: Uint8Array;
  children: RuleTree[];
}

/** RuleTree.kinds: what applying a rule takes. */
const SKIP = 0; // MAY, or a MUST about content only, with no FIXED VALUE: nothing to test
const MUST = 1;
const MUST_CONDITIONAL = 2;
const SHOULD = 3;
const FULL = 4; // FIXED VALUE, MUST NOT, SHOULD NOT: the nodes themselves are needed

/** What a rule says when its element is missing (SKIP: nothing). */
function missingKind(rule: NecessityRule): number {
  if (rule.necessity === 'MUST') return rule.contentOnly ? SKIP : rule.condition ? MUST_CONDITIONAL : MUST;
  return rule.necessity === 'SHOULD' ? SHOULD : SKIP;
}

function kindOf(c: PreparedRule): number {
  const n = c.rule.necessity;
  return c.checkFixed || n === 'MUST NOT' || n === 'SHOULD NOT' ? FULL : c.missing;
}

/** Pack a tree node's rules (see RuleTree.kinds). */
function pack(tree: RuleTree): void {
  const n = tree.rules.length;
  tree.kinds = new Uint8Array(n);
  tree.presenceKeys = new Array(n);
  tree.presenceChoice = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = tree.rules[i]!;
    tree.kinds[i] = kindOf(c);
    tree.presenceKeys[i] = c.presence!.key;
    tree.presenceChoice[i] = c.presence!.choice ? 1 : 0;
  }
  for (const child of tree.children) pack(child);
}

/** Is a member of this name (or, for a choice, of this prefix) present in the value? */
function hasMember(value: unknown, key: string, choice: boolean): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  if (!choice) return isPresent(o[key]);
  for (const k in o) if (isChoiceMember(k, key) && isPresent(o[k])) return true;
  return false;
}

/** How much of the guide's guidance or condition text a message quotes. */
const GUIDANCE_CHARS = 160;

interface PreparedSection {
  tree: RuleTree;
  /** Rules applied to each resource of the section (resolved, with a path). */
  applied: number;
  /** Rules whose path does not resolve against the definitions. */
  unresolved: NecessityRule[];
}

const preparedSections = new WeakMap<ResourceSection, PreparedSection>();
const EMPTY_KINDS = new Uint8Array(0);

function prepareSection(section: ResourceSection, payload: PayloadRules, compiler: PlanCompiler): PreparedSection {
  const done = preparedSections.get(section);
  if (done) return done;
  const list = section.rules.map((rule): PreparedRule => {
    const compiled = compileRule(compiler, rule);
    const segs = compiled?.segs ?? null;
    // sub-extension urls (relative, e.g. RequesterCDSSsoftware) are fixed by the extension's own
    // definition, which the profile validation already enforces; the guide's copies of them
    // sometimes differ in case, so only absolute URLs are checked here
    const extensionUrlRule = /\.url$/.test(rule.path) && /extension\.url$/i.test(rule.path) && !/^[a-z]+:\/\//i.test(rule.fixedValue ?? '');
    const where = `${payload.application} ${payload.payload}`;
    const guidance = rule.guidance ? `: ${truncate(rule.guidance, GUIDANCE_CHARS)}` : '';
    const message =
      rule.necessity === 'MUST'
        ? rule.condition
          ? `${rule.path} MUST be populated when the guide's condition holds (${where}): "${truncate(rule.condition, GUIDANCE_CHARS)}" — check whether it applies to this message`
          : `${rule.path} MUST be populated (${where}, guide row "${rule.rawPath}")${guidance}`
        : rule.necessity === 'SHOULD'
          ? `${rule.path} SHOULD be populated (${where}, guide row "${rule.rawPath}")${guidance}`
          : `${rule.path} ${rule.necessity} be populated in ${where}`;
    return {
      rule,
      message,
      segs,
      presence: compiled?.presence,
      missing: missingKind(rule),
      extra: { rule: rule.id, guidePage: `${payload.guidePage}#L${rule.line}` },
      checkFixed: rule.fixedValue !== null && !extensionUrlRule,
      display: /\.display$/.test(rule.path),
      eventRule: /^MessageHeader\.eventCoding\./i.test(rule.path),
    };
  });
  groupRepeatedRows(list);
  const tree: RuleTree = { rules: [], children: [], kinds: EMPTY_KINDS, presenceKeys: [], presenceChoice: EMPTY_KINDS };
  const nodes = new Map<string, RuleTree>();
  let applied = 0;
  const unresolved: NecessityRule[] = [];
  for (const c of list) {
    if (c.segs === null) {
      unresolved.push(c.rule);
      continue;
    }
    if (c.segs.length === 0) continue;
    applied++;
    let node = tree;
    let key = '';
    for (const seg of c.segs.slice(0, -1)) {
      key += (seg.choice ? '*' : '.') + seg.key;
      let child = nodes.get(key);
      if (!child) {
        child = { seg, rules: [], children: [], kinds: EMPTY_KINDS, presenceKeys: [], presenceChoice: EMPTY_KINDS };
        nodes.set(key, child);
        node.children.push(child);
      }
      node = child;
    }
    node.rules.push(c);
  }
  pack(tree);
  const prepared: PreparedSection = { tree, applied, unresolved };
  preparedSections.set(section, prepared);
  return prepared;
}

interface CompiledRule {
  segs: Segment[];
  /** The last segment, or the choice prefix for a typed choice (answer.valueString → value). */
  presence: Segment;
}

const compiledRules = new WeakMap<NecessityRule, CompiledRule | null>();

function compileRule(compiler: PlanCompiler, rule: NecessityRule): CompiledRule | null {
  let c = compiledRules.get(rule);
  if (c !== undefined) return c;
  const segs = resolveRulePath(compiler, rule.path);
  c = segs ? { segs, presence: segs.length ? (choiceVariant(compiler, rule.path) ?? segs[segs.length - 1]!) : { key: '', choice: false } } : null;
  compiledRules.set(rule, c);
  return c;
}

/** For a path ending in a typed choice (valueString), the choice prefix (value) to test presence with. */
function choiceVariant(compiler: PlanCompiler, path: string): Segment | undefined {
  const m = /\.([a-z]+)([A-Z][A-Za-z]*)$/.exec(path);
  if (!m) return undefined;
  const parent = path.slice(0, path.lastIndexOf('.'));
  const prefixPath = `${parent}.${m[1]}`;
  const segs = resolveRulePath(compiler, prefixPath);
  const last = segs?.[segs.length - 1];
  return last?.choice ? last : undefined;
}

function valueText(v: unknown): string | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A section's FIXED VALUE rules with their resolved paths (the ones sectionFor and contradictsFixedValues compare). */
interface FixedRule {
  fixedValue: string;
  segs: Segment[];
  /** meta and id values say nothing about which resource the section describes. */
  identity: boolean;
}

const fixedRulesOf = new WeakMap<ResourceSection, FixedRule[]>();

function fixedRules(section: ResourceSection, compiler: PlanCompiler): FixedRule[] {
  let list = fixedRulesOf.get(section);
  if (!list) {
    list = [];
    for (const r of section.rules) {
      if (r.fixedValue === null) continue;
      const segs = resolveRulePath(compiler, r.path);
      if (segs) list.push({ fixedValue: r.fixedValue, segs, identity: /^[A-Za-z]+\.(meta|id)\b/.test(r.path) });
    }
    fixedRulesOf.set(section, list);
  }
  return list;
}

/** The values at a rule's path in a resource, as text. */
function valuesAt(resource: Json, segs: Segment[]): (string | undefined)[] {
  let nodes: Node[] = [{ value: resource, parent: undefined, key: '', index: -1 }];
  for (const seg of segs) nodes = step(nodes, seg);
  return nodes.map((n) => valueText(n.value));
}

function contradictsFixedValues(section: ResourceSection, resource: Json, compiler: PlanCompiler): boolean {
  let present = 0;
  let matched = 0;
  for (const r of fixedRules(section, compiler)) {
    if (r.identity) continue;
    const values = valuesAt(resource, r.segs).filter((v) => v !== undefined);
    if (values.length === 0) continue;
    present++;
    if (values.includes(r.fixedValue)) matched++;
  }
  return present > 0 && matched === 0;
}

const sectionsByType = new WeakMap<ResourceSection[], Map<unknown, ResourceSection[]>>();

/** The table section for a resource: by type, preferring the section whose profile the resource claims. */
function sectionFor(sections: ResourceSection[], resource: Json, compiler: PlanCompiler): ResourceSection | undefined {
  let byType = sectionsByType.get(sections);
  if (!byType) {
    byType = new Map();
    for (const s of sections) {
      const list = byType.get(s.resourceType);
      if (list) list.push(s);
      else byType.set(s.resourceType, [s]);
    }
    sectionsByType.set(sections, byType);
  }
  const candidates = byType.get(resource.resourceType) ?? [];
  if (candidates.length <= 1) return candidates[0];
  const claimed = arr(rec(resource.meta)?.profile);
  const byProfile = candidates.find((s) => s.profile && claimed.includes(s.profile));
  if (byProfile) return byProfile;
  // several sections for one type (incident location, caller location): the one whose fixed values the resource has
  let best = candidates[0]!;
  let bestScore = -1;
  for (const s of candidates) {
    let score = 0;
    for (const r of fixedRules(s, compiler)) if (valuesAt(resource, r.segs).includes(r.fixedValue)) score++;
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return best;
}
