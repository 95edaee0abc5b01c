/**
 * Validation plans: a StructureDefinition snapshot compiled once into a tree that the
 * validator walks many times.
 *
 * A plan answers, without re-reading the definition: which JSON members an element may
 * have (choice types already expanded: `value[x]` → `valueQuantity`), whether each is
 * an array, which type it has, and the constraints (cardinality, fixed/pattern, binding,
 * invariants, slicing) to apply. Children that a snapshot does not spell out (a profile
 * that says nothing about HumanName's parts) come from the plan of the datatype itself.
 */
import { choiceValue, type ElementDefinition, type StructureDefinition } from '../model/fhir-types.js';

export interface TypeRef {
  code: string;
  profiles: string[];
  targetProfiles: string[];
  aggregation?: string[];
}

export interface SlicingInfo {
  discriminators: { type: string; path: string }[];
  rules: 'open' | 'closed' | 'openAtEnd';
  ordered: boolean;
  description?: string;
}

/** A JSON member an element may appear as, with its type where the element is a choice. */
export interface ChildSlot {
  el: ElementPlan;
  /** For choice elements: the type this JSON name stands for (valueQuantity → Quantity). */
  type?: TypeRef;
}

export const PRIMITIVE_TYPES = new Set([
  'base64Binary',
  'boolean',
  'canonical',
  'code',
  'date',
  'dateTime',
  'decimal',
  'id',
  'instant',
  'integer',
  'markdown',
  'oid',
  'positiveInt',
  'string',
  'time',
  'unsignedInt',
  'uri',
  'url',
  'uuid',
  'xhtml',
]);

const SYSTEM_PREFIX = 'http://hl7.org/fhirpath/System.';
const FHIR_TYPE_EXT = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';

/** Normalise a type code: FHIRPath system types (on `.id`, `.url`, primitive `.value`) become `System.X`. */
export function typeCode(t: { code?: string; extension?: { url: string; valueUrl?: string; valueUri?: string }[] }): string {
  const code = t.code ?? '';
  if (code.startsWith(SYSTEM_PREFIX)) return 'System.' + code.slice(SYSTEM_PREFIX.length);
  if (code === '') {
    // R4 published snapshots sometimes leave the code empty and carry the type in an extension
    const ext = t.extension?.find((e) => e.url === FHIR_TYPE_EXT);
    return ext?.valueUrl ?? ext?.valueUri ?? 'System.String';
  }
  return code;
}

export function isPrimitiveCode(code: string): boolean {
  return PRIMITIVE_TYPES.has(code) || code.startsWith('System.');
}

/** `dateTime` → `DateTime`: the suffix of a choice element's JSON name. */
export function choiceSuffix(code: string): string {
  return code.charAt(0).toUpperCase() + code.slice(1);
}

export class ElementPlan {
  readonly id: string;
  readonly path: string;
  /** Last path segment without `[x]` (the JSON name, or the JSON name's prefix for choices). */
  readonly name: string;
  readonly sliceName?: string;
  readonly min: number;
  readonly max: number;
  /** Arrays in JSON follow the *base* definition's cardinality, not the profile's. */
  readonly isArray: boolean;
  readonly isChoice: boolean;
  readonly types: TypeRef[];
  readonly contentReference?: string;
  /** Direct children listed in the snapshot (not slices). */
  readonly children: ElementPlan[] = [];
  /** Slices of this element, in definition order. */
  readonly slices: ElementPlan[] = [];
  slicing?: SlicingInfo;
  parent?: ElementPlan;
  /** For a slice: the element it slices. */
  sliceOf?: ElementPlan;
  /** Whether this element is an xmlAttr in FHIR XML (Element.id, Extension.url). */
  readonly xmlAttr: boolean;
  /** Extra per-element data the validator compiles lazily (checks, matchers). */
  compiled?: unknown;
  private factsCache?: ElementFacts;

  /** The value rules of this element, read once from its definition. */
  get facts(): ElementFacts {
    return (this.factsCache ??= computeFacts(this.def));
  }

  constructor(
    readonly def: ElementDefinition,
    readonly owner: StructurePlan,
  ) {
    this.id = def.id ?? def.path;
    this.path = def.path;
    const last = def.path.slice(def.path.lastIndexOf('.') + 1);
    this.isChoice = last.endsWith('[x]');
    this.name = this.isChoice ? last.slice(0, -3) : last;
    if (def.sliceName) this.sliceName = def.sliceName;
    this.min = def.min ?? 0;
    this.max = def.max === undefined || def.max === '*' ? Infinity : Number(def.max);
    const baseMax = def.base?.max ?? def.max ?? '*';
    this.isArray = baseMax !== '1' && baseMax !== '0';
    this.types = (def.type ?? []).map((t) => ({
      code: typeCode(t),
      profiles: t.profile ?? [],
      targetProfiles: t.targetProfile ?? [],
      aggregation: t.aggregation,
    }));
    if (def.contentReference) this.contentReference = def.contentReference;
    this.xmlAttr = (def.representation ?? []).includes('xmlAttr');
    if (def.slicing) {
      this.slicing = {
        discriminators: (def.slicing.discriminator ?? []).map((d) => ({ type: d.type, path: d.path })),
        rules: (def.slicing.rules as SlicingInfo['rules']) ?? 'open',
        ordered: def.slicing.ordered === true,
        description: def.slicing.description,
      };
    }
  }

  /** Some type of this element names a profile, or it borrows its definition (contentReference). */
  get needsExpansion(): boolean {
    return (this.expansionFlag ??= this.contentReference !== undefined || this.types.some((t) => t.profiles.length > 0));
  }
  private expansionFlag?: boolean;

  /** Whether the single type of this element is primitive (choice elements: ask per slot). */
  get isPrimitive(): boolean {
    return this.types.length === 1 && isPrimitiveCode(this.types[0]!.code);
  }

  /** Is this the root element of its structure? */
  get isRoot(): boolean {
    return this.parent === undefined && this.sliceOf === undefined;
  }
}

export class StructurePlan {
  readonly url: string;
  readonly version?: string;
  readonly type: string;
  readonly kind: string;
  readonly root: ElementPlan;
  readonly elements: ElementPlan[] = [];
  readonly byId = new Map<string, ElementPlan>();
  readonly derivation?: string;
  readonly baseDefinition?: string;
  readonly name?: string;

  constructor(readonly sd: StructureDefinition) {
    this.url = sd.url;
    this.version = sd.version;
    this.type = sd.type;
    this.kind = sd.kind;
    this.derivation = sd.derivation;
    this.baseDefinition = sd.baseDefinition;
    this.name = sd.name;
    const els = sd.snapshot?.element ?? [];
    if (els.length === 0) throw new Error(`StructureDefinition ${sd.url} has no snapshot`);
    this.root = this.build(els);
  }

  /** `url|version`, how issues name the profile that raised them. */
  get canonical(): string {
    return this.version ? `${this.url}|${this.version}` : this.url;
  }

  private build(els: ElementDefinition[]): ElementPlan {
    const root = new ElementPlan(els[0]!, this);
    this.add(root);
    // stack of open elements; a child attaches to the nearest open element whose path is its parent path
    const stack: ElementPlan[] = [root];
    for (let i = 1; i < els.length; i++) {
      const def = els[i]!;
      const el = new ElementPlan(def, this);
      const path = def.path;
      const dot = path.lastIndexOf('.');
      const parentPath = dot < 0 ? '' : path.slice(0, dot);
      if (def.sliceName !== undefined && def.sliceName !== '') {
        // a slice: pop to the element that owns the sliced element
        while (stack.length > 1 && stack[stack.length - 1]!.path !== parentPath) stack.pop();
        const parent = stack[stack.length - 1]!;
        const owner = this.sliceOwner(parent, path, def.sliceName, root);
        el.sliceOf = owner;
        el.parent = owner.parent;
        owner.slices.push(el);
      } else {
        while (stack.length > 1 && stack[stack.length - 1]!.path !== parentPath) stack.pop();
        const parent = stack[stack.length - 1]!;
        if (parent.path !== parentPath && parentPath !== '') {
          // out-of-order snapshot: fall back to the element with that path
          const p = this.elements.find((e) => e.path === parentPath && !e.sliceName);
          if (p) {
            el.parent = p;
            p.children.push(el);
          } else {
            el.parent = root;
            root.children.push(el);
          }
        } else if (path === root.path) {
          // a second root-path element without sliceName: ignore for structure
          this.add(el);
          continue;
        } else {
          el.parent = parent;
          // older snapshots spell a constrained choice as its renamed path (valueQuantity)
          parent.children.push(el);
        }
      }
      this.add(el);
      stack.push(el);
    }
    return root;
  }

  private sliceOwner(parent: ElementPlan, path: string, sliceName: string, root: ElementPlan): ElementPlan {
    const name = path.slice(path.lastIndexOf('.') + 1);
    const siblings = path === root.path ? [root] : parent.children;
    let base: ElementPlan | undefined;
    for (let i = siblings.length - 1; i >= 0; i--) {
      const s = siblings[i]!;
      if (s.path === path) {
        base = s;
        break;
      }
    }
    if (!base) {
      // the slice comes without its slicing entry: synthesise nothing, hang it on the parent
      base = parent.children.find((c) => c.path.endsWith('.' + name)) ?? parent;
    }
    // re-slicing: "a/b" is a slice of slice "a"
    const slash = sliceName.lastIndexOf('/');
    if (slash > 0) {
      const parentSlice = sliceName.slice(0, slash);
      const found = findSlice(base, parentSlice);
      if (found) return found;
    }
    return base;
  }

  private add(el: ElementPlan): void {
    this.elements.push(el);
    if (!this.byId.has(el.id)) this.byId.set(el.id, el);
  }
}

function findSlice(base: ElementPlan, name: string): ElementPlan | undefined {
  for (const s of base.slices) {
    if (s.sliceName === name) return s;
    const deeper = findSlice(s, name);
    if (deeper) return deeper;
  }
  return undefined;
}

export interface ElementFacts {
  fixed?: { name: string; value: unknown };
  pattern?: { name: string; value: unknown };
  minValue?: unknown;
  maxValue?: unknown;
  maxLength?: number;
  minLength?: number;
  mustHaveValue: boolean;
  valueAlternatives: string[];
  /** Any of the above present (the fast path skips everything when false). */
  any: boolean;
}

const MIN_LENGTH_EXT = 'http://hl7.org/fhir/StructureDefinition/minLength';
const MUST_HAVE_VALUE_EXT = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.mustHaveValue';
const VALUE_ALTERNATIVES_EXT = 'http://hl7.org/fhir/5.0/StructureDefinition/extension-ElementDefinition.valueAlternatives';

function computeFacts(def: ElementDefinition): ElementFacts {
  const f: ElementFacts = { mustHaveValue: false, valueAlternatives: [], any: false };
  const fixed = choiceValue(def, 'fixed');
  if (fixed) f.fixed = { name: fixed.name, value: fixed.value };
  const pattern = choiceValue(def, 'pattern');
  if (pattern) f.pattern = { name: pattern.name, value: pattern.value };
  const min = choiceValue(def, 'minValue');
  if (min) f.minValue = min.value;
  const max = choiceValue(def, 'maxValue');
  if (max) f.maxValue = max.value;
  if (typeof def.maxLength === 'number') f.maxLength = def.maxLength;
  for (const e of def.extension ?? []) {
    if (e.url === MIN_LENGTH_EXT && typeof e.valueInteger === 'number') f.minLength = e.valueInteger;
    if (e.url === MUST_HAVE_VALUE_EXT && e.valueBoolean === true) f.mustHaveValue = true;
    if (e.url === VALUE_ALTERNATIVES_EXT && e.valueCanonical) f.valueAlternatives.push(e.valueCanonical);
  }
  if ((def as { mustHaveValue?: boolean }).mustHaveValue === true) f.mustHaveValue = true;
  f.any =
    f.fixed !== undefined ||
    f.pattern !== undefined ||
    f.minValue !== undefined ||
    f.maxValue !== undefined ||
    f.maxLength !== undefined ||
    f.minLength !== undefined ||
    f.mustHaveValue ||
    f.valueAlternatives.length > 0;
  return f;
}
