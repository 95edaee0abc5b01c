/** FHIR R4 definition types used across the engine (from @types/fhir). */
import type * as R4 from 'fhir/r4.js';

export type StructureDefinition = R4.StructureDefinition;
export type ElementDefinition = R4.ElementDefinition;
export type ValueSet = R4.ValueSet;
export type CodeSystem = R4.CodeSystem;
export type Resource = R4.Resource;
export type OperationOutcome = R4.OperationOutcome;
export type Bundle = R4.Bundle;
export type MessageDefinition = R4.MessageDefinition;

/** Read a choice property such as fixed[x] or pattern[x] without knowing its type. */
export function choiceValue(obj: object, prefix: string): { name: string; type: string; value: unknown } | undefined {
  for (const k of Object.keys(obj)) {
    if (k.length > prefix.length && k.startsWith(prefix)) {
      const c = k.charCodeAt(prefix.length);
      if (c >= 65 && c <= 90) {
        const t = k.slice(prefix.length);
        const type = /^[A-Z][a-z]/.test(t) && isPrimitiveSuffix(t) ? t.charAt(0).toLowerCase() + t.slice(1) : t;
        return { name: k, type, value: (obj as Record<string, unknown>)[k] };
      }
    }
  }
  return undefined;
}

const PRIMITIVE_SUFFIXES = new Set([
  'Base64Binary', 'Boolean', 'Canonical', 'Code', 'Date', 'DateTime', 'Decimal', 'Id', 'Instant', 'Integer',
  'Markdown', 'Oid', 'PositiveInt', 'String', 'Time', 'UnsignedInt', 'Uri', 'Url', 'Uuid',
]);

function isPrimitiveSuffix(s: string): boolean {
  return PRIMITIVE_SUFFIXES.has(s);
}
