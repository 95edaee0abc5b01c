import type { ResourceMeta } from './types.js';

/** Resource types whose instances are definitions we index (they carry a canonical url or feed validation). */
export const DEFINITION_TYPES = new Set([
  'StructureDefinition',
  'ValueSet',
  'CodeSystem',
  'ConceptMap',
  'NamingSystem',
  'MessageDefinition',
  'CapabilityStatement',
  'OperationDefinition',
  'SearchParameter',
  'CompartmentDefinition',
  'ImplementationGuide',
  'StructureMap',
  'GraphDefinition',
  'Questionnaire',
  'Library',
  'Measure',
  'PlanDefinition',
  'ActivityDefinition',
  'ExampleScenario',
  'TerminologyCapabilities',
  'EventDefinition',
]);

/** Pull the index fields out of a resource (cheap; no deep copies). */
export function metaOf(r: Record<string, any>, file?: string): ResourceMeta {
  const m: ResourceMeta = { resourceType: String(r.resourceType) };
  if (typeof r.id === 'string') m.id = r.id;
  if (typeof r.url === 'string') m.url = r.url;
  if (typeof r.version === 'string') m.version = r.version;
  if (typeof r.name === 'string') m.name = r.name;
  if (typeof r.status === 'string') m.status = r.status;
  if (r.resourceType === 'StructureDefinition') {
    if (typeof r.type === 'string') m.sdType = r.type;
    if (typeof r.kind === 'string') m.kind = r.kind;
    if (typeof r.derivation === 'string') m.derivation = r.derivation;
    if (typeof r.baseDefinition === 'string') m.baseDefinition = r.baseDefinition;
    if (r.abstract === true) m.abstract = true;
    m.hasSnapshot = Array.isArray(r.snapshot?.element) && r.snapshot.element.length > 0;
    m.hasDifferential = Array.isArray(r.differential?.element) && r.differential.element.length > 0;
  }
  if (r.resourceType === 'CodeSystem' && typeof r.content === 'string') m.content = r.content;
  if (file) m.file = file;
  return m;
}
