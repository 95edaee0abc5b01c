/**
 * Local code systems: the loaded CodeSystem resources indexed for lookups, plus the few
 * external systems that can be checked without a server (UCUM, BCP-47, BCP-13), and the
 * list of systems that exist but cannot be checked offline (SNOMED CT, LOINC, dm+d...).
 */
import { createRequire } from 'node:module';
import type { DefinitionSet } from '../load/definitions.js';

export interface Concept {
  code: string;
  display?: string;
  designations: string[];
  parents: Set<string>;
  properties: Map<string, unknown[]>;
  inactive?: boolean;
}

export interface CodeSystemIndex {
  url: string;
  version?: string;
  name?: string;
  content: string;
  caseSensitive: boolean;
  concepts: Map<string, Concept>;
  /** lower-cased code → code, for case-insensitive systems */
  folded?: Map<string, string>;
  valueSet?: string;
  hierarchyMeaning?: string;
}

/** Systems that exist but have no local copy: a code in them is "not validated offline". */
export const NOT_OFFLINE: Record<string, string> = {
  'http://snomed.info/sct': 'SNOMED CT',
  'http://loinc.org': 'LOINC',
  'https://dmd.nhs.uk': 'dm+d',
  'http://hl7.org/fhir/sid/icd-10': 'ICD-10',
  'http://hl7.org/fhir/sid/icd-10-cm': 'ICD-10-CM',
  'http://hl7.org/fhir/sid/icd-9-cm': 'ICD-9-CM',
  'http://www.nlm.nih.gov/research/umls/rxnorm': 'RxNorm',
  'urn:iso:std:iso:3166': 'ISO 3166 country codes',
  'urn:iso:std:iso:3166:-2': 'ISO 3166-2 subdivision codes',
  'urn:iso:std:iso:4217': 'ISO 4217 currencies',
  'http://hl7.org/fhir/sid/ndc': 'NDC',
  'http://hl7.org/fhir/sid/cvx': 'CVX',
  'http://www.whocc.no/atc': 'ATC',
  'http://unstats.un.org/unsd/methods/m49/m49.htm': 'UN M49',
  'urn:oid:2.16.840.1.113883.6.238': 'CDC Race and Ethnicity',
  'http://nucc.org/provider-taxonomy': 'NUCC',
  'https://www.usps.com/': 'USPS',
  'http://www.ama-assn.org/go/cpt': 'CPT',
};

export const UCUM = 'http://unitsofmeasure.org';
export const BCP47 = 'urn:ietf:bcp:47';
export const BCP13 = 'urn:ietf:bcp:13';
/** Systems whose codes are checked by their grammar, not looked up in a list. */
export const GRAMMAR_SYSTEMS: readonly string[] = [UCUM, BCP47, BCP13];

// BCP-47: language[-script][-region][-variant][-extension][-privateuse], or private use alone
const BCP47_RE =
  /^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-x(?:-[A-Za-z0-9]{1,8})+)?|x(?:-[A-Za-z0-9]{1,8})+)$/;
// BCP 13 media type: type "/" subtype (RFC 6838 §4.2 restricted names), then parameters
// (RFC 9110 §8.3.1: OWS ";" OWS token "=" ( token / quoted-string )); an unquoted value is
// read up to the next ";" or space, since FHIR itself writes URLs there unquoted
// (signatures.html: application/fhir+xml;canonicalization=http://hl7.org/fhir/canonicalization/xml#document)
const MIME_RE = /^([A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126})\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}(?:[ \t]*;[ \t]*[A-Za-z0-9!#$%&'*+.^_`|~-]+=(?:[^\s;"]+|"(?:[^"\\]|\\.)*"))*$/;
/** The registered top-level media types (RFC 6838 §4.2.1–4.2.7, RFC 8081 font, RFC 9695 haptics). */
const MIME_TOP_LEVEL = new Set(['application', 'audio', 'example', 'font', 'haptics', 'image', 'message', 'model', 'multipart', 'text', 'video']);

function checkMimeType(code: string): { valid: boolean; message?: string } {
  const m = MIME_RE.exec(code);
  if (!m) return { valid: false, message: `'${code}' is not a well-formed MIME type: expected type/subtype with optional ;name=value parameters (e.g. application/pdf or text/plain; charset=utf-8)` };
  const top = m[1]!.toLowerCase();
  if (!MIME_TOP_LEVEL.has(top)) return { valid: false, message: `'${code}' is not a MIME type: '${m[1]}' is not a registered top-level type (${[...MIME_TOP_LEVEL].join(', ')})` };
  return { valid: true };
}

let ucumUtils: { validateUnitString(u: string): { status: string; msg?: string[] } } | undefined;

function ucum(): typeof ucumUtils {
  if (!ucumUtils) {
    const require = createRequire(import.meta.url);
    const lib = require('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): NonNullable<typeof ucumUtils> } };
    ucumUtils = lib.UcumLhcUtils.getInstance();
  }
  return ucumUtils;
}

/** Is the code valid in a system we check by grammar rather than by list? undefined: not such a system. */
export function checkGrammarSystem(system: string, code: string): { valid: boolean; message?: string } | undefined {
  if (system === UCUM) {
    const r = ucum()!.validateUnitString(code);
    return r.status === 'valid' ? { valid: true } : { valid: false, message: `'${code}' is not a valid UCUM unit${r.msg?.length ? `: ${r.msg[0]}` : ''}` };
  }
  if (system === BCP47) return BCP47_RE.test(code) ? { valid: true } : { valid: false, message: `'${code}' is not a well-formed BCP-47 language tag (e.g. en-GB)` };
  if (system === BCP13) return checkMimeType(code);
  return undefined;
}

export class CodeSystems {
  private readonly cache = new Map<string, CodeSystemIndex | null>();
  private byValueSet: Map<string, string> | undefined;

  constructor(private readonly defs: DefinitionSet) {}

  get(url: string, version?: string): CodeSystemIndex | undefined {
    const key = version ? `${url}|${version}` : url;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const entry = this.defs.resolve(key, 'CodeSystem') ?? (version ? this.defs.resolve(url, 'CodeSystem') : undefined);
    let idx: CodeSystemIndex | null = null;
    if (entry) {
      const cs = this.defs.read<Record<string, any>>(entry);
      idx = buildIndex(cs);
      // supplements add designations to their base system
      if (cs.content === 'supplement') idx = null;
    }
    this.cache.set(key, idx);
    return idx ?? undefined;
  }

  /** The code system whose implicit value set is `vsUrl` (CodeSystem.valueSet). */
  systemForValueSet(vsUrl: string): string | undefined {
    if (!this.byValueSet) {
      this.byValueSet = new Map();
      for (const e of this.defs.all('CodeSystem')) {
        if (!e.url) continue;
        const cs = this.defs.read<Record<string, any>>(e);
        if (typeof cs.valueSet === 'string') this.byValueSet.set(cs.valueSet.split('|')[0]!, e.url);
      }
    }
    return this.byValueSet.get(vsUrl.split('|')[0]!);
  }
}

function buildIndex(cs: Record<string, any>): CodeSystemIndex {
  const idx: CodeSystemIndex = {
    url: cs.url,
    version: cs.version,
    name: cs.title ?? cs.name,
    content: cs.content ?? 'complete',
    caseSensitive: cs.caseSensitive !== false,
    concepts: new Map(),
    valueSet: cs.valueSet,
    hierarchyMeaning: cs.hierarchyMeaning,
  };
  const visit = (list: any[] | undefined, parent?: string): void => {
    for (const c of list ?? []) {
      if (!c || typeof c.code !== 'string') continue;
      let concept = idx.concepts.get(c.code);
      if (!concept) {
        concept = { code: c.code, display: c.display, designations: [], parents: new Set(), properties: new Map() };
        idx.concepts.set(c.code, concept);
      }
      if (parent) concept.parents.add(parent);
      for (const d of c.designation ?? []) if (typeof d?.value === 'string') concept.designations.push(d.value);
      for (const p of c.property ?? []) {
        const v = p.valueCode ?? p.valueCoding?.code ?? p.valueString ?? p.valueBoolean ?? p.valueInteger ?? p.valueDateTime ?? p.valueDecimal;
        const list2 = concept.properties.get(p.code) ?? [];
        list2.push(v);
        concept.properties.set(p.code, list2);
        if ((p.code === 'parent' || p.code === 'subsumedBy') && typeof v === 'string') concept.parents.add(v);
        if (p.code === 'status' && (v === 'retired' || v === 'inactive')) concept.inactive = true;
        if (p.code === 'inactive' && v === true) concept.inactive = true;
      }
      visit(c.concept, c.code);
    }
  };
  visit(cs.concept);
  if (!idx.caseSensitive) {
    idx.folded = new Map();
    for (const k of idx.concepts.keys()) idx.folded.set(k.toLowerCase(), k);
  }
  return idx;
}

export function findConcept(cs: CodeSystemIndex, code: string): Concept | undefined {
  const c = cs.concepts.get(code);
  if (c || cs.caseSensitive) return c;
  const k = cs.folded?.get(code.toLowerCase());
  return k ? cs.concepts.get(k) : undefined;
}

/** Is `code` the same as or below `ancestor` in the hierarchy? */
export function isA(cs: CodeSystemIndex, code: string, ancestor: string, strict = false): boolean {
  const start = findConcept(cs, code);
  if (!start) return false;
  if (!strict && start.code === ancestor) return true;
  const seen = new Set<string>();
  const stack = [...start.parents];
  while (stack.length) {
    const p = stack.pop()!;
    if (p === ancestor) return true;
    if (seen.has(p)) continue;
    seen.add(p);
    const c = cs.concepts.get(p);
    if (c) stack.push(...c.parents);
  }
  return false;
}

export function normaliseDisplay(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').trim();
}
