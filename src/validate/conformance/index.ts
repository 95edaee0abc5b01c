/**
 * Conformance resources validated as instances: the rules of SearchParameter,
 * OperationDefinition, ValueSet (filters) and CapabilityStatement that their
 * StructureDefinitions cannot state. See each file for the rules and their spec sections.
 */
import { checkCapabilityStatement } from './capability-statement.js';
import type { ConformanceContext } from './context.js';
import { checkOperationDefinition } from './operation-definition.js';
import { checkSearchParameter } from './search-parameter.js';
import { checkValueSet } from './value-set-filter.js';

export type { ConformanceContext };

const CHECKS: Record<string, (c: ConformanceContext) => void> = {
  SearchParameter: checkSearchParameter,
  OperationDefinition: checkOperationDefinition,
  ValueSet: checkValueSet,
  CapabilityStatement: checkCapabilityStatement,
};

/** Whether resources of this type have conformance rules here. */
export function hasConformanceRules(resourceType: string): boolean {
  return Object.prototype.hasOwnProperty.call(CHECKS, resourceType);
}

export function checkConformanceResource(c: ConformanceContext): void {
  const rt = c.resource.resourceType;
  if (typeof rt === 'string' && hasConformanceRules(rt)) CHECKS[rt]!(c);
}
