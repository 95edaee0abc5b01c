/**
 * One root cause, one issue: where an issue already names the cause, the issues that only
 * repeat it (an unknown code system next to the rule naming the misspelt URL, a binding miss on
 * a Reference.type the reference rule already reported) are filed under it as `related`. The
 * run drops them from the list and the counts; the JSON report keeps them on the main issue.
 */
import type { ValidationIssue } from '../model/issue.js';
import { arr, rec, str, USE_CASE_SYSTEM, type IssueSink, type Json } from './message.js';

interface EchoRule {
  /** Is this issue one that names a root cause? */
  main(i: ValidationIssue): boolean;
  /** Does `e` only repeat what `main` says? */
  echoes(main: ValidationIssue, e: ValidationIssue): boolean;
}

const under = (e: ValidationIssue, expression: string): boolean => e.expression === expression || (e.expression?.startsWith(`${expression}.`) ?? false);

const ECHO_RULES: EchoRule[] = [
  // BARS-CORE-14 on a coding's system (misspelt, a ValueSet URL, another system): the code system is unknown because of it
  {
    main: (i) => i.ruleId === 'BARS-CORE-14' && (i.expression?.endsWith('.system') ?? false),
    echoes: (m, e) => e.ruleId === 'code-system-unknown' && under(e, m.expression!.slice(0, -'.system'.length)),
  },
  // Reference.type naming another type than the target (often a mis-cased type): the value set of resource types misses it too
  {
    main: (i) => i.ruleId === 'reference-type-mismatch',
    echoes: (m, e) => e.ruleId.startsWith('binding-') && e.expression === `${m.expression}.type`,
  },
  // an endpoint that is not 'system|value': its uri format error says less than BARS-CORE-04
  {
    main: (i) => i.ruleId === 'BARS-CORE-04' && (i.expression?.endsWith('.endpoint') ?? false),
    echoes: (m, e) => e.ruleId === 'primitive-format' && e.expression === m.expression,
  },
  // a reason outside message-reason-bars: a cancellation's "must be 'update'" says it again
  {
    main: (i) => i.ruleId === 'BARS-CORE-07',
    echoes: (m, e) => e.ruleId === 'BARS-CORE-12' && e.expression === m.expression,
  },
  // no BaRS use case on the ServiceRequest: the guide row for the use-case coding says it again
  {
    main: (i) => i.ruleId === 'BARS-CORE-10',
    echoes: (m, e) => e.ruleId.startsWith('bars-necessity-') && under(e, m.expression!) && e.message.includes(USE_CASE_SYSTEM),
  },
  // a resource put straight into Bundle.entry: every member of it is "unknown in entry", bdl-5 fails,
  // and a MessageDefinition count of its type falls short
  {
    main: (i) => i.ruleId === 'bars-entry-unwrapped',
    echoes: (m, e) =>
      // only what the missing wrapper causes: the entry's members read as unknown, bdl-5; a wrong fullUrl stays its own issue
      ((e.ruleId === 'unknown-element' || e.ruleId.startsWith('invariant:bdl-')) && under(e, m.expression!)) ||
      (e.ruleId === 'bars-md-focus-min' && e.message.includes(` ${unwrappedType(m)} resource`)),
  },
];

const unwrappedType = (i: ValidationIssue): string | undefined => /is a (\w+) itself/.exec(i.message)?.[1];

/** File the echoes among `issues` under the issue naming their cause (sets `related` on it). */
export function fileEchoes(issues: readonly ValidationIssue[]): void {
  const filed = new Set<ValidationIssue>();
  for (const rule of ECHO_RULES) {
    for (const main of issues) {
      if (filed.has(main) || !rule.main(main)) continue;
      const echoes = issues.filter((e) => e !== main && !filed.has(e) && e.related === undefined && rule.echoes(main, e));
      if (echoes.length === 0) continue;
      for (const e of echoes) filed.add(e);
      main.related = [...(main.related ?? []), ...echoes];
    }
  }
}

/**
 * A Bundle entry that is a resource itself (`{"fullUrl", "resourceType": …}`) instead of carrying it
 * in `entry.resource`: one error saying so (its echoes, filed by fileEchoes, are the generic ones).
 */
export function checkUnwrappedEntries(bundle: Json, sink: IssueSink): void {
  arr(bundle.entry).forEach((e, i) => {
    const entry = rec(e);
    const type = str(entry?.resourceType);
    if (!entry || !type || entry.resource !== undefined) return;
    sink.add(['entry', i], 'error', 'structure', 'bars-entry-unwrapped', `Bundle.entry[${i}] is a ${type} itself: a Bundle entry carries its resource in entry.resource ({"fullUrl": …, "resource": {"resourceType": "${type}", …}}). Move the resource's members into "resource"`);
  });
}
