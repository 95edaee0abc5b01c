/**
 * Suppression matching: rule ids, FHIRPath-like path patterns and file globs, in bounded time
 * whatever the patterns (a suppression file can arrive with a pull request).
 */
import { describe, expect, it } from 'vitest';
import type { FileResult } from '../report/result.js';
import { applySuppressions, type Suppression } from './suppress.js';
import { expectNoSlowerThan } from '../../test/support/timing.js';

function result(file: string, expression: string): FileResult {
  return {
    file,
    resourceType: 'Patient',
    profiles: [],
    valid: false,
    issues: [{ severity: 'error', code: 'structure', message: 'm', expression, line: 1, column: 1, ruleId: 'unknown-element', source: null }],
  };
}
const suppressed = (file: string, expression: string, s: Omit<Suppression, 'ruleId' | 'justification'>): boolean => {
  const r = result(file, expression);
  applySuppressions([r], [{ ruleId: 'unknown-element', justification: 'j', ...s }], 'suppress.yaml');
  return r.issues[0]!.suppressed !== undefined;
};

describe('suppression matching', () => {
  it.each([
    ['examples/*.json', 'examples/a.json', true],
    ['examples/*.json', '/repo/examples/a.json', true],
    ['examples/*.json', 'examples/sub/a.json', false],
    ['examples/**/*.json', 'examples/sub/deep/a.json', true],
    ['a?.json', 'dir/ab.json', true],
    ['*.xml', 'dir/ab.json', false],
  ])('file glob %s against %s: %s', (glob, file, expected) => {
    expect(suppressed(file, 'Patient.x', { file: glob })).toBe(expected);
  });

  it.each([
    ['Bundle.entry[*].resource', 'Bundle.entry[3].resource', true],
    ['Bundle.entry[*].resource', 'Bundle.entry[3].resource.id', false],
    ['Bundle.**.id', 'Bundle.entry[3].resource.id', true],
    ['Patient.name', 'PatientXname', false],
  ])('path %s against %s: %s', (pattern, expression, expected) => {
    expect(suppressed('a.json', expression, { path: pattern })).toBe(expected);
  });

  it('hostile globs and path patterns finish at once (a hand-written glob regex ran past 60 s)', async () => {
    expect(suppressed('a'.repeat(225), 'Patient.x', { file: '**a**a**a**a**a**a**a**aZ' })).toBe(false);
    expect(suppressed(`${'a'.repeat(14)}/`.repeat(15), 'Patient.x', { file: '*a*a*a*a*a*a*a*a*a*a*a*aZ' })).toBe(false);
    expect(suppressed('a.json', `${'a.'.repeat(60)}b`, { path: '**a**a**a**a**a**a**a**a**a**aZ' })).toBe(false);
    // no dearer than a benign pattern against the same names (backtracking grows exponentially)
    await expectNoSlowerThan(
      'hostile globs',
      () => {
        suppressed('a'.repeat(225), 'Patient.x', { file: '**a**a**a**a**a**a**a**aZ' });
        suppressed(`${'a'.repeat(14)}/`.repeat(15), 'Patient.x', { file: '*a*a*a*a*a*a*a*a*a*a*a*aZ' });
        suppressed('a.json', `${'a.'.repeat(60)}b`, { path: '**a**a**a**a**a**a**a**a**a**aZ' });
      },
      () => {
        suppressed('a'.repeat(225), 'Patient.x', { file: '**Z' });
        suppressed(`${'a'.repeat(14)}/`.repeat(15), 'Patient.x', { file: '*Z' });
        suppressed('a.json', `${'a.'.repeat(60)}b`, { path: '**Z' });
      },
      20,
    );
  });
});
