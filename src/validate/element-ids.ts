/**
 * Element.id is "Unique id for the element within a resource (for internal references)"
 * (R4 Element, datatypes.html#Element): two elements of one resource with the same id make an
 * internal reference to it ambiguous. Each resource is its own scope: a contained resource, a
 * Bundle entry's resource or a Parameters resource value has ids of its own, and Resource.id
 * (the resource's identity, not an element id) is not part of the check.
 */
import type { Loc } from './walk-path.js';
import type { CheckContext, RunState } from './context.js';

export function checkElementIds(v: CheckContext, st: RunState, resource: Record<string, unknown>, loc: Loc): void {
  walkResource(v, st, resource, loc);
}

/**
 * A StructureDefinition's snapshot and differential describe the same elements, under the same
 * ids (elementdefinition.html#id): each view is a scope of its own.
 */
const OWN_SCOPES: Record<string, readonly string[]> = { StructureDefinition: ['snapshot', 'differential'] };

function walkResource(v: CheckContext, st: RunState, resource: Record<string, unknown>, loc: Loc): void {
  const seen = new Map<string, string>();
  const own = OWN_SCOPES[resource.resourceType as string];
  for (const key in resource) {
    if (!Object.prototype.hasOwnProperty.call(resource, key) || key === 'resourceType' || key === 'id') continue;
    walkMember(v, st, resource, key, loc, own?.includes(key) ? new Map() : seen, 0);
  }
}

const MAX_DEPTH = 200;

function walkMember(v: CheckContext, st: RunState, container: Record<string, unknown>, key: string, parent: Loc, seen: Map<string, string>, depth: number): void {
  const value = container[key];
  // most members are primitives: no location is built for them (this walks every node of a 50 MB Bundle)
  if (!value || typeof value !== 'object') return;
  const name = key.length > 1 && key.charCodeAt(0) === 95 /* _ */ ? key.slice(1) : key;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item && typeof item === 'object') walkValue(v, st, item, parent.child(name, value, i, i), seen, depth);
    }
  } else {
    walkValue(v, st, value, parent.child(name, container, key), seen, depth);
  }
}

function walkValue(v: CheckContext, st: RunState, value: unknown, loc: Loc, seen: Map<string, string>, depth: number): void {
  if (!value || typeof value !== 'object' || Array.isArray(value) || depth > MAX_DEPTH) return;
  const obj = value as Record<string, unknown>;
  if (typeof obj.resourceType === 'string') {
    // a resource inside a resource (contained, Bundle.entry.resource, Parameters.parameter.resource…)
    walkResource(v, st, obj, loc);
    return;
  }
  if (typeof obj.id === 'string' && obj.id !== '') {
    const first = seen.get(obj.id);
    if (first !== undefined) {
      v.report(
        st,
        loc,
        'error',
        'duplicate',
        'element-id-duplicate',
        `Duplicate element id '${obj.id}': ${first} already has it, and an element id must be unique within its resource (it is the target of internal references); give each element its own id`,
      );
    } else seen.set(obj.id, loc.toString());
  }
  for (const key in obj) {
    if (!Object.prototype.hasOwnProperty.call(obj, key) || key === 'id') continue;
    walkMember(v, st, obj, key, loc, seen, depth + 1);
  }
}
