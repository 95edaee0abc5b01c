import { describe, expect, it } from 'vitest';
import type { CodeResult, TerminologyService } from '../../terminology/index.js';
import { checkQuestionnaire, checkQuestionnaireResponse, type QuestionnaireContext } from './index.js';
import { expectLinearTime } from '../../../test/support/timing.js';

type Json = Record<string, unknown>;

interface Reported {
  path: string;
  severity: string;
  ruleId: string;
  message: string;
}

const Q_URL = 'http://example.com/Questionnaire/test';

/** A fake terminology: codes listed per value set are valid, others invalid; unknown value sets are 'unknown'. */
function fakeTx(valueSets: Record<string, { system: string; code: string; display?: string }[]>): TerminologyService {
  const validateCode = (vs: string, c: { system?: string; code: string; display?: string }): CodeResult => {
    const list = valueSets[vs];
    if (!list) return { result: 'unknown', message: 'not loaded' };
    const hit = list.find((x) => x.code === c.code && (c.system === undefined || x.system === c.system));
    if (!hit) return { result: 'invalid', message: `${c.code} is not in ${vs}` };
    if (c.display && hit.display && c.display !== hit.display) return { result: 'valid', display: { expected: [hit.display], given: c.display } };
    return { result: 'valid' };
  };
  const validateCodeInSystem = (c: { system: string; code: string }): CodeResult =>
    c.system === 'http://example.com/cs' ? { result: ['a', 'b'].includes(c.code) ? 'valid' : 'invalid' } : { result: 'unknown' };
  return { validateCode, validateCodeInSystem } as unknown as TerminologyService;
}

function makeCtx(resources: Json[] = [], terminology?: TerminologyService): { ctx: QuestionnaireContext; issues: Reported[] } {
  const issues: Reported[] = [];
  const ctx: QuestionnaireContext = {
    report: (path, severity, _code, ruleId, message) => {
      issues.push({ path: path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, ''), severity, ruleId, message });
    },
    fetch: (canonical, type) =>
      resources.find((r) => r.resourceType === type && (r.url === canonical || `${String(r.url)}|${String(r.version)}` === canonical)),
    terminology,
  };
  return { ctx, issues };
}

function questionnaire(items: Json[], extra: Json = {}): Json {
  return { resourceType: 'Questionnaire', url: Q_URL, status: 'active', item: items, ...extra };
}

function response(items: Json[], extra: Json = {}): Json {
  return { resourceType: 'QuestionnaireResponse', questionnaire: Q_URL, status: 'completed', item: items, ...extra };
}

/** Validates the response against the questionnaire; returns "severity ruleId @path" lines. */
function run(q: Json, qr: Json, tx?: TerminologyService, more: Json[] = []): string[] {
  const { ctx, issues } = makeCtx([q, ...more], tx);
  checkQuestionnaireResponse(qr, ctx);
  return issues.map((i) => `${i.severity} ${i.ruleId} @${i.path}`);
}

function runQ(q: Json): string[] {
  const { ctx, issues } = makeCtx();
  checkQuestionnaire(q, ctx);
  return issues.map((i) => `${i.severity} ${i.ruleId} @${i.path}`);
}

const ans = (value: Json): Json => ({ answer: [value] });

describe('finding the questionnaire', () => {
  it('warns when the questionnaire cannot be found, and only notes it for example.org', () => {
    const { ctx, issues } = makeCtx();
    checkQuestionnaireResponse(response([]), ctx);
    checkQuestionnaireResponse({ ...response([]), questionnaire: 'http://example.org/Questionnaire/x' }, ctx);
    expect(issues.map((i) => `${i.severity} ${i.ruleId} @${i.path}`)).toEqual([
      'warning qr-questionnaire-not-found @',
      'information qr-questionnaire-not-found @',
    ]);
  });

  it('notes a response without questionnaire', () => {
    const { ctx, issues } = makeCtx();
    checkQuestionnaireResponse({ resourceType: 'QuestionnaireResponse', status: 'completed' }, ctx);
    expect(issues.map((i) => i.ruleId)).toEqual(['qr-no-questionnaire']);
  });

  it('uses a questionnaire contained in the response', () => {
    const q = { ...questionnaire([{ linkId: 'a', type: 'string' }]), id: 'q1' };
    const qr = { ...response([{ linkId: 'zz' }]), questionnaire: '#q1', contained: [q] };
    const { ctx, issues } = makeCtx();
    checkQuestionnaireResponse(qr, ctx);
    expect(issues.map((i) => i.ruleId)).toEqual(['qr-item-unknown-linkid']);
  });

  it('warns when authored outside the effective period', () => {
    const q = questionnaire([], { effectivePeriod: { start: '2022', end: '2023-06' } });
    expect(run(q, response([], { authored: '2021-12-12' }))).toEqual(['warning qr-authored-before-effective @authored']);
    expect(run(q, response([], { authored: '2023-06-30T10:00:00Z' }))).toEqual([]);
    expect(run(q, response([], { authored: '2023-07-01' }))).toEqual(['warning qr-authored-after-effective @authored']);
  });
});

describe('item structure', () => {
  const q = questionnaire([
    { linkId: 'a', type: 'string', text: 'A' },
    { linkId: 'g', type: 'group', item: [{ linkId: 'g1', type: 'string' }] },
  ]);

  it('reports an unknown linkId at the parent', () => {
    expect(run(q, response([{ linkId: 'nope', ...ans({ valueString: 'x' }) }]))).toEqual(['error qr-item-unknown-linkid @']);
  });

  it('reports an item with no linkId', () => {
    expect(run(q, response([{ answer: [{ valueString: 'x' }] }]))).toEqual(['error qr-item-no-linkid @']);
  });

  it('reports an item nested at the wrong level, and still checks it', () => {
    expect(run(q, response([{ linkId: 'g1', answer: [{ valueInteger: 1 }] }]))).toEqual([
      'error qr-item-misplaced @',
      'error qr-answer-type @item[0].answer[0].valueInteger',
    ]);
  });

  it('reports items out of order', () => {
    expect(run(q, response([{ linkId: 'g', item: [{ linkId: 'g1', ...ans({ valueString: 'x' }) }] }, { linkId: 'a', ...ans({ valueString: 'y' }) }]))).toEqual([
      'error qr-item-order @',
    ]);
  });

  it('reports text that differs from the questionnaire', () => {
    expect(run(q, response([{ linkId: 'a', text: 'B', ...ans({ valueString: 'x' }) }]))).toEqual(['error qr-item-text @item[0]']);
    expect(run(q, response([{ linkId: 'a', text: 'A', ...ans({ valueString: 'x' }) }]))).toEqual([]);
  });

  it('reports a non-repeating item given twice, at the parent', () => {
    expect(run(q, response([{ linkId: 'a', ...ans({ valueString: 'x' }) }, { linkId: 'a', ...ans({ valueString: 'y' }) }]))).toEqual(['error qr-item-repeats @']);
  });

  it('reports several answers to a non-repeating question, at the item', () => {
    expect(run(q, response([{ linkId: 'a', answer: [{ valueString: 'x' }, { valueString: 'y' }] }]))).toEqual(['error qr-answer-repeats @item[0]']);
  });

  it('reports answers on groups and display items, and items directly under questions', () => {
    const q2 = questionnaire([
      { linkId: 'g', type: 'group', item: [{ linkId: 'q', type: 'string' }] },
      { linkId: 'd', type: 'display' },
      { linkId: 's', type: 'string', item: [{ linkId: 's1', type: 'string' }] },
    ]);
    expect(
      run(
        q2,
        response([
          { linkId: 'g', answer: [{ item: [{ linkId: 'q', ...ans({ valueString: 'x' }) }] }] },
          { linkId: 'd', ...ans({ valueString: 'x' }) },
          { linkId: 's', item: [{ linkId: 's1', ...ans({ valueString: 'x' }) }] },
        ]),
      ),
    ).toEqual(['error qr-group-answer @item[0]', 'error qr-display-answer @item[1]', 'error qr-item-items @item[2]']);
  });

  it('reports a questionnaire item without type, and items under a display item', () => {
    const q2 = questionnaire([{ linkId: 'x' }, { linkId: 'd', type: 'display', item: [{ linkId: 'd1', type: 'string' }] }]);
    expect(run(q2, response([{ linkId: 'x', ...ans({ valueString: 'x' }) }, { linkId: 'd', item: [{ linkId: 'd1', ...ans({ valueString: 'x' }) }] }]))).toEqual([
      'error qr-item-no-type @item[0]',
      'error qr-display-items @item[1]',
    ]);
  });

  it('notes a retired questionnaire', () => {
    expect(run({ ...q, status: 'retired' }, response([]))).toEqual(['information qr-questionnaire-retired @questionnaire']);
  });

  it('warns about references to resource types the item does not allow', () => {
    const q2 = questionnaire([
      { linkId: 'r', type: 'reference', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/questionnaire-referenceResource', valueCode: 'Practitioner' }] },
    ]);
    expect(run(q2, response([{ linkId: 'r', ...ans({ valueReference: { reference: 'Practitioner/1' } }) }]))).toEqual([]);
    expect(run(q2, response([{ linkId: 'r', ...ans({ valueReference: { reference: 'Patient/1' } }) }]))).toEqual([
      'warning qr-reference-type @item[0].answer[0].valueReference',
    ]);
  });

  it('checks items nested in answers against the question children', () => {
    const q2 = questionnaire([{ linkId: 's', type: 'boolean', item: [{ linkId: 's1', type: 'integer', required: true }] }]);
    expect(run(q2, response([{ linkId: 's', answer: [{ valueBoolean: true, item: [{ linkId: 's1', ...ans({ valueString: 'x' }) }] }] }]))).toEqual([
      'error qr-answer-type @item[0].answer[0].item[0].answer[0].valueString',
    ]);
    expect(run(q2, response([{ linkId: 's', answer: [{ valueBoolean: true }] }]))).toEqual(['error qr-item-required @item[0].answer[0]']);
  });
});

describe('required items', () => {
  const q = questionnaire([
    { linkId: 'a', type: 'string', required: true },
    { linkId: 'g', type: 'group', required: true, item: [{ linkId: 'g1', type: 'string', required: true }] },
  ]);

  it('reports missing required items at the parent, present ones without answers at the item', () => {
    expect(run(q, response([]))).toEqual(['error qr-item-required @', 'error qr-item-required @']);
    expect(run(q, response([{ linkId: 'a' }, { linkId: 'g', item: [{ linkId: 'g1', ...ans({ valueString: 'x' }) }] }]))).toEqual([
      'error qr-item-required @item[0]',
    ]);
  });

  it('reports a required group without items, and its missing required children', () => {
    expect(run(q, response([{ linkId: 'a', ...ans({ valueString: 'x' }) }, { linkId: 'g' }]))).toEqual([
      'error qr-group-empty @item[1]',
      'error qr-item-required @item[1]',
    ]);
  });

  it('only warns while the response is not completed', () => {
    expect(run(q, response([], { status: 'in-progress' }))).toEqual(['warning qr-item-required @', 'warning qr-item-required @']);
  });

  it('checks min and max occurs', () => {
    const q2 = questionnaire([
      { linkId: 'a', type: 'string', repeats: true, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/questionnaire-minOccurs', valueInteger: 2 }] },
      { linkId: 'b', type: 'string', repeats: true, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs', valueInteger: 2 }] },
    ]);
    const three = [{ valueString: '1' }, { valueString: '2' }, { valueString: '3' }];
    expect(run(q2, response([{ linkId: 'a', answer: [{ valueString: '1' }] }, { linkId: 'b', answer: three }]))).toEqual([
      'error qr-min-occurs @item[0]',
      'error qr-max-occurs @item[1]',
    ]);
    expect(run(q2, response([{ linkId: 'a', answer: three.slice(0, 2) }, { linkId: 'b', answer: three.slice(0, 2) }]))).toEqual([]);
  });
});

describe('answer types', () => {
  const cases: [string, Json, boolean][] = [
    ['boolean', { valueBoolean: true }, true],
    ['boolean', { valueString: 'true' }, false],
    ['decimal', { valueDecimal: 1.5 }, true],
    ['decimal', { valueInteger: 1 }, false],
    ['integer', { valueInteger: 1 }, true],
    ['date', { valueDate: '2020-01-01' }, true],
    ['date', { valueDateTime: '2020-01-01' }, false],
    ['dateTime', { valueDateTime: '2020-01-01T10:00:00Z' }, true],
    ['time', { valueTime: '10:00:00' }, true],
    ['string', { valueString: 'x' }, true],
    ['text', { valueString: 'x' }, true],
    ['text', { valueCoding: { code: 'x' } }, false],
    ['url', { valueUri: 'http://x.org' }, true],
    ['url', { valueString: 'http://x.org' }, false],
    ['attachment', { valueAttachment: { contentType: 'text/plain' } }, true],
    ['reference', { valueReference: { reference: 'Patient/1' } }, true],
    ['quantity', { valueQuantity: { value: 1 } }, true],
    ['quantity', { valueString: '1 kg' }, false],
    ['choice', { valueDecimal: 1.5 }, false],
    ['open-choice', { valueBoolean: true }, false],
  ];
  it.each(cases)('%s item answered with %j', (type, value, ok) => {
    const q = questionnaire([{ linkId: 'a', type }]);
    const issues = run(q, response([{ linkId: 'a', answer: [value] }])).filter((i) => i.startsWith('error'));
    const key = Object.keys(value)[0]!;
    expect(issues).toEqual(ok ? [] : [`error qr-answer-type @item[0].answer[0].${key}`]);
  });
});

describe('answer options', () => {
  it('holds Coding answers to the answerOption list by system and code', () => {
    const q = questionnaire([
      {
        linkId: 'a',
        type: 'choice',
        repeats: true,
        answerOption: [
          { valueCoding: { system: 'http://x.org', code: 'c1' } },
          { valueCoding: { system: 'http://x.org', code: 'none' }, extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive', valueBoolean: true }] },
        ],
      },
    ]);
    expect(run(q, response([{ linkId: 'a', answer: [{ valueCoding: { system: 'http://x.org', code: 'c1', display: 'whatever' } }] }]))).toEqual([]);
    expect(run(q, response([{ linkId: 'a', answer: [{ valueCoding: { system: 'http://x.org', code: 'c1' } }, { valueCoding: { code: 'c1' } }] }]))).toEqual([
      'error qr-answer-not-in-options @item[0].answer[1]',
    ]);
    expect(run(q, response([{ linkId: 'a', answer: [{ valueCoding: { system: 'http://x.org', code: 'none' } }, { valueCoding: { system: 'http://x.org', code: 'c1' } }] }]))).toEqual([
      'error qr-option-exclusive @item[0].answer[0]',
    ]);
  });

  it('holds integer, date, time and string answers to choice options of their type', () => {
    const q = questionnaire([
      { linkId: 'i', type: 'choice', answerOption: [{ valueInteger: 1 }, { valueInteger: 2 }] },
      { linkId: 's', type: 'choice', answerOption: [{ valueCoding: { code: 'x' } }] },
      { linkId: 'n', type: 'choice' },
    ]);
    expect(run(q, response([{ linkId: 'i', ...ans({ valueInteger: 2 }) }, { linkId: 's', ...ans({ valueCoding: { code: 'x' } }) }]))).toEqual([]);
    expect(run(q, response([{ linkId: 'i', ...ans({ valueInteger: 3 }) }, { linkId: 's', ...ans({ valueString: 'x' }) }, { linkId: 'n', ...ans({ valueString: 'x' }) }]))).toEqual([
      'error qr-answer-not-in-options @item[0].answer[0]',
      'error qr-no-options-of-type @item[1].answer[0]',
      'information qr-no-options @item[2].answer[0]',
    ]);
  });

  it('lets open-choice take free text, warning when the text is really a coded option', () => {
    const q = questionnaire([{ linkId: 'a', type: 'open-choice', answerOption: [{ valueCoding: { code: 'B', display: 'Blood' } }] }]);
    expect(run(q, response([{ linkId: 'a', ...ans({ valueString: 'Sweat' }) }]))).toEqual([]);
    expect(run(q, response([{ linkId: 'a', ...ans({ valueString: 'blood' }) }]))).toEqual(['warning qr-string-matches-option @item[0].answer[0]']);
  });

  it('reports answerOption lists without an option of the answer type', () => {
    const q = questionnaire([{ linkId: 'i', type: 'integer', answerOption: [{ valueString: '1' }] }]);
    expect(run(q, response([{ linkId: 'i', ...ans({ valueInteger: 1 }) }]))).toEqual(['error qr-no-options-of-type @item[0].answer[0].valueInteger']);
  });

  it('holds typed answers to answerOption on non-choice items, at the value', () => {
    const q = questionnaire([{ linkId: 't', type: 'time', repeats: true, answerOption: [{ valueTime: '10:00:00' }] }]);
    expect(run(q, response([{ linkId: 't', answer: [{ valueTime: '10:00:00' }, { valueTime: '09:00:00' }] }]))).toEqual([
      'error qr-answer-not-in-options @item[0].answer[1].valueTime',
    ]);
  });
});

describe('answerValueSet', () => {
  const vs = 'http://example.com/ValueSet/v';
  const tx = fakeTx({ [vs]: [{ system: 'http://example.com/cs', code: 'a', display: 'Apple' }] });
  const q = questionnaire([{ linkId: 'a', type: 'choice', answerValueSet: vs }]);

  it('accepts codes in the value set and rejects others', () => {
    expect(run(q, response([{ linkId: 'a', ...ans({ valueCoding: { system: 'http://example.com/cs', code: 'a' } }) }]), tx)).toEqual([]);
    expect(run(q, response([{ linkId: 'a', ...ans({ valueCoding: { system: 'http://example.com/cs', code: 'z' } }) }]), tx)).toEqual([
      'error qr-answer-not-in-valueset @item[0].answer[0]',
    ]);
  });

  it('reports a wrong display at the display and at the answer', () => {
    expect(run(q, response([{ linkId: 'a', ...ans({ valueCoding: { system: 'http://example.com/cs', code: 'a', display: 'Pear' } }) }]), tx)).toEqual([
      'error qr-answer-display @item[0].answer[0].valueCoding.display',
      'error qr-answer-not-in-valueset @item[0].answer[0]',
    ]);
  });

  it('warns when the value set cannot be found', () => {
    const q2 = questionnaire([{ linkId: 'a', type: 'choice', answerValueSet: 'http://example.com/ValueSet/missing' }]);
    expect(run(q2, response([{ linkId: 'a', ...ans({ valueCoding: { system: 'http://example.com/cs', code: 'a' } }) }]), tx)).toEqual([
      'warning qr-valueset-not-found @item[0].answer[0]',
    ]);
  });

  it('checks string answers against the value set by code', () => {
    const q2 = questionnaire([{ linkId: 's', type: 'string', answerValueSet: vs }]);
    expect(run(q2, response([{ linkId: 's', ...ans({ valueString: 'a' }) }]), tx)).toEqual([]);
    expect(run(q2, response([{ linkId: 's', ...ans({ valueString: 'q' }) }]), tx)).toEqual(['error qr-answer-not-in-valueset @item[0].answer[0].valueString']);
  });

  it('evaluates a value set contained in the questionnaire', () => {
    const q2 = questionnaire([{ linkId: 'a', type: 'choice', answerValueSet: '#v' }], {
      contained: [
        { resourceType: 'ValueSet', id: 'v', status: 'active', compose: { include: [{ system: 'http://loinc.org', concept: [{ code: 'LA1-1' }] }, { system: 'http://example.com/cs' }] } },
      ],
    });
    const answer = (system: string, code: string): Json => response([{ linkId: 'a', ...ans({ valueCoding: { system, code } }) }]);
    expect(run(q2, answer('http://loinc.org', 'LA1-1'), tx)).toEqual([]);
    expect(run(q2, answer('http://example.com/cs', 'b'), tx)).toEqual([]);
    expect(run(q2, answer('http://loinc.org', 'LA2-2'), tx)).toEqual(['error qr-answer-not-in-valueset @item[0].answer[0]']);
  });
});

describe('limits on typed answers', () => {
  const ext = (name: string, value: Json): Json => ({ url: `http://hl7.org/fhir/StructureDefinition/${name}`, ...value });

  it('checks minValue / maxValue on decimals and integers', () => {
    const q = questionnaire([
      { linkId: 'd', type: 'decimal', extension: [ext('minValue', { valueDecimal: 20 }), ext('maxValue', { valueDecimal: 2 })] },
      { linkId: 'i', type: 'integer', extension: [ext('minValue', { valueInteger: 1 }), ext('maxValue', { valueInteger: 10 })] },
    ]);
    expect(run(q, response([{ linkId: 'd', ...ans({ valueDecimal: 5.6 }) }, { linkId: 'i', ...ans({ valueInteger: 11 }) }]))).toEqual([
      'error qr-min-value @item[0].answer[0].valueDecimal',
      'error qr-max-value @item[0].answer[0].valueDecimal',
      'error qr-max-value @item[1].answer[0].valueInteger',
    ]);
    expect(run(q, response([{ linkId: 'i', ...ans({ valueInteger: 10 }) }]))).toEqual([]);
  });

  it('compares dates by their first instant, as the Java validator does', () => {
    const q = questionnaire([
      { linkId: 'a', type: 'dateTime', repeats: true, extension: [ext('minValue', { valueDateTime: '2020' }), ext('maxValue', { valueDateTime: '2022-06' })] },
    ]);
    const answers = ['2021', '2020', '2022-06-30', '1998', '2022-07'].map((v) => ({ valueDateTime: v }));
    expect(run(q, response([{ linkId: 'a', answer: answers }]))).toEqual([
      'error qr-max-value @item[0].answer[2].valueDateTime',
      'error qr-min-value @item[0].answer[3].valueDateTime',
      'error qr-max-value @item[0].answer[4].valueDateTime',
    ]);
  });

  it('checks times', () => {
    const q = questionnaire([{ linkId: 't', type: 'time', extension: [ext('minValue', { valueTime: '08:00:00' })] }]);
    expect(run(q, response([{ linkId: 't', ...ans({ valueTime: '07:59:59' }) }]))).toEqual(['error qr-min-value @item[0].answer[0].valueTime']);
  });

  it('checks string lengths, regex and line breaks', () => {
    const q = questionnaire([
      { linkId: 's', type: 'string', maxLength: 2, extension: [ext('minLength', { valueInteger: 20 })] },
      { linkId: 'r', type: 'string', extension: [ext('regex', { valueString: '[0-9]{3}' })] },
      { linkId: 'n', type: 'string' },
      { linkId: 't', type: 'text' },
    ]);
    expect(
      run(
        q,
        response([
          { linkId: 's', ...ans({ valueString: 'fasdfa' }) },
          { linkId: 'r', ...ans({ valueString: '1234' }) },
          { linkId: 'n', ...ans({ valueString: 'a\r\nb' }) },
          { linkId: 't', ...ans({ valueString: 'a\r\nb' }) },
        ]),
      ),
    ).toEqual([
      'error qr-min-length @item[0].answer[0].valueString',
      'error qr-max-length @item[0].answer[0].valueString',
      'error qr-regex @item[1].answer[0].valueString',
      'warning qr-string-newline @item[2].answer[0].valueString',
    ]);
  });

  it('runs the regex extension in linear time; a pattern it cannot run is a warning, not a silent pass', async () => {
    const q = questionnaire([
      { linkId: 'slow', type: 'string', extension: [ext('regex', { valueString: '(a+)+' })] },
      { linkId: 'backref', type: 'string', extension: [ext('regex', { valueString: '(a)\\1' })] },
    ]);
    expect(
      run(q, response([{ linkId: 'slow', ...ans({ valueString: 'a'.repeat(5000) + 'b' }) }, { linkId: 'backref', ...ans({ valueString: 'aa' }) }])),
    ).toEqual(['error qr-regex @item[0].answer[0].valueString', 'warning qr-regex-unsupported @item[1].answer[0].valueString']);
    await expectLinearTime('the regex extension on a hostile answer', (n) => run(q, response([{ linkId: 'slow', ...ans({ valueString: 'a'.repeat(n) + 'b' }) }])), 5000);
  });

  it('checks maxDecimalPlaces', () => {
    const q = questionnaire([{ linkId: 'd', type: 'decimal', extension: [ext('maxDecimalPlaces', { valueInteger: 1 })] }]);
    expect(run(q, response([{ linkId: 'd', ...ans({ valueDecimal: 1.25 }) }]))).toEqual(['error qr-max-decimal-places @item[0].answer[0].valueDecimal']);
    expect(run(q, response([{ linkId: 'd', ...ans({ valueDecimal: 1.2 }) }]))).toEqual([]);
  });
});

describe('quantities', () => {
  const UCUM = 'http://unitsofmeasure.org';
  const sdc = (name: string, q: Json): Json => ({ url: `http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-${name}`, valueQuantity: q });
  const item = (extension: Json[]): Json => questionnaire([{ linkId: 'q', type: 'quantity', extension }]);
  const answer = (q: Json): Json => response([{ linkId: 'q', ...ans({ valueQuantity: q }) }]);

  it('compares with limits in the same or convertible UCUM units', () => {
    const q = item([sdc('minQuantity', { value: 1, system: UCUM, code: 'km' }), sdc('maxQuantity', { value: 5, system: UCUM, code: 'km' })]);
    expect(run(q, answer({ value: 2000, system: UCUM, code: 'm' }))).toEqual([]);
    expect(run(q, answer({ value: 500, system: UCUM, code: 'm' }))).toEqual(['error qr-min-quantity @item[0].answer[0].valueQuantity']);
    expect(run(q, answer({ value: 6, system: UCUM, code: 'km' }))).toEqual(['error qr-max-quantity @item[0].answer[0].valueQuantity']);
  });

  it('cannot compare incommensurable or uncoded units', () => {
    const q = item([sdc('maxQuantity', { value: 5, system: UCUM, code: 'kg' })]);
    expect(run(q, answer({ value: 1, system: UCUM, code: '[mi_i]' }))).toEqual(['error qr-max-quantity @item[0].answer[0].valueQuantity']);
    expect(run(q, answer({ value: 1, unit: 'kg' }))).toEqual(['error qr-max-quantity @item[0].answer[0].valueQuantity']);
  });

  it('checks unitOption', () => {
    const q = item([{ url: 'http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption', valueCoding: { system: UCUM, code: 'km', display: 'kilometer' } }]);
    expect(run(q, answer({ value: 1, unit: 'kilometer', system: UCUM, code: 'km' }))).toEqual([]);
    expect(run(q, answer({ value: 1, unit: 'Kg', system: UCUM, code: 'kg' }))).toEqual(['error qr-unit-option @item[0].answer[0].valueQuantity']);
  });

  it('checks unitValueSet through the terminology', () => {
    const vs = 'http://example.com/ValueSet/units';
    const tx = fakeTx({ [vs]: [{ system: UCUM, code: 'km' }] });
    const q = item([{ url: 'http://hl7.org/fhir/StructureDefinition/questionnaire-unitValueSet', valueCanonical: vs }]);
    const vsRes = { resourceType: 'ValueSet', url: vs };
    expect(run(q, answer({ value: 1, system: UCUM, code: 'km' }), tx, [vsRes])).toEqual([]);
    expect(run(q, answer({ value: 1, system: UCUM, code: 'm' }), tx, [vsRes])).toEqual(['error qr-unit-not-in-valueset @item[0].answer[0].valueQuantity']);
    expect(run(q, answer({ value: 1, unit: 'kilometer', system: UCUM }), tx, [vsRes])).toEqual(['error qr-unit-not-in-valueset @item[0].answer[0].valueQuantity']);
  });
});

describe('attachments', () => {
  const data = Buffer.alloc(500, 1).toString('base64');

  it('checks maxSize at the answer and the stated size at the value', () => {
    const q = questionnaire([{ linkId: 'a', type: 'attachment', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/maxSize', valueDecimal: 50 }] }]);
    expect(run(q, response([{ linkId: 'a', ...ans({ valueAttachment: { contentType: 'application/pdf', data, size: 500 } }) }]))).toEqual([
      'error qr-attachment-too-large @item[0].answer[0]',
    ]);
    const q2 = questionnaire([{ linkId: 'a', type: 'attachment' }]);
    expect(run(q2, response([{ linkId: 'a', ...ans({ valueAttachment: { contentType: 'application/pdf', data, size: 50200200 } }) }]))).toEqual([
      'error qr-attachment-size @item[0].answer[0].valueAttachment',
    ]);
  });

  it('checks mime types', () => {
    const q = questionnaire([{ linkId: 'a', type: 'attachment', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/mimeType', valueCode: 'image/' }] }]);
    expect(run(q, response([{ linkId: 'a', ...ans({ valueAttachment: { contentType: 'image/png', data } }) }]))).toEqual([]);
    expect(run(q, response([{ linkId: 'a', ...ans({ valueAttachment: { contentType: 'application/pdf', data } }) }]))).toEqual([
      'error qr-attachment-mimetype @item[0].answer[0]',
    ]);
    expect(run(q, response([{ linkId: 'a', ...ans({ valueAttachment: { data } }) }]))).toEqual(['error qr-attachment-no-mimetype @item[0].answer[0]']);
  });
});

describe('enableWhen', () => {
  const dependent = (enableWhen: Json[], extra: Json = {}): Json =>
    questionnaire([{ linkId: 'c', type: 'integer' }, { linkId: 'd', type: 'string', required: true, enableWhen, ...extra }, { linkId: 'e', type: 'boolean' }]);
  const answers = (c: number | undefined, d: boolean, e?: boolean): Json =>
    response([
      ...(c === undefined ? [] : [{ linkId: 'c', ...ans({ valueInteger: c }) }]),
      ...(d ? [{ linkId: 'd', ...ans({ valueString: 'x' }) }] : []),
      ...(e === undefined ? [] : [{ linkId: 'e', ...ans({ valueBoolean: e }) }]),
    ]);

  it.each([
    ['=', 5, 5, true],
    ['=', 5, 4, false],
    ['!=', 5, 4, true],
    ['>', 5, 6, true],
    ['>', 5, 5, false],
    ['<', 5, 4, true],
    ['>=', 5, 5, true],
    ['<=', 5, 6, false],
  ])('operator %s %d against answer %d: enabled=%s', (operator, expected, given, enabled) => {
    const q = dependent([{ question: 'c', operator, answerInteger: expected }]);
    // enabled: a missing required answer is an error; disabled: an answer is an error
    expect(run(q, answers(given, false))).toEqual(enabled ? ['error qr-item-required @'] : []);
    expect(run(q, answers(given, true))).toEqual(enabled ? [] : ['error qr-item-not-enabled @item[1]']);
  });

  it('handles exists', () => {
    const q = dependent([{ question: 'c', operator: 'exists', answerBoolean: false }]);
    expect(run(q, answers(undefined, false))).toEqual(['error qr-item-required @']);
    expect(run(q, answers(1, true))).toEqual(['error qr-item-not-enabled @item[1]']);
  });

  it('combines conditions with enableBehavior', () => {
    const conditions = [
      { question: 'c', operator: '=', answerInteger: 1 },
      { question: 'e', operator: '=', answerBoolean: true },
    ];
    const any = dependent(conditions, { enableBehavior: 'any' });
    const all = dependent(conditions, { enableBehavior: 'all' });
    expect(run(any, answers(1, false, false))).toEqual(['error qr-item-required @']);
    expect(run(all, answers(1, true, false))).toEqual(['error qr-item-not-enabled @item[1]']);
    expect(run(all, answers(1, true, true))).toEqual([]);
  });

  it('compares codings by system and code', () => {
    const q = questionnaire([
      { linkId: 'c', type: 'choice' },
      { linkId: 'd', type: 'string', enableWhen: [{ question: 'c', operator: '=', answerCoding: { system: 'http://x.org', code: 'yes' } }] },
    ]);
    const qr = (code: string): Json =>
      response([{ linkId: 'c', ...ans({ valueCoding: { system: 'http://x.org', code } }) }, { linkId: 'd', ...ans({ valueString: 'x' }) }]);
    expect(run(q, qr('yes')).filter((i) => i.startsWith('error'))).toEqual([]);
    expect(run(q, qr('no')).filter((i) => i.startsWith('error'))).toEqual(['error qr-item-not-enabled @item[1]']);
  });

  it('looks for the answer within the same repetition of a repeating group', () => {
    const q = questionnaire([
      {
        linkId: 'g',
        type: 'group',
        repeats: true,
        item: [
          { linkId: 'c', type: 'boolean' },
          { linkId: 'd', type: 'boolean', required: true, enableWhen: [{ question: 'c', operator: '=', answerBoolean: true }] },
        ],
      },
    ]);
    const group = (c: boolean, d: boolean): Json => ({
      linkId: 'g',
      item: [{ linkId: 'c', ...ans({ valueBoolean: c }) }, ...(d ? [{ linkId: 'd', ...ans({ valueBoolean: true }) }] : [])],
    });
    expect(run(q, response([group(true, true), group(false, true), group(true, false), group(false, false)]))).toEqual([
      'error qr-item-not-enabled @item[1].item[1]',
      'error qr-item-required @item[2]',
    ]);
  });

  it('follows an enableWhenExpression', () => {
    const q = questionnaire([
      { linkId: 'c', type: 'boolean' },
      {
        linkId: 'd',
        type: 'boolean',
        extension: [
          {
            url: 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression',
            valueExpression: { language: 'text/fhirpath', expression: "%resource.item.where(linkId='c').answer.value" },
          },
        ],
      },
    ]);
    const qr = (c: boolean): Json => response([{ linkId: 'c', ...ans({ valueBoolean: c }) }, { linkId: 'd', ...ans({ valueBoolean: true }) }]);
    expect(run(q, qr(true))).toEqual([]);
    expect(run(q, qr(false))).toEqual(['error qr-item-not-enabled @item[1]']);
  });
});

describe('checkQuestionnaire', () => {
  it('checks enableWhen targets', () => {
    const q = questionnaire([
      { linkId: 'a', type: 'boolean', enableWhen: [{ question: 'b', operator: 'exists', answerBoolean: true }] },
      { linkId: 'b', type: 'boolean', enableWhen: [{ question: 'zz', operator: 'exists', answerBoolean: true }] },
      { linkId: 'c', type: 'boolean', enableWhen: [{ question: 'c', operator: 'exists', answerBoolean: true }] },
      {
        linkId: 'g',
        type: 'group',
        enableWhen: [{ question: 'g1', operator: 'exists', answerBoolean: true }],
        item: [{ linkId: 'g1', type: 'boolean', enableWhen: [{ question: 'a', operator: '=', answerBoolean: true }] }],
      },
    ]);
    expect(runQ(q)).toEqual([
      'warning q-enablewhen-after @item[0]',
      'error q-enablewhen-target @item[1]',
      'error q-enablewhen-self @item[2]',
      'error q-enablewhen-inner @item[3]',
    ]);
  });

  it('requires enableBehavior with more than one condition (que-12)', () => {
    const conditions = [
      { question: 'a', operator: '=', answerInteger: 1 },
      { question: 'a', operator: '=', answerInteger: 2 },
    ];
    const q = questionnaire([{ linkId: 'a', type: 'integer' }, { linkId: 'b', type: 'integer', enableWhen: conditions }]);
    expect(runQ(q)).toEqual(['error invariant:que-12 @item[1]']);
    expect(runQ(questionnaire([{ linkId: 'a', type: 'integer' }, { linkId: 'b', type: 'integer', enableWhen: conditions, enableBehavior: 'any' }]))).toEqual([]);
  });

  it('warns about an enableWhen answer that can never match the question type', () => {
    const q = questionnaire([{ linkId: 'a', type: 'boolean' }, { linkId: 'b', type: 'string', enableWhen: [{ question: 'a', operator: '=', answerCoding: { code: 'y' } }] }]);
    expect(runQ(q)).toEqual(['warning q-enablewhen-answer-type @item[1]']);
  });
});
