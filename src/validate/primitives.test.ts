import { describe, expect, it } from 'vitest';
import { checkPrimitive, type PrimitiveProblem } from './primitives.js';

type Opts = { raw?: string; format?: 'json' | 'xml' };

/** [type, value, opts?] that must produce no problem at all. */
const VALID: Array<[string, unknown, Opts?]> = [
  ['boolean', true],
  ['boolean', false],
  ['boolean', true, { format: 'xml' }],
  ['integer', 0],
  ['integer', -5],
  ['integer', 2147483647],
  ['integer', -2147483648],
  ['integer', 0, { raw: '-0' }],
  ['integer', 42, { format: 'xml' }],
  ['integer', '42', { format: 'xml' }], // a converter that left a valid string alone
  ['unsignedInt', 0],
  ['unsignedInt', 2147483647],
  ['positiveInt', 1],
  ['positiveInt', '+7', { format: 'xml' }],
  ['decimal', 1.5],
  ['decimal', 0],
  ['decimal', -0.001],
  ['decimal', 1.5, { raw: '1.50' }],
  ['decimal', 100, { raw: '1e2' }],
  ['decimal', 1.23456789012345678, { raw: '1.23456789012345678' }], // exactly 18 digits
  ['decimal', 0.000123456789012345678, { raw: '0.000123456789012345678' }], // leading zeros do not count
  ['decimal', '1.50', { format: 'xml' }],
  ['decimal', '-2.5E+3', { format: 'xml' }],
  ['string', 'hello'],
  ['string', 'line one\nline two\ttabbed\r\n.'],
  ['string', 'x'.repeat(1024 * 1024)],
  ['string', '😀'.repeat(1024 * 1024)], // 1 Mi characters, 2 Mi UTF-16 units
  ['markdown', '# Title\n\nSome *text*\n'],
  ['code', 'final'],
  ['code', 'in progress'],
  ['code', 'a-b.c_d/e'],
  ['id', 'abc-123.DEF'],
  ['id', 'a'.repeat(64)],
  ['oid', 'urn:oid:2.16.840.1.113883'],
  ['oid', 'urn:oid:1.0.3'],
  ['uuid', 'urn:uuid:c757873d-ec9a-4326-a141-556f43239520'],
  ['uri', 'http://example.org/fhir'],
  ['uri', 'Patient/123'],
  ['uri', 'urn:uuid:c757873d-ec9a-4326-a141-556f43239520'],
  ['uri', 'urn:oid:2.16.840.1.113883'],
  ['uri', '#p1'],
  ['uri', 'urn:uuid:8ce7db7b-9b9b-41ae-b1d7-3f2d1c728a13#AllergyIntolerance-1'], // a fragment is not part of the uuid
  ['canonical', 'urn:uuid:c757873d-ec9a-4326-a141-556f43239520|1.0'],
  ['canonical', 'urn:oid:2.16.840.1.113883|2'],
  ['url', 'https://example.org/a?b=c#d'],
  ['url', 'mailto:someone@example.org'],
  ['canonical', 'https://fhir.nhs.uk/StructureDefinition/NHSDigital-Patient'],
  ['canonical', 'https://fhir.nhs.uk/StructureDefinition/NHSDigital-Patient|1.0.0'],
  ['canonical', '#contained-q'],
  ['base64Binary', 'SGVsbG8='],
  ['base64Binary', 'SGVsbG8h'],
  ['base64Binary', 'SGk='],
  ['base64Binary', 'SA=='],
  ['base64Binary', 'ab+/'],
  ['date', '2024'],
  ['date', '2024-02'],
  ['date', '2024-02-29'], // leap year
  ['date', '2000-02-29'], // divisible by 400
  ['date', '0001-01-01'],
  ['date', '2023-12-31'],
  ['dateTime', '2024'],
  ['dateTime', '2024-02'],
  ['dateTime', '2024-02-29'],
  ['dateTime', '2024-02-29T09:30:00Z'],
  ['dateTime', '2024-02-29T23:59:59.999+01:00'],
  ['dateTime', '2024-02-29T00:00:00-14:00'],
  ['dateTime', '2024-02-29T00:00:00+14:00'],
  ['dateTime', '2016-12-31T23:59:60Z'], // leap second, as the R4 regex allows
  ['instant', '2024-02-29T09:30:00Z'],
  ['instant', '2024-02-29T09:30:00.123456+05:30'],
  ['time', '00:00:00'],
  ['time', '23:59:59'],
  ['time', '09:30:00.5'],
  ['xhtml', '<div xmlns="http://www.w3.org/1999/xhtml">x</div>'],
  ['System.String', 'abc'],
  ['http://hl7.org/fhirpath/System.String', 'http://example.org/ext'],
  ['unknownType', null], // not ours to judge
];

/** [type, value, opts, ruleId, severity, message fragment]. */
const INVALID: Array<[string, unknown, Opts, string, 'error' | 'warning', string]> = [
  // JSON type and null
  ['boolean', 'true', {}, 'primitive-json-type', 'error', 'must be a JSON boolean, not a string: write true without quotes'],
  ['boolean', 1, {}, 'primitive-json-type', 'error', 'must be a JSON boolean, not a number'],
  ['integer', '5', {}, 'primitive-json-type', 'error', 'must be a JSON number, not a string: write 5 without quotes'],
  ['decimal', '1.5', {}, 'primitive-json-type', 'error', 'must be a JSON number, not a string'],
  ['positiveInt', 'abc', {}, 'primitive-json-type', 'error', 'must be a JSON number, not a string'],
  ['unsignedInt', true, {}, 'primitive-json-type', 'error', 'must be a JSON number, not a boolean'],
  ['string', 5, {}, 'primitive-json-type', 'error', 'must be a JSON string, not a number: put it in quotes, e.g. "5"'],
  ['code', true, {}, 'primitive-json-type', 'error', 'must be a JSON string, not a boolean'],
  ['date', 2024, {}, 'primitive-json-type', 'error', 'must be a JSON string, not a number'],
  ['uri', {}, {}, 'primitive-json-type', 'error', 'must be a JSON string, not an object'],
  ['string', ['a'], {}, 'primitive-json-type', 'error', 'must be a JSON string, not an array'],
  ['xhtml', 5, {}, 'primitive-json-type', 'error', 'must be a JSON string'],
  ['System.String', 5, {}, 'primitive-json-type', 'error', 'must be a JSON string'],
  ['string', null, {}, 'primitive-json-type', 'error', 'null is not allowed; leave the property out'],
  ['boolean', null, {}, 'primitive-json-type', 'error', 'null is not allowed'],
  ['integer', undefined, { format: 'xml' }, 'primitive-json-type', 'error', 'give the element a value attribute or leave it out'],
  // empty
  ['string', '', {}, 'primitive-empty', 'error', 'value is empty: FHIR does not allow empty strings; leave the element out instead'],
  ['string', '   ', {}, 'primitive-empty', 'error', 'is only whitespace'],
  ['code', '\n\t', {}, 'primitive-empty', 'error', 'FHIR does not allow empty strings'],
  ['date', '', {}, 'primitive-empty', 'error', 'leave the element out instead'],
  ['uri', '', {}, 'primitive-empty', 'error', 'leave the element out'],
  ['System.String', '', {}, 'primitive-empty', 'error', 'FHIR does not allow empty strings'],
  ['integer', '', { format: 'xml' }, 'primitive-empty', 'error', 'FHIR does not allow empty strings'],
  // boolean in XML
  ['boolean', 'TRUE', { format: 'xml' }, 'primitive-format', 'error', '"TRUE" is not a valid boolean: expected true or false'],
  ['boolean', '1', { format: 'xml' }, 'primitive-format', 'error', 'is not a valid boolean'],
  // integers
  ['integer', 1.5, {}, 'primitive-format', 'error', '1.5 is not a valid integer: expected a whole number'],
  ['integer', 100, { raw: '1e2' }, 'primitive-format', 'error', '1e2 is not a valid integer: write it without a decimal point or exponent (e.g. 100)'],
  ['integer', 1, { raw: '1.0' }, 'primitive-format', 'error', '1.0 is not a valid integer'],
  ['positiveInt', 5, { raw: '5.00' }, 'primitive-format', 'error', 'without a decimal point or exponent'],
  ['integer', 2147483648, {}, 'primitive-range', 'error', '2147483648 is out of range for integer: must be between -2147483648 and 2147483647'],
  ['integer', -2147483649, {}, 'primitive-range', 'error', 'out of range for integer'],
  ['integer', 9007199254740992, { raw: '9007199254740993' }, 'primitive-range', 'error', '9007199254740993 is out of range'],
  ['unsignedInt', -1, {}, 'primitive-range', 'error', '-1 is out of range for unsignedInt: must be between 0 and 2147483647'],
  ['positiveInt', 0, {}, 'primitive-range', 'error', '0 is out of range for positiveInt: must be between 1 and 2147483647'],
  ['positiveInt', 2147483648, {}, 'primitive-range', 'error', 'out of range for positiveInt'],
  ['integer', '007', { format: 'xml' }, 'primitive-format', 'error', '"007" is not a valid integer'],
  ['integer', '1.0', { format: 'xml' }, 'primitive-format', 'error', 'is not a valid integer'],
  ['integer', 'five', { format: 'xml' }, 'primitive-format', 'error', 'is not a valid integer'],
  ['unsignedInt', '-1', { format: 'xml' }, 'primitive-format', 'error', 'is not a valid unsignedInt'],
  ['integer', '2147483648', { format: 'xml' }, 'primitive-range', 'error', 'out of range for integer'],
  // decimals
  ['decimal', '1.', { format: 'xml' }, 'primitive-format', 'error', '"1." is not a valid decimal'],
  ['decimal', '.5', { format: 'xml' }, 'primitive-format', 'error', 'is not a valid decimal'],
  ['decimal', '01.5', { format: 'xml' }, 'primitive-format', 'error', 'is not a valid decimal'],
  ['decimal', '1,5', { format: 'xml' }, 'primitive-format', 'error', 'is not a valid decimal'],
  ['decimal', 1.2345678901234567, { raw: '1.2345678901234567890' }, 'primitive-precision', 'warning', 'has 20 significant digits'],
  ['decimal', '12345678901234567890', { format: 'xml' }, 'primitive-precision', 'warning', 'has 20 significant digits'],
  // strings
  ['string', 'x'.repeat(1024 * 1024 + 1), {}, 'primitive-length', 'error', 'must not exceed 1 MiB'],
  ['markdown', 'x'.repeat(1024 * 1024 + 1), {}, 'primitive-length', 'error', 'must not exceed 1 MiB'],
  ['string', 'bell\u0007', {}, 'primitive-chars', 'error', 'contains control character U+0007 at position 4'],
  ['markdown', 'a\u0000b', {}, 'primitive-chars', 'error', 'control character U+0000'],
  ['string', ' padded', {}, 'primitive-chars', 'warning', 'starts or ends with whitespace'],
  ['string', 'padded\n', {}, 'primitive-chars', 'warning', 'starts or ends with whitespace'],
  // code
  ['code', ' final', {}, 'primitive-format', 'error', 'is not a valid code'],
  ['code', 'final ', {}, 'primitive-format', 'error', 'is not a valid code'],
  ['code', 'in  progress', {}, 'primitive-format', 'error', 'only contain single spaces'],
  ['code', 'in\tprogress', {}, 'primitive-format', 'error', 'is not a valid code'],
  ['code', 'in\nprogress', {}, 'primitive-format', 'error', 'is not a valid code'],
  // id
  ['id', 'a_b', {}, 'primitive-format', 'error', '"a_b" is not a valid id'],
  ['id', 'a b', {}, 'primitive-format', 'error', 'is not a valid id'],
  ['id', 'a'.repeat(65), {}, 'primitive-length', 'error', 'is 65 characters long: ids may be at most 64'],
  // oid / uuid
  ['oid', '2.16.840', {}, 'primitive-format', 'error', 'is not a valid oid'],
  ['oid', 'urn:oid:3.1', {}, 'primitive-format', 'error', 'is not a valid oid'],
  ['oid', 'urn:oid:1.02', {}, 'primitive-format', 'error', 'is not a valid oid'],
  ['oid', 'urn:oid:1', {}, 'primitive-format', 'error', 'is not a valid oid'],
  ['uuid', 'urn:uuid:C757873D-EC9A-4326-A141-556F43239520', {}, 'primitive-format', 'error', 'must be lowercase (write "urn:uuid:c757873d-ec9a-4326-a141-556f43239520")'],
  ['uuid', 'c757873d-ec9a-4326-a141-556f43239520', {}, 'primitive-format', 'error', 'expected urn:uuid:'],
  ['uuid', 'urn:uuid:c757873d-ec9a-4326-a141', {}, 'primitive-format', 'error', 'is not a valid uuid'],
  // uri family
  ['uri', 'http://example.org/a b', {}, 'primitive-format', 'error', 'must not contain whitespace'],
  ['url', 'example.org/fhir', {}, 'primitive-format', 'warning', 'expected an absolute URL'],
  ['url', '/Patient/1', {}, 'primitive-format', 'warning', 'is not a valid url'],
  ['canonical', 'http://x.org/sd|1|2', {}, 'primitive-format', 'error', 'is not a valid canonical'],
  ['canonical', 'http://x.org/sd|', {}, 'primitive-format', 'error', 'is not a valid canonical'],
  ['canonical', '|1.0', {}, 'primitive-format', 'error', 'is not a valid canonical'],
  ['uri', 'urn:uuid:C757873D-EC9A-4326-A141-556F43239520', {}, 'primitive-format', 'error', 'must be lowercase'],
  ['uri', 'urn:oid:1.2.abc', {}, 'primitive-format', 'error', 'a urn:oid: URI must be followed by'],
  ['uri', 'urn:uuid:not-a-uuid#frag', {}, 'primitive-format', 'error', '"urn:uuid:not-a-uuid" is not a valid uri'],
  ['uri', 'oid:1.2.3', {}, 'primitive-format', 'warning', 'write urn:oid:1.2.3'],
  // base64
  ['base64Binary', 'SGVsbG8', {}, 'primitive-format', 'error', 'must be a multiple of 4'],
  ['base64Binary', 'SGVsbG8==', {}, 'primitive-format', 'error', 'must be a multiple of 4'],
  ['base64Binary', 'SG=sbG8=', {}, 'primitive-format', 'error', "'=' padding at the end"],
  ['base64Binary', 'SGVsbG8===', {}, 'primitive-format', 'error', 'is not valid base64Binary'],
  ['base64Binary', 'ab-_', {}, 'primitive-format', 'error', 'URL-safe alphabet'],
  ['base64Binary', 'SGVs!G8=', {}, 'primitive-format', 'error', 'only A-Z, a-z, 0-9'],
  ['base64Binary', 'SGVs\nbG8=', {}, 'primitive-chars', 'warning', 'contains whitespace or line breaks'],
  // date
  ['date', '2023-13-01', {}, 'primitive-range', 'error', 'month 13 does not exist'],
  ['date', '2023-00', {}, 'primitive-range', 'error', 'month 00 does not exist'],
  ['date', '2023-02-29', {}, 'primitive-range', 'error', 'February 2023 has 28 days, not 29 (2023 is not a leap year)'],
  ['date', '1900-02-29', {}, 'primitive-range', 'error', '1900 is not a leap year'],
  ['date', '2024-04-31', {}, 'primitive-range', 'error', 'April 2024 has 30 days, not 31'],
  ['date', '2024-01-00', {}, 'primitive-range', 'error', 'has 31 days, not 00'],
  ['date', '0000', {}, 'primitive-range', 'error', 'year 0000 does not exist'],
  ['date', '2024-1-5', {}, 'primitive-format', 'error', '"2024-1-5" is not a valid date: expected YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2024-02-29)'],
  ['date', '24-01-05', {}, 'primitive-format', 'error', 'is not a valid date'],
  ['date', '05/01/2024', {}, 'primitive-format', 'error', 'is not a valid date'],
  ['date', '2024-02-29T10:00:00Z', {}, 'primitive-format', 'error', 'a date cannot carry a time'],
  // dateTime
  ['dateTime', '2024-02-29T10:00:00', {}, 'primitive-format', 'error', 'a value with a time must have a time zone: add Z or an offset such as +01:00 (e.g. 2024-02-29T10:00:00Z)'],
  ['dateTime', '2024-02-29T10:00Z', {}, 'primitive-format', 'error', 'the time must include seconds'],
  ['dateTime', '2024-02-29T10Z', {}, 'primitive-format', 'error', 'is not a valid dateTime'],
  ['dateTime', '2024-02-29 10:00:00Z', {}, 'primitive-format', 'error', "separate the date and time with 'T'"],
  ['dateTime', '2024-02-29t10:00:00z', {}, 'primitive-format', 'error', 'is not a valid dateTime'],
  ['dateTime', '2024-02-29T24:00:00Z', {}, 'primitive-range', 'error', 'hour 24 is not allowed'],
  ['dateTime', '2024-02-29T25:00:00Z', {}, 'primitive-range', 'error', 'hour 25 does not exist'],
  ['dateTime', '2024-02-29T10:60:00Z', {}, 'primitive-range', 'error', 'minute 60 does not exist'],
  ['dateTime', '2024-02-29T10:00:61Z', {}, 'primitive-range', 'error', 'second 61 does not exist'],
  ['dateTime', '2024-02-29T10:00:00+15:00', {}, 'primitive-range', 'error', 'time zone offset +15:00 is out of range'],
  ['dateTime', '2024-02-29T10:00:00+14:30', {}, 'primitive-range', 'error', 'must be between -14:00 and +14:00'],
  ['dateTime', '2024-02-29T10:00:00+01:60', {}, 'primitive-range', 'error', 'time zone offset'],
  ['dateTime', '2024-02-29T10:00:00+0100', {}, 'primitive-format', 'error', 'is not a valid dateTime'],
  ['dateTime', '2023-02-29T10:00:00Z', {}, 'primitive-range', 'error', 'not a leap year'],
  ['dateTime', '2024-02-29T10:00:00.Z', {}, 'primitive-format', 'error', 'is not a valid dateTime'],
  // instant
  ['instant', '2024-02-29', {}, 'primitive-format', 'error', 'an instant needs a full date and time to the second'],
  ['instant', '2024-02', {}, 'primitive-format', 'error', 'an instant needs a full date and time'],
  ['instant', '2024-02-29T10:00:00', {}, 'primitive-format', 'error', 'must have a time zone'],
  ['instant', '2024-02-29T10:00Z', {}, 'primitive-format', 'error', 'must include seconds'],
  ['instant', '2024-02-29T24:00:00Z', {}, 'primitive-range', 'error', 'hour 24'],
  // time
  ['time', '24:00:00', {}, 'primitive-range', 'error', 'hour 24 is not allowed: hours run from 00 to 23'],
  ['time', '10:61:00', {}, 'primitive-range', 'error', 'minute 61 does not exist'],
  ['time', '10:00', {}, 'primitive-format', 'error', 'the time must include seconds'],
  ['time', '10:00:00Z', {}, 'primitive-format', 'error', 'a time of day cannot carry a time zone'],
  ['time', '9:00:00', {}, 'primitive-format', 'error', 'is not a valid time'],
];

function problemsOf(type: string, value: unknown, opts?: Opts): readonly PrimitiveProblem[] {
  return checkPrimitive(type, value, opts);
}

describe('checkPrimitive: valid values', () => {
  it.each(VALID.map(([t, v, o]) => [t, typeof v === 'string' && v.length > 80 ? `${v.slice(0, 20)}…(${v.length})` : v, o, v] as const))(
    '%s %j is valid',
    (type, _shown, opts, value) => {
      expect(problemsOf(type, value, opts)).toEqual([]);
    },
  );

  it('returns one shared frozen empty array when valid', () => {
    const a = checkPrimitive('string', 'a');
    const b = checkPrimitive('date', '2024-01-01');
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
  });
});

describe('checkPrimitive: invalid values', () => {
  it.each(
    INVALID.map(([t, v, o, r, s, m]) => [t, typeof v === 'string' && v.length > 80 ? `${v.slice(0, 20)}…(${v.length})` : v, o, r, s, m, v] as const),
  )('%s %j → %s', (type, _shown, opts, ruleId, severity, fragment, value) => {
    const problems = problemsOf(type, value, opts);
    const match = problems.find((p) => p.ruleId === ruleId);
    expect(match, JSON.stringify(problems)).toBeDefined();
    expect(match!.severity).toBe(severity);
    expect(match!.message).toContain(fragment);
  });
});

describe('checkPrimitive: messages', () => {
  it('uses the documented form for an impossible date', () => {
    expect(checkPrimitive('date', '2023-13-01')[0]!.message).toBe(
      '"2023-13-01" is not a valid date: month 13 does not exist (01 to 12); expected YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2024-02-29)',
    );
  });

  it('truncates long values to about 60 characters', () => {
    const [p] = checkPrimitive('code', `${'x'.repeat(100)} `);
    expect(p!.message).toContain(`"${'x'.repeat(60)}…"`);
    expect(p!.message).not.toContain('x'.repeat(61));
  });

  it('shows control characters escaped, not raw', () => {
    const [p] = checkPrimitive('string', 'a\u0001b');
    expect(p!.message).toContain('"a\\u0001b"');
  });

  it('says where a missing value came from (XML has no null)', () => {
    expect(checkPrimitive('string', null, { format: 'xml' })[0]!.message).not.toContain('null');
    expect(checkPrimitive('string', null, { format: 'json' })[0]!.message).toContain('null');
  });

  it('reports the raw JSON text of a rounded big integer, not the JavaScript rendering', () => {
    const [p] = checkPrimitive('integer', 12345678901234567000, { raw: '12345678901234567891' });
    expect(p!.message).toContain('12345678901234567891');
  });

  it('reports one problem per value for a non-string type mismatch', () => {
    expect(checkPrimitive('integer', '5')).toHaveLength(1);
  });

  it('reports both a control character and an over-long string together', () => {
    const rules = checkPrimitive('string', `\u0002${'x'.repeat(1024 * 1024)}`).map((p) => p.ruleId);
    expect(rules).toEqual(expect.arrayContaining(['primitive-length', 'primitive-chars']));
  });

  it('does not warn about surrounding whitespace in markdown (trailing newlines are normal)', () => {
    expect(checkPrimitive('markdown', 'text\n')).toEqual([]);
  });
});

// a budget, so a benchmark: npm run bench:unit (on a shared test machine it says nothing)
describe.runIf(process.env.BARS_BENCH === '1')('checkPrimitive: speed (benchmark)', () => {
  it('checks 100k mixed values quickly', () => {
    const cases: Array<[string, unknown]> = [
      ['string', 'Mr John Smith'],
      ['dateTime', '2024-02-29T09:30:00+00:00'],
      ['code', 'final'],
      ['uri', 'https://fhir.nhs.uk/Id/nhs-number'],
      ['boolean', true],
      ['integer', 3],
      ['id', 'abc-123'],
    ];
    const start = performance.now();
    for (let i = 0; i < 100_000; i++) {
      const [t, v] = cases[i % cases.length]!;
      checkPrimitive(t, v);
    }
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
