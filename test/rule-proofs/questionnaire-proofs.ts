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

const UCUM = 'http://unitsofmeasure.org';
const GENDER = 'http://hl7.org/fhir/administrative-gender';
/** A response to a questionnaire of the one item `q`, answering it with `answers` (none: the item is left out). */
const single = (q: Json, answers: Json[], extra: Json = {}): Json => response(answers.length ? [{ linkId: q.linkId, text: q.text, answer: answers, ...extra }] : [], { resourceType: 'Questionnaire', id: 'q', status: 'active', item: [q] });
const kg = (value: number, code = 'kg'): Json => ({ valueQuantity: { value, unit: code, system: UCUM, code } });
const attachment = (att: Json): Json => ({ valueAttachment: att });
const ext = (name: string, value: Json): Json => ({ extension: [{ url: name.startsWith('http') ? name : `${EXT}${name}`, ...value }] });

/**
 * The rules about one question and its answers: answerValueSet, answerOption types and the
 * questionnaire extensions that limit quantities, decimals, units, references and attachments.
 */
function singleItemProofs(): RuleProof[] {
  const gender = item('gender', 'choice', { answerValueSet: 'http://hl7.org/fhir/ValueSet/administrative-gender' });
  const male = (display = 'Male'): Json => ({ valueCoding: { system: GENDER, code: 'male', display } });
  const colours = (exclusive: boolean): Json => item('colour', 'choice', { repeats: true, answerOption: [{ valueCoding: { system: COLOURS, code: 'red' } }, { valueCoding: { system: COLOURS, code: 'none' }, ...(exclusive ? ext('questionnaire-optionExclusive', { valueBoolean: true }) : {}) }] });
  const colour = (code: string): Json => ({ valueCoding: { system: COLOURS, code } });
  const weight = (extension: Json): Json => item('weight', 'quantity', extension);
  const limit = (which: 'min' | 'max'): Json => weight(ext(`http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-${which}Quantity`, { valueQuantity: { value: which === 'min' ? 1 : 500, unit: 'kg', system: UCUM, code: 'kg' } }));
  const scan = (extension: Json): Json => item('scan', 'attachment', extension);
  const pdf = ext('mimeType', { valueCode: 'application/pdf' });
  // 'JVBERi0=' is base64 of the 5 bytes '%PDF-'
  const PDF = 'JVBERi0=';
  return [
    { id: 'qr-item-no-type', why: 'Questionnaire.item.type is 1..1: without it the answers cannot be checked', invalid: single({ linkId: 'name', text: 'NAME' }, [{ valueString: 'Peter' }]), at: 'QuestionnaireResponse.item[0]', valid: single(item('name', 'string'), [{ valueString: 'Peter' }]) },
    { id: 'qr-group-empty', why: 'a required group must contain at least one child item (Questionnaire.item.required)', invalid: response([{ linkId: 'group', text: 'GROUP' }], { resourceType: 'Questionnaire', id: 'q', status: 'active', item: [item('group', 'group', { required: true, item: [item('inner', 'string')] })] }), at: 'QuestionnaireResponse.item[0]', valid: response([{ linkId: 'group', text: 'GROUP', item: [answer('inner', { valueString: 'x' })] }], { resourceType: 'Questionnaire', id: 'q', status: 'active', item: [item('group', 'group', { required: true, item: [item('inner', 'string')] })] }) },
    { id: 'qr-answer-not-in-valueset', why: 'a coded answer is in the answerValueSet', invalid: single(gender, [{ valueCoding: { system: GENDER, code: 'woman' } }]), at: 'QuestionnaireResponse.item[0].answer[0]', valid: single(gender, [male()]) },
    { id: 'qr-answer-display', why: "a coded answer's display is the code's display in the answerValueSet", invalid: single(gender, [male('Woman')]), at: 'QuestionnaireResponse.item[0].answer[0].valueCoding.display', valid: single(gender, [male()]) },
    { id: 'qr-answer-unchecked', why: 'an answer from a value set that needs SNOMED CT cannot be checked offline: said, not passed silently', invalid: single(item('finding', 'choice', { answerValueSet: 'http://hl7.org/fhir/ValueSet/clinical-findings' }), [{ valueCoding: { system: 'http://snomed.info/sct', code: '22298006' } }]), at: 'QuestionnaireResponse.item[0].answer[0]', valid: single(gender, [male()]) },
    { id: 'qr-valueset-not-found', why: 'the answerValueSet is a value set that can be found', invalid: single({ ...gender, answerValueSet: 'http://example.org/fhir/ValueSet/no-such-genders' }, [male()]), at: 'QuestionnaireResponse.item[0].answer[0]', valid: single(gender, [male()]) },
    { id: 'qr-no-options-of-type', why: 'an answer to a question with answerOptions is one of them, so one must have its type', invalid: single(colours(false), [{ valueInteger: 1 }]), at: 'QuestionnaireResponse.item[0].answer[0]', valid: single(colours(false), [colour('red')]) },
    { id: 'qr-option-exclusive', why: 'an optionExclusive answer is the only answer', invalid: single(colours(true), [colour('red'), colour('none')]), at: 'QuestionnaireResponse.item[0].answer[1]', valid: single(colours(true), [colour('none')]) },
    { id: 'qr-reference-type', why: 'a reference answer points to a type the referenceResource extension allows', invalid: single(item('gp', 'reference', ext('questionnaire-referenceResource', { valueCode: 'Practitioner' })), [{ valueReference: { reference: 'Patient/p1' } }]), at: 'QuestionnaireResponse.item[0].answer[0].valueReference', valid: single(item('gp', 'reference', ext('questionnaire-referenceResource', { valueCode: 'Practitioner' })), [{ valueReference: { reference: 'Practitioner/p1' } }]) },
    { id: 'qr-min-quantity', why: 'the minQuantity extension bounds a quantity answer (units converted)', invalid: single(limit('min'), [kg(500, 'g')]), at: 'QuestionnaireResponse.item[0].answer[0].valueQuantity', valid: single(limit('min'), [kg(1500, 'g')]) },
    { id: 'qr-max-quantity', why: 'the maxQuantity extension bounds a quantity answer', invalid: single(limit('max'), [kg(501)]), at: 'QuestionnaireResponse.item[0].answer[0].valueQuantity', valid: single(limit('max'), [kg(500)]) },
    { id: 'qr-max-decimal-places', why: 'the maxDecimalPlaces extension bounds the decimals of an answer', invalid: single(item('height', 'decimal', ext('maxDecimalPlaces', { valueInteger: 1 })), [{ valueDecimal: 1.75 }]), at: 'QuestionnaireResponse.item[0].answer[0].valueDecimal', valid: single(item('height', 'decimal', ext('maxDecimalPlaces', { valueInteger: 1 })), [{ valueDecimal: 1.8 }]) },
    { id: 'qr-regex-unsupported', why: 'a regex the validator cannot evaluate (a backreference) leaves the answer unchecked: said, not passed silently', invalid: single(item('code', 'string', ext('regex', { valueString: '([a-z])\\1' })), [{ valueString: 'aa' }]), at: 'QuestionnaireResponse.item[0].answer[0].valueString', valid: single(item('code', 'string', ext('regex', { valueString: '([a-z])+' })), [{ valueString: 'aa' }]) },
    { id: 'qr-unit-option', why: 'a quantity answer uses one of the unitOptions', invalid: single(weight(ext('questionnaire-unitOption', { valueCoding: { system: UCUM, code: 'kg', display: 'kg' } })), [kg(70, 'g')]), at: 'QuestionnaireResponse.item[0].answer[0].valueQuantity', valid: single(weight(ext('questionnaire-unitOption', { valueCoding: { system: UCUM, code: 'kg', display: 'kg' } })), [kg(70)]) },
    { id: 'qr-unit-not-in-valueset', why: 'a quantity answer uses a unit of the unitValueSet', invalid: single(weight(ext('questionnaire-unitValueSet', { valueCanonical: 'http://hl7.org/fhir/ValueSet/ucum-bodyweight' })), [kg(70, 'cm')]), at: 'QuestionnaireResponse.item[0].answer[0].valueQuantity', valid: single(weight(ext('questionnaire-unitValueSet', { valueCanonical: 'http://hl7.org/fhir/ValueSet/ucum-bodyweight' })), [kg(70)]) },
    { id: 'qr-unit-valueset-not-found', why: 'the unitValueSet is a value set that can be found', invalid: single(weight(ext('questionnaire-unitValueSet', { valueCanonical: 'http://example.org/fhir/ValueSet/no-such-units' })), [kg(70)]), at: 'QuestionnaireResponse.item[0].answer[0].valueQuantity', valid: single(weight(ext('questionnaire-unitValueSet', { valueCanonical: 'http://hl7.org/fhir/ValueSet/ucum-bodyweight' })), [kg(70)]) },
    { id: 'qr-attachment-mimetype', why: 'an attachment answer has a MIME type the mimeType extension allows', invalid: single(scan(pdf), [attachment({ contentType: 'image/png', data: PDF })]), at: 'QuestionnaireResponse.item[0].answer[0]', valid: single(scan(pdf), [attachment({ contentType: 'application/pdf', data: PDF })]) },
    { id: 'qr-attachment-no-mimetype', why: 'where the mimeType extension restricts types, the attachment states its contentType', invalid: single(scan(pdf), [attachment({ data: PDF })]), at: 'QuestionnaireResponse.item[0].answer[0]', valid: single(scan(pdf), [attachment({ contentType: 'application/pdf', data: PDF })]) },
    { id: 'qr-attachment-too-large', why: 'the maxSize extension bounds the size of an attachment answer', invalid: single(scan(ext('maxSize', { valueDecimal: 4 })), [attachment({ contentType: 'application/pdf', data: PDF })]), at: 'QuestionnaireResponse.item[0].answer[0]', valid: single(scan(ext('maxSize', { valueDecimal: 5 })), [attachment({ contentType: 'application/pdf', data: PDF })]) },
    { id: 'qr-attachment-size', why: 'Attachment.size is the number of bytes of the data', invalid: single(scan({}), [attachment({ contentType: 'application/pdf', data: PDF, size: 6 })]), at: 'QuestionnaireResponse.item[0].answer[0].valueAttachment', valid: single(scan({}), [attachment({ contentType: 'application/pdf', data: PDF, size: 5 })]) },
  ];
}

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
  { id: 'qr-no-options', why: 'a choice question lists its options', invalid: response([NAME, answer('colour', { valueCoding: { system: COLOURS, code: 'red' } })], questionnaire({ colour: { answerOption: undefined } })), at: 'QuestionnaireResponse.item[1].answer[0]', valid: response([NAME, answer('colour', { valueCoding: { system: COLOURS, code: 'red' } })]) },  ...singleItemProofs(),
];

