/**
 * `bars snapshot <url|file>`: the StructureDefinition with its snapshot as JSON on stdout,
 * problems on stderr, exit codes 0 / 1 / 2. And what `bars validate` says when the BaRS package
 * set is missing, or bars.config.json is wrong. Through the CLI's main() in this process
 * (barsInProcess); the usage errors also as a user runs them (the built CLI, a child process).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BUILD_SKIP_REASON, HAS_BUILD, bars, barsInProcess, looksLikeStackTrace } from '../../test/support/cli-home.js';
import { HAS_CORPUS, corpusPath } from '../../test/support/corpus.js';
import { cleanup, profile, tempDir, writePackage } from '../../test/support/packages.js';

const tmp = tempDir('bars-cli-snapshot-');
const home = join(tmp, 'home');
mkdirSync(home, { recursive: true });
afterAll(() => cleanup(tmp));

const URL_BASE = 'http://example.org/StructureDefinition/cli-base';
const URL_CHILD = 'http://example.org/StructureDefinition/cli-child';
const ig = writePackage(join(tmp, 'ig'), {
  name: 'example.cli',
  version: '1.0.0',
  resources: [profile({ url: URL_BASE, elements: [{ id: 'Patient.name', path: 'Patient.name', min: 1 }] })],
});
const childFile = join(tmp, 'child.json');
writeFileSync(childFile, JSON.stringify(profile({ url: URL_CHILD, base: URL_BASE, elements: [{ id: 'Patient.gender', path: 'Patient.gender', min: 1 }] }), null, 2));

type Snap = { url: string; snapshot: { element: { id: string; min: number; max: string; short?: string }[] } };
const element = (sd: Snap, id: string) => sd.snapshot.element.find((e) => e.id === id);

describe.skipIf(!HAS_BUILD)('bars snapshot', () => {
  if (!HAS_BUILD) it.skip(BUILD_SKIP_REASON, () => {});

  it('<url> --ig: the loaded definition with a generated snapshot, as JSON on stdout', async () => {
    const r = await barsInProcess(['snapshot', URL_BASE, '--ig', ig], { home });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const sd = JSON.parse(r.stdout) as Snap;
    expect(sd.url).toBe(URL_BASE);
    expect(sd.snapshot.element[0]!.id).toBe('Patient');
    expect(element(sd, 'Patient.name')!.min).toBe(1);
  });

  it('<file> --ig: a profile file whose base is in the IG', async () => {
    const r = await barsInProcess(['snapshot', childFile, '--ig', ig], { home });
    expect(r.code).toBe(0);
    const sd = JSON.parse(r.stdout) as Snap;
    expect(sd.url).toBe(URL_CHILD);
    expect([element(sd, 'Patient.name')!.min, element(sd, 'Patient.gender')!.min]).toEqual([1, 1]);
  });

  it('<file> in FHIR XML', async () => {
    const xml = join(tmp, 'xml-profile.xml');
    writeFileSync(
      xml,
      '<StructureDefinition xmlns="http://hl7.org/fhir"><url value="http://example.org/StructureDefinition/xml"/><name value="Xml"/><status value="draft"/><kind value="resource"/><abstract value="false"/><type value="Observation"/><baseDefinition value="http://hl7.org/fhir/StructureDefinition/Observation"/><derivation value="constraint"/><differential><element id="Observation.valueQuantity"><path value="Observation.valueQuantity"/><min value="1"/></element></differential></StructureDefinition>',
    );
    const r = await barsInProcess(['snapshot', xml], { home, env: { FHIR_PACKAGE_CACHE: join(tmp, 'empty') } });
    expect(r.code).toBe(0);
    const sd = JSON.parse(r.stdout) as Snap & { snapshot: { element: { type?: { code: string }[] }[] } };
    const v = sd.snapshot.element.find((e) => e.id === 'Observation.value[x]')!;
    expect(v).toMatchObject({ min: 1, type: [{ code: 'Quantity' }] });
  });

  it('a published snapshot is printed as published', async () => {
    const file = join(tmp, 'published.json');
    writeFileSync(
      file,
      JSON.stringify({ ...profile({ url: 'http://example.org/StructureDefinition/pub' }), snapshot: { element: [{ id: 'Patient', path: 'Patient', min: 0, max: '*', short: 'kept as is' }] } }),
    );
    const r = await barsInProcess(['snapshot', file], { home });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Snap).snapshot.element).toEqual([{ id: 'Patient', path: 'Patient', min: 0, max: '*', short: 'kept as is' }]);
  });

  it('errors in the differential: the snapshot is printed, the errors named on stderr, exit code 1', async () => {
    const file = join(tmp, 'typo.json');
    writeFileSync(file, JSON.stringify(profile({ url: 'http://example.org/StructureDefinition/typo', elements: [{ id: 'Patient.nmae', path: 'Patient.nmae', min: 1 }] })));
    const r = await barsInProcess(['snapshot', file], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('"nmae" is not an element of Patient');
    expect((JSON.parse(r.stdout) as Snap).url).toBe('http://example.org/StructureDefinition/typo');
  });

  it('a base that is not loaded: exit code 2, naming the base and how to load it', async () => {
    const r = await barsInProcess(['snapshot', childFile], { home, env: { FHIR_PACKAGE_CACHE: join(tmp, 'empty') } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`its base ${URL_BASE} was not found`);
    expect(r.stderr).toContain('--ig');
    expect(looksLikeStackTrace(r.stderr)).toBe(false);
  });

  it('an unknown url: exit code 2 with what to load', async () => {
    const r = await barsInProcess(['snapshot', 'https://fhir.nhs.uk/StructureDefinition/BARSNoSuchProfile', '--offline'], { home, env: { FHIR_PACKAGE_CACHE: join(tmp, 'empty') } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no StructureDefinition https://fhir.nhs.uk/StructureDefinition/BARSNoSuchProfile in the loaded definitions');
    expect(r.stderr).toContain('package uk.nhsdigital.bars.r4');
    expect(looksLikeStackTrace(r.stderr)).toBe(false);
  });

  it('without --ig, a BaRS profile from the embedded set (empty package cache, offline), with its generated snapshot', async () => {
    const url = 'https://fhir.nhs.uk/StructureDefinition/BARSBundleMessage';
    const r = await barsInProcess(['snapshot', url, '--offline'], { home, env: { FHIR_PACKAGE_CACHE: join(tmp, 'empty') } });
    expect(r.code).toBe(0);
    const sd = JSON.parse(r.stdout) as Snap;
    expect(sd.url).toBe(url);
    expect(JSON.stringify(sd)).toContain('https://fhir.hl7.org.uk/StructureDefinition/UKCore-Bundle');
  });

  it('usage errors: exit code 2', async () => {
    for (const [n, args] of [['snapshot'], ['snapshot', 'a', 'b'], ['snapshot', 'x', '--nope']].entries()) {
      const r = await (n === 0 ? bars : barsInProcess)(args, { home });
      expect(r.code, args.join(' ')).toBe(2);
      expect(looksLikeStackTrace(r.stderr), args.join(' ')).toBe(false);
    }
  });
});

describe.skipIf(!HAS_BUILD || !HAS_CORPUS)('bars snapshot with the corpus', () => {

  it('a BaRS profile, its base chain resolved across the UK Core and BaRS folders', async () => {
    const r = await barsInProcess(
      ['snapshot', 'https://fhir.nhs.uk/StructureDefinition/BARSMessageHeader-booking-request', '--ig', corpusPath('ukcore-stu3'), '--ig', corpusPath('bars')],
      { home },
    );
    expect(r.code).toBe(0);
    const sd = JSON.parse(r.stdout) as Snap & { baseDefinition: string };
    expect(sd.baseDefinition).toBe('https://fhir.hl7.org.uk/StructureDefinition/UKCore-MessageHeader');
    expect(sd.snapshot.element.length).toBeGreaterThan(50);
    expect(sd.snapshot.element[0]!.id).toBe('MessageHeader');
  });
});

describe.skipIf(!HAS_BUILD)('bars validate: loading problems', () => {
  if (!HAS_BUILD) it.skip(BUILD_SKIP_REASON, () => {});

  it('a UK Core profile is checked from the embedded set, with an empty package cache, offline: nothing reported missing', async () => {
    const input = join(tmp, 'patient.json');
    writeFileSync(
      input,
      JSON.stringify({ resourceType: 'Patient', id: 'p', meta: { profile: ['https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient'] }, gender: 'female' }),
    );
    const json = await barsInProcess(['validate', input, '--offline', '--format', 'json'], { home, env: { FHIR_PACKAGE_CACHE: join(tmp, 'empty') } });
    expect(json.code).toBe(0);
    const result = JSON.parse(json.stdout) as { results: { issues: { ruleId: string }[] }[]; run: { notes?: string[] } };
    expect(result.results[0]!.issues.map((i) => i.ruleId)).not.toContain('profile-unknown');
    expect(result.run.notes).toBeUndefined();
    expect(json.stderr).not.toContain('not complete');
  });

  it('a wrong bars.config.json: exit code 2, the key and its position', async () => {
    const dir = join(tmp, 'project');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bars.config.json'), '{\n  "igz": ["x"]\n}\n');
    writeFileSync(join(dir, 'in.json'), '{"resourceType": "Patient"}');
    const r = await barsInProcess(['validate', 'in.json'], { home, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'bars.config.json')}:2:3: unknown key "igz": did you mean "igs"?`);
    expect(looksLikeStackTrace(r.stderr)).toBe(false);
  });

  it('an IG that cannot be loaded: exit code 2, naming it and how to provide it', async () => {
    const input = join(tmp, 'patient.json');
    const r = await barsInProcess(['validate', input, '--ig', 'example.not.cached#1.0.0', '--offline'], { home, env: { FHIR_PACKAGE_CACHE: join(tmp, 'empty') } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('bars: cannot load definitions: FHIR package example.not.cached#1.0.0 is not in the package cache');
    expect(r.stderr).toContain('bars packages add <path/to/example.not.cached-1.0.0.tgz');
    expect(looksLikeStackTrace(r.stderr)).toBe(false);
  });
});
