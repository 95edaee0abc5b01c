/**
 * A constraint StructureDefinition on a core resource, differential only, for tests that need
 * a profile of their own (the snapshot is generated on load, as for any IG source).
 */
export interface TestProfile {
  resourceType: 'StructureDefinition';
  url: string;
  version: string;
  name: string;
  status: 'active';
  fhirVersion: '4.0.1';
  kind: 'resource';
  abstract: false;
  type: string;
  baseDefinition: string;
  derivation: 'constraint';
  differential: { element: Record<string, unknown>[] };
}

/** `url` may be a full canonical or an id under http://example.org/StructureDefinition/. */
export function constraintProfile(url: string, type: string, elements: Record<string, unknown>[]): TestProfile {
  const canonical = url.includes('/') ? url : `http://example.org/StructureDefinition/${url}`;
  return {
    resourceType: 'StructureDefinition',
    url: canonical,
    version: '1.0.0',
    // a computable name (FHIR's name-1 invariant): the id without its hyphens
    name: canonical.slice(canonical.lastIndexOf('/') + 1).replace(/[^A-Za-z0-9]/g, ''),
    status: 'active',
    fhirVersion: '4.0.1',
    kind: 'resource',
    abstract: false,
    type,
    baseDefinition: `http://hl7.org/fhir/StructureDefinition/${type}`,
    derivation: 'constraint',
    differential: { element: elements },
  };
}
