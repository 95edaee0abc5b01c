/**
 * A fake CheckContext for testing a check without an engine: it records what is reported, answers
 * only the compiler lookups a test hands it, and fails loudly on anything else the check asks for.
 */
import type { CheckContext, PlanLookup } from '../../src/validate/context.js';

export interface Reported {
  ruleId: string;
  severity: string;
  at: string;
  message: string;
}

const unused = (what: string) => (): never => {
  throw new Error(`the check asked for ${what}, which this test does not expect`);
};

export function fakeCheckContext(lookups: Partial<Pick<PlanLookup, 'plan' | 'typePlan'>> = {}): { ctx: CheckContext; reported: Reported[] } {
  const reported: Reported[] = [];
  const compiler = {
    plan: lookups.plan ?? unused('compiler.plan'),
    typePlan: lookups.typePlan ?? unused('compiler.typePlan'),
    children: unused('compiler.children'),
    failure: unused('compiler.failure'),
    resolveContentReference: unused('compiler.resolveContentReference'),
    faults: unused('compiler.faults'),
    source: unused('compiler.source'),
  } as unknown as PlanLookup;
  const ctx: CheckContext = {
    compiler,
    terminology: undefined,
    options: {},
    report: (_st, loc, severity, _code, ruleId, message) => reported.push({ ruleId, severity, at: loc.toString(), message }),
    validateValue: unused('validateValue'),
    validateComplex: unused('validateComplex'),
    conformsTo: unused('conformsTo'),
    conformsToElement: unused('conformsToElement'),
    resolveReference: unused('resolveReference'),
    holdsResource: unused('holdsResource'),
  };
  return { ctx, reported };
}
