/**
 * Terminology: is a code in a value set, does it exist in its code system, is its display
 * right? Answered locally from the loaded ValueSets and CodeSystems (synchronously: the
 * validator asks in a hot loop); a FHIR terminology server (--tx) is asked only for what
 * cannot be decided offline, with answers cached in memory and on disk.
 */
import { packageHintFor } from '../load/known-packages.js';
import type { DefinitionSet } from '../load/definitions.js';
import { CodeSystems, checkGrammarSystem, findConcept, GRAMMAR_SYSTEMS, NOT_OFFLINE, normaliseDisplay } from './codesystems.js';
import { ValueSetCompiler, type ExpansionEntry, type Membership } from './valuesets.js';

export type CodeCheck = 'valid' | 'invalid' | 'unknown';

export interface CodeResult {
  result: CodeCheck;
  message?: string;
  /** The display does not match any known display or designation. */
  display?: { expected: string[]; given: string };
  /** The system exists but has no local copy (SNOMED CT, LOINC, dm+d...). */
  systemNotOffline?: boolean;
  /** The system is not known at all (not loaded, not a well-known external system). */
  systemUnknown?: boolean;
}

export interface TerminologyCache {
  readBlob<T>(kind: string, key: string): T | undefined;
  writeBlob(kind: string, key: string, value: unknown): void;
}

export interface TerminologyOptions {
  txServer?: string;
  cache?: TerminologyCache;
  timeoutMs?: number;
}

export interface Coding {
  system?: string;
  version?: string;
  code: string;
  display?: string;
}

const VALID: CodeResult = Object.freeze({ result: 'valid' }) as CodeResult;

/** Answers kept per service (the definitions never change once loaded); cleared when this many. */
const MAX_CACHED = 50_000;

const SYSTEM_SCOPE = '\u0000system';

/**
 * Why a Coding.system cannot name a code system (terminologies.html §4.1: the system is the
 * URI of the code system that defines the code): it is the canonical of another kind of
 * resource (a ValueSet, most often), or it differs only in letter case from a known one.
 */
export type SystemProblem = { kind: 'not-code-system'; resourceType: string } | { kind: 'wrong-case'; known: string };

interface CachedAnswer {
  system: string | undefined;
  version: string | undefined;
  display: string | undefined;
  result: CodeResult;
}

/**
 * Answers by scope (value set url), then code, then the rest compared in place: no key string
 * is built per lookup (concatenating five strings and hashing the result cost more than the
 * answer it found).
 */
class AnswerCache {
  private readonly byScope = new Map<string, Map<string, CachedAnswer[]>>();
  private size = 0;

  get(scope: string, coding: Coding): CodeResult | undefined {
    const list = this.byScope.get(scope)?.get(coding.code);
    if (!list) return undefined;
    for (let i = 0; i < list.length; i++) {
      const a = list[i]!;
      if (a.system === coding.system && a.version === coding.version && a.display === coding.display) return a.result;
    }
    return undefined;
  }

  set(scope: string, coding: Coding, result: CodeResult): void {
    if (this.size >= MAX_CACHED) {
      this.byScope.clear();
      this.size = 0;
    }
    let codes = this.byScope.get(scope);
    if (!codes) {
      codes = new Map();
      this.byScope.set(scope, codes);
    }
    let list = codes.get(coding.code);
    if (!list) {
      list = [];
      codes.set(coding.code, list);
    }
    // shared between callers from now on: nobody may change it
    list.push({ system: coding.system, version: coding.version, display: coding.display, result: Object.freeze(result) });
    this.size++;
  }
}

export class TerminologyService {
  private readonly codeSystems: CodeSystems;
  private readonly valueSets: ValueSetCompiler;
  private readonly remote: Map<string, Promise<CodeResult>> = new Map();
  /** Local answers by value set (or system), code, system, version and display: payloads repeat the same codes. */
  private readonly answers = new AnswerCache();
  private readonly systemProblems = new Map<string, SystemProblem | null>();
  /** Known code system urls by their lower-cased form, built on the first unknown system. */
  private systemsByFoldedUrl: Map<string, string> | undefined;

  constructor(
    private readonly defs: DefinitionSet,
    private readonly options: TerminologyOptions = {},
  ) {
    this.codeSystems = new CodeSystems(defs);
    this.valueSets = new ValueSetCompiler(defs, this.codeSystems);
  }

  validateCode(valueSet: string, coding: Coding): CodeResult | Promise<CodeResult> {
    let local = this.answers.get(valueSet, coding);
    if (!local) {
      local = this.localValidateCode(valueSet, coding);
      this.answers.set(valueSet, coding, local);
    }
    if (local.result === 'unknown' && this.options.txServer) return this.remoteValidate(valueSet, coding, local);
    return local;
  }

  validateCodeableConcept(
    valueSet: string,
    cc: { coding?: { system?: string; version?: string; code?: string; display?: string }[]; text?: string },
  ): CodeResult | Promise<CodeResult> {
    const codings = (cc.coding ?? []).filter((c): c is Coding => !!c && typeof c.code === 'string');
    if (codings.length === 0) return { result: 'unknown', message: 'no coding to check' };
    const results: CodeResult[] = [];
    const pending: Promise<CodeResult>[] = [];
    for (const c of codings) {
      const r = this.validateCode(valueSet, c);
      if (r instanceof Promise) pending.push(r);
      else results.push(r);
    }
    const combine = (all: CodeResult[]): CodeResult => {
      const valid = all.find((r) => r.result === 'valid');
      if (valid) return valid;
      const unknown = all.find((r) => r.result === 'unknown');
      if (unknown) return unknown;
      return { result: 'invalid', message: all.map((r) => r.message).filter(Boolean).join('; ') || undefined };
    };
    if (pending.length === 0 || results.some((r) => r.result === 'valid')) return combine(results);
    return Promise.all(pending).then((p) => combine([...results, ...p]));
  }

  validateCodeInSystem(coding: Coding & { system: string }): CodeResult {
    // a system's own answers sit beside the value sets' under a name no value set url can have
    let r = this.answers.get(SYSTEM_SCOPE, coding);
    if (!r) {
      r = this.codeInSystem(coding);
      this.answers.set(SYSTEM_SCOPE, coding, r);
    }
    return r;
  }

  /**
   * A Coding.system that cannot be a code system: a canonical of another resource type
   * (ValueSet, StructureDefinition…) with no CodeSystem of that url, or the wrong letter case
   * of a known code system's url (canonical urls are compared exactly). undefined otherwise,
   * including for systems that are simply unknown.
   */
  systemProblem(system: string): SystemProblem | undefined {
    let p = this.systemProblems.get(system);
    if (p === undefined) {
      p = this.findSystemProblem(system.split('|')[0]!) ?? null;
      this.systemProblems.set(system, p);
    }
    return p ?? undefined;
  }

  private findSystemProblem(system: string): SystemProblem | undefined {
    if (this.isKnownSystem(system)) return undefined;
    const other = this.defs.entriesFor(system).find((e) => e.resourceType !== 'CodeSystem');
    if (other) return { kind: 'not-code-system', resourceType: other.resourceType };
    if (!this.systemsByFoldedUrl) {
      const m = new Map<string, string>();
      for (const e of this.defs.all('CodeSystem')) if (e.url) m.set(e.url.toLowerCase(), e.url);
      for (const u of [...Object.keys(NOT_OFFLINE), ...GRAMMAR_SYSTEMS]) m.set(u.toLowerCase(), u);
      this.systemsByFoldedUrl = m;
    }
    const known = this.systemsByFoldedUrl.get(system.toLowerCase());
    return known && known !== system ? { kind: 'wrong-case', known } : undefined;
  }

  private isKnownSystem(system: string): boolean {
    return NOT_OFFLINE[system] !== undefined || GRAMMAR_SYSTEMS.includes(system) || this.defs.resolve(system, 'CodeSystem') !== undefined;
  }

  private codeInSystem(coding: Coding & { system: string }): CodeResult {
    const { system, code } = coding;
    const grammar = checkGrammarSystem(system, code);
    if (grammar) return grammar.valid ? { result: 'valid' } : { result: 'invalid', message: grammar.message };
    const cs = this.codeSystems.get(system, coding.version);
    if (!cs) {
      if (NOT_OFFLINE[system]) return { result: 'unknown', systemNotOffline: true, message: `${NOT_OFFLINE[system]} codes are not validated offline` };
      // a value set url used as a system, or an identifier namespace: say so precisely
      return { result: 'unknown', systemUnknown: true, message: `A definition for CodeSystem '${system}' could not be found, so the code cannot be validated` };
    }
    const concept = findConcept(cs, code);
    if (!concept) {
      if (cs.content !== 'complete') {
        // R4 core has stubs (content not-present) of SNOMED CT and others
        if (NOT_OFFLINE[system]) return { result: 'unknown', systemNotOffline: true, message: `${NOT_OFFLINE[system]} codes are not validated offline` };
        return { result: 'unknown', message: `'${code}' is not in the local copy of ${system} (${cs.content})` };
      }
      return { result: 'invalid', message: `Unknown code '${code}' in the code system ${system}${cs.version ? ` version ${cs.version}` : ''}` };
    }
    const r: CodeResult = { result: 'valid' };
    this.checkDisplay(cs.url, code, coding.display, r);
    return r;
  }

  /**
   * The codes of a value set, expanded locally: includes, excludes, imports and filters on the
   * loaded code systems. undefined when it cannot be expanded offline (a system that is not
   * loaded or only partly, such as SNOMED CT or a fragment).
   */
  expand(valueSet: string): ExpansionEntry[] | undefined {
    const compiled = this.valueSets.get(valueSet);
    if (!compiled) return undefined;
    const candidates = this.valueSets.candidates(valueSet);
    if (!candidates) return undefined;
    // the membership test applies the filters and excludes, exactly as validation does
    return [...candidates.values()].filter((c) => compiled.test(c.system, c.code).result === 'valid');
  }

  private localValidateCode(valueSet: string, coding: Coding): CodeResult {
    const vs = this.valueSets.get(valueSet);
    if (!vs) {
      const hint = packageHintFor(valueSet);
      return {
        result: 'unknown',
        message: `The value set ${valueSet} is not loaded, so the code could not be checked against it${hint ? ` (it is usually in ${hint.title}, package ${hint.name})` : ''}`,
      };
    }
    const m: Membership = vs.test(coding.system, coding.code);
    if (m.result === 'valid') {
      if (!coding.display) return VALID;
      const r: CodeResult = { result: 'valid' };
      const system = coding.system ?? m.system;
      if (system) this.checkDisplay(system, coding.code, coding.display, r);
      return r.display ? r : VALID;
    }
    const label = `'${vs.name}' (${vs.url}${vs.version ? '|' + vs.version : ''})`;
    const shown = coding.system ? `${coding.system}#${coding.code}` : `'${coding.code}'`;
    if (m.result === 'unknown') {
      const system = coding.system;
      return {
        result: 'unknown',
        systemNotOffline: system ? NOT_OFFLINE[system] !== undefined : undefined,
        message: `The code ${shown} could not be checked against the value set ${label}: ${m.message ?? 'not decidable offline'}`,
      };
    }
    return { result: 'invalid', message: m.message ? `${m.message} (value set ${label})` : `${shown} is not in the value set ${label}` };
  }

  private checkDisplay(system: string, code: string, display: string | undefined, into: CodeResult): void {
    // a display that is not a string (a number, an object) is the primitive check's error, not a display mismatch
    if (typeof display !== 'string' || !display) return;
    const cs = this.codeSystems.get(system);
    if (!cs) return;
    const c = findConcept(cs, code);
    if (!c) return;
    const expected = [c.display, ...c.designations].filter((x): x is string => typeof x === 'string');
    if (expected.length === 0) return;
    const given = normaliseDisplay(display);
    if (!expected.some((e) => normaliseDisplay(e) === given)) into.display = { expected, given: display };
  }

  private remoteValidate(valueSet: string, coding: Coding, local: CodeResult): Promise<CodeResult> {
    const server = this.options.txServer!.replace(/\/$/, '');
    const params = new URLSearchParams({ url: valueSet, code: coding.code });
    if (coding.system) params.set('system', coding.system);
    if (coding.version) params.set('systemVersion', coding.version);
    if (coding.display) params.set('display', coding.display);
    const url = `${server}/ValueSet/$validate-code?${params.toString()}`;
    const inMemory = this.remote.get(url);
    if (inMemory) return inMemory;
    const key = hash(url);
    const cached = this.options.cache?.readBlob<CodeResult>('tx', key);
    if (cached) {
      const p = Promise.resolve(cached);
      this.remote.set(url, p);
      return p;
    }
    const p = fetchParameters(url, this.options.timeoutMs ?? 10_000).then(
      (params2) => {
        const result = params2.find((p2) => p2.name === 'result')?.valueBoolean;
        const message = params2.find((p2) => p2.name === 'message')?.valueString;
        const display = params2.find((p2) => p2.name === 'display')?.valueString;
        const r: CodeResult =
          result === true
            ? { result: 'valid' }
            : result === false
              ? { result: 'invalid', message: message ?? `${coding.code} is not in ${valueSet} (terminology server ${server})` }
              : { ...local, message: `${local.message ?? ''} (the terminology server gave no result)` };
        if (r.result === 'valid' && coding.display && display && normaliseDisplay(display) !== normaliseDisplay(coding.display)) {
          r.display = { expected: [display], given: coding.display };
        }
        this.options.cache?.writeBlob('tx', key, r);
        return r;
      },
      (e: Error) => ({ ...local, message: `${local.message ?? ''}; the terminology server ${server} could not be reached (${whyUnreachable(e, this.options.timeoutMs ?? 10_000)})` }),
    );
    this.remote.set(url, p);
    return p;
  }
}

/**
 * A connection reset before any answer — typically a pooled keep-alive socket the server closed
 * as it was reused — is tried once more: $validate-code is a GET, and GET is idempotent, so a
 * client may repeat it after a connection failure (RFC 9110 §9.2.2).
 */
async function fetchParameters(url: string, timeoutMs: number): Promise<{ name: string; valueBoolean?: boolean; valueString?: string }[]> {
  try {
    return await fetchParametersOnce(url, timeoutMs);
  } catch (e) {
    if (!isConnectionReset(e)) throw e;
    return fetchParametersOnce(url, timeoutMs);
  }
}

const isConnectionReset = (e: unknown): boolean => {
  const cause = (e as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code === 'ECONNRESET' || cause?.code === 'UND_ERR_SOCKET';
};

async function fetchParametersOnce(url: string, timeoutMs: number): Promise<{ name: string; valueBoolean?: boolean; valueString?: string }[]> {
  const ctrl = new AbortController();
  const t = setTimeout(() => ctrl.abort(), timeoutMs);
  try {
    const res = await fetch(url, { headers: { Accept: 'application/fhir+json' }, signal: ctrl.signal });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    let body: { resourceType?: string; parameter?: { name: string; valueBoolean?: boolean; valueString?: string }[] };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      throw new Error(`its answer is not JSON (Content-Type ${res.headers.get('content-type') ?? 'none'})`);
    }
    if (body.resourceType !== 'Parameters') throw new Error(`expected Parameters, got ${body.resourceType ?? 'something else'}`);
    return body.parameter ?? [];
  } finally {
    clearTimeout(t);
  }
}

/** fetch's errors say "fetch failed" or "This operation was aborted": say what happened. */
function whyUnreachable(e: Error, timeoutMs: number): string {
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  const code = (e.cause as { code?: string } | undefined)?.code;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host not found (DNS)',
    ECONNRESET: 'connection reset',
    UND_ERR_SOCKET: 'the server closed the connection without answering',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    CERT_HAS_EXPIRED: 'its TLS certificate has expired',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate could not be verified',
  };
  if (code) return known[code] ?? code;
  return e.message;
}

function hash(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0;
  for (let i = 0; i < s.length; i++) {
    h1 = Math.imul(h1 ^ s.charCodeAt(i), 16777619);
    h2 = (h2 * 31 + s.charCodeAt(i)) | 0;
  }
  return `${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}${s.length}`;
}
