/**
 * contentReference (R4 ElementDefinition.contentReference: "the definition of the element is the
 * referenced one"): in a profile, nested levels (Questionnaire.item.item, Parameters.parameter.part)
 * reuse the resource's definition of the referenced element; the profile's constraints on the
 * referenced element apply at its own level only. A nested level the profile constrains itself takes
 * the profile's element at that path.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintProfile } from '../../test/support/profiles.js';
import { createEngine, type Engine } from '../engine.js';
import { TEST_CACHE } from '../../test/support/engine.js';

const SD = 'http://example.org/StructureDefinition/';
const profiles = [
  // top-level items are groups with text; nothing said about nested items
  constraintProfile('cr-top-groups', 'Questionnaire', [
    { id: 'Questionnaire.item', path: 'Questionnaire.item', min: 1 },
    { id: 'Questionnaire.item.type', path: 'Questionnaire.item.type', fixedCode: 'group' },
    { id: 'Questionnaire.item.text', path: 'Questionnaire.item.text', min: 1 },
  ]),
  // the same, and nested items must have a prefix (the profile's own element at the nested path)
  constraintProfile('cr-nested-prefix', 'Questionnaire', [
    { id: 'Questionnaire.item', path: 'Questionnaire.item', min: 1 },
    { id: 'Questionnaire.item.type', path: 'Questionnaire.item.type', fixedCode: 'group' },
    { id: 'Questionnaire.item.item', path: 'Questionnaire.item.item' },
    { id: 'Questionnaire.item.item.prefix', path: 'Questionnaire.item.item.prefix', min: 1 },
  ]),
  constraintProfile('cr-params', 'Parameters', [
    { id: 'Parameters.parameter', path: 'Parameters.parameter', min: 1 },
    { id: 'Parameters.parameter.name', path: 'Parameters.parameter.name', fixedString: 'top' },
  ]),
];

let engine: Promise<Engine> | undefined;
function getEngine(): Promise<Engine> {
  if (!engine) {
    const dir = mkdtempSync(join(tmpdir(), 'bars-cr-'));
    for (const p of profiles) writeFileSync(join(dir, `StructureDefinition-${p.url.split('/').pop()}.json`), JSON.stringify(p));
    engine = createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [dir] });
  }
  return engine;
}

async function errors(resource: Record<string, unknown>, profile: string) {
  const r = await (await getEngine()).validate(JSON.stringify({ ...resource, meta: { profile: [SD + profile] } }));
  return r.issues.filter((i) => i.severity === 'error' || i.severity === 'fatal').map((i) => ({ ruleId: i.ruleId, expression: i.expression }));
}

const questionnaire = (item: unknown[]) => ({ resourceType: 'Questionnaire', status: 'draft', item });

describe('Questionnaire.item.item (#Questionnaire.item)', () => {
  it('nested items are not bound by the profile\'s constraints on the top level (type, text)', async () => {
    const q = questionnaire([{ linkId: '1', type: 'group', text: 'Group', item: [{ linkId: '1.1', type: 'string' }] }]);
    expect(await errors(q, 'cr-top-groups')).toEqual([]);
  });
  it('the top level still is', async () => {
    const q = questionnaire([{ linkId: '1', type: 'string' }]);
    expect((await errors(q, 'cr-top-groups')).map((e) => e.ruleId).sort()).toEqual(['cardinality-min', 'fixed-value']);
  });
  it('a nested level the profile constrains itself takes the profile\'s element there', async () => {
    const without = questionnaire([{ linkId: '1', type: 'group', item: [{ linkId: '1.1', type: 'string' }] }]);
    expect(await errors(without, 'cr-nested-prefix')).toEqual([{ ruleId: 'cardinality-min', expression: 'Questionnaire.item[0].item[0]' }]);
    const withPrefix = questionnaire([{ linkId: '1', type: 'group', item: [{ linkId: '1.1', type: 'string', prefix: 'a' }] }]);
    expect(await errors(withPrefix, 'cr-nested-prefix')).toEqual([]);
  });
});

describe('Parameters.parameter.part (#Parameters.parameter)', () => {
  it('parts are not bound by the fixed name of top-level parameters', async () => {
    const p = { resourceType: 'Parameters', parameter: [{ name: 'top', part: [{ name: 'inner', valueString: 'x' }] }] };
    expect(await errors(p, 'cr-params')).toEqual([]);
  });
  it('the top-level name is still fixed', async () => {
    const p = { resourceType: 'Parameters', parameter: [{ name: 'other', valueString: 'x' }] };
    expect((await errors(p, 'cr-params')).map((e) => e.ruleId)).toEqual(['fixed-value']);
  });
});
