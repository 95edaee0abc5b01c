/**
 * One measured load in a fresh process: R4 core + UK Core STU3 + BaRS to a ready
 * definition set (index loaded, the BaRS message profile compiled), and the peak RSS.
 */
import { join } from 'node:path';
import { loadDefinitions } from '../src/assemble.js';

const [corpus, cacheDir] = process.argv.slice(2) as [string, string];
const t0 = performance.now();
const loaded = await loadDefinitions({ igs: [join(corpus, 'ukcore-stu3'), join(corpus, 'bars')], cacheDir, offline: true });
const tIndex = performance.now();
// ready to validate a BaRS message: its Bundle and MessageHeader profiles have snapshots and plans
for (const url of [
  'https://fhir.nhs.uk/StructureDefinition/BARSBundleMessage',
  'https://fhir.nhs.uk/StructureDefinition/BARSMessageHeader-servicerequest-request',
  'https://fhir.nhs.uk/StructureDefinition/BARSServiceRequest-request-referral',
]) loaded.compiler.plan(url);
const tReady = performance.now();
process.stdout.write(
  JSON.stringify({
    indexMs: tIndex - t0,
    readyMs: tReady - t0,
    maxRssKb: process.resourceUsage().maxRSS,
    sources: loaded.defs.sources.length,
    generated: loaded.structures.generated,
    fromDisk: loaded.structures.fromDisk,
  }),
);
