/**
 * Cross-version extensions (FHIR R4 Extensibility §2.1.0 "Extensions for converting between versions"):
 * `http://hl7.org/fhir/<ver>/StructureDefinition/extension-<Resource.path>` stands for the element at
 * that path in FHIR version <ver>, carried as an extension. No package defines them; their definition
 * is generated from the element's own definition.
 *
 * Only the R4 definitions are loaded, so the element is read from R4. For version 4.0 that is exact.
 * For other versions an element that also exists in R4 keeps R4's modifier flag and its context (the
 * parent element), but its value is left open, since its types may differ between versions; an element
 * R4 does not have cannot be generated (the extension stays unknown).
 */
import type { ElementDefinition, StructureDefinition } from '../model/fhir-types.js';
import type { ElementPlan, StructurePlan } from './plan.js';

const XVER = /^http:\/\/hl7\.org\/fhir\/(\d+\.\d+)\/StructureDefinition\/extension-([A-Z][A-Za-z]+(?:\.[A-Za-z][A-Za-z0-9]*(?:\[x\])?)+)$/;

export interface CrossVersionUrl {
  version: string;
  path: string;
}

/** The FHIR version and element path a cross-version extension url names, or undefined. */
export function parseCrossVersionUrl(url: string): CrossVersionUrl | undefined {
  const m = XVER.exec(url);
  return m ? { version: m[1]!, path: m[2]! } : undefined;
}

const DATATYPE_ROOTS = new Set(['Element', 'BackboneElement']);

/**
 * A StructureDefinition (with snapshot) for a cross-version extension, built from the R4 element at
 * its path; undefined when the url is not one or R4 has no such element.
 */
export function crossVersionDefinition(
  url: string,
  typePlan: (code: string) => StructurePlan | undefined,
): StructureDefinition | undefined {
  const x = parseCrossVersionUrl(url);
  if (!x) return undefined;
  const exact = x.version === '4.0';
  const el = findElement(typePlan, x.path);
  const base = typePlan('Extension');
  if (!el || !base) return undefined;
  const parentPath = x.path.slice(0, x.path.lastIndexOf('.'));
  const elements: ElementDefinition[] = [];
  const root = clone(base.sd.snapshot!.element[0]!);
  root.isModifier = el.def.isModifier === true;
  if (root.isModifier) root.isModifierReason = el.def.isModifierReason ?? `${x.path} is a modifier element`;
  root.short = el.def.short;
  root.definition = el.def.definition ?? root.definition;
  root.min = 0;
  root.max = el.max === Infinity ? '*' : String(el.max);
  elements.push(root);
  const complex = el.types.length === 1 && DATATYPE_ROOTS.has(el.types[0]!.code);
  addExtensionBody(elements, base, 'Extension', url, el, complex, exact, typePlan, 0);
  return {
    resourceType: 'StructureDefinition',
    id: `extension-${x.path}`,
    url,
    version: x.version,
    name: `Extension_${x.version.replace('.', '')}_${x.path.replace(/[^A-Za-z0-9]/g, '_')}`,
    status: 'active',
    fhirVersion: '4.0.1',
    kind: 'complex-type',
    abstract: false,
    context: [{ type: 'element', expression: parentPath }],
    type: 'Extension',
    baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Extension',
    derivation: 'constraint',
    snapshot: { element: elements },
  } as StructureDefinition;
}

/**
 * The id/extension/url/value elements of an extension at `prefix` (the root or a sub-extension
 * slice). A complex element becomes sub-extensions, one per child, identified by the child's name.
 */
function addExtensionBody(
  out: ElementDefinition[],
  base: StructurePlan,
  prefix: string,
  url: string,
  el: ElementPlan,
  complex: boolean,
  /** Give values the element's types (only when the definition is of the same FHIR version). */
  exactTypes: boolean,
  typePlan: (code: string) => StructurePlan | undefined,
  depth: number,
): void {
  const baseEls = base.sd.snapshot!.element;
  // the same element of the base Extension, at this nesting level (Extension.extension.url for a sub-extension)
  const pathPrefix = 'Extension' + '.extension'.repeat(depth);
  const at = (path: string, id: string): ElementDefinition => ({
    ...clone(baseEls.find((e) => e.path === path)!),
    id,
    path: pathPrefix + path.slice('Extension'.length),
  });
  const idPart = (suffix: string) => `${prefix}.${suffix}`;
  out.push(at('Extension.id', idPart('id')));
  const ext = at('Extension.extension', idPart('extension'));
  // another version's element may have other children: its sub-extensions are left open
  const kids = complex && exactTypes && depth < 3 ? childrenOf(el, typePlan).filter((c) => !['id', 'extension', 'modifierExtension'].includes(c.name)) : [];
  if (kids.length) {
    ext.slicing = { discriminator: [{ type: 'value', path: 'url' }], rules: 'open' };
  }
  out.push(ext);
  for (const k of kids) {
    const sliceId = `${idPart('extension')}:${k.name}`;
    out.push({ ...at('Extension.extension', sliceId), sliceName: k.name, min: 0, max: k.max === Infinity ? '*' : String(k.max) });
    const subComplex = k.types.length === 1 && DATATYPE_ROOTS.has(k.types[0]!.code);
    addExtensionBody(out, base, sliceId, k.name, k, subComplex, exactTypes, typePlan, depth + 1);
  }
  const urlEl = at('Extension.url', idPart('url'));
  (urlEl as unknown as Record<string, unknown>).fixedUri = url;
  out.push(urlEl);
  const value = at('Extension.value[x]', idPart('value[x]'));
  if (complex && exactTypes) value.max = '0';
  else if (exactTypes) {
    // the element's own types (exact for the R4 version)
    value.type = el.types.map((t) => ({ code: t.code, ...(t.profiles.length ? { profile: t.profiles } : {}), ...(t.targetProfiles.length ? { targetProfile: t.targetProfiles } : {}) }));
    if (el.def.binding) value.binding = el.def.binding;
  }
  out.push(value);
}

/** The element at a path in the R4 definitions (following contentReference for nested levels). */
function findElement(typePlan: (code: string) => StructurePlan | undefined, path: string): ElementPlan | undefined {
  const parts = path.split('.');
  const plan = typePlan(parts[0]!);
  if (!plan || plan.kind === 'logical') return undefined;
  let el: ElementPlan | undefined = plan.root;
  for (const raw of parts.slice(1)) {
    const name = raw.endsWith('[x]') ? raw.slice(0, -3) : raw;
    const kids: ElementPlan[] = el ? childrenOf(el, typePlan) : [];
    el = kids.find((k) => k.name === name);
    if (!el) return undefined;
  }
  return el;
}

function childrenOf(el: ElementPlan, typePlan: (code: string) => StructurePlan | undefined): ElementPlan[] {
  if (el.children.length) return el.children;
  if (el.contentReference) {
    const id = el.contentReference.slice(el.contentReference.indexOf('#') + 1);
    const target = el.owner.byId.get(id);
    return target ? target.children : [];
  }
  return [];
}

function clone<T>(x: T): T {
  return JSON.parse(JSON.stringify(x)) as T;
}
