/**
 * QuestionnaireResponse against its Questionnaire: item structure, required items,
 * enableWhen, answer types and the answer constraints the Questionnaire declares.
 *
 * Where a rule sits, whether it is an error and where it is reported follow the HL7
 * Java validator (R4 content), so that both agree on what is valid. Known Java quirks
 * not copied: min/maxOccurs and maxSize are checked inclusively (Java is off by one),
 * and items nested in answers are located at their real path (item.answer.item).
 */
import { compileRegex, UnsupportedRegex } from '../../model/regex.js';
import type { IssueType, Severity } from '../../model/issue.js';
import type { CodeResult } from '../../terminology/index.js';
import { isPartialExpansion } from '../../terminology/valuesets.js';
import type { QuestionnaireContext } from './context.js';
import { findItem, isEnabled, type EnableEnv, type QFrame } from './enable-when.js';
import {
  base64Size,
  choiceOf,
  convertUcum,
  dateEnd,
  dateStart,
  decimalPlaces,
  EXT,
  extNumber,
  extValue,
  extensions,
  isObj,
  objs,
  primitiveText,
  showCoding,
  showQuantity,
  str,
  toNumber,
  UCUM,
  type Choice,
  type Json,
  type Path,
} from './values.js';
import type { RuleId } from '../../model/rules.js';

interface Run extends EnableEnv {
  ctx: QuestionnaireContext;
  /** Required items may still be missing while the response is not completed/amended: warnings then. */
  notCompleted: boolean;
  qLabel: string;
}

/** The answer types each R4 item type accepts (value[x] type names). */
const ANSWER_TYPES: Record<string, string[]> = {
  boolean: ['boolean'],
  decimal: ['decimal'],
  integer: ['integer'],
  date: ['date'],
  dateTime: ['dateTime'],
  time: ['time'],
  string: ['string'],
  text: ['string'],
  url: ['uri'],
  attachment: ['Attachment'],
  reference: ['Reference'],
  quantity: ['Quantity'],
  choice: ['Coding', 'date', 'time', 'integer', 'string'],
  'open-choice': ['Coding', 'date', 'time', 'integer', 'string'],
};

export function checkResponse(qr: Json, ctx: QuestionnaireContext): void {
  const canonical = str(qr.questionnaire);
  if (!canonical) {
    ctx.report(
      [],
      'information',
      'required',
      'qr-no-questionnaire',
      'This QuestionnaireResponse names no questionnaire, so its items cannot be checked against one; set QuestionnaireResponse.questionnaire to the canonical URL of the form answered',
    );
    return;
  }
  const q = canonical.startsWith('#') ? containedQuestionnaire(qr, canonical) ?? ctx.fetch(canonical, 'Questionnaire') : ctx.fetch(canonical, 'Questionnaire');
  if (!q) {
    // example.org questionnaires are placeholders in examples: not worth a warning
    const example = /^https?:\/\/example\.org/.test(canonical);
    ctx.report(
      [],
      example ? 'information' : 'warning',
      'required',
      'qr-questionnaire-not-found',
      `The questionnaire '${canonical}' could not be found, so the answers were not checked against it; load it (e.g. with --ig) or contain it in the response`,
    );
    return;
  }
  const status = str(qr.status);
  const run: Run = {
    ctx,
    questionnaire: q,
    response: qr,
    notCompleted: status !== 'completed' && status !== 'amended',
    qLabel: str(q.url) ?? canonical,
  };
  if (q.status === 'retired') {
    ctx.report(['questionnaire'], 'information', 'business-rule', 'qr-questionnaire-retired', `The questionnaire '${run.qLabel}' is retired; new responses should use its replacement`);
  }
  checkAuthored(run);
  checkItems(run, objs(q.item), qr, [], []);
}

function containedQuestionnaire(qr: Json, ref: string): Json | undefined {
  return objs(qr.contained).find((c) => c.resourceType === 'Questionnaire' && c.id === ref.slice(1));
}

function report(run: Run, path: Path, severity: Severity, code: IssueType, ruleId: RuleId, message: string): void {
  run.ctx.report(path, severity, code, ruleId, message);
}

function checkAuthored(run: Run): void {
  const authored = str(run.response.authored);
  const period = isObj(run.questionnaire.effectivePeriod) ? run.questionnaire.effectivePeriod : undefined;
  if (!authored || !period) return;
  const at = dateStart(authored);
  if (at === undefined) return;
  const start = str(period.start);
  const end = str(period.end);
  const startMs = start ? dateStart(start) : undefined;
  const endMs = end ? dateEnd(end) : undefined;
  if (startMs !== undefined && at < startMs) {
    report(run, ['authored'], 'warning', 'business-rule', 'qr-authored-before-effective',
      `The response was authored on ${authored}, before the questionnaire '${run.qLabel}' came into effect (${start}); check the authored date or the questionnaire version`);
  }
  if (endMs !== undefined && at > endMs) {
    report(run, ['authored'], 'warning', 'business-rule', 'qr-authored-after-effective',
      `The response was authored on ${authored}, after the questionnaire '${run.qLabel}' stopped being in effect (${end}); check the authored date or use the current questionnaire`);
  }
}

/** The QR items under `container` (the QR, a group item or an answer) against the Questionnaire items `qItems`. */
function checkItems(run: Run, qItems: Json[], container: Json, containerPath: Path, stack: QFrame[]): void {
  const found = new Map<string, { item: Json; path: Path }[]>();
  let lastIndex = -1;
  objs(container.item).forEach((item, i) => {
    const path = [...containerPath, 'item', i];
    const linkId = str(item.linkId);
    if (!linkId) {
      report(run, containerPath, 'error', 'required', 'qr-item-no-linkid', `QuestionnaireResponse item ${i + 1} here has no linkId, so it cannot be matched to a question; add the linkId of the questionnaire item it answers`);
      return;
    }
    const index = qItems.findIndex((q) => q.linkId === linkId);
    if (index < 0) {
      const elsewhere = findItem(objs(run.questionnaire.item), linkId);
      if (elsewhere) {
        report(run, containerPath, 'error', 'structure', 'qr-item-misplaced',
          `The item with linkId '${linkId}' is at the wrong level: in the questionnaire it is not a child of this item; move it so the response nests like the questionnaire`);
        checkItem(run, elsewhere, item, path, [...stack, { q: elsewhere, a: item }]);
      } else {
        report(run, containerPath, 'error', 'not-found', 'qr-item-unknown-linkid',
          `LinkId '${linkId}' is not in the questionnaire '${run.qLabel}'; fix the linkId or answer the right version of the questionnaire`);
      }
      return;
    }
    if (index < lastIndex) {
      report(run, containerPath, 'error', 'structure', 'qr-item-order',
        `The item with linkId '${linkId}' comes after items that follow it in the questionnaire; put the items in questionnaire order`);
    }
    lastIndex = index;
    let list = found.get(linkId);
    if (!list) found.set(linkId, (list = []));
    list.push({ item, path });
  });

  for (const qItem of qItems) {
    const linkId = str(qItem.linkId) ?? '';
    const occurrences = found.get(linkId);
    const enabled = isEnabled(run, qItem, stack);
    if (!occurrences) {
      if (enabled === true && qItem.required === true) {
        report(run, containerPath, run.notCompleted ? 'warning' : 'error', 'required', 'qr-item-required',
          `The required item '${linkId}'${describe(qItem)} has no answer${run.notCompleted ? ' (allowed while the response is not completed)' : ''}; add an item with linkId '${linkId}' and its answer`);
      }
      continue;
    }
    if (enabled === false) {
      for (const o of occurrences) {
        if (objs(o.item.answer).length === 0 && objs(o.item.item).length === 0) continue;
        report(run, o.path, 'error', 'invalid', 'qr-item-not-enabled',
          `Item '${linkId}' has answers although its enableWhen conditions are not met, so it should not be answered; remove it or check the answers it depends on`);
      }
    }
    if (occurrences.length > 1 && qItem.repeats !== true) {
      report(run, containerPath, 'error', 'invalid', 'qr-item-repeats',
        `Item '${linkId}' appears ${occurrences.length} times but does not repeat in the questionnaire; merge them into one item`);
    }
    if (qItem.type === 'group') checkOccurs(run, qItem, occurrences.length, occurrences[0]!.path, 'times');
    for (const o of occurrences) checkItem(run, qItem, o.item, o.path, [...stack, { q: qItem, a: o.item }]);
  }
}

function describe(qItem: Json): string {
  const text = str(qItem.text);
  return text ? ` ("${text.length > 60 ? text.slice(0, 59) + '…' : text}")` : '';
}

/** minOccurs / maxOccurs: answers for a question, repetitions for a group. */
function checkOccurs(run: Run, qItem: Json, count: number, path: Path, what: string): void {
  const linkId = str(qItem.linkId);
  const min = extNumber(qItem, EXT.minOccurs);
  const max = extNumber(qItem, EXT.maxOccurs);
  const noun = what === 'times' ? 'occurrences' : 'answers';
  if (min !== undefined && count < min) {
    report(run, path, 'error', 'invalid', 'qr-min-occurs', `Item '${linkId}' needs at least ${min} ${noun} (questionnaire-minOccurs) but has ${count}`);
  }
  if (max !== undefined && count > max) {
    report(run, path, 'error', 'invalid', 'qr-max-occurs', `Item '${linkId}' allows at most ${max} ${noun} (questionnaire-maxOccurs) but has ${count}; remove the extra ones`);
  }
}

/** One QR item against its Questionnaire item. */
function checkItem(run: Run, qItem: Json, item: Json, path: Path, stack: QFrame[]): void {
  const linkId = str(qItem.linkId) ?? '';
  const type = str(qItem.type);
  const text = str(item.text);
  if (text && text !== qItem.text) {
    report(run, path, 'error', 'invalid', 'qr-item-text',
      `The text of item '${linkId}' ("${text}") differs from the questionnaire's ${qItem.text === undefined ? '(which has none)' : `("${String(qItem.text)}")`}; copy the questionnaire text or leave text out`);
  }
  const answers = objs(item.answer);
  const fulfilled = answers.length > 0 || qItem.required !== true || type === 'group';
  if (!fulfilled) {
    const enabled = isEnabled(run, qItem, stack);
    if (run.notCompleted ? enabled !== false : enabled === true) {
      report(run, path, run.notCompleted ? 'warning' : 'error', 'required', 'qr-item-required',
        `The required item '${linkId}'${describe(qItem)} has no answer${run.notCompleted ? ' (allowed while the response is not completed)' : ''}; add an answer`);
    }
  }
  if (answers.length > 1 && qItem.repeats !== true) {
    report(run, path, 'error', 'invalid', 'qr-answer-repeats',
      `Item '${linkId}' has ${answers.length} answers but does not repeat in the questionnaire, so only one is allowed`);
  }
  if (type !== 'group') checkOccurs(run, qItem, answers.length, path, 'answers');

  if (type === 'group' || type === 'display') {
    if (answers.length > 0) {
      report(run, path, 'error', 'structure', type === 'group' ? 'qr-group-answer' : 'qr-display-answer',
        type === 'group'
          ? `Item '${linkId}' is a group, and groups cannot have answers; put the answered questions in item, not answer.item`
          : `Item '${linkId}' is display text, and display items cannot have answers; remove the answer`);
    }
  } else if (type !== undefined) {
    answers.forEach((answer, i) => {
      const answerPath = [...path, 'answer', i];
      checkAnswer(run, qItem, answer, answerPath, answers.length);
      checkItems(run, objs(qItem.item), answer, answerPath, stack);
    });
  }

  if (type === undefined) {
    report(run, path, 'error', 'required', 'qr-item-no-type', `The questionnaire item '${linkId}' has no type, so its answers cannot be checked; fix the questionnaire`);
  } else if (type === 'group') {
    if (qItem.required === true && objs(item.item).length === 0) {
      report(run, path, 'error', 'invariant', 'qr-group-empty', `The required group '${linkId}'${describe(qItem)} has no items; answer at least one of its questions`);
    }
    checkItems(run, objs(qItem.item), item, path, stack);
  } else if (objs(item.item).length > 0) {
    report(run, path, 'error', 'structure', type === 'display' ? 'qr-display-items' : 'qr-item-items',
      type === 'display'
        ? `Display item '${linkId}' cannot contain items; remove them`
        : `Question '${linkId}' has child items directly under it; items below a question belong under its answer (answer.item)`);
  }
}

/** The answer's value[x] must be of a type the item accepts; returns the value when it is. */
function checkAnswerType(run: Run, qItem: Json, answer: Json, answerPath: Path, allowed: string[]): Choice | undefined {
  const value = choiceOf(answer, 'value');
  if (!value) return undefined;
  if (allowed.includes(value.type)) return value;
  const list = allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`;
  report(run, [...answerPath, value.key], 'error', 'structure', 'qr-answer-type',
    `Item '${String(qItem.linkId)}' is of type ${String(qItem.type)}, so its answers must be ${list}, not ${value.type}`);
  return undefined;
}

function checkAnswer(run: Run, qItem: Json, answer: Json, answerPath: Path, answerCount: number): void {
  const type = str(qItem.type)!;
  const allowed = ANSWER_TYPES[type];
  if (!allowed) return; // an unknown item type: nothing to hold the answer to
  const value = checkAnswerType(run, qItem, answer, answerPath, allowed);
  if (!value) return;
  const valuePath = [...answerPath, value.key];
  switch (type) {
    case 'decimal':
    case 'integer':
      checkNumber(run, qItem, value, valuePath);
      checkTypedOptions(run, qItem, value, valuePath);
      break;
    case 'date':
    case 'dateTime':
      checkDate(run, qItem, value, valuePath);
      checkTypedOptions(run, qItem, value, valuePath);
      break;
    case 'time':
      checkTime(run, qItem, value, valuePath);
      checkTypedOptions(run, qItem, value, valuePath);
      break;
    case 'string':
    case 'text':
      checkString(run, qItem, value, valuePath, type === 'string');
      if (type === 'string') checkTypedOptions(run, qItem, value, valuePath);
      break;
    case 'attachment':
      checkAttachment(run, qItem, value, answerPath, valuePath);
      break;
    case 'reference':
      checkReference(run, qItem, value, valuePath);
      break;
    case 'quantity':
      checkQuantity(run, qItem, value, valuePath);
      break;
    case 'choice':
    case 'open-choice':
      if (value.type === 'Coding') checkCodingAnswer(run, qItem, value, answerPath, answerCount);
      else checkOptionAnswer(run, qItem, value, answerPath, type === 'open-choice');
      break;
  }
}

// ---------------------------------------------------------------------------------
// typed answers: limits declared by extensions
// ---------------------------------------------------------------------------------

function checkNumber(run: Run, qItem: Json, value: Choice, valuePath: Path): void {
  const n = toNumber(value.value);
  if (n === undefined) return;
  const linkId = String(qItem.linkId);
  const min = extNumber(qItem, EXT.minValue);
  const max = extNumber(qItem, EXT.maxValue);
  if (min !== undefined && n < min) {
    report(run, valuePath, 'error', 'invariant', 'qr-min-value', `The answer ${n} to '${linkId}' is below the minimum of ${min} (minValue extension)`);
  }
  if (max !== undefined && n > max) {
    report(run, valuePath, 'error', 'invariant', 'qr-max-value', `The answer ${n} to '${linkId}' is above the maximum of ${max} (maxValue extension)`);
  }
  const places = extNumber(qItem, EXT.maxDecimalPlaces);
  if (value.type === 'decimal' && places !== undefined) {
    const text = primitiveText(value.value)!;
    if (decimalPlaces(text) > places) {
      report(run, valuePath, 'error', 'invariant', 'qr-max-decimal-places', `The answer ${text} to '${linkId}' has more than ${places} decimal places (maxDecimalPlaces); round it`);
    }
  }
}

function checkDate(run: Run, qItem: Json, value: Choice, valuePath: Path): void {
  if (typeof value.value !== 'string') return;
  const at = dateStart(value.value);
  if (at === undefined) return; // malformed: the datatype check reports it
  const linkId = String(qItem.linkId);
  const min = primitiveText(extValue(qItem, EXT.minValue)?.value);
  const max = primitiveText(extValue(qItem, EXT.maxValue)?.value);
  const minMs = min ? dateStart(min) : undefined;
  const maxMs = max ? dateStart(max) : undefined;
  if (minMs !== undefined && at < minMs) {
    report(run, valuePath, 'error', 'invariant', 'qr-min-value', `The answer ${value.value} to '${linkId}' is before the earliest allowed date ${min} (minValue extension)`);
  }
  if (maxMs !== undefined && at > maxMs) {
    report(run, valuePath, 'error', 'invariant', 'qr-max-value', `The answer ${value.value} to '${linkId}' is after the latest allowed date ${max} (maxValue extension)`);
  }
}

function checkTime(run: Run, qItem: Json, value: Choice, valuePath: Path): void {
  if (typeof value.value !== 'string') return;
  const linkId = String(qItem.linkId);
  // hh:mm:ss[.fff] sorts as text
  const min = primitiveText(extValue(qItem, EXT.minValue)?.value);
  const max = primitiveText(extValue(qItem, EXT.maxValue)?.value);
  if (min !== undefined && value.value < min) {
    report(run, valuePath, 'error', 'invariant', 'qr-min-value', `The answer ${value.value} to '${linkId}' is earlier than the minimum time ${min} (minValue extension)`);
  }
  if (max !== undefined && value.value > max) {
    report(run, valuePath, 'error', 'invariant', 'qr-max-value', `The answer ${value.value} to '${linkId}' is later than the maximum time ${max} (maxValue extension)`);
  }
}

function checkString(run: Run, qItem: Json, value: Choice, valuePath: Path, isString: boolean): void {
  if (typeof value.value !== 'string') return;
  const s = value.value;
  const linkId = String(qItem.linkId);
  const shown = s.length > 60 ? `${s.slice(0, 59)}…` : s;
  const min = extNumber(qItem, EXT.minLength);
  if (min !== undefined && s.length < min) {
    report(run, valuePath, 'error', 'invariant', 'qr-min-length', `The answer '${shown}' to '${linkId}' is ${s.length} characters long, shorter than the minimum of ${min} (minLength extension)`);
  }
  const max = typeof qItem.maxLength === 'number' ? qItem.maxLength : undefined;
  if (max !== undefined && s.length > max) {
    report(run, valuePath, 'error', 'invariant', 'qr-max-length', `The answer '${shown}' to '${linkId}' is ${s.length} characters long, longer than the maxLength of ${max}`);
  }
  if (!isString) return;
  const regex = str(extValue(qItem, EXT.regex)?.value);
  if (regex !== undefined) {
    const re = compileRegex(regex);
    if (re instanceof UnsupportedRegex) {
      // the questionnaire's problem, not the answer's: said once per answer, as a warning
      report(run, valuePath, 'warning', 'processing', 'qr-regex-unsupported', `The answer to '${linkId}' was not checked against the questionnaire's regex extension: ${re.message}`);
    } else if (!re.matchesWhole(s)) {
      const format = str(extValue(qItem, EXT.entryFormat)?.value);
      report(run, valuePath, 'error', 'invariant', 'qr-regex',
        `The answer '${shown}' to '${linkId}' does not match the required pattern ${regex}${format ? ` (expected format: ${format})` : ''}`);
    }
  }
  // a string item is one line; multi-line answers belong to text items
  if (/[\r\n]/.test(s)) {
    report(run, valuePath, 'warning', 'invariant', 'qr-string-newline', `The answer to '${linkId}' contains line breaks, but it is a single-line string item; use a text item for multi-line answers or remove the line breaks`);
  }
  const vsUrl = str(qItem.answerValueSet);
  if (vsUrl) {
    const r = validateInValueSet(run, vsUrl, { code: s });
    if (r.notFound) {
      report(run, valuePath, 'warning', 'not-found', 'qr-valueset-not-found', `The value set ${vsUrl} named by answerValueSet of '${linkId}' could not be found, so the answer was not checked against it`);
    } else if (r.result === 'invalid') {
      report(run, valuePath, 'error', 'code-invalid', 'qr-answer-not-in-valueset', `The answer '${shown}' to '${linkId}' is not in the value set ${vsUrl} (answerValueSet)`);
    }
  }
}

/** answerOption on a non-choice item (integer, date, time, string, decimal): the answer must equal one of them. */
function checkTypedOptions(run: Run, qItem: Json, value: Choice, valuePath: Path): void {
  const options = objs(qItem.answerOption);
  if (options.length === 0) return;
  const given = primitiveText(value.value);
  if (given === undefined) return;
  // dateTime answers are held to date options, decimals to any numeric one, as the Java validator does
  const optionTypes =
    value.type === 'dateTime' ? ['date', 'dateTime'] : value.type === 'decimal' ? ['decimal', 'integer'] : [value.type];
  const texts = options
    .map((o) => choiceOf(o, 'value'))
    .filter((c): c is Choice => !!c && optionTypes.includes(c.type))
    .map((c) => primitiveText(c.value));
  const linkId = String(qItem.linkId);
  if (texts.length === 0) {
    report(run, valuePath, 'error', 'invariant', 'qr-no-options-of-type', `Item '${linkId}' lists answerOptions, but none of type ${value.type}, so the answer ${given} cannot be one of them`);
  } else if (!texts.includes(given)) {
    report(run, valuePath, 'error', 'invariant', 'qr-answer-not-in-options', `The answer ${given} to '${linkId}' is not one of its answerOptions (${texts.join(', ')})`);
  }
}

function checkAttachment(run: Run, qItem: Json, value: Choice, answerPath: Path, valuePath: Path): void {
  if (!isObj(value.value)) return;
  const att = value.value;
  const linkId = String(qItem.linkId);
  const mimeTypes = extensions(qItem, EXT.mimeType).map((e) => str(e.valueCode)).filter((m): m is string => !!m);
  if (extensions(qItem, EXT.mimeType).length > 0) {
    const contentType = str(att.contentType);
    if (!contentType) {
      report(run, answerPath, 'error', 'required', 'qr-attachment-no-mimetype', `The attachment for '${linkId}' has no contentType, but the questionnaire restricts the mime types (${mimeTypes.join(', ')}); set contentType`);
    } else if (!mimeTypes.some((m) => contentType.startsWith(m))) {
      report(run, answerPath, 'error', 'required', 'qr-attachment-mimetype', `The attachment for '${linkId}' is ${contentType}, which is not an allowed mime type (allowed: ${mimeTypes.join(', ')})`);
    }
  }
  const data = str(att.data);
  if (data === undefined) return;
  const actual = base64Size(data);
  const maxSize = extNumber(qItem, EXT.maxSize);
  if (maxSize !== undefined && maxSize > 0 && actual > maxSize) {
    report(run, answerPath, 'error', 'required', 'qr-attachment-too-large', `The attachment for '${linkId}' is ${actual} bytes, more than the ${maxSize} bytes allowed (maxSize extension)`);
  }
  const stated = typeof att.size === 'number' ? att.size : typeof att.size === 'string' && /^\d+$/.test(att.size) ? Number(att.size) : undefined;
  if (stated !== undefined && stated !== actual) {
    report(run, valuePath, 'error', 'structure', 'qr-attachment-size', `The attachment states a size of ${stated} bytes but its data is ${actual} bytes; correct Attachment.size`);
  }
}

function checkReference(run: Run, qItem: Json, value: Choice, valuePath: Path): void {
  if (!isObj(value.value)) return;
  const allowed = extensions(qItem, EXT.referenceResource).map((e) => str(e.valueCode)).filter((c): c is string => !!c);
  const ref = str(value.value.reference);
  if (allowed.length === 0 || !ref || ref.startsWith('#') || ref.startsWith('urn:')) return;
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(ref);
  if (!m) return;
  if (!allowed.includes(m[1]!) && !allowed.includes('Resource')) {
    // a warning only: the Java validator checks this only when told to trust REST references
    report(run, valuePath, 'warning', 'invariant', 'qr-reference-type', `The reference ${ref} for '${String(qItem.linkId)}' points to a ${m[1]}, but the questionnaire allows only ${allowed.join(', ')}`);
  }
}

function checkQuantity(run: Run, qItem: Json, value: Choice, valuePath: Path): void {
  if (!isObj(value.value)) return;
  const qty = value.value;
  const linkId = String(qItem.linkId);
  for (const [url, isMin] of [[EXT.minQuantity, true], [EXT.maxQuantity, false]] as const) {
    const limit = extValue(qItem, url);
    if (!limit || !isObj(limit.value)) continue;
    checkQuantityLimit(run, linkId, qty, limit.value, isMin, valuePath);
  }
  const places = extNumber(qItem, EXT.maxDecimalPlaces);
  if (places !== undefined && primitiveText(qty.value) !== undefined && decimalPlaces(primitiveText(qty.value)!) > places) {
    report(run, valuePath, 'error', 'invariant', 'qr-max-decimal-places', `The quantity ${showQuantity(qty)} for '${linkId}' has more than ${places} decimal places (maxDecimalPlaces); round it`);
  }
  const options = extensions(qItem, EXT.unitOption).map((e) => e.valueCoding).filter(isObj);
  if (extensions(qItem, EXT.unitOption).length > 0 && !options.some((u) => unitMatches(qty, u))) {
    report(run, valuePath, 'error', 'invariant', 'qr-unit-option',
      `The unit of ${showQuantity(qty)} for '${linkId}' is not one of the allowed units (${options.map(showUnit).join(', ')}); use one of those`);
  }
  const unitVs = extValue(qItem, EXT.unitValueSet);
  const unitVsUrl = primitiveText(unitVs?.value);
  if (unitVsUrl) {
    const code = str(qty.code);
    const r: { result: CodeResult['result']; notFound?: boolean } = code
      ? validateInValueSet(run, unitVsUrl, { system: str(qty.system), code })
      : { result: 'invalid', notFound: !fetchValueSet(run, unitVsUrl) };
    if (r.notFound) {
      report(run, valuePath, 'warning', 'not-found', 'qr-unit-valueset-not-found', `The unit value set ${unitVsUrl} of '${linkId}' could not be found, so the unit was not checked`);
    } else if (r.result === 'invalid') {
      report(run, valuePath, 'error', 'invariant', 'qr-unit-not-in-valueset',
        `The unit of ${showQuantity(qty)} for '${linkId}' is not in the unit value set ${unitVsUrl}${code ? '' : ' (the quantity has no unit code)'}; use a coded unit from that value set`);
    }
  }
}

function showUnit(u: Json): string {
  const display = str(u.display);
  const code = str(u.code);
  const system = str(u.system);
  return `${display ?? ''}${code || system ? `${display ? ' ' : ''}(${system === UCUM ? 'UCUM' : (system ?? '')}#${code ?? ''})` : ''}`;
}

function unitMatches(qty: Json, unit: Json): boolean {
  return (
    (unit.system === undefined || unit.system === qty.system) &&
    (unit.code === undefined || unit.code === qty.code) &&
    (unit.display === undefined || unit.display === qty.unit)
  );
}

function checkQuantityLimit(run: Run, linkId: string, qty: Json, limit: Json, isMin: boolean, valuePath: Path): void {
  const word = isMin ? 'minimum' : 'maximum';
  const rule = isMin ? 'qr-min-quantity' : 'qr-max-quantity';
  const qv = toNumber(qty.value);
  const lv = toNumber(limit.value);
  if (qv === undefined || lv === undefined) return;
  const formal = (x: Json): boolean => typeof x.system === 'string' && typeof x.code === 'string';
  if (!formal(qty) || !formal(limit)) {
    report(run, valuePath, 'error', 'invariant', rule,
      `The quantity ${showQuantity(qty)} for '${linkId}' cannot be compared with the ${word} ${showQuantity(limit)}: ${formal(limit) ? 'the answer' : 'the limit'} has no coded unit (system and code); code the units`);
    return;
  }
  let v: number | undefined;
  if (qty.system === limit.system && qty.code === limit.code) v = qv;
  else if (qty.system === UCUM && limit.system === UCUM) v = convertUcum(qv, String(qty.code), String(limit.code));
  if (v === undefined) {
    report(run, valuePath, 'error', 'invariant', rule,
      `The quantity ${showQuantity(qty)} for '${linkId}' cannot be compared with the ${word} ${showQuantity(limit)}: the units are not comparable; answer in units convertible to ${String(limit.code)}`);
    return;
  }
  if (isMin ? v < lv : v > lv) {
    report(run, valuePath, 'error', 'invariant', rule, `The quantity ${showQuantity(qty)} for '${linkId}' is ${isMin ? 'below' : 'above'} the ${word} of ${showQuantity(limit)}`);
  }
}

// ---------------------------------------------------------------------------------
// choice / open-choice
// ---------------------------------------------------------------------------------

function checkCodingAnswer(run: Run, qItem: Json, value: Choice, answerPath: Path, answerCount: number): void {
  if (!isObj(value.value)) return;
  const coding = value.value;
  const linkId = String(qItem.linkId);
  const options = objs(qItem.answerOption);
  const vsUrl = str(qItem.answerValueSet);
  if (options.length > 0) {
    const codings = options.filter((o) => isObj(o.valueCoding));
    if (codings.length === 0 && qItem.type !== 'open-choice') {
      report(run, answerPath, 'error', 'invariant', 'qr-no-options-of-type', `Item '${linkId}' lists answerOptions, but none is a Coding, so the Coding answer ${showCoding(coding)} cannot be one of them`);
      return;
    }
    const match = codings.find((o) => {
      const c = o.valueCoding as Json;
      return c.system === coding.system && c.code === coding.code;
    });
    if (!match) {
      report(run, answerPath, 'error', 'invariant', 'qr-answer-not-in-options',
        `The answer ${showCoding(coding)} to '${linkId}' is not one of its answerOptions; use one of ${codings.map((o) => showCoding(o.valueCoding as Json)).join(', ')}`);
    } else if (answerCount > 1 && extensions(match, EXT.optionExclusive).some((e) => e.valueBoolean === true)) {
      report(run, answerPath, 'error', 'invariant', 'qr-option-exclusive', `The answer ${showCoding(coding)} to '${linkId}' is an exclusive option, so it cannot be given together with other answers`);
    }
    return;
  }
  if (vsUrl) {
    const code = str(coding.code);
    // open-choice: a Coding carrying only display text is free text in Coding form
    if (!code && !coding.system && coding.display && qItem.type === 'open-choice') return;
    const r = validateInValueSet(run, vsUrl, { system: str(coding.system), code: code ?? '', display: str(coding.display) });
    if (r.notFound) {
      report(run, answerPath, 'warning', 'code-invalid', 'qr-valueset-not-found', `The value set ${vsUrl} named by answerValueSet of '${linkId}' could not be found, so the answer ${showCoding(coding)} was not checked against it`);
    } else if (r.result === 'invalid') {
      report(run, answerPath, 'error', 'code-invalid', 'qr-answer-not-in-valueset',
        `The answer ${showCoding(coding)} to '${linkId}' is not in the value set ${vsUrl} (answerValueSet)${r.message ? `: ${r.message}` : ''}`);
    } else if (r.result === 'valid' && r.display) {
      const expected = r.display.expected.map((d) => `'${d}'`).join(' or ');
      report(run, [...answerPath, 'valueCoding', 'display'], 'error', 'invalid', 'qr-answer-display',
        `Wrong display '${r.display.given}' for ${String(coding.system)}#${code}; it should be ${expected}`);
      report(run, answerPath, 'error', 'code-invalid', 'qr-answer-not-in-valueset',
        `The answer ${showCoding(coding)} to '${linkId}' is not accepted by the value set ${vsUrl} (answerValueSet) because its display is wrong; use ${expected}`);
    } else if (r.result === 'unknown' && r.message) {
      report(run, answerPath, 'information', 'informational', 'qr-answer-unchecked', `The answer ${showCoding(coding)} to '${linkId}' could not be checked against ${vsUrl}: ${r.message}`);
    }
    return;
  }
  report(run, answerPath, 'information', 'invariant', 'qr-no-options', `Item '${linkId}' has neither answerOption nor answerValueSet, so the answer ${showCoding(coding)} could not be checked`);
}

/** A date, time, integer or string answer to a choice / open-choice item. */
function checkOptionAnswer(run: Run, qItem: Json, value: Choice, answerPath: Path, open: boolean): void {
  const options = objs(qItem.answerOption);
  const linkId = String(qItem.linkId);
  const given = primitiveText(value.value);
  if (given === undefined) return;
  if (options.length === 0) {
    report(run, answerPath, 'information', 'invariant', 'qr-no-options', `Item '${linkId}' has no answerOption list, so the ${value.type} answer '${given}' could not be checked`);
    return;
  }
  const sameType = options.map((o) => choiceOf(o, 'value')).filter((c): c is Choice => !!c && c.type === value.type);
  if (value.type === 'string' && open) {
    // free text is allowed, but text that is really one of the coded options is a likely slip
    const lower = given.toLowerCase();
    const hit = options.some((o) => isObj(o.valueCoding) && [o.valueCoding.display, o.valueCoding.code].some((t) => typeof t === 'string' && t.toLowerCase() === lower));
    if (hit) {
      report(run, answerPath, 'warning', 'invariant', 'qr-string-matches-option', `The free-text answer '${given}' to '${linkId}' matches one of its coded answerOptions; send the Coding instead of text`);
    }
    return;
  }
  if (sameType.length === 0 && !open) {
    report(run, answerPath, 'error', 'invariant', 'qr-no-options-of-type', `Item '${linkId}' lists answerOptions, but none of type ${value.type}, so the answer '${given}' cannot be one of them`);
    return;
  }
  if (!sameType.some((c) => primitiveText(c.value) === given)) {
    report(run, answerPath, 'error', 'invariant', 'qr-answer-not-in-options',
      `The answer '${given}' to '${linkId}' is not one of its answerOptions${sameType.length ? ` (${sameType.map((c) => primitiveText(c.value)).join(', ')})` : ''}`);
  }
}

// ---------------------------------------------------------------------------------
// value sets
// ---------------------------------------------------------------------------------

interface VsResult {
  result: CodeResult['result'];
  message?: string;
  display?: CodeResult['display'];
  notFound?: boolean;
}

function fetchValueSet(run: Run, ref: string): Json | undefined {
  if (ref.startsWith('#')) {
    const id = ref.slice(1);
    const inQ = objs(run.questionnaire.contained).find((c) => c.resourceType === 'ValueSet' && c.id === id);
    return inQ ?? run.ctx.fetch(ref, 'ValueSet');
  }
  return run.ctx.fetch(ref, 'ValueSet');
}

/** Is the code in the value set: the terminology service first, the value set's own content when it has none to offer. */
function validateInValueSet(run: Run, ref: string, coding: { system?: string; code: string; display?: string }): VsResult {
  const vs = fetchValueSet(run, ref);
  const tx = run.ctx.terminology;
  if (tx && !ref.startsWith('#')) {
    let r: CodeResult | Promise<CodeResult>;
    try {
      r = tx.validateCode(ref, coding);
    } catch {
      r = { result: 'unknown' };
    }
    // answers are checked synchronously: a pending server call counts as "cannot tell"
    if (r instanceof Promise) {
      r.catch(() => undefined);
      r = { result: 'unknown' };
    }
    if (r.result !== 'unknown') return { result: r.result, message: r.message, display: r.display };
    if (!vs) return { result: 'unknown', notFound: true };
    const local = expandLocally(run, vs, coding);
    return local === 'unknown' ? { result: 'unknown', message: r.message } : { result: local };
  }
  if (!vs) return { result: 'unknown', notFound: true };
  return { result: expandLocally(run, vs, coding) };
}

/** Membership from the value set's own text (explicit concepts, whole systems, expansion); 'unknown' beyond that. */
function expandLocally(run: Run, vs: Json, coding: { system?: string; code: string }): CodeResult['result'] {
  const expansion = isObj(vs.expansion) ? vs.expansion : undefined;
  if (expansion && Array.isArray(expansion.contains)) {
    const inExpansion = (list: Json[]): boolean =>
      list.some((c) => (c.code === coding.code && (coding.system === undefined || c.system === coding.system)) || inExpansion(objs(c.contains)));
    if (inExpansion(objs(expansion.contains))) return 'valid';
    // one page of a larger expansion is not the whole list
    const listed = (list: Json[]): number => list.reduce((n, c) => n + (typeof c.code === 'string' ? 1 : 0) + listed(objs(c.contains)), 0);
    return isPartialExpansion(expansion, listed(objs(expansion.contains))) ? 'unknown' : 'invalid';
  }
  const compose = isObj(vs.compose) ? vs.compose : undefined;
  if (!compose) return 'unknown';
  for (const exc of objs(compose.exclude)) {
    if (exc.system === coding.system && objs(exc.concept).some((c) => c.code === coding.code)) return 'invalid';
  }
  let unknown = false;
  for (const inc of objs(compose.include)) {
    if (inc.valueSet !== undefined || inc.filter !== undefined || typeof inc.system !== 'string') {
      unknown = true;
      continue;
    }
    if (coding.system !== undefined && inc.system !== coding.system) continue;
    const concepts = objs(inc.concept);
    if (concepts.length > 0) {
      if (concepts.some((c) => c.code === coding.code)) return 'valid';
      continue;
    }
    const tx = run.ctx.terminology;
    if (!tx) {
      unknown = true;
      continue;
    }
    const r = tx.validateCodeInSystem({ system: inc.system, code: coding.code });
    if (r.result === 'valid') return 'valid';
    if (r.result === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : 'invalid';
}
