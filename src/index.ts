/**
 * bars-toolkit: validate FHIR R4 payloads against R4, UK Core and BaRS, offline.
 *
 *   import { createValidator } from 'bars-toolkit';
 *   const validator = await createValidator({ igs: ['uk.nhsdigital.bars.r4#1.20.0-alpha'] });
 *   const { valid, issues, outcome } = await validator.validate(bundle);
 */
import type { Resource } from './compile/fhir-types.js';
import { createEngine, type EngineOptions, type ValidateOptions, type ValidationResult } from './engine.js';

export type { EngineOptions as ValidatorOptions, ValidateOptions, ValidationResult } from './engine.js';
export type { ValidationIssue, Severity, IssueType } from './model/issue.js';
export type { LoadDiagnostic } from './load/types.js';

export interface Validator {
  /**
   * Validate one resource: a parsed object (e.g. a `fhir4.Bundle`), or JSON/FHIR XML as text
   * or bytes. Safe to call concurrently; definitions and compiled plans are shared.
   */
  validate(input: Resource | Record<string, unknown> | string | Uint8Array, options?: ValidateOptions): Promise<ValidationResult>;
  /** Problems met while loading definitions (missing dependencies, unreadable files...). */
  readonly diagnostics: readonly { severity: string; message: string; hint?: string; file?: string }[];
}

export interface CreateValidatorOptions extends EngineOptions {
  /**
   * The BaRS layer (MessageDefinition content negotiation, Application necessity rules, Core
   * rules). On by default; it acts only on messages marked as BaRS. `false` turns it off.
   */
  bars?: boolean | { application?: string; messageDefinitions?: string[] };
}

/** Load definitions once and return a reusable validator. */
export async function createValidator(options: CreateValidatorOptions = {}): Promise<Validator> {
  const { bars = true, ...engineOptions } = options;
  const plugins = [...(engineOptions.plugins ?? [])];
  if (bars !== false) {
    const { barsPlugins } = await import('./bars/plugin.js');
    const b = bars === true ? {} : bars;
    plugins.push(...(await barsPlugins({ application: b.application, messageDefinitions: b.messageDefinitions ?? [] })));
  }
  const engine = await createEngine({ ...engineOptions, plugins });
  return {
    validate: (input, opts) => engine.validate(input, opts),
    get diagnostics() {
      return engine.diagnostics;
    },
  };
}
