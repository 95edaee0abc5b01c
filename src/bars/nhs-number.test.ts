import { describe, expect, it } from 'vitest';
import { nhsNumberProblem } from './nhs-number.js';

describe('NHS number Modulus 11', () => {
  it.each(['9434765919', '9000000009', '9449306060', '3478526981'])('accepts %s', (n) => expect(nhsNumberProblem(n)).toBeUndefined());
  it('names the expected check digit', () => expect(nhsNumberProblem('9434765918')).toMatch(/should be 9, not 8/));
  it('rejects a number no check digit can fix (remainder 1 → 10)', () => expect(nhsNumberProblem('1000000010')).toMatch(/no check digit/));
  it('says how to fix spaces and dashes', () => expect(nhsNumberProblem('943 476 5919')).toMatch(/10 digits only \(9434765919\)/));
  it('rejects other lengths and letters', () => {
    expect(nhsNumberProblem('943476591')).toMatch(/not 10 digits/);
    expect(nhsNumberProblem('94347659AB')).toMatch(/not 10 digits/);
  });
});
