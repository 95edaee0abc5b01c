/**
 * Compiles StructureDefinitions into plans, once per definition, and answers the
 * structural questions every consumer asks: "what may appear under this element?".
 */
import { crossVersionDefinition } from './cross-version.js';
import type { StructureDefinition } from '../model/fhir-types.js';
import { choiceSuffix, ElementPlan, isPrimitiveCode, StructurePlan, type ChildSlot, type TypeRef } from './plan.js';

/** Where plans get their definitions from (the load stage implements this). */
export interface StructureSource {
  /** A StructureDefinition with a snapshot, by canonical (`url`, `url|version`) or core type name. */
  getStructure(canonical: string): StructureDefinition | undefined;
  /** Faults of the definition itself found while building its snapshot (a differential element its base lacks…). */
  faultsOf?(canonical: string): readonly StructureFault[];
}

/** A fault of a definition, as the source found it: the catalog rule broken, and which differential element. */
export interface StructureFault {
  severity: 'error' | 'warning' | 'information';
  message: string;
  ruleId?: string;
  diffIndex?: number;
}

export class ChildTable {
  /** JSON member name → element (and type, for choices). */
  readonly slots = new Map<string, ChildSlot>();
  /** Choice elements by their prefix (`value` → Observation.value[x]), to explain wrong choice types. */
  readonly choices = new Map<string, ElementPlan>();
  /** The elements with a cardinality to check (filled by the validator on first use). */
  cardinalityChecks?: ElementPlan[];
  /** The sliced elements (filled by the validator on first use). */
  sliced?: ElementPlan[];

  constructor(readonly elements: readonly ElementPlan[]) {
    for (const c of elements) {
      if (c.isChoice) {
        this.choices.set(c.name, c);
        for (const t of c.types) this.slots.set(c.name + choiceSuffix(t.code), { el: c, type: t });
      } else {
        this.slots.set(c.name, { el: c });
      }
    }
  }

  get(name: string): ChildSlot | undefined {
    return this.slots.get(name);
  }
}

const EMPTY = new ChildTable([]);

export class PlanCompiler {
  private readonly plans = new Map<string, StructurePlan | null>();
  private readonly tables = new WeakMap<ElementPlan, Map<string, ChildTable>>();
  private readonly failures = new Map<string, string>();

  constructor(readonly source: StructureSource) {}

  /** The plan for a profile or core type; undefined when the definition cannot be found. */
  plan(canonical: string): StructurePlan | undefined {
    const cached = this.plans.get(canonical);
    if (cached !== undefined) return cached ?? undefined;
    let plan: StructurePlan | null = null;
    try {
      // cross-version extensions are defined by the element they carry, generated on first use
      const sd = this.source.getStructure(canonical) ?? crossVersionDefinition(canonical, (c) => this.typePlan(c));
      if (sd) plan = new StructurePlan(sd);
    } catch (e) {
      this.failures.set(canonical, (e as Error).message);
      plan = null;
    }
    this.plans.set(canonical, plan);
    return plan ?? undefined;
  }

  /** Faults of a loaded definition's differential (see StructureSource.faultsOf); none for a definition not built. */
  faults(canonical: string): readonly StructureFault[] {
    if (!this.plans.get(canonical)) return [];
    return this.source.faultsOf?.(canonical) ?? [];
  }

  /** Why a plan could not be built (snapshot generation failed...), if it failed. */
  failure(canonical: string): string | undefined {
    return this.failures.get(canonical);
  }

  /** The plan of a core type by name (`HumanName`, `Patient`, `string`). */
  typePlan(code: string): StructurePlan | undefined {
    const hit = this.typePlans.get(code);
    if (hit !== undefined) return hit ?? undefined;
    const plan = code.startsWith('System.') ? undefined : this.plan(code.includes('/') ? code : `http://hl7.org/fhir/StructureDefinition/${code}`);
    this.typePlans.set(code, plan ?? null);
    return plan;
  }

  private readonly typePlans = new Map<string, StructurePlan | null>();

  /**
   * The members allowed under an element holding a value of the given type: the
   * snapshot's own children where it lists them, else those of the type (or of the
   * element a contentReference points at).
   */
  children(el: ElementPlan, type?: TypeRef): ChildTable {
    const key = type?.code ?? '';
    let byType = this.tables.get(el);
    if (!byType) {
      byType = new Map();
      this.tables.set(el, byType);
    }
    let t = byType.get(key);
    if (!t) {
      t = this.computeChildren(el, type);
      byType.set(key, t);
    }
    return t;
  }

  /** The element whose definition applies under `el` (follows contentReference). */
  resolveContentReference(el: ElementPlan): ElementPlan | undefined {
    const ref = el.contentReference;
    if (!ref) return undefined;
    const hash = ref.indexOf('#');
    const id = ref.slice(hash + 1);
    // in a profile, a nested level (Questionnaire.item.item) reuses the resource's definition of the
    // referenced element, not the profile's constraints on it (those apply at that level only)
    const typeName = id.split('.')[0]!;
    const fromType = el.owner.derivation === 'constraint' ? this.typePlan(typeName)?.byId.get(id) : undefined;
    if (fromType) return fromType;
    const local = el.owner.byId.get(id);
    if (local) return local;
    // profiles point at the base resource's element ids
    const base = this.typePlan(typeName);
    return base?.byId.get(id);
  }

  private computeChildren(el: ElementPlan, type?: TypeRef): ChildTable {
    if (el.children.length > 0 && (!type || !el.isChoice || el.types.length === 1)) {
      return new ChildTable(el.children);
    }
    if (el.contentReference) {
      const target = this.resolveContentReference(el);
      if (target) return this.children(target);
      return EMPTY;
    }
    // a slice without its own children: use the sliced element's children where given
    if (el.sliceOf && el.children.length === 0 && el.sliceOf.children.length > 0) {
      return new ChildTable(el.sliceOf.children);
    }
    const t = type ?? (el.types.length === 1 ? el.types[0] : undefined);
    if (!t) return EMPTY;
    if (el.isRoot) {
      // the root of a type: its children are in the snapshot (possibly none: e.g. an abstract type)
      return new ChildTable(el.children);
    }
    const plan = this.typePlan(t.code);
    if (!plan) return EMPTY;
    return new ChildTable(plan.root.children);
  }

  /** Is a type code primitive (string, boolean, System.String...)? */
  isPrimitive(code: string): boolean {
    return isPrimitiveCode(code);
  }
}
