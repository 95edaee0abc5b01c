/**
 * Small, dependency-free readers for the JSON shapes the questionnaire checks look at:
 * choice-typed values (`value[x]`, `answer[x]`), extensions, FHIR dates and base64 sizes.
 */
import { createRequire } from 'node:module';
import { str, type Json } from '../../model/json.js';

export { str, type Json };
export type Path = (string | number)[];

export const EXT = {
  minValue: 'http://hl7.org/fhir/StructureDefinition/minValue',
  maxValue: 'http://hl7.org/fhir/StructureDefinition/maxValue',
  minLength: 'http://hl7.org/fhir/StructureDefinition/minLength',
  regex: 'http://hl7.org/fhir/StructureDefinition/regex',
  entryFormat: 'http://hl7.org/fhir/StructureDefinition/entryFormat',
  maxDecimalPlaces: 'http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces',
  maxSize: 'http://hl7.org/fhir/StructureDefinition/maxSize',
  mimeType: 'http://hl7.org/fhir/StructureDefinition/mimeType',
  minOccurs: 'http://hl7.org/fhir/StructureDefinition/questionnaire-minOccurs',
  maxOccurs: 'http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs',
  unitOption: 'http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption',
  unitValueSet: 'http://hl7.org/fhir/StructureDefinition/questionnaire-unitValueSet',
  referenceResource: 'http://hl7.org/fhir/StructureDefinition/questionnaire-referenceResource',
  optionExclusive: 'http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive',
  minQuantity: 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-minQuantity',
  maxQuantity: 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-maxQuantity',
  enableWhenExpression: 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression',
  // a national extension the Java validator also honours; same meaning, FHIRPath in valueString
  enableWhenFinnish: 'http://phr.kanta.fi/StructureDefinition/fiphr-ext-questionnaire-enablewhen',
} as const;

export const UCUM = 'http://unitsofmeasure.org';

export function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function objs(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** A choice element such as value[x]: the JSON key, the FHIR type and the value. */
export interface Choice {
  key: string;
  type: string;
  value: unknown;
}

const PRIMITIVES = new Set([
  'boolean', 'integer', 'integer64', 'decimal', 'string', 'uri', 'url', 'canonical', 'code', 'id', 'oid', 'uuid',
  'markdown', 'base64Binary', 'date', 'dateTime', 'instant', 'time', 'positiveInt', 'unsignedInt',
]);

/** Reads `<prefix>[x]` (e.g. valueCoding, answerBoolean). A primitive carried only by its `_` sibling still counts. */
export function choiceOf(o: Json, prefix: string): Choice | undefined {
  let fallback: Choice | undefined;
  for (const key of Object.keys(o)) {
    const bare = key.startsWith('_') ? key.slice(1) : key;
    if (!bare.startsWith(prefix) || bare.length === prefix.length) continue;
    const suffix = bare.slice(prefix.length);
    if (!/^[A-Z]/.test(suffix)) continue;
    const lower = suffix[0]!.toLowerCase() + suffix.slice(1);
    const type = PRIMITIVES.has(lower) ? lower : suffix;
    if (key === bare) return { key, type, value: o[key] };
    fallback ??= { key: bare, type, value: o[bare] };
  }
  return fallback;
}

export function extensions(o: Json, url: string): Json[] {
  return objs(o.extension).filter((e) => e.url === url);
}

export function extValue(o: Json, url: string): Choice | undefined {
  const e = extensions(o, url)[0];
  return e ? choiceOf(e, 'value') : undefined;
}

/** A number, or the text of one (the XML reader leaves malformed numbers as text). */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v)) return Number(v);
  return undefined;
}

export function extNumber(o: Json, url: string): number | undefined {
  return toNumber(extValue(o, url)?.value);
}

/** The text form of a primitive as it appeared (numbers come back from the parser as JS numbers). */
export function primitiveText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Digits after the decimal point, as written. */
export function decimalPlaces(text: string): number {
  const dot = text.indexOf('.');
  if (dot < 0) return 0;
  const e = text.search(/[eE]/);
  return (e < 0 ? text.length : e) - dot - 1;
}

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * The first instant a FHIR date/dateTime/instant covers, in ms (values without a zone
 * are read as UTC: only their order against each other matters here). The Java
 * validator compares date limits the same way, by their first instant, so "2022-06-30"
 * is after a maximum of "2022-06".
 */
export function dateStart(s: string): number | undefined {
  const m = DATE_RE.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac, tz] = m;
  let ms = Date.UTC(Number(y), mo ? Number(mo) - 1 : 0, d ? Number(d) : 1, h ? Number(h) : 0, mi ? Number(mi) : 0, sec ? Number(sec) : 0);
  if (Number(y) < 100) ms = new Date(ms).setUTCFullYear(Number(y));
  if (frac) ms += Math.floor(Number(`0.${frac}`) * 1000);
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    ms -= sign * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(4, 6))) * 60_000;
  }
  return ms;
}

/** The last instant a FHIR date/dateTime covers ("2022" ends at the end of 2022). */
export function dateEnd(s: string): number | undefined {
  const m = DATE_RE.exec(s);
  const start = dateStart(s);
  if (!m || start === undefined) return undefined;
  const [, y, mo, d, h, , sec, frac] = m;
  // date-only values carry no zone, so UTC arithmetic is exact for them
  if (!mo) return Date.UTC(Number(y) + 1, 0, 1) - 1;
  if (!d) return Date.UTC(Number(y), Number(mo), 1) - 1;
  if (!h) return start + 86_400_000 - 1;
  if (!sec) return start + 60_000 - 1;
  if (!frac) return start + 999;
  return start;
}

/** Decoded size in bytes of base64 text (whitespace ignored, as MIME decoders do). */
export function base64Size(b64: string): number {
  const s = b64.replace(/\s+/g, '');
  if (s.length === 0) return 0;
  const padding = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  return Math.floor((s.length * 3) / 4) - padding;
}

interface UcumUtils {
  convertUnitTo(from: string, value: number, to: string): { status: string; toVal?: number };
}
let ucumUtils: UcumUtils | null | undefined;

/** `value` in `from` expressed in `to`, or undefined when the units cannot be converted (not commensurable, not UCUM). */
export function convertUcum(value: number, from: string, to: string): number | undefined {
  if (from === to) return value;
  if (ucumUtils === undefined) {
    try {
      const require = createRequire(import.meta.url);
      const lib = require('@lhncbc/ucum-lhc') as { UcumLhcUtils: { getInstance(): UcumUtils } };
      ucumUtils = lib.UcumLhcUtils.getInstance();
    } catch {
      ucumUtils = null;
    }
  }
  if (!ucumUtils) return undefined;
  try {
    const r = ucumUtils.convertUnitTo(from, value, to);
    return r.status === 'succeeded' && typeof r.toVal === 'number' ? r.toVal : undefined;
  } catch {
    return undefined;
  }
}

/** "10 Kg (UCUM#kg)": how a Quantity reads in a message. */
export function showQuantity(q: Json): string {
  const comparator = str(q.comparator) ?? '';
  const value = primitiveText(q.value) ?? '?';
  const unit = str(q.unit);
  const system = str(q.system);
  const code = str(q.code);
  const sys = system === UCUM ? 'UCUM' : system;
  const formal = sys && code ? ` (${sys}#${code})` : sys ? ` (${sys}, no unit code)` : code ? ` (unit code ${code}, no system)` : '';
  return `${comparator}${value}${unit ? ' ' + unit : ''}${formal}`;
}

export function showCoding(c: Json): string {
  const system = str(c.system);
  const code = str(c.code);
  const display = str(c.display);
  const sc = `${system ? system + '#' : ''}${code ?? '(no code)'}`;
  return display ? `${sc} '${display}'` : sc;
}
