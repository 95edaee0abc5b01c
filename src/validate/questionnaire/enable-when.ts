/**
 * Is a Questionnaire item enabled, given the answers in a QuestionnaireResponse?
 *
 * Follows the HL7 Java validator's reading of enableWhen (R4):
 *  - the answers looked at are those of the referenced question found under the
 *    nearest QR item that corresponds to the innermost Questionnaire item containing
 *    both the question and the item (so a repeating group's conditions stay within
 *    its own repetition); when that is the Questionnaire itself, the whole QR;
 *  - several conditions without enableBehavior count as enabled (the Questionnaire is
 *    in error there, see checkQuestionnaire), a single one needs no enableBehavior;
 *  - the SDC enableWhenExpression (and a Finnish national equivalent) wins over enableWhen.
 * Returns undefined when the answer cannot be decided (an expression that fails to
 * evaluate): callers then report neither "answered but disabled" nor "required but missing".
 */
import { compileInvariant } from '../fhirpath/evaluate.js';
import { choiceOf, dateStart, EXT, extensions, isObj, objs, str, type Choice, type Json } from './values.js';

/** One level of the walk down the QR: the Questionnaire item and the QR item answering it. */
export interface QFrame {
  q: Json;
  a: Json;
}

export interface EnableEnv {
  questionnaire: Json;
  response: Json;
}

export function isEnabled(env: EnableEnv, qItem: Json, stack: QFrame[]): boolean | undefined {
  const expr = enableExpression(qItem);
  if (expr !== undefined) return evaluateExpression(env, expr);
  const conditions = objs(qItem.enableWhen);
  if (conditions.length === 0) return true;
  const results = conditions.map((c) => evaluateCondition(env, qItem, c, stack));
  const behavior = str(qItem.enableBehavior);
  if (behavior === 'any' || results.length === 1) {
    if (results.includes(true)) return true;
    return results.includes(undefined) ? undefined : false;
  }
  if (behavior === 'all') {
    if (results.includes(false)) return false;
    return results.includes(undefined) ? undefined : true;
  }
  return true;
}

/** The FHIRPath of an enableWhen expression extension; null when present but unusable. */
function enableExpression(qItem: Json): string | null | undefined {
  const sdc = extensions(qItem, EXT.enableWhenExpression)[0];
  const finnish = extensions(qItem, EXT.enableWhenFinnish)[0];
  if (finnish) return str(finnish.valueString) ?? null;
  if (sdc) {
    const e = isObj(sdc.valueExpression) ? sdc.valueExpression : undefined;
    if (!e || e.language !== 'text/fhirpath') return null;
    return str(e.expression) ?? null;
  }
  return undefined;
}

function evaluateExpression(env: EnableEnv, expression: string | null): boolean | undefined {
  if (expression === null) return undefined;
  try {
    const compiled = compileInvariant('enableWhenExpression', expression, 'QuestionnaireResponse');
    // an empty result means "not enabled", as FHIRPath's boolean conversion reads it
    return compiled.evaluate(env.response, { resource: env.response, rootResource: env.response }) ?? false;
  } catch {
    return undefined;
  }
}

function evaluateCondition(env: EnableEnv, source: Json, condition: Json, stack: QFrame[]): boolean | undefined {
  const question = str(condition.question);
  const operator = str(condition.operator);
  if (question === undefined || operator === undefined) return undefined;
  const answers = answersTo(env, source, question, stack);
  const expected = choiceOf(condition, 'answer');
  if (operator === 'exists') {
    if (expected?.type !== 'boolean' || typeof expected.value !== 'boolean') return undefined;
    return expected.value === (answers.length > 0);
  }
  if (!expected) return undefined;
  let result = false;
  for (const answer of answers) {
    const actual = choiceOf(answer, 'value');
    // answers holding only nested items or extensions never satisfy a comparison
    if (!actual) continue;
    const r = compare(actual, expected, operator);
    if (r === undefined) return undefined;
    result ||= r;
  }
  return result;
}

/** The QR answers to `linkId` that are in scope for an enableWhen on `source`. */
function answersTo(env: EnableEnv, source: Json, linkId: string, stack: QFrame[]): Json[] {
  const target = findItem(objs(env.questionnaire.item), linkId);
  if (!target) return [];
  const group = commonGroup(objs(env.questionnaire.item), source, target);
  if (!group) return collectAnswers(env.response, linkId);
  for (let i = stack.length - 1; i >= 0; i--) {
    if (stack[i]!.q === group) return collectAnswers(stack[i]!.a, linkId);
  }
  return [];
}

export function findItem(items: Json[], linkId: string): Json | undefined {
  for (const item of items) {
    if (item.linkId === linkId) return item;
    const inner = findItem(objs(item.item), linkId);
    if (inner) return inner;
  }
  return undefined;
}

function contains(item: Json, target: Json): boolean {
  return item === target || objs(item.item).some((i) => contains(i, target));
}

/** The innermost item containing both (an item contains itself); undefined when only the Questionnaire does. */
function commonGroup(items: Json[], a: Json, b: Json): Json | undefined {
  for (const item of items) {
    const inner = commonGroup(objs(item.item), a, b);
    if (inner) return inner;
    if (contains(item, a) && contains(item, b)) return item;
  }
  return undefined;
}

/** Every answer given to `linkId` at or below `focus`, through nested items and answers. */
function collectAnswers(focus: Json, linkId: string, out: Json[] = []): Json[] {
  if (focus.linkId === linkId) out.push(...objs(focus.answer).filter((a) => Object.keys(a).length > 0));
  for (const item of objs(focus.item)) collectAnswers(item, linkId, out);
  for (const answer of objs(focus.answer)) collectAnswers(answer, linkId, out);
  return out;
}

/** actual <operator> expected; undefined when the operator makes no sense for the type. */
function compare(actual: Choice, expected: Choice, operator: string): boolean | undefined {
  // a value of another type (free text on an open-choice, say) is simply not the expected answer
  if (actual.type !== expected.type) return operator === '!=';
  let order: number | undefined;
  switch (expected.type) {
    case 'Coding': {
      if (!isObj(actual.value) || !isObj(expected.value)) return false;
      const same = codingMatches(expected.value, actual.value);
      if (operator === '=') return same;
      if (operator === '!=') return !same;
      return undefined;
    }
    case 'Quantity':
      if (!isObj(actual.value) || !isObj(expected.value)) return false;
      order = orderOf(actual.value.value, expected.value.value);
      break;
    case 'Reference': {
      if (!isObj(actual.value) || !isObj(expected.value)) return false;
      const same = actual.value.reference === expected.value.reference;
      if (operator === '=') return same;
      if (operator === '!=') return !same;
      return undefined;
    }
    case 'date':
    case 'dateTime':
    case 'instant': {
      const x = typeof actual.value === 'string' ? dateStart(actual.value) : undefined;
      const y = typeof expected.value === 'string' ? dateStart(expected.value) : undefined;
      order = orderOf(x, y);
      break;
    }
    default:
      order = orderOf(actual.value, expected.value);
  }
  if (order === undefined) return false;
  switch (operator) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '>':
      return order > 0;
    case '<':
      return order < 0;
    case '>=':
      return order >= 0;
    case '<=':
      return order <= 0;
    default:
      return undefined;
  }
}

function orderOf(x: unknown, y: unknown): number | undefined {
  if (typeof x === 'number' && typeof y === 'number') return x === y ? 0 : x < y ? -1 : 1;
  if (typeof x === 'boolean' && typeof y === 'boolean') return x === y ? 0 : x ? 1 : -1;
  if (typeof x === 'string' && typeof y === 'string') return x === y ? 0 : x < y ? -1 : 1;
  return undefined;
}

/** An expected Coding without a system matches any system; codes must agree (both absent counts). */
function codingMatches(expected: Json, actual: Json): boolean {
  if (expected.system !== undefined && expected.system !== actual.system) return false;
  return expected.code === actual.code;
}
