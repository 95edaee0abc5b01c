/**
 * The rule catalog (src/model/rules.ts) is complete and current: every rule id the source reports
 * is in it, every id in it is reported somewhere, the BaRS part is what rules/*.json say, and
 * docs/rules.md carries the catalog table as `npm run docs:rules` writes it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { INVARIANT_RULE, ruleCatalog, ruleInfo, ruleUrl } from '../src/model/rules.js';
import { DOC_END, DOC_START, GENERATED_TS, renderBarsRulesModule, renderRulesSection } from '../scripts/rules-catalog.js';

const ROOT = resolve(import.meta.dirname, '..');

function sources(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (n.endsWith('.ts') && !n.endsWith('.test.ts') && !n.endsWith('.generated.ts')) out.push(p);
  }
  return out;
}

const SEVERITIES = new Set(['fatal', 'error', 'warning', 'information']);
/** OperationOutcome issue types: they sit next to rule ids in the same calls and are not rule ids. */
const ISSUE_TYPES = new Set(['invalid', 'structure', 'required', 'value', 'invariant', 'security', 'login', 'unknown', 'expired', 'forbidden', 'suppressed', 'processing', 'not-supported', 'duplicate', 'multiple-matches', 'not-found', 'deleted', 'too-long', 'code-invalid', 'extension', 'business-rule', 'conflict', 'transient', 'lock-error', 'no-store', 'exception', 'timeout', 'incomplete', 'throttled', 'informational']);
const ID_SHAPE = /^(?:[a-z][a-z0-9]*(?:-[a-z0-9]+)+|BARS-[A-Z]+-\d{2})$/;
/** The functions that take a rule id (reporters and the helpers that build issues), and the members that hold one (and a registered rule's `id`). */
const REPORTERS = /^(?:report|add|one|fatal|fail|failed|failedResult|issue|dateProblem|ruleIssues)$/;
const HOLDERS = new Set(['ruleId', 'rule']);

interface Found {
  id: string;
  at: string;
}

/**
 * Rule ids written in the source where an issue is made: string literals passed to a reporter,
 * or given to a `ruleId`/`rule` member or parameter (a default counts), through `a ? 'x' : 'y'`.
 * Load diagnostics carry theirs as `code` (an id, unlike OperationOutcome issue types).
 */
function reportedIds(): Found[] {
  const found: Found[] = [];
  for (const file of sources(join(ROOT, 'src'))) {
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const at = (n: ts.Node): string => `${relative(ROOT, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const take = (e: ts.Node | undefined): void => {
      if (!e) return;
      if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) {
        if (ID_SHAPE.test(e.text) && !SEVERITIES.has(e.text) && !ISSUE_TYPES.has(e.text)) found.push({ id: e.text, at: at(e) });
      } else if (ts.isConditionalExpression(e)) {
        take(e.whenTrue);
        take(e.whenFalse);
      } else if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) take(e.expression);
    };
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n)) {
        const callee = n.expression;
        const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
        // a reporter takes the id with a severity or message (a one-argument add is a Set's)
        if (REPORTERS.test(name) && n.arguments.length >= 2) n.arguments.forEach((a) => take(a));
      }
      if ((ts.isPropertyAssignment(n) || ts.isParameter(n) || ts.isPropertyDeclaration(n) || ts.isVariableDeclaration(n)) && n.name && ts.isIdentifier(n.name)) {
        if (HOLDERS.has(n.name.text)) take(n.initializer);
        // a registered rule: { id, check(…) }
        if (n.name.text === 'id' && ts.isPropertyAssignment(n) && ts.isObjectLiteralExpression(n.parent) && n.parent.properties.some((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'check')) take(n.initializer);
        // a diagnostic's code next to a message is a load rule id
        if (n.name.text === 'code' && ts.isPropertyAssignment(n) && ts.isObjectLiteralExpression(n.parent) && n.parent.properties.some((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'message') && !n.parent.properties.some((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'ruleId')) {
          take(n.initializer);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return found;
}

describe('rule catalog', () => {
  const found = reportedIds();
  const catalog = ruleCatalog();

  it('every rule id the source reports is in the catalog', () => {
    expect(found.length).toBeGreaterThan(200);
    const unknown = found.filter((f) => !ruleInfo(f.id)).map((f) => `${f.id} (${f.at})`);
    expect(unknown).toEqual([]);
  });

  it('every catalog id is reported somewhere in the source', () => {
    const reported = new Set(found.map((f) => f.id));
    // invariant:<key> ids are built from the constraint key; the binding ids from the strength
    const built = new Set([INVARIANT_RULE.id, 'binding-required', 'binding-extensible', 'binding-preferred']);
    const text = sources(join(ROOT, 'src')).map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(text).toContain('`invariant:${');
    expect(text).toContain('bindingRuleId(');
    const never = catalog.filter((r) => !reported.has(r.id) && !built.has(r.id)).map((r) => r.id);
    expect(never).toEqual([]);
  });

  it('every entry has a summary, a spec or guide https URL, and a unique id', () => {
    expect(catalog.length).toBeGreaterThan(250);
    expect(new Set(catalog.map((r) => r.id)).size).toBe(catalog.length);
    for (const r of catalog) {
      expect(r.summary.length, r.id).toBeGreaterThan(10);
      expect(r.url, r.id).toMatch(/^https:\/\/(hl7\.org\/fhir\/R4\/|simplifier\.net\/guide\/nhs-booking-and-referral-standard\/Home\/)/);
    }
    expect(ruleUrl('invariant:ele-1')).toBe('https://hl7.org/fhir/R4/conformance-rules.html#constraints');
    expect(ruleUrl('slice-closed')).toBe('https://hl7.org/fhir/R4/profiling.html#slicing');
    expect(ruleUrl('no-such-rule')).toBeUndefined();
  });

  it('the BaRS rules are the ones rules/core, rules/http and rules/probe state, with their severity and guide page', () => {
    let n = 0;
    for (const file of ['rules/core/core-rules.json', 'rules/http/http-rules.json', 'rules/probe/probe-rules.json']) {
      const rules = (JSON.parse(readFileSync(join(ROOT, file), 'utf8')) as { rules: { id: string; severity: string; guidePage: string; title: string }[] }).rules;
      for (const r of rules) {
        const c = ruleInfo(r.id);
        expect(c, r.id).toMatchObject({ severity: r.severity, guidePage: r.guidePage, summary: r.title });
        n++;
      }
    }
    expect(n).toBe(catalog.filter((r) => r.id.startsWith('BARS-')).length);
  });

  it(`${GENERATED_TS} is what npm run docs:rules writes from the rules JSON`, () => {
    expect(readFileSync(join(ROOT, GENERATED_TS), 'utf8'), 'run npm run docs:rules').toBe(renderBarsRulesModule(ROOT));
  });

  it('docs/rules.md carries the catalog table npm run docs:rules writes', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'rules.md'), 'utf8');
    const a = doc.indexOf(DOC_START);
    const b = doc.indexOf(DOC_END);
    expect(a, 'docs/rules.md has no rule catalog section: run npm run docs:rules').toBeGreaterThanOrEqual(0);
    expect(doc.slice(a, b + DOC_END.length), 'docs/rules.md is stale: run npm run docs:rules').toBe(renderRulesSection(catalog));
  });
});
