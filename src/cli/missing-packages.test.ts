/**
 * The advice on providing a missing package of the default set is given once per run (the note),
 * not repeated in every issue of every file.
 */
import { describe, expect, it } from 'vitest';
import { howToProvide } from '../load/known-packages.js';
import type { FileResult } from '../report/result.js';
import { shortenMissingPackageAdvice } from './missing-packages.js';

const BARS_PROFILE = 'https://fhir.nhs.uk/StructureDefinition/BARSBundleMessage';
const OTHER = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient';
const issue = (url: string) => ({
  severity: 'warning' as const,
  code: 'not-found' as const,
  message: `Profile ${url} has not been checked because it could not be found. ${howToProvide(url)}`,
  expression: 'Bundle.meta.profile[0]',
  line: 1,
  column: 1,
  ruleId: 'profile-unknown',
  source: null,
});

describe('shortenMissingPackageAdvice', () => {
  it('drops the per-issue advice for packages the run note covers, and keeps it for others', () => {
    const results: FileResult[] = [1, 2].map((n) => ({ file: `${n}.json`, resourceType: 'Bundle', profiles: [], valid: true, issues: [issue(BARS_PROFILE), issue(OTHER)] }));
    shortenMissingPackageAdvice([{ name: 'uk.nhsdigital.bars.r4', version: '1.0.0', reason: 'not cached' }], results);
    for (const r of results) {
      expect(r.issues[0]!.message).toBe(`Profile ${BARS_PROFILE} has not been checked because it could not be found. Its package uk.nhsdigital.bars.r4 is not available (how to provide it: the note at the end of the run).`);
      expect(r.issues[1]!.message).toContain(howToProvide(OTHER));
    }
  });

  it('changes nothing when no package of the default set is missing', () => {
    const results: FileResult[] = [{ file: 'a.json', resourceType: 'Bundle', profiles: [], valid: true, issues: [issue(BARS_PROFILE)] }];
    shortenMissingPackageAdvice([], results);
    expect(results[0]!.issues[0]!.message).toContain(howToProvide(BARS_PROFILE));
  });
});
