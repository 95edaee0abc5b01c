/**
 * The BaRS layer as a validation plugin (MessageDefinition negotiation, Application
 * detection, necessity rules, Core rules). Filled in by the BaRS issue; for now no checks.
 */
import type { ValidationPlugin } from '../validate/run.js';

export async function barsPlugins(_args: { application?: string; messageDefinitions: string[] }): Promise<ValidationPlugin[]> {
  return [];
}
