import { describe, expect, it } from 'vitest';
import { compileRegex, toRe2Syntax, UnsupportedRegex, type SafeRegex } from './regex.js';
import { expectLinearTime } from '../../test/support/timing.js';

const ok = (p: string, opts = {}): SafeRegex => {
  const re = compileRegex(p, opts);
  if (re instanceof UnsupportedRegex) throw re;
  return re;
};

describe('author-supplied regular expressions on a linear-time engine', () => {
  it('catastrophic-backtracking patterns finish at once (JavaScript needs ~12 s for 28 characters, doubling per character)', async () => {
    expect(ok('(a+)+$').find('a'.repeat(5000) + 'b')).toBe(false);
    expect(ok('^(a|aa)+$').matchesWhole('a'.repeat(5000) + 'b')).toBe(false);
    expect(ok('(.*a){12}').find('a'.repeat(3000))).toBe(true);
    // linear in the input: 4 × the characters, at most ~4 × the time (backtracking would never end)
    const [a, b, c] = [ok('(a+)+$'), ok('^(a|aa)+$'), ok('(.*a){12}')];
    await expectLinearTime(
      'hostile patterns',
      (n) => {
        a.find('a'.repeat(n) + 'b');
        b.matchesWhole('a'.repeat(n) + 'b');
        c.find('a'.repeat(n));
      },
      3000,
    );
  });

  it('find, whole-string match, replacement with groups, flags', () => {
    expect(ok('[0-9]{3}').find('ab123')).toBe(true);
    expect(ok('[0-9]{3}').matchesWhole('ab123')).toBe(false);
    expect(ok('[0-9]{3}').matchesWhole('123')).toBe(true);
    expect(ok('(\\d+)-(\\d+)').replaceAll('12-34 5-6', '$2-$1')).toBe('34-12 6-5');
    expect(ok('a.b').find('a\nb')).toBe(false);
    expect(ok('a.b', { dotAll: true }).find('a\nb')).toBe(true);
    expect(ok('abc', { ignoreCase: true }).find('xABC')).toBe(true);
    expect(ok('^b$', { multiline: true }).find('a\nb\nc')).toBe(true);
  });

  it('FHIR dialect spellings RE2 lacks are mapped: \\uXXXX and XML Schema\'s \\i and \\c', () => {
    expect(toRe2Syntax('\\u00e9')).toBe('\\x{00e9}');
    expect(ok('caf\\u00e9').matchesWhole('café')).toBe(true);
    expect(ok('\\i\\c*').matchesWhole('_name-1.x')).toBe(true);
    expect(ok('\\i\\c*').matchesWhole('1name')).toBe(false);
    expect(ok('[\\i]').matchesWhole('é')).toBe(true);
    expect(ok('\\\\i').matchesWhole('\\i')).toBe(true);
  });

  it.each([
    ['(a)\\1', /backreferences/],
    ['a(?=b)', /lookahead and lookbehind/],
    ['a(?!b)', /lookahead and lookbehind/],
    ['a++', /possessive/],
    ['[', /not a valid regular expression/],
  ])('%s cannot be run: a clear reason, not an exception', (p, why) => {
    const re = compileRegex(p);
    expect(re).toBeInstanceOf(UnsupportedRegex);
    expect((re as UnsupportedRegex).message).toMatch(why);
    expect((re as UnsupportedRegex).message).toContain(JSON.stringify(p));
  });
});
