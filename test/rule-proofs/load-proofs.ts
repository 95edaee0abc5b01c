/**
 * Rule proofs for loading definitions (packages.html: a package is a folder or tarball of
 * conformance resources, with the packages it depends on): each scenario builds its IG folders,
 * packages and package cache in a fresh temp folder and loads them with loadDefinitions, broken in
 * one way and as it should be. A load diagnostic is located by its file, relative to the temp
 * folder ("-" when it names none: the --ig or package it is about is in its message).
 */
import { mkdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';
import { runValidate, parseValidateArgs } from '../../src/cli/validate.js';
import { validateInput } from '../../src/cli/validate-input.js';
import type { Engine } from '../../src/engine.js';
import { DefinitionStore } from '../../src/load/cache/store.js';
import type { LoadDiagnostic } from '../../src/load/types.js';
import { join, relative } from 'node:path';
import { loadDefinitions, type LoadOptions } from '../../src/assemble.js';
import type { RuleId } from '../../src/model/rules.js';
import { plainEngine, TEST_CACHE } from '../support/engine.js';
import { readResourceFile } from '../../src/load/sources/resource-file.js';
import { cleanup, codeSystem, putInCache, tempDir, tinyTgz, writePackage } from '../support/packages.js';
import type { Found, ScenarioProof } from './scenario-proofs.js';

const VS = 'http://example.org/fhir/ValueSet/colours';
const valueSet = (version: string, title = 'Colours'): Record<string, unknown> => ({
  resourceType: 'ValueSet',
  id: 'colours',
  url: VS,
  version,
  name: 'Colours',
  title,
  status: 'active',
  compose: { include: [{ system: 'http://example.org/fhir/CodeSystem/colours' }] },
});

/** Load with `setup(dir, broken)`'s options, R4 core from the test cache, no registry. */
function loading(id: RuleId, why: string, at: string, setup: (dir: string, broken: boolean) => Promise<LoadOptions> | LoadOptions): ScenarioProof {
  return {
    id,
    why,
    at,
    async run(broken) {
      const dir = tempDir('bars-rule-proofs-load-');
      try {
        const options = await setup(dir, broken);
        const loaded = await loadDefinitions({ cacheDir: TEST_CACHE, offline: true, strict: false, ...options });
        return loaded.defs.diagnostics.map((d): Found => ({ ruleId: d.code, at: d.file ? relative(dir, d.file) : '-' }));
      } finally {
        cleanup(dir);
      }
    },
  };
}

/** An IG folder `ig` holding `files` (name → content). */
function igFolder(dir: string, files: Record<string, string>): string {
  const ig = join(dir, 'ig');
  mkdirSync(ig, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(ig, name), text);
  return ig;
}
const json = (o: unknown): string => JSON.stringify(o);

export const LOAD_PROOFS: ScenarioProof[] = [
  loading('not-a-resource', 'a JSON file in an IG folder without resourceType is not a FHIR resource: skipped, and said', 'ig/colours.json', (dir, broken) => ({
    igs: [igFolder(dir, { 'colours.json': json(broken ? { url: VS, version: '1.0.0' } : valueSet('1.0.0')) })],
  })),
  loading('file-unreadable', 'a package file that cannot be read (a link to a file moved away) is said, and the rest of the package loads', 'pkg/package/ValueSet-colours.json', (dir, broken) => {
    const pkg = writePackage(join(dir, 'pkg'), { name: 'example.proof', version: '1.0.0', resources: broken ? [] : [valueSet('1.0.0')] });
    if (broken) symlinkSync(join(dir, 'moved-away.json'), join(pkg, 'package', 'ValueSet-colours.json'));
    return { igs: [pkg] };
  }),
  loading('no-definitions', '--ig of a resource file holding no conformance resource loads nothing: said', 'patient.json', (dir, broken) => {
    const file = join(dir, 'patient.json');
    writeFileSync(file, json(broken ? { resourceType: 'Patient', id: 'p' } : valueSet('1.0.0')));
    return { igs: [file] };
  }),
  loading('package-missing', 'an --ig that cannot be loaded is said, and the run goes on', '-', (dir, broken) => ({
    igs: [broken ? join(dir, 'no-such-folder') : igFolder(dir, { 'ValueSet-colours.json': json(valueSet('1.0.0')) })],
  })),
  loading('canonical-conflict', 'two loaded definitions of one canonical url|version: the one loaded last is used, and the run says which', 'b', (dir, broken) => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(a, 'ValueSet-colours.json'), json(valueSet('1.0.0')));
    writeFileSync(join(b, 'ValueSet-colours.json'), json(valueSet(broken ? '1.0.0' : '1.1.0', 'Colours, revised')));
    return { igs: [a, b] };
  }),
  loading('dependency-missing', 'a package loads with the packages it depends on; one that cannot be found is said', '-', async (dir, broken) => {
    const cache = join(dir, 'cache');
    putInCache(cache, { name: 'example.colours', version: '1.0.0', resources: [codeSystem('http://example.org/fhir/CodeSystem/colours', '1.0.0', ['red'])] });
    const tgz = await tinyTgz(dir, { name: 'example.proof', version: '1.0.0', dependencies: { [broken ? 'example.shapes' : 'example.colours']: '1.0.0' }, resources: [valueSet('1.0.0')] });
    return { igs: [tgz], packageCache: cache };
  }),
  loading('default-package-missing', 'a default package that is not in the cache is said, and the run goes on without it', '-', (dir, broken) => {
    const cache = join(dir, 'cache');
    putInCache(cache, { name: 'example.defaults', version: '1.0.0', resources: [valueSet('1.0.0')] });
    return { defaultPackages: [{ name: 'example.defaults', version: broken ? '2.0.0' : '1.0.0' }], packageCache: cache };
  }),
  loading('embedded-package-replaced', 'a package given with --ig replaces the embedded copy of the same package, and the run says so', '-', async (dir, broken) => {
    const embedded = await tinyTgz(join(dir), { name: 'example.defaults', version: '1.0.0', resources: [valueSet('1.0.0')] });
    const given = writePackage(join(dir, 'given'), { name: broken ? 'example.defaults' : 'example.other', version: '1.1.0', resources: [valueSet('1.1.0')] });
    return { defaultPackages: [{ name: 'example.defaults', version: '1.0.0', tgz: embedded }], igs: [given] };
  }),
  notFhir(),
  cacheDamaged(),
  linksNotFollowed(),
  validationFailed(),
  workersUnavailable(),
];

/**
 * `bars snapshot <file>` reads the file it is given as a definition (readResourceFile), whatever
 * its name: FHIR shorthand source is neither JSON nor XML.
 */
function notFhir(): ScenarioProof {
  return {
    id: 'not-fhir',
    why: 'a definition file that is neither JSON nor XML (FHIR shorthand source) is skipped, and said',
    at: 'profile.fsh',
    async run(broken) {
      const dir = tempDir('bars-rule-proofs-load-');
      const file = join(dir, 'profile.fsh');
      writeFileSync(file, broken ? 'Profile: ColoursPatient\nParent: Patient\n' : json({ resourceType: 'StructureDefinition', url: 'http://example.org/fhir/StructureDefinition/colours-patient', name: 'ColoursPatient', status: 'active', kind: 'resource', abstract: false, type: 'Patient', baseDefinition: 'http://hl7.org/fhir/StructureDefinition/Patient', derivation: 'constraint' }));
      const { diagnostics } = readResourceFile(file, (await plainEngine()).validator.compiler, 'profile.fsh');
      cleanup(dir);
      return diagnostics.map((d) => ({ ruleId: d.code, at: d.file ?? '-' }));
    },
  };
}

/**
 * The toolkit's definition cache: an entry whose data file is cut short (a full disk, a killed
 * process) is found when opened, removed and built again, with a warning, never read as it is.
 */
function cacheDamaged(): ScenarioProof {
  return {
    id: 'cache-damaged',
    why: 'a cache entry cut short is removed and rebuilt, and the run says so',
    at: '-',
    async run(broken) {
      const dir = tempDir('bars-rule-proofs-cache-');
      try {
        const diagnostics: LoadDiagnostic[] = [];
        const store = new DefinitionStore(dir, diagnostics);
        const info = { name: 'example.proof', version: '1.0.0', kind: 'ig-folder' as const, location: dir, dependencies: {} };
        expect(store.write('colours', info, [{ meta: { resourceType: 'ValueSet', url: VS, version: '1.0.0' }, resource: valueSet('1.0.0') }])).toBe(true);
        const data = join(dir, 'sources', 'colours', 'resources.json');
        if (broken) truncateSync(data, statSync(data).size - 10);
        store.open('colours');
        return diagnostics.map((d) => ({ ruleId: d.code, at: d.file ?? '-' }));
      } finally {
        cleanup(dir);
      }
    },
  };
}

/** `bars validate <folder>`: a link inside the folder leading out of it is not followed (without --follow-symlinks), and the run says so. */
function linksNotFollowed(): ScenarioProof {
  return {
    id: 'links-not-followed',
    why: 'a folder walk does not follow links out of the folder given, and says so',
    at: '-',
    async run(broken) {
      const dir = tempDir('bars-rule-proofs-links-');
      try {
        const inputs = join(dir, 'inputs');
        const elsewhere = join(dir, 'elsewhere');
        mkdirSync(inputs);
        mkdirSync(elsewhere);
        writeFileSync(join(inputs, 'patient.json'), json({ resourceType: 'Patient', id: 'p1' }));
        writeFileSync(join(elsewhere, 'observation.json'), json({ resourceType: 'Observation', status: 'final', code: { text: 'weight' } }));
        symlinkSync(broken ? elsewhere : join(inputs, 'patient.json'), join(inputs, broken ? 'linked' : 'same-patient.json'));
        const { result } = await runValidate(parseValidateArgs([inputs]), () => plainEngine());
        return (result.run?.diagnostics ?? []).map((d) => ({ ruleId: d.code ?? '', at: d.file ?? '-' }));
      } finally {
        cleanup(dir);
      }
    },
  };
}

/**
 * A validator that throws on an input (a bug) gives that input a result saying it was not
 * checked, located at the file, instead of ending the run: the fault is injected here, as no
 * input is known to make the engine throw.
 */
function validationFailed(): ScenarioProof {
  return {
    id: 'validation-failed',
    why: 'a crash while validating one input is reported on that input, never a stack trace or a silent pass',
    at: 'patient.json',
    async run(broken) {
      const dir = tempDir('bars-rule-proofs-crash-');
      try {
        const file = join(dir, 'patient.json');
        writeFileSync(file, json({ resourceType: 'Patient', id: 'p1' }));
        const real = await plainEngine();
        const crashing = { validate: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'code')")) } as unknown as Engine;
        const r = await validateInput(broken ? crashing : real, { file }, []);
        return r.issues.map((i) => ({ ruleId: i.ruleId, at: i.expression ?? relative(dir, r.file) }));
      } finally {
        cleanup(dir);
      }
    },
  };
}

/**
 * The global through which rule-proofs.test.ts's mock of cli/pool.js hands runValidate a worker
 * script (run from the TypeScript sources there is none, and the run never starts workers).
 */
/**
 * `bars validate --jobs 2` where no worker thread can start (here: a worker script that throws
 * as it loads) validates every input in the main thread and says so; --jobs 1 asks for no worker.
 */
function workersUnavailable(): ScenarioProof {
  return {
    id: 'workers-unavailable',
    why: 'when no worker thread can start, the run validates in one thread and says so',
    at: '-',
    async run(broken) {
      const dir = tempDir('bars-rule-proofs-jobs-');
      try {
        for (const id of ['p1', 'p2']) writeFileSync(join(dir, `${id}.json`), json({ resourceType: 'Patient', id }));
        const script = join(dir, 'worker.mjs');
        writeFileSync(script, "throw new Error('no worker can start here');\n");
        const { result } = await runValidate(parseValidateArgs([dir, '--jobs', broken ? '2' : '1', '--offline', '--cache-dir', TEST_CACHE]), undefined, { workerScript: () => script });
        expect(result.results.map((r) => r.valid)).toEqual([true, true]);
        return (result.run?.diagnostics ?? []).map((d) => ({ ruleId: d.code ?? '', at: d.file ?? '-' }));
      } finally {
        cleanup(dir);
      }
    },
  };
}
