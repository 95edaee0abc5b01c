/**
 * Rule proofs for Questionnaire and QuestionnaireResponse, from questionnaire.html and
 * questionnaireresponse.html: each response answers a questionnaire it contains (`#q`), so the
 * proofs need no package. See fhir-proofs.ts for the shape.
 */
import type { Json, RuleProof } from './fhir-proofs.js';

const EXT = 'http://hl7.org/fhir/StructureDefinition/';
const COLOURS = 'http://example.org/fhir/CodeSystem/colours';
const item = (linkId: string, type: string, extra: Json = {}): Json => ({ linkId, text: linkId.toUpperCase(), type, ...extra });
/** A questionnaire of one item per shape the rules look at. */
const questionnaire = (override: Record<string, Json> = {}, extra: Json = {}): Json => ({
  resourceType: 'Questionnaire',
  id: 'q',
  status: 'active',
  ...extra,
  item: [
    item('name', 'string', { required: true, maxLength: 12, ...override.name }),
    item('age', 'integer', { extension: [{ url: `${EXT}minValue`, valueInteger: 0 }, { url: `${EXT}maxValue`, valueInteger: 150 }], ...override.age }),
    item('colour', 'choice', { answerOption: [{ valueCoding: { system: COLOURS, code: 'red', display: 'Red' } }], ...override.colour }),
    item('group', 'group', { item: [item('inner', 'string')] }),
    item('note', 'display'),
    item('nick', 'string', { repeats: true, ...override.nick }),
  ],
});
const answer = (linkId: string, value: Json, extra: Json = {}): Json => ({ linkId, text: linkId.toUpperCase(), answer: [value], ...extra });
const NAME = answer('name', { valueString: 'Peter' });
const response = (items: Json[], q: Json = questionnaire(), extra: Json = {}): Json => ({ resourceType: 'QuestionnaireResponse', status: 'completed', questionnaire: '#q', contained: [q], ...extra, item: items });

export const QUESTIONNAIRE_PROOFS: RuleProof[] = [
  { id: 'qr-item-required', why: 'a required item is answered', invalid: response([answer('age', { valueInteger: 40 })]), at: 'QuestionnaireResponse', valid: response([NAME, answer('age', { valueInteger: 40 })]) },
  { id: 'qr-item-unknown-linkid', why: 'a response item answers a question of the questionnaire', invalid: response([NAME, answer('shoe', { valueString: '9' })]), at: 'QuestionnaireResponse', valid: response([NAME]) },
  { id: 'qr-item-no-linkid', why: 'QuestionnaireResponse.item.linkId is 1..1', invalid: response([NAME, { text: 'AGE', answer: [{ valueInteger: 40 }] }]), at: 'QuestionnaireResponse', valid: response([NAME, answer('age', { valueInteger: 40 })]) },
  { id: 'qr-answer-type', why: 'an answer has the type of its question', invalid: response([answer('name', { valueInteger: 7 })]), at: 'QuestionnaireResponse.item[0].answer[0].valueInteger', valid: response([NAME]) },
  { id: 'qr-answer-repeats', why: 'a non-repeating question has one answer', invalid: response([{ linkId: 'name', text: 'NAME', answer: [{ valueString: 'Peter' }, { valueString: 'Paul' }] }]), at: 'QuestionnaireResponse.item[0]', valid: response([NAME]) },
  { id: 'qr-answer-not-in-options', why: 'a choice answer is one of the answerOptions', invalid: response([NAME, answer('colour', { valueCoding: { system: COLOURS, code: 'blue' } })]), at: 'QuestionnaireResponse.item[1].answer[0]', valid: response([NAME, answer('colour', { valueCoding: { system: COLOURS, code: 'red' } })]) },
  { id: 'qr-item-text', why: 'item text is the question text', invalid: response([{ ...NAME, text: 'Surname' }]), at: 'QuestionnaireResponse.item[0]', valid: response([NAME]) },
  { id: 'qr-max-value', why: 'maxValue extension bounds the answer', invalid: response([NAME, answer('age', { valueInteger: 200 })]), at: 'QuestionnaireResponse.item[1].answer[0].valueInteger', valid: response([NAME, answer('age', { valueInteger: 100 })]) },
  { id: 'qr-min-value', why: 'minValue extension bounds the answer', invalid: response([NAME, answer('age', { valueInteger: -1 })]), at: 'QuestionnaireResponse.item[1].answer[0].valueInteger', valid: response([NAME, answer('age', { valueInteger: 1 })]) },
  { id: 'qr-max-length', why: 'Questionnaire.item.maxLength bounds a string answer', invalid: response([answer('name', { valueString: 'Peter Alexander James' })]), at: 'QuestionnaireResponse.item[0].answer[0].valueString', valid: response([NAME]) },
  { id: 'qr-display-answer', why: 'a display item has no answer', invalid: response([NAME, answer('note', { valueString: 'x' })]), at: 'QuestionnaireResponse.item[1]', valid: response([NAME]) },
  { id: 'qr-group-answer', why: 'a group item has no answer', invalid: response([NAME, answer('group', { valueString: 'x' })]), at: 'QuestionnaireResponse.item[1]', valid: response([NAME]) },
  { id: 'qr-item-order', why: 'response items follow the questionnaire order', invalid: response([answer('age', { valueInteger: 40 }), NAME]), at: 'QuestionnaireResponse', valid: response([NAME, answer('age', { valueInteger: 40 })]) },
  { id: 'qr-string-newline', why: 'a string answer is one line (text is for more)', invalid: response([answer('name', { valueString: 'Pe\nter' })]), at: 'QuestionnaireResponse.item[0].answer[0].valueString', valid: response([NAME]) },
  { id: 'qr-item-items', why: 'a question nests its items under the answer', invalid: response([{ ...NAME, item: [answer('inner', { valueString: 'x' })] }]), at: 'QuestionnaireResponse.item[0]', valid: response([NAME]) },
  { id: 'qr-regex', why: 'the regex extension constrains the answer', invalid: response([answer('name', { valueString: 'peter' })], questionnaire({ name: { extension: [{ url: `${EXT}regex`, valueString: '[A-Z][a-z]+' }] } })), at: 'QuestionnaireResponse.item[0].answer[0].valueString', valid: response([NAME], questionnaire({ name: { extension: [{ url: `${EXT}regex`, valueString: '[A-Z][a-z]+' }] } })) },
  { id: 'qr-questionnaire-retired', why: 'a retired questionnaire should not be answered', invalid: response([NAME], questionnaire({}, { status: 'retired' })), at: 'QuestionnaireResponse.questionnaire', valid: response([NAME]) },
  { id: 'qr-authored-after-effective', why: 'a response is authored within the effective period', invalid: response([NAME], questionnaire({}, { effectivePeriod: { start: '2019-01-01', end: '2020-01-01' } }), { authored: '2024-05-01T10:00:00Z' }), at: 'QuestionnaireResponse.authored', valid: response([NAME], questionnaire({}, { effectivePeriod: { start: '2019-01-01', end: '2030-01-01' } }), { authored: '2024-05-01T10:00:00Z' }) },
  { id: 'qr-authored-before-effective', why: 'a response is authored within the effective period', invalid: response([NAME], questionnaire({}, { effectivePeriod: { start: '2025-01-01' } }), { authored: '2024-05-01T10:00:00Z' }), at: 'QuestionnaireResponse.authored', valid: response([NAME], questionnaire({}, { effectivePeriod: { start: '2019-01-01' } }), { authored: '2024-05-01T10:00:00Z' }) },
  { id: 'qr-max-occurs', why: 'the maxOccurs extension bounds the repeats', invalid: response([NAME, { linkId: 'nick', text: 'NICK', answer: [{ valueString: 'a' }, { valueString: 'b' }] }], questionnaire({ nick: { extension: [{ url: `${EXT}questionnaire-maxOccurs`, valueInteger: 1 }] } })), at: 'QuestionnaireResponse.item[1]', valid: response([NAME, { linkId: 'nick', text: 'NICK', answer: [{ valueString: 'a' }] }], questionnaire({ nick: { extension: [{ url: `${EXT}questionnaire-maxOccurs`, valueInteger: 1 }] } })) },
  { id: 'qr-item-not-enabled', why: 'a disabled item has no answer', invalid: response([NAME, answer('age', { valueInteger: 40 })], questionnaire({ age: { enableWhen: [{ question: 'name', operator: '=', answerString: 'Paul' }] } })), at: 'QuestionnaireResponse.item[1]', valid: response([NAME], questionnaire({ age: { enableWhen: [{ question: 'name', operator: '=', answerString: 'Paul' }] } })) },
  { id: 'q-enablewhen-no-question', why: 'enableWhen.question is 1..1', invalid: questionnaire({ age: { enableWhen: [{ operator: 'exists', answerBoolean: true }] } }), at: 'Questionnaire.item[1]', valid: questionnaire({ age: { enableWhen: [{ question: 'name', operator: 'exists', answerBoolean: true }] } }) },
  { id: 'q-enablewhen-after', why: 'an item is enabled by an earlier question', invalid: questionnaire({ name: { enableWhen: [{ question: 'age', operator: 'exists', answerBoolean: true }] } }), at: 'Questionnaire.item[0]', valid: questionnaire({ age: { enableWhen: [{ question: 'name', operator: 'exists', answerBoolean: true }] } }) },
  { id: 'q-enablewhen-answer-type', why: 'enableWhen.answer has the type of its question', invalid: questionnaire({ age: { enableWhen: [{ question: 'name', operator: '=', answerInteger: 3 }] } }), at: 'Questionnaire.item[1]', valid: questionnaire({ age: { enableWhen: [{ question: 'name', operator: '=', answerString: 'Paul' }] } }) },
  { id: 'q-enablewhen-inner', why: 'an item is not enabled by its own children', invalid: { resourceType: 'Questionnaire', status: 'active', item: [item('name', 'string'), item('group', 'group', { enableWhen: [{ question: 'inner', operator: 'exists', answerBoolean: true }], item: [item('inner', 'string')] })] }, at: 'Questionnaire.item[1]', valid: { resourceType: 'Questionnaire', status: 'active', item: [item('name', 'string'), item('group', 'group', { enableWhen: [{ question: 'name', operator: 'exists', answerBoolean: true }], item: [item('inner', 'string')] })] } },
  { id: 'qr-item-repeats', why: 'a non-repeating item appears once', invalid: response([NAME, NAME]), at: 'QuestionnaireResponse', valid: response([NAME]) },
  { id: 'qr-item-misplaced', why: 'a response item sits where its question is', invalid: response([NAME, answer('inner', { valueString: 'x' })]), at: 'QuestionnaireResponse', valid: response([NAME, { linkId: 'group', text: 'GROUP', item: [answer('inner', { valueString: 'x' })] }]) },
  { id: 'qr-display-items', why: 'a display item has no nested items', invalid: response([NAME, { linkId: 'note', text: 'NOTE', item: [answer('inner', { valueString: 'x' })] }]), at: 'QuestionnaireResponse.item[1]', valid: response([NAME]) },
  { id: 'qr-min-occurs', why: 'the minOccurs extension bounds the repeats', invalid: response([NAME, { linkId: 'nick', text: 'NICK', answer: [{ valueString: 'a' }] }], questionnaire({ nick: { extension: [{ url: `${EXT}questionnaire-minOccurs`, valueInteger: 2 }] } })), at: 'QuestionnaireResponse.item[1]', valid: response([NAME, { linkId: 'nick', text: 'NICK', answer: [{ valueString: 'a' }, { valueString: 'b' }] }], questionnaire({ nick: { extension: [{ url: `${EXT}questionnaire-minOccurs`, valueInteger: 2 }] } })) },
  { id: 'qr-min-length', why: 'the minLength extension bounds a string answer', invalid: response([answer('name', { valueString: 'Al' })], questionnaire({ name: { extension: [{ url: `${EXT}minLength`, valueInteger: 3 }] } })), at: 'QuestionnaireResponse.item[0].answer[0].valueString', valid: response([NAME], questionnaire({ name: { extension: [{ url: `${EXT}minLength`, valueInteger: 3 }] } })) },
  { id: 'qr-string-matches-option', why: 'an open-choice text answer that equals an option should be the option', invalid: response([NAME, answer('colour', { valueString: 'Red' })], questionnaire({ colour: { type: 'open-choice' } })), at: 'QuestionnaireResponse.item[1].answer[0]', valid: response([NAME, answer('colour', { valueString: 'Crimson' })], questionnaire({ colour: { type: 'open-choice' } })) },
  { id: 'qr-no-options', why: 'a choice question lists its options', invalid: response([NAME, answer('colour', { valueCoding: { system: COLOURS, code: 'red' } })], questionnaire({ colour: { answerOption: undefined } })), at: 'QuestionnaireResponse.item[1].answer[0]', valid: response([NAME, answer('colour', { valueCoding: { system: COLOURS, code: 'red' } })]) },
];
