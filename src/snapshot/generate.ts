/**
 * Snapshot generation: a StructureDefinition's differential applied to its base's snapshot.
 *
 * The snapshot is built as a tree (element → children, element → slices) so that the
 * operations profiles need are local: expand a datatype's children when the differential
 * reaches into them (from the type's own profile where one is given), add slices after the
 * element they slice, follow contentReference, and apply each differential element's
 * constraints onto its target. The tree is flattened in the canonical order at the end
 * (element, its children, then its slices each followed by theirs) and ids regenerated.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ElementDefinition, StructureDefinition } from '../model/fhir-types.js';
import { howToProvide } from '../load/known-packages.js';
import type { RuleId } from '../model/rules.js';

/** Changes whenever this generator's code changes, so cached snapshots never outlive it. */
export const GENERATOR_VERSION: string = (() => {
  try {
    return createHash('sha256').update(readFileSync(fileURLToPath(import.meta.url))).digest('hex').slice(0, 16);
  } catch {
    return 'unknown';
  }
})();

export interface SnapshotContext {
  /** A StructureDefinition *with snapshot* (generated first if needed), by canonical. */
  structureWithSnapshot(canonical: string): StructureDefinition | undefined;
}

export interface SnapshotMessage {
  severity: 'error' | 'warning' | 'information';
  message: string;
  elementId?: string;
  /**
   * A fault of the profile itself (a rule of profiling.html), not a limit of this generator: the
   * catalog rule it breaks. Such messages are reported wherever the profile is validated or used.
   */
  ruleId?: SnapshotRuleId;
  /** Which differential element (its index in differential.element) the message is about. */
  diffIndex?: number;
  /** Where in that element (`type[0].targetProfile[1]`, `fixedUri`), when more precise than the element. */
  within?: (string | number)[];
  /**
   * The profile cannot be built as written (the HL7 Java generator stops there): reported about
   * the whole StructureDefinition, with the differential element named in the message.
   */
  wholeDefinition?: boolean;
}

/** The profile faults the generator finds (each a catalog rule). */
export type SnapshotRuleId = Extract<
  RuleId,
  'sd-diff-unmatched' | 'sd-diff-order' | 'sd-choice-name' | 'sd-type-not-in-base' | 'sd-target-not-in-base' | 'sd-fixed-changed' | 'sd-slice-not-repeating'
>;

export class SnapshotError extends Error {
  constructor(
    message: string,
    readonly messages: SnapshotMessage[] = [],
  ) {
    super(message);
    this.name = 'SnapshotError';
  }
}

interface Node {
  ed: ElementDefinition;
  /** null: not expanded yet (children come from the type when needed). */
  children: Node[] | null;
  slices: Node[];
  /** The last path segment as it appears in paths (`value[x]`, `identifier`). */
  name: string;
  sliceName?: string;
  parent?: Node;
  /** For a slice: the element it slices. */
  sliceOf?: Node;
  /** The max before this profile's differential changed it (set when it does). */
  baseMax?: string;
  /** This profile's differential declares slicing on the element with max 1 (it may slice a non-repeating element). */
  slicedToOne?: boolean;
}

type Slicing = NonNullable<ElementDefinition['slicing']>;

const EXTENSION_SLICING: Slicing = {
  discriminator: [{ type: 'value', path: 'url' }],
  description: 'Extensions are always sliced by (at least) url',
  rules: 'open',
};

const CHOICE_SLICING: Slicing = {
  discriminator: [{ type: 'type', path: '$this' }],
  ordered: false,
  rules: 'open',
};

const clone = <T>(v: T): T => structuredClone(v);

const BASE_TYPE = 'http://hl7.org/fhir/StructureDefinition/Base';

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1);
}

function typeSuffix(code: string): string {
  return code.charAt(0).toUpperCase() + code.slice(1);
}

/** Build a tree from a (base) snapshot element list. */
function treeFromSnapshot(elements: ElementDefinition[]): Node {
  const root: Node = { ed: clone(elements[0]!), children: [], slices: [], name: lastSegment(elements[0]!.path) };
  const stack: Node[] = [root];
  for (let i = 1; i < elements.length; i++) {
    const ed = clone(elements[i]!);
    const path = ed.path;
    const parentPath = path.slice(0, path.lastIndexOf('.'));
    const node: Node = { ed, children: [], slices: [], name: lastSegment(path), sliceName: ed.sliceName || undefined };
    if (node.sliceName) {
      while (stack.length > 1 && stack[stack.length - 1]!.ed.path !== parentPath) stack.pop();
      const parent = stack[stack.length - 1]!;
      let owner = (path === root.ed.path ? [root] : parent.children!).filter((c) => c.ed.path === path && !c.sliceName).pop();
      if (!owner) owner = parent;
      // re-slice a/b belongs to slice a
      const slash = node.sliceName.lastIndexOf('/');
      if (slash > 0) {
        const p = findSlice(owner, node.sliceName.slice(0, slash));
        if (p) owner = p;
      }
      node.sliceOf = owner;
      node.parent = owner.parent;
      owner.slices.push(node);
    } else {
      while (stack.length > 1 && stack[stack.length - 1]!.ed.path !== parentPath) stack.pop();
      const parent = stack[stack.length - 1]!;
      node.parent = parent;
      parent.children!.push(node);
    }
    stack.push(node);
  }
  markUnexpanded(root);
  return root;
}

/** In a snapshot, an element with no listed children has them implied by its type. */
function markUnexpanded(n: Node): void {
  if (n.children && n.children.length === 0 && n.parent !== undefined) n.children = null;
  if (n.children && n.children.length === 0 && n.sliceOf) n.children = null;
  for (const c of n.children ?? []) markUnexpanded(c);
  for (const s of n.slices) markUnexpanded(s);
}

function findSlice(owner: Node, name: string): Node | undefined {
  for (const s of owner.slices) {
    if (s.sliceName === name) return s;
    const d = findSlice(s, name);
    if (d) return d;
  }
  return undefined;
}

/** One step of a differential element's location: `identifier:nhsNumber`. */
interface Step {
  name: string;
  slice?: string;
}

/** Parse an element id into steps aligned with its path (slice names may contain dots). */
function stepsOf(ed: ElementDefinition, implicitSlices: Map<string, string>): Step[] {
  const pathSegs = ed.path.split('.');
  const steps: Step[] = [];
  const id = ed.id;
  if (id) {
    let rest = id;
    let ok = true;
    for (let i = 0; i < pathSegs.length; i++) {
      const seg = pathSegs[i]!;
      const next = pathSegs[i + 1];
      // the id segment starts with the path segment name (a renamed choice keeps its own name)
      let name = seg;
      if (!rest.startsWith(seg)) {
        ok = false;
        break;
      }
      rest = rest.slice(seg.length);
      let slice: string | undefined;
      if (rest.startsWith(':')) {
        // slice name runs until ".<next path segment>" (or the end)
        let end = rest.length;
        if (next !== undefined) {
          const marker = '.' + next;
          let idx = rest.indexOf(marker, 1);
          while (idx >= 0) {
            const after = rest.charAt(idx + marker.length);
            if (after === '' || after === '.' || after === ':') break;
            idx = rest.indexOf(marker, idx + 1);
          }
          if (idx < 0) {
            ok = false;
            break;
          }
          end = idx;
        }
        slice = rest.slice(1, end);
        rest = rest.slice(end);
      }
      if (next !== undefined) {
        if (!rest.startsWith('.')) {
          ok = false;
          break;
        }
        rest = rest.slice(1);
      } else if (rest !== '') {
        ok = false;
        break;
      }
      steps.push(slice ? { name, slice } : { name });
      name = '';
    }
    if (ok) {
      // the element's own sliceName wins over its id (ids are sometimes stale)
      const last = steps[steps.length - 1]!;
      if (ed.sliceName && last.slice !== ed.sliceName) last.slice = ed.sliceName;
      return steps;
    }
    steps.length = 0;
  }
  // no usable id: use the path, with slices implied by earlier differential elements
  let prefix = '';
  for (let i = 0; i < pathSegs.length; i++) {
    const seg = pathSegs[i]!;
    prefix = prefix ? `${prefix}.${seg}` : seg;
    const isLast = i === pathSegs.length - 1;
    const slice = isLast ? ed.sliceName || undefined : implicitSlices.get(prefix);
    steps.push(slice ? { name: seg, slice } : { name: seg });
  }
  return steps;
}

export interface GenerateResult {
  elements: ElementDefinition[];
  messages: SnapshotMessage[];
}

/**
 * Generate the snapshot of `sd` (which must have a differential) from its base's snapshot.
 */
export function generateSnapshot(sd: StructureDefinition, ctx: SnapshotContext): GenerateResult {
  const messages: SnapshotMessage[] = [];
  const diff = sd.differential?.element ?? [];
  const baseUrl = sd.baseDefinition;
  if (!baseUrl) {
    // a root definition (Element, Base): the differential is all there is
    if (diff.length === 0) throw new SnapshotError(`${sd.url} has neither snapshot nor differential`);
    return { elements: diff.map((e) => ({ ...clone(e), id: e.id ?? e.path })), messages };
  }
  const base = ctx.structureWithSnapshot(baseUrl);
  if (!base && baseUrl === BASE_TYPE && sd.derivation === 'specialization' && diff.length) {
    // Base, the root of every type, has no R4 definition (R5 adds one, with no elements): a logical
    // model specialising it is its own differential
    return { elements: diff.map((e) => ({ ...clone(e), id: e.id ?? e.path })), messages };
  }
  if (!base || !base.snapshot?.element?.length) {
    throw new SnapshotError(`Cannot generate the snapshot of ${sd.url}: its base ${baseUrl} was not found (or has no snapshot). ${howToProvide(baseUrl)}`);
  }
  const gen = new Generator(sd, base, ctx, messages);
  const elements = gen.run(diff);
  return { elements, messages };
}

class Generator {
  private readonly root: Node;
  private readonly isConstraint: boolean;
  private readonly typeName: string;

  constructor(
    private readonly sd: StructureDefinition,
    private readonly base: StructureDefinition,
    private readonly ctx: SnapshotContext,
    private readonly messages: SnapshotMessage[],
  ) {
    this.isConstraint = sd.derivation !== 'specialization';
    this.typeName = sd.type;
    this.root = treeFromSnapshot(base.snapshot!.element);
    if (!this.isConstraint) this.rebaseRoot();
  }

  /** A specialization (logical model, new type) renames the base's root path. */
  private rebaseRoot(): void {
    const from = this.root.ed.path;
    const to = this.typeName.includes('/') ? lastSegment(this.typeName) : this.typeName;
    const rootPath = this.sd.differential?.element?.[0]?.path.split('.')[0] ?? to;
    if (from === rootPath) return;
    const visit = (n: Node): void => {
      n.ed.path = rootPath + n.ed.path.slice(from.length);
      for (const c of n.children ?? []) visit(c);
      for (const s of n.slices) visit(s);
    };
    visit(this.root);
    this.root.name = rootPath;
  }

  private msg(severity: SnapshotMessage['severity'], message: string, elementId?: string): void {
    this.messages.push({ severity, message, elementId });
  }

  /** The differential element being applied (its index), for the profile faults found while applying it. */
  private current = -1;

  /** A fault of the profile (a catalog rule), about the differential element being applied. */
  private issue(ruleId: SnapshotRuleId, message: string, d: ElementDefinition, extra: Partial<SnapshotMessage> = {}): void {
    this.messages.push({ severity: 'error', message, elementId: d.id ?? d.path, ruleId, diffIndex: this.current, ...extra });
  }

  run(diff: ElementDefinition[]): ElementDefinition[] {
    const implicit = new Map<string, string>();
    const renames = this.collectChoiceRenames(diff);
    const located: { index: number; node: Node }[] = [];
    diff.forEach((d, index) => {
      this.current = index;
      // track slices for differentials without ids
      if (d.sliceName) implicit.set(d.path, d.sliceName);
      else if (!d.id) {
        for (const k of [...implicit.keys()]) if (k === d.path || k.startsWith(d.path + '.')) implicit.delete(k);
      }
      const steps = stepsOf(d, implicit);
      const target = this.locate(steps, d, renames);
      if (!target) return;
      located.push({ index, node: target });
      this.apply(target, d);
    });
    this.current = -1;
    this.finish(this.root);
    const out: ElementDefinition[] = [];
    this.flatten(this.root, undefined, out);
    this.checkOrder(located, out, diff);
    return out;
  }

  /**
   * A differential lists its elements in the order of the snapshot (profiling.html: "the
   * differential ... in the same order as the snapshot"); a generator that walks the base in order,
   * as the HL7 one does, has passed an element listed too late. Walking the located elements in
   * snapshot order, an element whose differential index is below one already taken is out of place.
   */
  private checkOrder(located: { index: number; node: Node }[], out: ElementDefinition[], diff: ElementDefinition[]): void {
    if (!this.isConstraint || located.length < 2) return;
    const position = new Map<ElementDefinition, number>();
    out.forEach((e, i) => position.set(e, i));
    const ordered = located
      .map((l) => ({ ...l, pos: position.get(l.node.ed) ?? -1 }))
      .filter((l) => l.pos >= 0)
      .sort((a, b) => a.pos - b.pos || a.index - b.index);
    let cursor = -1;
    for (const l of ordered) {
      if (l.index > cursor) {
        cursor = l.index;
        continue;
      }
      const d = diff[l.index]!;
      this.messages.push({
        severity: 'error',
        ruleId: 'sd-diff-order',
        diffIndex: l.index,
        elementId: d.id ?? d.path,
        message: `Differential element ${d.id ?? d.path} is listed after elements that come later in the snapshot: a differential must list its elements in snapshot order (move it before ${diff[cursor]!.id ?? diff[cursor]!.path})`,
      });
    }
  }

  /** `valueQuantity` written as a path: count renames per choice element to decide between restriction and type slices. */
  private collectChoiceRenames(diff: ElementDefinition[]): Map<string, Set<string>> {
    const m = new Map<string, Set<string>>();
    for (const d of diff) {
      const parent = d.path.slice(0, d.path.lastIndexOf('.'));
      const last = lastSegment(d.path);
      // every split at a capital is a candidate (multipleBirthBoolean → multipleBirth + Boolean)
      for (let i = 1; i < last.length; i++) {
        const c = last.charCodeAt(i);
        if (c < 65 || c > 90) continue;
        const key = `${parent}.${last.slice(0, i)}[x]`;
        let s = m.get(key);
        if (!s) m.set(key, (s = new Set()));
        s.add(last);
      }
    }
    return m;
  }

  /** Find (creating slices and expanding types as needed) the node a differential element constrains. */
  private locate(steps: Step[], d: ElementDefinition, renames: Map<string, Set<string>>): Node | undefined {
    const first = steps[0]!;
    let node = this.root;
    if (first.name !== this.root.ed.path.split('.')[0] && this.isConstraint) {
      this.issue('sd-diff-unmatched', `Differential element ${d.id ?? d.path} does not start with the type ${this.root.ed.path}, so it matches no element of the base`, d);
      return undefined;
    }
    if (first.slice) {
      node = this.sliceOf(node, first.slice, d);
    }
    for (let i = 1; i < steps.length; i++) {
      const step = steps[i]!;
      const children = this.expand(node, steps[i]!.name, d);
      if (!children) return undefined;
      let child = children.find((c) => c.name === step.name);
      if (!child) {
        // a renamed choice (valueQuantity) refers to value[x]
        const choice = this.matchRenamedChoice(children, step.name);
        if (choice && !choice.known) {
          const types = choice.node.ed.type ?? [];
          const prefix = choice.node.name.slice(0, -3);
          const names = types.slice(0, 6).map((t) => prefix + typeSuffix(t.code));
          this.issue(
            'sd-choice-name',
            `Differential element ${d.id ?? d.path} (differential.element[${this.current}]): "${step.name}" is not a name of the choice ${choice.node.ed.path}; a choice is renamed only after one of its types (${names.join(', ')}${types.length > 6 ? ', …' : ''}), or constrained as ${choice.node.ed.path} with a type list`,
            d,
            { wholeDefinition: true },
          );
          return undefined;
        }
        if (choice) {
          const allRenames = renames.get(choice.node.ed.path);
          const onlyOne = !allRenames || allRenames.size <= 1;
          if (onlyOne && !choice.node.slices.length) {
            child = choice.node;
            if (!d.type) this.restrictChoice(child, choice.type);
          } else {
            child = this.sliceOf(choice.node, step.name, d, choice.type);
          }
        }
      }
      if (!child) {
        if (!this.isConstraint) {
          // a specialization adds new elements
          child = { ed: { id: '', path: '' } as ElementDefinition, children: [], slices: [], name: step.name, parent: node };
          child.ed.path = `${this.pathOf(node)}.${step.name}`;
          child.ed.base = { path: child.ed.path, min: d.min ?? 0, max: d.max ?? '*' };
          if (node.children === null) node.children = [];
          node.children.push(child);
        } else {
          this.issue(
            'sd-diff-unmatched',
            `Differential element ${d.id ?? d.path} matches no element of the base: "${step.name}" is not an element of ${this.pathOf(node)}, so its constraints cannot be applied`,
            d,
          );
          return undefined;
        }
      }
      node = child;
      if (step.slice) node = this.sliceOf(node, step.slice, d);
    }
    return node;
  }

  /** `known`: the name's type suffix is one of the choice's types (a choice without a type list accepts any). */
  private matchRenamedChoice(children: Node[], name: string): { node: Node; type: string; known: boolean } | undefined {
    for (const c of children) {
      if (!c.name.endsWith('[x]')) continue;
      const prefix = c.name.slice(0, -3);
      if (!name.startsWith(prefix) || name.length === prefix.length) continue;
      const suffix = name.slice(prefix.length);
      const t = (c.ed.type ?? []).find((t) => typeSuffix(t.code) === suffix);
      if (t) return { node: c, type: t.code, known: true };
      // type suffix unknown to the element: a primitive spelled with its capital (e.g. String)
      const lower = suffix.charAt(0).toLowerCase() + suffix.slice(1);
      return { node: c, type: /^[A-Z]{2}/.test(suffix) ? suffix : lower, known: (c.ed.type ?? []).length === 0 };
    }
    return undefined;
  }

  private restrictChoice(node: Node, typeCode: string): void {
    const types = (node.ed.type ?? []).filter((t) => t.code === typeCode);
    node.ed.type = types.length ? types : [{ code: typeCode }];
  }

  private pathOf(n: Node): string {
    return n.ed.path;
  }

  /** The children of a node, expanding them from its type (or type profile, or contentReference) on first need. */
  private expand(node: Node, childName: string, d: ElementDefinition): Node[] | undefined {
    if (node.children !== null) {
      if (node.children.length > 0 || node === this.root) return node.children;
    }
    const path = node.ed.path;
    let source: ElementDefinition[] | undefined;
    let sourceRootPath: string | undefined;
    if (node.ed.contentReference) {
      const ref = node.ed.contentReference;
      const refId = ref.slice(ref.indexOf('#') + 1);
      const found = this.findByIdOrPath(refId);
      if (found) {
        // copy the referenced element's subtree (children only)
        const kids = (found.children ?? []).map((c) => this.rebaseSubtree(c, found.ed.path, path));
        node.children = kids;
        for (const k of kids) k.parent = node;
        delete node.ed.contentReference;
        const refTypes = found.ed.type;
        if (refTypes) node.ed.type = clone(refTypes);
        return node.children;
      }
      this.msg('error', `Cannot follow contentReference ${ref} at ${path}`, d.id);
      return undefined;
    }
    const types = node.ed.type ?? [];
    let type = types.length === 1 ? types[0] : undefined;
    if (!type && types.length > 1) {
      // a choice: use the first type that has the wanted child
      for (const t of types) {
        const sd = this.ctx.structureWithSnapshot(t.code);
        if (sd?.snapshot?.element.some((e) => e.path === `${sd.snapshot!.element[0]!.path}.${childName}`)) {
          type = t;
          break;
        }
      }
    }
    if (!type) {
      this.msg('error', `Cannot constrain the children of ${path}: it has ${types.length === 0 ? 'no type' : 'several types'}`, d.id);
      return undefined;
    }
    const profile = type.profile?.length === 1 ? type.profile[0] : undefined;
    let sd: StructureDefinition | undefined;
    if (profile) {
      sd = this.ctx.structureWithSnapshot(profile);
      if (!sd) this.msg('warning', `Profile ${profile} of ${path} was not found; its children come from ${type.code}`, d.id);
    }
    if (!sd) sd = this.ctx.structureWithSnapshot(type.code);
    if (!sd?.snapshot?.element?.length) {
      this.msg('error', `Cannot expand ${path}: type ${type.code} has no definition`, d.id);
      return undefined;
    }
    source = sd.snapshot.element;
    sourceRootPath = source[0]!.path;
    const sub = treeFromSnapshot(source);
    const kids = (sub.children ?? []).map((c) => this.rebaseSubtree(c, sourceRootPath!, path));
    node.children = kids;
    for (const k of kids) k.parent = node;
    return node.children;
  }

  private findByIdOrPath(ref: string): Node | undefined {
    let found: Node | undefined;
    // a profile's constraints on the referenced element (#Questionnaire.item) apply at that level only:
    // a nested level (item.item) starts again from the resource's own definition (R4 ElementDefinition
    // .contentReference: the *definition* is reused, not a profile's constraints on it)
    if (this.isConstraint) {
      const fromType = this.findInType(ref);
      if (fromType) return fromType;
    }
    const visit = (n: Node, id: string): void => {
      if (found) return;
      if (id === ref || (n.ed.path === ref && !n.sliceName)) {
        found = n;
        return;
      }
      for (const c of n.children ?? []) visit(c, `${id}.${c.name}`);
    };
    visit(this.root, this.root.ed.path);
    if (found) return found;
    // the reference may name the base resource type (#Questionnaire.item in a profile on it)
    return this.findInType(ref);
  }

  /** The referenced element in the definition of the type its id starts with (Questionnaire for #Questionnaire.item). */
  private findInType(ref: string): Node | undefined {
    let found: Node | undefined;
    const typeName = ref.split('.')[0]!;
    const baseSd = this.ctx.structureWithSnapshot(typeName);
    if (!baseSd?.snapshot) return undefined;
    const tree = treeFromSnapshot(baseSd.snapshot.element);
    const visit2 = (n: Node): void => {
      if (found) return;
      if ((n.ed.id ?? n.ed.path) === ref || n.ed.path === ref) {
        found = n;
        return;
      }
      for (const c of n.children ?? []) visit2(c);
    };
    visit2(tree);
    return found;
  }

  /** Copy a subtree, moving its paths from `fromPrefix` to `toPrefix`. */
  private rebaseSubtree(n: Node, fromPrefix: string, toPrefix: string): Node {
    const ed = clone(n.ed);
    ed.path = toPrefix + ed.path.slice(fromPrefix.length);
    const copy: Node = { ed, children: null, slices: [], name: n.name, sliceName: n.sliceName };
    if (n.children !== null) {
      copy.children = n.children.map((c) => {
        const cc = this.rebaseSubtree(c, fromPrefix, toPrefix);
        cc.parent = copy;
        return cc;
      });
    }
    copy.slices = n.slices.map((s) => {
      const sc = this.rebaseSubtree(s, fromPrefix, toPrefix);
      sc.sliceOf = copy;
      return sc;
    });
    return copy;
  }

  /** The named slice of `owner`, created from the base element when new. */
  private sliceOf(owner: Node, sliceName: string, d: ElementDefinition, choiceType?: string): Node {
    // re-slicing: a/b is a slice of slice a
    const slash = sliceName.lastIndexOf('/');
    if (slash > 0) {
      const parentSlice = findSlice(owner, sliceName.slice(0, slash));
      if (parentSlice) owner = parentSlice;
    }
    const existing = owner.slices.find((s) => s.sliceName === sliceName);
    if (existing) return existing;
    // only a repeating element, or a choice (by type), can be sliced, unless the slicing allows one slice in all
    const baseMax = owner.baseMax ?? owner.ed.max;
    if (this.isConstraint && !owner.sliceName && !owner.name.endsWith('[x]') && !choiceType && (baseMax === '0' || baseMax === '1') && !owner.slicedToOne) {
      this.issue(
        'sd-slice-not-repeating',
        `Differential element ${d.id ?? d.path} (differential.element[${this.current}]) slices ${owner.ed.path}, which does not repeat (max ${baseMax}): only repeating or choice elements can be sliced (or the slicing element must set max 1)`,
        d,
        { wholeDefinition: true },
      );
    }
    // a new slice starts as a copy of the sliced element as the base defined it
    const ed = clone(owner.ed);
    delete ed.slicing;
    delete (ed as { sliceIsConstraining?: boolean }).sliceIsConstraining;
    ed.sliceName = sliceName;
    // a slice is optional unless the profile says otherwise
    ed.min = 0;
    if (choiceType) {
      const types = (ed.type ?? []).filter((t) => t.code === choiceType);
      ed.type = types.length ? types : [{ code: choiceType }];
    }
    const slice: Node = {
      ed,
      // a slice carries the children the sliced element already has (copied), else they come from its type
      children: owner.children && owner.children.length ? owner.children.map((c) => this.rebaseSubtree(c, owner.ed.path, owner.ed.path)) : null,
      slices: [],
      name: owner.name,
      sliceName,
      parent: owner.parent,
      sliceOf: owner,
    };
    for (const c of slice.children ?? []) c.parent = slice;
    owner.slices.push(slice);
    if (!owner.ed.slicing && !d.slicing) {
      if (owner.name.endsWith('[x]') || choiceType) owner.ed.slicing = clone(CHOICE_SLICING);
    }
    return slice;
  }

  /** Apply one differential element's constraints to its snapshot node. */
  private apply(node: Node, d: ElementDefinition): void {
    const ed = node.ed;
    const dd = d as unknown as Record<string, unknown>;
    const target = ed as unknown as Record<string, unknown>;

    // a type profile brings its root's documentation and narrower cardinality
    if (d.type && d.type.length === 1 && d.type[0]!.profile?.length === 1 && node !== this.root) {
      const prof = this.ctx.structureWithSnapshot(d.type[0]!.profile[0]!);
      const profRoot = prof?.snapshot?.element?.[0];
      if (profRoot) {
        if (d.short === undefined && profRoot.short !== undefined) ed.short = profRoot.short;
        if (d.definition === undefined && profRoot.definition !== undefined) ed.definition = profRoot.definition;
        if (d.comment === undefined && profRoot.comment !== undefined) ed.comment = profRoot.comment;
        if (d.max === undefined && profRoot.max !== undefined && profRoot.max !== '*' && narrowerMax(profRoot.max, ed.max)) ed.max = profRoot.max;
        if (d.min === undefined && profRoot.min !== undefined && profRoot.min > (ed.min ?? 0) && !node.sliceName) ed.min = profRoot.min;
      }
    }

    for (const [k, v] of Object.entries(dd)) {
      if (v === undefined) continue;
      switch (k) {
        case 'id':
        case 'path':
        case 'base':
        case 'sliceName':
          break;
        case 'extension': {
          const mine = (ed.extension ?? []).filter((e) => !(v as { url: string }[]).some((x) => x.url === e.url));
          ed.extension = [...mine, ...clone(v as NonNullable<ElementDefinition['extension']>)];
          break;
        }
        case 'alias':
        case 'condition': {
          const set = new Set([...((target[k] as string[]) ?? []), ...(v as string[])]);
          target[k] = [...set];
          break;
        }
        case 'constraint': {
          const list = [...(ed.constraint ?? [])];
          for (const c of v as NonNullable<ElementDefinition['constraint']>) {
            const cc = clone(c);
            if (!cc.source) cc.source = this.sd.url;
            const i = list.findIndex((x) => x.key === cc.key);
            if (i >= 0) list[i] = cc;
            else list.push(cc);
          }
          ed.constraint = list;
          break;
        }
        case 'mapping': {
          ed.mapping = [...(ed.mapping ?? []), ...clone(v as NonNullable<ElementDefinition['mapping']>)];
          break;
        }
        case 'binding': {
          const b = clone(v as NonNullable<ElementDefinition['binding']>);
          const old = ed.binding;
          ed.binding = { ...(old ?? {}), ...b } as NonNullable<ElementDefinition['binding']>;
          if (b.valueSet === undefined && old?.valueSet !== undefined && b.strength !== old.strength) {
            // strength tightened, same value set
          }
          break;
        }
        case 'slicing': {
          const s = clone(v as NonNullable<ElementDefinition['slicing']>);
          ed.slicing = { ...(ed.slicing ?? {}), ...s } as NonNullable<ElementDefinition['slicing']>;
          if (!s.discriminator && ed.slicing.discriminator === undefined) delete ed.slicing.discriminator;
          break;
        }
        case 'type': {
          if (this.isConstraint && node !== this.root) this.checkTypes(d, ed.type ?? [], v as NonNullable<ElementDefinition['type']>);
          ed.type = clone(v as NonNullable<ElementDefinition['type']>);
          break;
        }
        case 'min': {
          // a profile can only tighten: an instance must still conform to the base
          if (typeof v === 'number' && ed.min !== undefined && v < ed.min) {
            this.msg('error', `${d.id ?? d.path}: min ${v} is lower than its base min ${ed.min}; the base's min is kept`, d.id ?? d.path);
          } else target[k] = v;
          break;
        }
        case 'max': {
          node.baseMax ??= ed.max;
          if (v === '1' && d.slicing) node.slicedToOne = true;
          if (typeof v === 'string' && ed.max !== undefined && widerMax(v, ed.max)) {
            this.msg('error', `${d.id ?? d.path}: max "${v}" is wider than its base max "${ed.max}"; the base's max is kept`, d.id ?? d.path);
          } else target[k] = v;
          break;
        }
        default: {
          if (/^fixed[A-Z]/.test(k) && this.isConstraint) this.checkFixed(d, k, v, target);
          if (k.startsWith('fixed') || k.startsWith('pattern')) {
            // one fixed/pattern at a time
            for (const old of Object.keys(target)) {
              if ((old.startsWith('fixed') || old.startsWith('pattern')) && old !== k && /^(fixed|pattern)[A-Z]/.test(old)) delete target[old];
            }
          } else if (k.startsWith('defaultValue') || k.startsWith('minValue') || k.startsWith('maxValue')) {
            const prefix = k.match(/^(defaultValue|minValue|maxValue)/)![1]!;
            for (const old of Object.keys(target)) if (old.startsWith(prefix) && old !== k) delete target[old];
          } else if (k === 'example') {
            target[k] = clone(v);
            break;
          }
          target[k] = clone(v);
        }
      }
    }
  }

  /**
   * A constraint can only narrow the types its base allows (profiling.html: a profile "cannot
   * ... change the type"): each type must be one of the base's, or a type derived from an abstract
   * base type (Resource → Patient); each target profile must be, or derive from, one the base allows.
   */
  private checkTypes(d: ElementDefinition, base: NonNullable<ElementDefinition['type']>, derived: NonNullable<ElementDefinition['type']>): void {
    if (base.length === 0) return;
    derived.forEach((t, ti) => {
      if (!t?.code) return;
      const code = workingCode(t);
      const matching = base.filter((b) => workingCode(b) === code || this.derivesFromAbstract(code, workingCode(b)));
      if (matching.length === 0) {
        this.issue(
          'sd-type-not-in-base',
          `Differential element ${d.id ?? d.path} (differential.element[${this.current}]) has type ${code}, which its base does not allow (${base.map(workingCode).join(', ')}): a constraint can only choose among the base's types`,
          d,
          { wholeDefinition: true, within: ['type', ti] },
        );
        return;
      }
      const allowed = matching.flatMap((b) => b.targetProfile ?? []);
      if (allowed.length === 0) return;
      (t.targetProfile ?? []).forEach((url, pi) => {
        const verdict = this.profileChainReaches(url, allowed);
        if (verdict === 'unknown') {
          this.messages.push({
            severity: 'warning',
            ruleId: 'sd-target-not-in-base',
            diffIndex: this.current,
            elementId: d.id ?? d.path,
            within: ['type', ti, 'targetProfile', pi],
            message: `Cannot check whether the target profile ${url} of ${d.id ?? d.path} is a valid constraint on the base, because it is not known`,
          });
        } else if (verdict === 'no') {
          this.issue(
            'sd-target-not-in-base',
            `The target profile ${url} of ${d.id ?? d.path} is not a valid constraint on the base: it is not, and does not derive from, one of ${allowed.join(', ')}`,
            d,
            { within: ['type', ti, 'targetProfile', pi] },
          );
        }
      });
    });
  }

  /** Is type `code` derived (through its base definitions) from `baseCode` when that is abstract or a logical model? */
  private derivesFromAbstract(code: string, baseCode: string): boolean {
    const sdt = this.ctx.structureWithSnapshot(baseCode);
    if (!sdt || !(sdt.abstract || sdt.kind === 'logical')) return false;
    let sdb = this.ctx.structureWithSnapshot(code);
    for (let guard = 0; sdb && guard < 20; guard++) {
      if (sdb.type === sdt.type) return true;
      sdb = sdb.baseDefinition ? this.ctx.structureWithSnapshot(sdb.baseDefinition) : undefined;
    }
    return false;
  }

  /** Does profile `url`, or a profile it derives from, appear in `allowed`? 'unknown' when the chain cannot be followed. */
  private profileChainReaches(url: string, allowed: string[]): 'yes' | 'no' | 'unknown' {
    const bare = (u: string): string => u.split('|')[0]!;
    const wanted = new Set(allowed.map(bare));
    let cur: string | undefined = url;
    for (let guard = 0; cur && guard < 20; guard++) {
      if (wanted.has(bare(cur))) return 'yes';
      let sd: StructureDefinition | undefined;
      try {
        sd = this.ctx.structureWithSnapshot(cur);
      } catch {
        sd = undefined;
      }
      if (!sd) return 'unknown';
      cur = sd.baseDefinition;
    }
    return 'no';
  }

  /** A fixed value is final: a profile on a profile cannot fix the element to another value (profiling.html#constraints). */
  private checkFixed(d: ElementDefinition, key: string, value: unknown, target: Record<string, unknown>): void {
    const old = Object.keys(target).find((o) => /^fixed[A-Z]/.test(o));
    if (!old) return;
    if (old === key && JSON.stringify(canonicalJson(target[old])) === JSON.stringify(canonicalJson(value))) return;
    this.issue(
      'sd-fixed-changed',
      `${d.id ?? d.path}: the value ${show(value)} cannot replace the value ${show(target[old])} its base fixes (${old}); an instance must still conform to the base`,
      d,
      { within: [key] },
    );
  }

  /**
   * Post-processing: slicing that the element's original definition declares (Element.extension,
   * DomainResource.extension: "always sliced by url") is carried into the snapshot, and sliced
   * extensions and choices without a declared slicing get the default one.
   */
  private finish(n: Node): void {
    if (!n.ed.slicing && !n.sliceName) {
      const inherited = this.definedSlicing(n.ed.base?.path);
      if (inherited) n.ed.slicing = clone(inherited);
      else if (n.slices.length) {
        const t = n.ed.type ?? [];
        if (t.length === 1 && t[0]!.code === 'Extension') n.ed.slicing = clone(EXTENSION_SLICING);
        else if (n.name.endsWith('[x]')) n.ed.slicing = clone(CHOICE_SLICING);
      }
    }
    for (const c of n.children ?? []) this.finish(c);
    for (const s of n.slices) this.finish(s);
  }

  private readonly definedSlicingCache = new Map<string, Slicing | null>();

  private definedSlicing(basePath: string | undefined): Slicing | undefined {
    if (!basePath) return undefined;
    const hit = this.definedSlicingCache.get(basePath);
    if (hit !== undefined) return hit ?? undefined;
    let found: Slicing | null = null;
    const typeName = basePath.split('.')[0]!;
    if (/^[A-Z]/.test(typeName)) {
      const sd = this.ctx.structureWithSnapshot(typeName);
      const el = sd?.snapshot?.element.find((e) => e.path === basePath && !e.sliceName);
      if (el?.slicing) found = el.slicing;
    }
    this.definedSlicingCache.set(basePath, found);
    return found ?? undefined;
  }

  /** Canonical order: element, its children, then each slice with its children; ids regenerated. */
  private flatten(n: Node, parentId: string | undefined, out: ElementDefinition[]): void {
    let id: string;
    if (n === this.root) id = n.ed.path;
    else if (n.sliceOf) {
      // a slice's id is its owner's id plus the slice name; a re-slice (a/b) replaces the owner's slice name
      const ownerId = n.sliceOf.ed.id ?? n.sliceOf.ed.path;
      id = n.sliceName!.includes('/') || n.sliceOf.sliceName ? `${stripLastSlice(ownerId)}:${n.sliceName}` : `${ownerId}:${n.sliceName}`;
    } else id = `${parentId}.${n.name}`;
    n.ed.id = id;
    if (!n.ed.base) n.ed.base = { path: n.ed.path, min: n.ed.min ?? 0, max: n.ed.max ?? '*' };
    out.push(n.ed);
    for (const c of n.children ?? []) this.flatten(c, id, out);
    for (const s of n.slices) this.flatten(s, parentId, out);
  }
}

function stripLastSlice(id: string): string {
  const lastDot = id.lastIndexOf('.');
  const seg = id.slice(lastDot + 1);
  const colon = seg.indexOf(':');
  return colon < 0 ? id : id.slice(0, lastDot + 1) + seg.slice(0, colon);
}

/** Is max `a` wider than max `b`? */
function widerMax(a: string, b: string): boolean {
  if (b === '*') return false;
  if (a === '*') return true;
  return Number(a) > Number(b);
}

function narrowerMax(a: string, b: string | undefined): boolean {
  if (b === undefined || b === '*') return a !== '*';
  if (a === '*') return false;
  return Number(a) < Number(b);
}

/** JSON with object keys sorted, so two equal values compare equal whatever their key order. */
function canonicalJson(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonicalJson);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = canonicalJson((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? `'${v}'` : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 119)}…` : s;
}

const FHIR_TYPE_EXT = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';

/** A type's FHIR type name: System.String elements name theirs in an extension. */
function workingCode(t: { code: string; extension?: { url: string; valueUrl?: string; valueUri?: string }[] }): string {
  const e = t.extension?.find((x) => x.url === FHIR_TYPE_EXT);
  return e?.valueUrl ?? e?.valueUri ?? t.code;
}
