/**
 * bars-toolkit: validate FHIR R4 payloads against R4, UK Core and BaRS, offline.
 *
 *   import { createValidator } from 'bars-toolkit';
 *   const validator = await createValidator(); // R4, plus the embedded UK Core STU3 and BaRS set
 *   const { valid, issues, outcome } = await validator.validate(bundle);
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JSONWebKeySet } from 'jose';
import type { Resource } from './model/fhir-types.js';
import { createEngine, type Engine, type EngineOptions, type ValidateOptions, type ValidationResult } from './engine.js';
import type { RequestObject } from './bars/http/parse-request.js';
import type { LoadDiagnostic } from './load/types.js';
import type { RequestCheckOptions, RequestValidation } from './bars/http/validate-request.js';
import { barsDefaultSet, type DefaultSetOptions } from './bars/default-set.js';

export type { ValidateOptions, ValidationResult } from './engine.js';
export type { ValidationIssue, Severity, IssueType, BarsContext } from './model/issue.js';
// the FHIR R4 types of the API (from @types/fhir, a dependency): usable without importing fhir/r4 yourself
export type * as R4 from 'fhir/r4.js';
export type { Bundle, OperationOutcome, Resource } from './model/fhir-types.js';
export type { LoadDiagnostic } from './load/types.js';
export type { RequestObject } from './bars/http/parse-request.js';
export type { CheckedRequest, RequestValidation } from './bars/http/validate-request.js';

export interface Validator {
  /**
   * Validate one resource: a parsed object (e.g. a `fhir4.Bundle`), or JSON/FHIR XML as text
   * or bytes. Safe to call concurrently; definitions and compiled plans are shared.
   */
  validate(input: Resource | Record<string, unknown> | string | Uint8Array, options?: ValidateOptions): Promise<ValidationResult>;
  /**
   * Problems met while loading definitions, each `{ severity, code, message, hint?, file? }`:
   * `package-missing` (an `igs` entry that could not be loaded), `default-package-missing` (a
   * default package that could not be loaded), missing dependencies,
   * unreadable files… Profiles from a missing package are then reported per input as
   * `profile-unknown` warnings ("not checked"). Read it once after createValidator().
   */
  readonly diagnostics: readonly LoadDiagnostic[];
}

/** How the validator loads and checks: the engine's options, with the default set chosen the BaRS way. */
export interface ValidatorOptions extends Omit<EngineOptions, 'defaultPackages' | 'definitionFolders'>, DefaultSetOptions {}

export interface CreateValidatorOptions extends ValidatorOptions {
  /**
   * The BaRS layer (MessageDefinition content negotiation, Application necessity rules, Core
   * rules). On by default; it acts only on messages marked as BaRS. `false` turns it off.
   */
  bars?: boolean | { application?: string; messageDefinitions?: string[] };
}

/** Load definitions once and return a reusable validator. */
export async function createValidator(options: CreateValidatorOptions = {}): Promise<Validator> {
  const { bars = true, barsDefaults, defaultPackages, projectDefinitions, ...rest } = options;
  const engineOptions: EngineOptions = { ...rest, ...barsDefaultSet({ barsDefaults, defaultPackages, projectDefinitions }) };
  // the BaRS layer is loaded only when it is used
  const wired = bars === false ? engineOptions : await (await import('./bars/plugin.js')).withBarsLayer(engineOptions, bars === true ? {} : bars);
  // a missing package is reported in diagnostics, not thrown, unless strict is asked for
  const engine = await createEngine({ ...wired, strict: wired.strict ?? false });
  const validator: Validator = {
    validate: (input, opts) => engine.validate(input, opts),
    get diagnostics() {
      return engine.diagnostics;
    },
  };
  engines.set(validator, engine);
  return validator;
}

const engines = new WeakMap<Validator, Engine>();

// the HTTP layer is loaded on first use only (most callers validate payloads), then kept:
// a dynamic import per request costs a module-resolution round trip every time
let httpModules: ReturnType<typeof loadHttpModules> | undefined;
async function loadHttpModules(): Promise<{ http: typeof import('./bars/http/validate-request.js'); loadApiTable: typeof import('./bars/http/openapi.js').loadApiTable }> {
  const [http, openapi] = await Promise.all([import('./bars/http/validate-request.js'), import('./bars/http/openapi.js')]);
  return { http, loadApiTable: openapi.loadApiTable };
}

export interface ValidateRequestOptions extends Pick<RequestCheckOptions, 'name' | 'entry' | 'now' | 'profiles'> {
  /** Verify the JWT client assertion's signature with this JSON Web Key Set (your registered JWKS)… */
  jwks?: JSONWebKeySet;
  /** …or with this public key (PEM text or a KeyObject). */
  publicKey?: string | KeyObject;
  /** Check paths against this copy of the BaRS OpenAPI specification instead of the shipped table. */
  openapi?: string;
}

/**
 * Check a BaRS HTTP request before sending it: the path and method against the BaRS API
 * specification, the headers (X-Request-ID, NHSD-Target-Identifier, the NHSD-* FHIR resources,
 * Authorization, Accept, Content-Type…), the signed JWT of a token request, then the body with
 * the validator. The request is an object `{ method, url, headers, body }` (body: text, bytes or
 * a resource), or raw HTTP / HAR / JSON text. Never throws on bad input.
 */
export async function validateRequest(validator: Validator, request: RequestObject | string | Uint8Array, options: ValidateRequestOptions = {}): Promise<RequestValidation> {
  const engine = engines.get(validator);
  if (!engine) throw new TypeError('validateRequest needs a validator made by createValidator()');
  const { http, loadApiTable } = await (httpModules ??= loadHttpModules());
  const { jwks, publicKey, openapi, ...rest } = options;
  const keys =
    jwks || publicKey
      ? { jwks, publicKey: typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey, source: [jwks && 'the JWKS given', publicKey && 'the public key given'].filter(Boolean).join(' and ') }
      : undefined;
  return http.validateRequest(engine.validate, request, { ...rest, hasProfile: engine.hasProfile, keys, api: loadApiTable(openapi) });
}
