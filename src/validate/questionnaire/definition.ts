/**
 * Questionnaire rules the profiles cannot express: enableWhen must point at an item
 * that exists, is not the item itself or inside it, and (best) comes before it; more
 * than one enableWhen needs enableBehavior (R4's que-12 expression says "> 2", so the
 * invariant as published never fires for two conditions; the Java validator and the
 * invariant's own text say more than one).
 */
import type { QuestionnaireContext } from './context.js';
import { choiceOf, objs, str, type Json, type Path } from './values.js';

interface Entry {
  item: Json;
  path: Path;
  /** Position in document order (pre-order), for "comes before". */
  order: number;
}

export function checkDefinition(q: Json, ctx: QuestionnaireContext): void {
  const entries: Entry[] = [];
  const walk = (items: Json[], base: Path): void => {
    items.forEach((item, i) => {
      const path = [...base, 'item', i];
      entries.push({ item, path, order: entries.length });
      walk(objs(item.item), path);
    });
  };
  walk(objs(q.item), []);
  const byLinkId = new Map<string, Entry>();
  for (const e of entries) {
    const id = str(e.item.linkId);
    if (id !== undefined && !byLinkId.has(id)) byLinkId.set(id, e);
  }

  for (const e of entries) {
    const conditions = objs(e.item.enableWhen);
    if (conditions.length === 0) continue;
    const linkId = str(e.item.linkId) ?? '(no linkId)';
    if (conditions.length > 1 && e.item.enableBehavior === undefined) {
      ctx.report(e.path, 'error', 'invariant', 'invariant:que-12',
        `Item '${linkId}' has ${conditions.length} enableWhen conditions but no enableBehavior; set enableBehavior to 'all' or 'any' to say how they combine (que-12)`);
    }
    for (const c of conditions) {
      const question = str(c.question);
      if (question === undefined) {
        ctx.report(e.path, 'error', 'business-rule', 'q-enablewhen-no-question', `An enableWhen of item '${linkId}' has no question; set it to the linkId of the item whose answer decides`);
        continue;
      }
      const inner = findWithin(objs(e.item.item), question);
      if (inner) {
        ctx.report(e.path, 'error', 'business-rule', 'q-enablewhen-inner',
          `The enableWhen of item '${linkId}' refers to '${question}', which is inside the item itself; an item cannot depend on its own sub-items`);
        continue;
      }
      const target = byLinkId.get(question);
      if (!target) {
        ctx.report(e.path, 'error', 'business-rule', 'q-enablewhen-target',
          `The enableWhen of item '${linkId}' refers to linkId '${question}', which is not in this questionnaire; fix the question linkId`);
        continue;
      }
      if (target === e) {
        ctx.report(e.path, 'error', 'business-rule', 'q-enablewhen-self', `The enableWhen of item '${linkId}' refers to the item itself; it must depend on another item`);
        continue;
      }
      if (!isAncestor(target.path, e.path) && target.order > e.order) {
        ctx.report(e.path, 'warning', 'business-rule', 'q-enablewhen-after',
          `The enableWhen of item '${linkId}' depends on '${question}', which comes after it in the questionnaire; move the question first so forms can evaluate it in order`);
      }
      checkAnswerType(ctx, e, linkId, c, target.item);
    }
  }
}

function findWithin(items: Json[], linkId: string): Json | undefined {
  for (const item of items) {
    if (item.linkId === linkId) return item;
    const inner = findWithin(objs(item.item), linkId);
    if (inner) return inner;
  }
  return undefined;
}

function isAncestor(a: Path, b: Path): boolean {
  return a.length < b.length && a.every((seg, i) => seg === b[i]);
}

/** answer[x] types that can ever equal an answer to an item of each type. */
const COMPARABLE: Record<string, string[]> = {
  boolean: ['boolean'],
  decimal: ['decimal'],
  integer: ['integer'],
  date: ['date'],
  dateTime: ['dateTime'],
  time: ['time'],
  string: ['string'],
  text: ['string'],
  url: ['string'],
  choice: ['Coding', 'integer', 'date', 'time', 'string'],
  'open-choice': ['Coding', 'integer', 'date', 'time', 'string'],
  quantity: ['Quantity'],
  reference: ['Reference'],
};

/** A condition that can never hold because its answer has the wrong type for the question is a likely slip: warn. */
function checkAnswerType(ctx: QuestionnaireContext, e: Entry, linkId: string, c: Json, target: Json): void {
  if (c.operator === 'exists') return;
  const answer = choiceOf(c, 'answer');
  const targetType = str(target.type);
  const comparable = targetType ? COMPARABLE[targetType] : undefined;
  if (!answer || !comparable || comparable.includes(answer.type)) return;
  ctx.report(e.path, 'warning', 'business-rule', 'q-enablewhen-answer-type',
    `The enableWhen of item '${linkId}' compares '${String(c.question)}' (type ${targetType}) with an answer${answer.type}, which such an item can never have, so the condition is never met; use ${comparable.map((t) => 'answer' + t[0]!.toUpperCase() + t.slice(1)).join(' or ')}`);
}
