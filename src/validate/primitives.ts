/**
 * Checks of FHIR R4 primitive values: the JSON type of the value, then the lexical
 * grammar and ranges of the datatypes page (https://hl7.org/fhir/R4/datatypes.html),
 * following what the HL7 Java validator enforces where the page leaves room.
 *
 * This runs for every primitive in every payload, so: regexes are compiled once,
 * the common valid path allocates nothing and returns a shared frozen empty array,
 * and the expensive checks (calendar, precision, size) only run when cheap ones pass.
 */
import type { RuleId } from '../model/rules.js';

export interface PrimitiveProblem {
  severity: 'error' | 'warning';
  message: string;
  ruleId: RuleId;
}

export interface CheckPrimitiveOptions {
  /** Source text of a JSON number when JavaScript's rendering differs (e.g. "1.50", "1e2"). */
  raw?: string;
  /** Where the value came from; only changes the wording of messages. Default 'json'. */
  format?: 'json' | 'xml';
}

const NONE: readonly PrimitiveProblem[] = Object.freeze([]);

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
/** R4: "Strings SHALL NOT exceed 1MB (1024*1024 characters) in size". */
const STRING_MAX_CHARS = 1024 * 1024;
/** XML Schema only promises 18 digits of decimal precision; beyond that receivers may round. */
const DECIMAL_MAX_DIGITS = 18;
const SHOWN_CHARS = 60;

// Structure first, ranges second: the loose shapes capture the parts so a message can
// say *which* part is wrong ("month 13", "hour 24") instead of just "does not match".
const INTEGER_RE = /^-?(?:0|[1-9][0-9]*)$/;
const UNSIGNED_RE = /^(?:0|[1-9][0-9]*)$/;
const POSITIVE_RE = /^\+?[1-9][0-9]*$/;
const DECIMAL_RE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const DATE_TIME_SHAPE =
  /^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2})(?:T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?$/;
const TIME_SHAPE = /^([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})?$/;
const SPACE_SEPARATED_DATE_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:/;
const ID_RE = /^[A-Za-z0-9\-.]{1,64}$/;
const ID_CHARS_RE = /^[A-Za-z0-9\-.]+$/;
const OID_RE = /^urn:oid:[0-2](?:\.(?:0|[1-9][0-9]*))+$/;
const UUID_RE = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_ANY_CASE_RE = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WHITESPACE_RE = /\s/;
const BLANK_RE = /^[ \t\r\n]*$/;
const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+.\-]*:/;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_WS_RE = /[ \t\r\n]/g;
// C0 controls other than tab, LF, CR: XML 1.0 cannot carry them, so they break XML round-trips.
const CONTROL_RE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

type Kind =
  | 'boolean'
  | 'number'
  | 'string'
  | 'xhtml'
  | 'system-string';

const STRING_TYPES = new Set([
  'string',
  'markdown',
  'code',
  'id',
  'oid',
  'uuid',
  'uri',
  'url',
  'canonical',
  'base64Binary',
  'instant',
  'date',
  'dateTime',
  'time',
]);
const NUMBER_TYPES = new Set(['integer', 'unsignedInt', 'positiveInt', 'decimal']);

/** Type code → kind, in one lookup (every primitive value of every instance asks). */
const KINDS = new Map<string, Kind>([
  ['boolean', 'boolean'],
  ...[...NUMBER_TYPES].map((t): [string, Kind] => [t, 'number']),
  ...[...STRING_TYPES].map((t): [string, Kind] => [t, 'string']),
  ['xhtml', 'xhtml'],
  ['System.String', 'system-string'],
  ['http://hl7.org/fhirpath/System.String', 'system-string'],
]);

function kindOf(type: string): Kind | undefined {
  return KINDS.get(type);
}

/**
 * Check one primitive value as it appears in the instance (JSON value or XML value attribute, already converted:
 * XML booleans/numbers arrive as JSON booleans/numbers when they were syntactically valid, otherwise as strings).
 * `type` is the FHIR primitive type code or a FHIRPath system type used on `.id`/`Extension.url` ('System.String').
 * Unknown types are not checked. Callers must not pass the `null` placeholders of JSON primitive arrays
 * (`"given": ["a", null]` paired with `_given`): here `null` always means a property set to null.
 */
export function checkPrimitive(
  type: string,
  value: unknown,
  opts?: CheckPrimitiveOptions,
): readonly PrimitiveProblem[] {
  const kind = kindOf(type);
  if (kind === undefined) return NONE;
  const xml = opts?.format === 'xml';

  if (value === null || value === undefined) {
    return one(
      'error',
      'primitive-json-type',
      xml
        ? `${type} value is missing: give the element a value attribute or leave it out`
        : `${type} value is null: null is not allowed; leave the property out`,
    );
  }

  switch (kind) {
    case 'boolean':
      if (typeof value === 'boolean') return NONE;
      if (typeof value === 'string' && xml) {
        return one('error', 'primitive-format', `${show(value)} is not a valid boolean: expected true or false (lowercase)`);
      }
      return jsonTypeProblem(type, value, 'boolean');
    case 'number':
      if (typeof value === 'number') return checkNumber(type, value, opts?.raw);
      if (typeof value === 'string' && xml) return checkNumberText(type, value);
      return jsonTypeProblem(type, value, 'number');
    case 'xhtml':
      // The narrative itself is checked by xhtml.ts; only the JSON shape matters here.
      return typeof value === 'string' ? NONE : jsonTypeProblem(type, value, 'string');
    case 'system-string':
      if (typeof value !== 'string') return jsonTypeProblem(type, value, 'string');
      return isBlank(value) ? emptyProblem(type, value) : NONE;
    case 'string':
      if (typeof value !== 'string') return jsonTypeProblem(type, value, 'string');
      if (isBlank(value)) return emptyProblem(type, value);
      return checkText(type, value);
  }
}

// ---------------------------------------------------------------------------------------
// JSON type and emptiness

function jsonTypeProblem(type: string, value: unknown, want: 'boolean' | 'number' | 'string'): readonly PrimitiveProblem[] {
  const got = jsonTypeName(value);
  let hint: string;
  if (want === 'string') {
    hint =
      typeof value === 'number' || typeof value === 'boolean'
        ? `: put it in quotes, e.g. "${String(value)}"`
        : ': give the value as a string';
  } else if (typeof value === 'string') {
    const bare = value.trim();
    const looksRight = want === 'boolean' ? bare === 'true' || bare === 'false' : DECIMAL_RE.test(bare);
    hint = looksRight
      ? `: write ${bare} without quotes`
      : want === 'boolean'
        ? ': write true or false without quotes'
        : ` (e.g. ${type === 'decimal' ? '1.5' : '5'} without quotes)`;
  } else {
    hint = want === 'boolean' ? ': write true or false' : '';
  }
  const shown = typeof value === 'string' ? ` ${show(value)}` : typeof value === 'object' ? '' : ` ${String(value)}`;
  return one('error', 'primitive-json-type', `${type} value${shown} must be a JSON ${want}, not ${got}${hint}`);
}

function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return `a ${typeof value}`;
}

/** Empty or only XML whitespace (space, tab, CR, LF), as the Java validator counts it. */
function isBlank(s: string): boolean {
  // fast exit: almost every real value starts with a non-space character
  if (s.length > 0 && !isSpace(s.charCodeAt(0))) return false;
  return BLANK_RE.test(s);
}

function emptyProblem(type: string, value: string): readonly PrimitiveProblem[] {
  const what = value.length === 0 ? 'value is empty' : `value ${show(value)} is only whitespace`;
  return one(
    'error',
    'primitive-empty',
    `${type} ${what}: FHIR does not allow empty strings; leave the element out instead`,
  );
}

// ---------------------------------------------------------------------------------------
// Numbers

function checkNumber(type: string, value: number, raw: string | undefined): readonly PrimitiveProblem[] {
  const text = raw ?? String(value);
  if (type === 'decimal') {
    if (!Number.isFinite(value) && raw === undefined) {
      return one('error', 'primitive-format', `${text} is not a valid decimal: expected a finite number (e.g. 1.5)`);
    }
    return decimalPrecision(text);
  }
  // integer, unsignedInt, positiveInt
  if (!Number.isInteger(value)) {
    return one(
      'error',
      'primitive-format',
      `${text} is not a valid ${type}: expected a whole number without a decimal point (e.g. ${example(type)})`,
    );
  }
  if (raw !== undefined && !INTEGER_RE.test(raw)) {
    // 1.0 and 1e2 are whole numbers to JavaScript but not integer syntax to FHIR (or to Java/.NET readers).
    return one(
      'error',
      'primitive-format',
      `${raw} is not a valid ${type}: write it without a decimal point or exponent (e.g. ${String(value)})`,
    );
  }
  return integerRange(type, value, text);
}

function checkNumberText(type: string, text: string): readonly PrimitiveProblem[] {
  if (isBlank(text)) return emptyProblem(type, text);
  if (type === 'decimal') {
    if (!DECIMAL_RE.test(text)) {
      return one(
        'error',
        'primitive-format',
        `${show(text)} is not a valid decimal: expected digits with an optional sign, fraction and exponent (e.g. 1.50 or -2.5e3)`,
      );
    }
    return decimalPrecision(text);
  }
  const re = type === 'positiveInt' ? POSITIVE_RE : type === 'unsignedInt' ? UNSIGNED_RE : INTEGER_RE;
  if (!re.test(text)) {
    const sign = type === 'integer' ? 'an optional minus sign then ' : '';
    return one(
      'error',
      'primitive-format',
      `${show(text)} is not a valid ${type}: expected ${sign}digits without leading zeros, decimal point or exponent (e.g. ${example(type)})`,
    );
  }
  return integerRange(type, Number(text), text);
}

function integerRange(type: string, value: number, text: string): readonly PrimitiveProblem[] {
  const min = type === 'positiveInt' ? 1 : type === 'unsignedInt' ? 0 : INT_MIN;
  // beyond 2^53 `value` is rounded, but the 32-bit bounds are far away so the comparison stays right
  if (value < min || value > INT_MAX) {
    return one(
      'error',
      'primitive-range',
      `${text} is out of range for ${type}: must be between ${min} and ${INT_MAX}`,
    );
  }
  return NONE;
}

function decimalPrecision(text: string): readonly PrimitiveProblem[] {
  const digits = significantDigits(text);
  if (digits <= DECIMAL_MAX_DIGITS) return NONE;
  return one(
    'warning',
    'primitive-precision',
    `decimal ${truncate(text)} has ${digits} significant digits: receivers are only required to keep ${DECIMAL_MAX_DIGITS}, so it may be rounded`,
  );
}

/** Digits of the mantissa without leading zeros; trailing zeros count (1.50 has 3). */
function significantDigits(text: string): number {
  let end = text.length;
  const e = text.search(/[eE]/);
  if (e >= 0) end = e;
  let count = 0;
  let leading = true;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    if (leading && c === 48) continue;
    leading = false;
    count++;
  }
  return count;
}

function example(type: string): string {
  return type === 'positiveInt' ? '1' : type === 'unsignedInt' ? '0' : '42';
}

// ---------------------------------------------------------------------------------------
// String-based types

function checkText(type: string, s: string): readonly PrimitiveProblem[] {
  switch (type) {
    case 'date':
      return checkDateTime(type, s);
    case 'dateTime':
      return checkDateTime(type, s);
    case 'instant':
      return checkDateTime(type, s);
    case 'time':
      return checkTime(s);
    case 'code':
      return checkCode(s);
    case 'id':
      return checkId(s);
    case 'oid':
      return OID_RE.test(s)
        ? NONE
        : one(
            'error',
            'primitive-format',
            `${show(s)} is not a valid oid: expected urn:oid: then dot-separated numbers starting 0, 1 or 2 (e.g. urn:oid:2.16.840.1.113883)`,
          );
    case 'uuid':
      return checkUuid('uuid', s);
    case 'uri':
    case 'url':
    case 'canonical':
      return checkUri(type, s);
    case 'base64Binary':
      return checkBase64(s);
    default:
      // string, markdown
      return checkString(type, s);
  }
}

function checkString(type: string, s: string): readonly PrimitiveProblem[] {
  let problems: PrimitiveProblem[] | undefined;
  if (s.length > STRING_MAX_CHARS) {
    const chars = codePointCount(s);
    if (chars > STRING_MAX_CHARS) {
      (problems ??= []).push({
        severity: 'error',
        ruleId: 'primitive-length',
        message: `${type} value ${show(s)} is ${chars} characters long: FHIR strings must not exceed 1 MiB (${STRING_MAX_CHARS} characters); send large content as an Attachment or Binary`,
      });
    }
  }
  const m = CONTROL_RE.exec(s);
  if (m) {
    const code = m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    (problems ??= []).push({
      severity: 'error',
      ruleId: 'primitive-chars',
      message: `${type} value ${show(s)} contains control character U+${code} at position ${m.index}: only tab, carriage return and line feed are allowed; remove it`,
    });
  }
  if (type === 'string' && hasOuterWhitespace(s)) {
    // The Java validator warns about this too: it is usually a copy/paste or padding bug.
    (problems ??= []).push({
      severity: 'warning',
      ruleId: 'primitive-chars',
      message: `string value ${show(s)} starts or ends with whitespace: trim it (FHIR strings should not have leading or trailing whitespace)`,
    });
  }
  return problems ?? NONE;
}

function hasOuterWhitespace(s: string): boolean {
  return isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(s.length - 1));
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function codePointCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // a high surrogate followed by a low one is one character
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

function checkCode(s: string): readonly PrimitiveProblem[] {
  // Same rule as the Java validator: no leading/trailing whitespace, and inside only single spaces.
  let ok = !WHITESPACE_RE.test(s.charAt(0)) && !WHITESPACE_RE.test(s.charAt(s.length - 1));
  if (ok && WHITESPACE_RE.test(s)) {
    for (let i = 1; i < s.length; i++) {
      const ch = s.charAt(i);
      if (ch === ' ' ? s.charAt(i - 1) === ' ' : WHITESPACE_RE.test(ch)) {
        ok = false;
        break;
      }
    }
  }
  if (ok) return NONE;
  return one(
    'error',
    'primitive-format',
    `${show(s)} is not a valid code: codes must not start or end with whitespace and may only contain single spaces inside (e.g. "final" or "in progress")`,
  );
}

function checkId(s: string): readonly PrimitiveProblem[] {
  if (ID_RE.test(s)) return NONE;
  if (ID_CHARS_RE.test(s)) {
    return one(
      'error',
      'primitive-length',
      `id ${show(s)} is ${s.length} characters long: ids may be at most 64 characters`,
    );
  }
  return one(
    'error',
    'primitive-format',
    `${show(s)} is not a valid id: only letters, digits, '-' and '.' are allowed, 1 to 64 characters (e.g. 5f1c2c59-9d0b-4d2f-a0d1-0c1d2e3f4a5b)`,
  );
}

function checkUuid(type: string, s: string): readonly PrimitiveProblem[] {
  if (UUID_RE.test(s)) return NONE;
  if (UUID_ANY_CASE_RE.test(s)) {
    return one(
      'error',
      'primitive-format',
      `${show(s)} is not a valid ${type}: the hex digits of a urn:uuid must be lowercase (write ${show(s.toLowerCase())})`,
    );
  }
  return one(
    'error',
    'primitive-format',
    `${show(s)} is not a valid ${type}: expected urn:uuid: then lowercase hex in 8-4-4-4-12 groups (e.g. urn:uuid:c757873d-ec9a-4326-a141-556f43239520)`,
  );
}

function checkUri(type: string, s: string): readonly PrimitiveProblem[] {
  if (WHITESPACE_RE.test(s)) {
    return one(
      'error',
      'primitive-format',
      `${show(s)} is not a valid ${type}: URIs must not contain whitespace (percent-encode spaces as %20)`,
    );
  }
  if (type === 'url' && !SCHEME_RE.test(s)) {
    // R4's url grammar does not require a scheme (the HL7 validator accepts it): advise, do not fail
    return one(
      'warning',
      'primitive-format',
      `${show(s)} is not a valid url: expected an absolute URL starting with a scheme (e.g. https://example.org/fhir/Patient/123)`,
    );
  }
  if (type === 'canonical') {
    const bar = s.indexOf('|');
    if (bar >= 0 && (bar === 0 || bar === s.length - 1 || s.indexOf('|', bar + 1) >= 0)) {
      return one(
        'error',
        'primitive-format',
        `${show(s)} is not a valid canonical: expected url or url|version with a single '|' and a version after it (e.g. https://fhir.nhs.uk/StructureDefinition/NHSDigital-Patient|1.0.0)`,
      );
    }
  }
  // The Java validator checks embedded OIDs/UUIDs as well, because they are compared literally.
  // What follows them is not part of the identifier: a fragment (urn:uuid:…#a1, a link into
  // that resource), and a canonical's |version.
  if (s.startsWith('urn:')) s = identifierPart(type, s);
  if (s.startsWith('urn:oid:') && !OID_RE.test(s)) {
    return one(
      'error',
      'primitive-format',
      `${show(s)} is not a valid ${type}: a urn:oid: URI must be followed by dot-separated numbers starting 0, 1 or 2 (e.g. urn:oid:2.16.840.1.113883)`,
    );
  }
  if (s.startsWith('urn:uuid:')) return checkUuid(type, s);
  if (s.startsWith('oid:') || s.startsWith('uuid:')) {
    return one(
      'warning',
      'primitive-format',
      `${show(s)} looks like an identifier URI without the urn: prefix: write urn:${s}`,
    );
  }
  return NONE;
}

/** A urn:uuid:/urn:oid: value without a trailing #fragment (uuid) or |version (canonical). */
function identifierPart(type: string, s: string): string {
  if (type === 'canonical') {
    const bar = s.lastIndexOf('|');
    if (bar > 0) s = s.slice(0, bar);
  }
  if (s.startsWith('urn:uuid:')) {
    const hash = s.indexOf('#');
    if (hash > 0) s = s.slice(0, hash);
  }
  return s;
}

function checkBase64(s: string): readonly PrimitiveProblem[] {
  // R4's regex allows whitespace between groups, and the Java validator only warns about it
  // (RFC 4648 forbids it; R5 turns it into a SHOULD NOT). So: strip it, check the rest, warn.
  let body = s;
  let problems: PrimitiveProblem[] | undefined;
  if (BASE64_WS_RE.test(s)) {
    BASE64_WS_RE.lastIndex = 0;
    body = s.replace(BASE64_WS_RE, '');
    (problems ??= []).push({
      severity: 'warning',
      ruleId: 'primitive-chars',
      message: `base64Binary value ${show(s)} contains whitespace or line breaks: RFC 4648 base64 should be one unbroken string; remove them`,
    });
  }
  BASE64_WS_RE.lastIndex = 0;
  if (!BASE64_RE.test(body)) {
    const urlSafe = /^[A-Za-z0-9\-_]*=*$/.test(body);
    (problems ??= []).push({
      severity: 'error',
      ruleId: 'primitive-format',
      message: urlSafe
        ? `${show(s)} is not valid base64Binary: it uses the URL-safe alphabet ('-' and '_'); use standard base64 with '+' and '/'`
        : `${show(s)} is not valid base64Binary: only A-Z, a-z, 0-9, '+' and '/' are allowed, with '=' padding at the end (e.g. SGVsbG8=)`,
    });
  } else if (body.length % 4 !== 0) {
    (problems ??= []).push({
      severity: 'error',
      ruleId: 'primitive-format',
      message: `${show(s)} is not valid base64Binary: its length (${body.length} characters) must be a multiple of 4; pad the end with '=' (e.g. SGVsbG8=)`,
    });
  }
  return problems ?? NONE;
}

// ---------------------------------------------------------------------------------------
// Dates and times

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const EXPECTED: Record<string, string> = {
  date: 'expected YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2024-02-29)',
  dateTime:
    'expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a time zone (e.g. 2024-02-29 or 2024-02-29T09:30:00Z)',
  instant: 'expected YYYY-MM-DDThh:mm:ss(.sss) with a time zone (e.g. 2024-02-29T09:30:00.000Z)',
};

function dateProblem(type: string, s: string, why: string, ruleId: RuleId = 'primitive-format'): readonly PrimitiveProblem[] {
  return one('error', ruleId, `${show(s)} is not a valid ${type}: ${why}`);
}

function checkDateTime(type: string, s: string): readonly PrimitiveProblem[] {
  const m = DATE_TIME_SHAPE.exec(s);
  if (!m) {
    if (SPACE_SEPARATED_DATE_TIME.test(s) && type !== 'date') {
      return dateProblem(type, s, `separate the date and time with 'T', not a space; ${EXPECTED[type]}`);
    }
    return dateProblem(type, s, EXPECTED[type]!);
  }
  const [, year, month, day, hour, minute, second, , zone] = m;
  const hasTime = hour !== undefined;
  if (type === 'date' && hasTime) {
    return dateProblem(type, s, `a date cannot carry a time; ${EXPECTED.date}`);
  }
  if (type === 'instant' && (day === undefined || !hasTime)) {
    return dateProblem(type, s, `an instant needs a full date and time to the second; ${EXPECTED.instant}`);
  }
  if (hasTime && second === undefined) {
    return dateProblem(type, s, `the time must include seconds (hh:mm:ss); ${EXPECTED[type]}`);
  }
  if (hasTime && zone === undefined) {
    return dateProblem(
      type,
      s,
      `a value with a time must have a time zone: add Z or an offset such as +01:00 (e.g. ${s}Z)`,
    );
  }
  // ranges
  if (year === '0000') return dateProblem(type, s, 'year 0000 does not exist; the first year is 0001', 'primitive-range');
  if (month !== undefined) {
    const mo = Number(month);
    if (mo < 1 || mo > 12) return dateProblem(type, s, `month ${month} does not exist (01 to 12); ${EXPECTED[type]}`, 'primitive-range');
    if (day !== undefined) {
      const d = Number(day);
      const max = daysInMonth(Number(year), mo);
      if (d < 1 || d > max) {
        const leap =
          mo === 2 && d === 29 ? ` (${year} is not a leap year)` : '';
        return dateProblem(type, s, `${MONTH_NAMES[mo - 1]} ${year} has ${max} days, not ${day}${leap}`, 'primitive-range');
      }
    }
  }
  if (hasTime) {
    const problem = timeRanges(type, s, hour!, minute!, second!);
    if (problem) return problem;
    const z = zone!;
    if (z !== 'Z') {
      const zh = Number(z.slice(1, 3));
      const zm = Number(z.slice(4, 6));
      if (zm > 59 || zh > 14 || (zh === 14 && zm !== 0)) {
        return dateProblem(type, s, `time zone offset ${z} is out of range: must be between -14:00 and +14:00`, 'primitive-range');
      }
    }
  }
  return NONE;
}

function timeRanges(type: string, s: string, hour: string, minute: string, second: string): readonly PrimitiveProblem[] | undefined {
  if (hour === '24') {
    return dateProblem(type, s, 'hour 24 is not allowed: hours run from 00 to 23; use 00:00:00 of the next day', 'primitive-range');
  }
  if (Number(hour) > 23) return dateProblem(type, s, `hour ${hour} does not exist: hours run from 00 to 23`, 'primitive-range');
  if (Number(minute) > 59) return dateProblem(type, s, `minute ${minute} does not exist: minutes run from 00 to 59`, 'primitive-range');
  // 60 is allowed, as in the R4 regex, for leap seconds
  if (Number(second) > 60) return dateProblem(type, s, `second ${second} does not exist: seconds run from 00 to 59 (60 for a leap second)`, 'primitive-range');
  return undefined;
}

function checkTime(s: string): readonly PrimitiveProblem[] {
  const expected = 'expected hh:mm:ss with optional fractional seconds and no time zone (e.g. 09:30:00)';
  const m = TIME_SHAPE.exec(s);
  if (!m) return dateProblem('time', s, expected);
  const [, hour, minute, second, , zone] = m;
  if (zone !== undefined) {
    return dateProblem('time', s, `a time of day cannot carry a time zone (${zone}); ${expected}`);
  }
  if (second === undefined) return dateProblem('time', s, `the time must include seconds; ${expected}`);
  return timeRanges('time', s, hour!, minute!, second) ?? NONE;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// ---------------------------------------------------------------------------------------

function one(severity: 'error' | 'warning', ruleId: RuleId, message: string): readonly PrimitiveProblem[] {
  return [{ severity, ruleId, message }];
}

function truncate(s: string): string {
  return s.length > SHOWN_CHARS ? `${s.slice(0, SHOWN_CHARS)}…` : s;
}

/** Quoted and escaped, so control characters and trailing spaces are visible. */
function show(s: string): string {
  return JSON.stringify(truncate(s));
}
