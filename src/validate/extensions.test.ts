/**
 * Extensions, from the R4 Extensibility page (§2.1.0): a url that resolves to a definition, used as
 * modifier or not as defined, placed in a context the definition allows (incl. its context
 * invariants); cross-version extensions defined by the element they carry.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../engine.js';
import { TEST_CACHE } from '../../test/support/engine.js';

const EXT = 'http://example.net/fhir/StructureDefinition/';

/** A simple extension definition with a string value (differential only: the snapshot is generated). */
function extensionDef(id: string, context: { type: string; expression: string }[], extra: Record<string, unknown> = {}) {
  return {
    resourceType: 'StructureDefinition',
    url: EXT + id,
    version: '1.0.0',
    name: id.replace(/[^A-Za-z0-9]/g, ''),
    status: 'active',
    fhirVersion: '4.0.1',
    kind: 'complex-type',
    abstract: false,
    context,
    type: 'Extension',
    baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Extension',
    derivation: 'constraint',
    differential: {
      element: [
        { id: 'Extension', path: 'Extension' },
        { id: 'Extension.extension', path: 'Extension.extension', max: '0' },
        { id: 'Extension.url', path: 'Extension.url', fixedUri: EXT + id },
        { id: 'Extension.value[x]', path: 'Extension.value[x]', type: [{ code: 'string' }] },
      ],
    },
    ...extra,
  };
}

const defs = [
  extensionDef('on-patient', [{ type: 'element', expression: 'Patient' }]),
  // may only be used on a Patient that has a birthDate
  extensionDef('needs-birthdate', [{ type: 'element', expression: 'Patient' }], { contextInvariant: ['birthDate.exists()'] }),
];

const engines = new Map<string, Promise<Engine>>();
function getEngine(unknownExtensions?: 'warning' | 'error' | 'ignore'): Promise<Engine> {
  const key = unknownExtensions ?? '';
  let e = engines.get(key);
  if (!e) {
    const dir = mkdtempSync(join(tmpdir(), 'bars-ext-'));
    for (const d of defs) writeFileSync(join(dir, `StructureDefinition-${d.url.split('/').pop()}.json`), JSON.stringify(d));
    e = createEngine({ cacheDir: TEST_CACHE, offline: true, igs: [dir], unknownExtensions });
    engines.set(key, e);
  }
  return e;
}

async function issues(resource: Record<string, unknown>, unknownExtensions?: 'warning' | 'error' | 'ignore') {
  const r = await (await getEngine(unknownExtensions)).validate(JSON.stringify(resource));
  return r.issues.map((i) => ({ severity: i.severity, ruleId: i.ruleId, expression: i.expression }));
}
const errors = async (resource: Record<string, unknown>) => (await issues(resource)).filter((i) => i.severity === 'error' || i.severity === 'fatal');

describe('an extension whose definition cannot be found', () => {
  const patient = (url: string) => ({ resourceType: 'Patient', extension: [{ url, valueString: 'x' }] });
  it('is an error by default (it cannot be checked)', async () => {
    expect(await errors(patient('http://unknown.test/StructureDefinition/nowhere'))).toEqual([
      { severity: 'error', ruleId: 'extension-unknown', expression: 'Patient.extension[0]' },
    ]);
  });
  it('only informs in the example domains (example.org, acme.com)', async () => {
    for (const url of ['http://example.org/fhir/StructureDefinition/x', 'http://acme.com/ext/x']) {
      const found = (await issues(patient(url))).filter((i) => i.ruleId === 'extension-unknown');
      expect(found.map((i) => i.severity), url).toEqual(['information']);
    }
  });
  it('--unknown-extensions warning relaxes it', async () => {
    const found = (await issues(patient('http://unknown.test/StructureDefinition/nowhere'), 'warning')).filter((i) => i.ruleId === 'extension-unknown');
    expect(found.map((i) => i.severity)).toEqual(['warning']);
  });
});

describe('Extension.url', () => {
  it('an extension without url is an error at the extension', async () => {
    const errs = await errors({ resourceType: 'Patient', extension: [{ valueString: 'x' }] });
    expect(errs.map((e) => e.expression)).toContain('Patient.extension[0]');
  });
  it('a url pinned to the loaded version resolves (with a warning that urls are not versioned)', async () => {
    const all = await issues({ resourceType: 'Patient', extension: [{ url: `${EXT}on-patient|1.0.0`, valueString: 'x' }] });
    expect(all.filter((i) => i.severity === 'error')).toEqual([]);
    expect(all.map((i) => i.ruleId)).toContain('extension-url-versioned');
  });
  it('a url pinned to another version is an error that says which version is loaded', async () => {
    const errs = await errors({ resourceType: 'Patient', extension: [{ url: `${EXT}on-patient|2.0.0`, valueString: 'x' }] });
    expect(errs).toEqual([{ severity: 'error', ruleId: 'extension-url-version', expression: 'Patient.extension[0].url' }]);
  });
});

describe('context', () => {
  it('an extension allowed on Patient is rejected on Observation', async () => {
    const errs = await errors({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, extension: [{ url: `${EXT}on-patient`, valueString: 'x' }] });
    expect(errs.map((e) => e.ruleId)).toEqual(['extension-context']);
  });
  it('a context invariant that holds: valid', async () => {
    expect(await errors({ resourceType: 'Patient', birthDate: '2000-01-01', extension: [{ url: `${EXT}needs-birthdate`, valueString: 'x' }] })).toEqual([]);
  });
  it('a context invariant that fails: error on the extension', async () => {
    expect(await errors({ resourceType: 'Patient', extension: [{ url: `${EXT}needs-birthdate`, valueString: 'x' }] })).toEqual([
      { severity: 'error', ruleId: 'extension-context-invariant', expression: 'Patient.extension[0]' },
    ]);
  });
});

describe('cross-version extensions (http://hl7.org/fhir/<ver>/StructureDefinition/extension-<path>)', () => {
  const R4 = 'http://hl7.org/fhir/4.0/StructureDefinition/extension-';
  it('an R4 element carried with its own type on its own parent is valid', async () => {
    expect(await errors({ resourceType: 'Patient', extension: [{ url: `${R4}Patient.birthDate`, valueDate: '2000-01-01' }] })).toEqual([]);
  });
  it('the value must have the element\'s type', async () => {
    const errs = await errors({ resourceType: 'Patient', extension: [{ url: `${R4}Patient.birthDate`, valueString: 'x' }] });
    expect(errs.length).toBeGreaterThan(0);
  });
  it('the context is the element\'s parent: on another resource it is misplaced', async () => {
    const errs = await errors({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, extension: [{ url: `${R4}Patient.birthDate`, valueDate: '2000-01-01' }] });
    expect(errs.map((e) => e.ruleId)).toEqual(['extension-context']);
  });
  it('a modifier element must be carried as a modifierExtension', async () => {
    const asExt = await errors({ resourceType: 'Patient', extension: [{ url: `${R4}Patient.active`, valueBoolean: true }] });
    expect(asExt.map((e) => e.ruleId)).toEqual(['extension-modifier-misplaced']);
    expect(await errors({ resourceType: 'Patient', modifierExtension: [{ url: `${R4}Patient.active`, valueBoolean: true }] })).toEqual([]);
  });
  it('a complex element becomes sub-extensions named by its children; an unknown child name is an error', async () => {
    const contact = (sub: Record<string, unknown>[]) => ({ resourceType: 'Patient', extension: [{ url: `${R4}Patient.contact`, extension: sub }] });
    expect(await errors(contact([{ url: 'gender', valueCode: 'male' }]))).toEqual([]);
    const bad = await errors(contact([{ url: 'nonsense', valueCode: 'male' }]));
    expect(bad.map((e) => e.ruleId)).toEqual(['extension-sub-unknown']);
  });
  it('a path R4 does not have, for version 4.0, is unknown (an error)', async () => {
    const errs = await errors({ resourceType: 'Patient', extension: [{ url: `${R4}Patient.noSuchElement`, valueString: 'x' }] });
    expect(errs.map((e) => e.ruleId)).toEqual(['extension-unknown']);
  });
  it('another version: an element R4 lacks cannot be generated and only informs', async () => {
    const all = await issues({ resourceType: 'Patient', extension: [{ url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-Patient.newInR5', valueString: 'x' }] });
    expect(all.filter((i) => i.severity === 'error')).toEqual([]);
    expect(all.find((i) => i.ruleId === 'extension-unknown')?.severity).toBe('information');
  });
  it('another version: an element R4 has keeps its modifier flag', async () => {
    const errs = await errors({ resourceType: 'Patient', extension: [{ url: 'http://hl7.org/fhir/5.0/StructureDefinition/extension-Patient.active', valueBoolean: true }] });
    expect(errs.map((e) => e.ruleId)).toEqual(['extension-modifier-misplaced']);
  });
});

describe('HL7 extensions newer than R4 core (extensions pack, not loaded)', () => {
  it('are warnings by default: the pack that defines them is not available here', async () => {
    const all = await issues({ resourceType: 'Patient', extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/not-in-r4-core', valueString: 'x' }] });
    expect(all.filter((i) => i.ruleId === 'extension-unknown').map((i) => i.severity)).toEqual(['warning']);
  });
});
