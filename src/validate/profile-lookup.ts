/**
 * The profiles an instance names (meta.profile, --profile, ImplementationGuide.global): the
 * plan to apply, or an issue saying why none can be (not found, a near-miss URL, a failed
 * snapshot, a profile of another type, another version loaded).
 */
import type { StructurePlan } from '../compile/plan.js';
import { splitCanonical, type DefinitionSet } from '../load/definitions.js';
import { howToProvide } from '../load/known-packages.js';
import { editDistance } from '../model/text.js';
import { isRuleId } from '../model/rules.js';
import type { CheckContext, RunState } from './context.js';
import type { Loc } from './walk-path.js';

/**
 * meta.profile naming `url|version` where only another version of the profile is loaded: the
 * loaded one is used (the embedded set carries one version of each), and the run says which.
 */
function otherVersionPlan(ctx: CheckContext, defs: DefinitionSet, st: RunState, canonical: string, loc: Loc): StructurePlan | undefined {
  const { url, version } = splitCanonical(canonical);
  if (!version) return undefined;
  const entry = defs.resolve(url, 'StructureDefinition');
  const plan = entry && ctx.compiler.plan(url);
  if (!entry || !plan) return undefined;
  if (!st.substituted.has(canonical)) {
    st.substituted.add(canonical);
    ctx.report(
      st,
      loc,
      'information',
      'informational',
      'profile-version-substituted',
      `Profile ${canonical} names version ${version}, which is not loaded: checked against version ${entry.version ?? '(none stated)'} from ${entry.source.info.name}#${entry.source.info.version}`,
    );
  }
  return plan;
}

/** The plan of a profile named by meta.profile / --profile, reporting why when it cannot be used. */
export function profilePlan(ctx: CheckContext, defs: DefinitionSet, st: RunState, url: string, rt: string, loc: Loc): StructurePlan | undefined {
  const plan = ctx.compiler.plan(url) ?? otherVersionPlan(ctx, defs, st, url, loc);
  if (!plan) {
    const failure = ctx.compiler.failure(url);
    if (failure) {
      ctx.report(st, loc, 'error', 'processing', 'profile-snapshot-failed', `Profile ${url} could not be used: ${failure}`);
    } else {
      ctx.report(
        st,
        loc,
        'warning',
        'not-found',
        'profile-unknown',
        `Profile ${url} has not been checked because it could not be found. ${nearProfile(url, defs) ?? howToProvide(url)}`,
      );
    }
    return undefined;
  }
  if (plan.type !== rt && !(plan.type === 'Resource' || plan.type === 'DomainResource')) {
    ctx.report(
      st,
      loc,
      'error',
      'invalid',
      'profile-wrong-type',
      `Profile ${url} is for ${plan.type} resources, but this resource is a ${rt}`,
      { plan },
    );
    return undefined;
  }
  reportFaults(ctx, st, url, plan, loc);
  return plan;
}

/**
 * A profile whose differential is faulty (an element its base lacks, a changed fixed value…) is
 * used as far as it can be built, and each fault is said where the profile is named, with the
 * differential element. A warning, not an error: the fault is the profile's, not the instance's
 * (the HL7 Java validator accepts such instances), and it is an error where the profile itself is
 * validated.
 */
function reportFaults(ctx: CheckContext, st: RunState, url: string, plan: StructurePlan, loc: Loc): void {
  for (const f of ctx.compiler.faults(url)) {
    if (f.severity !== 'error' || !f.ruleId || !isRuleId(f.ruleId)) continue;
    const where = f.diffIndex !== undefined && f.diffIndex >= 0 ? ` (its differential.element[${f.diffIndex}])` : '';
    ctx.report(st, loc, 'warning', 'processing', f.ruleId, `Profile ${url} is faulty${where}: ${f.message}. Fix the profile; until then instances are checked against the rest of it`, { plan });
  }
}

/** A loaded profile whose URL is a near miss of `url` (a typo or a case slip): "did you mean …". */
function nearProfile(url: string, defs: DefinitionSet): string | undefined {
  const lower = url.toLowerCase();
  let best: string | undefined;
  let bestD = 4;
  for (const e of defs.all('StructureDefinition')) {
    if (!e.url || e.derivation !== 'constraint') continue;
    const d = editDistance(lower, e.url.toLowerCase(), bestD);
    if (d < bestD) {
      bestD = d;
      best = e.url;
    }
  }
  return best ? `Did you mean ${best} (loaded)? Profile URLs must match exactly.` : undefined;
}
