/**
 * npm run build:fixtures — writes fixtures/bars/: a valid message for every BaRS Application
 * payload (JSON and FHIR XML), and deliberately broken variants, each pinned in
 * test/fixtures.test.ts to the issues it must raise.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDefinitions } from '../src/assemble.js';
import { toFhirXml } from '../src/parse/xml-writer.js';
import { buildMessage, SPECS, uuid } from './fixtures/bars-builder.js';

type J = Record<string, any>;
const root = join(import.meta.dirname, '..', 'fixtures', 'bars');
rmSync(root, { recursive: true, force: true });
mkdirSync(join(root, 'valid'), { recursive: true });
mkdirSync(join(root, 'invalid'), { recursive: true });
const { compiler } = await loadDefinitions({ offline: true });

const write = (folder: string, name: string, bundle: J, xml = true): void => {
  writeFileSync(join(root, folder, `${name}.json`), JSON.stringify(bundle, null, 2) + '\n');
  if (xml) writeFileSync(join(root, folder, `${name}.xml`), toFhirXml(bundle, compiler));
};

for (const spec of SPECS) write('valid', `${spec.application}-${spec.payload}`, buildMessage(spec));

const base = (): J => buildMessage(SPECS.find((s) => s.application === 'APP3')!);
const entry = (b: J, type: string): J => b.entry.find((e: J) => e.resource.resourceType === type).resource;

// each broken variant breaks one BaRS rule
const variants: [string, (b: J) => void][] = [
  ['missing-last-updated', (b) => delete entry(b, 'Patient').meta.lastUpdated],
  ['bad-nhs-number', (b) => (entry(b, 'Patient').identifier[0].value = '9449306622')],
  ['relative-fullurl', (b) => (b.entry[1].fullUrl = 'Patient/123')],
  ['header-not-first', (b) => b.entry.push(b.entry.shift())],
  ['unknown-use-case', (b) => (entry(b, 'ServiceRequest').category[0].coding[1].code = 'a3t9')],
  ['no-use-case', (b) => delete entry(b, 'ServiceRequest').category],
  ['event-mismatch', (b) => (entry(b, 'MessageHeader').eventCoding.code = 'booking-request')],
  ['bad-endpoint', (b) => (entry(b, 'MessageHeader').source.endpoint = 'not-a-target-identifier')],
  ['bad-reason', (b) => (entry(b, 'MessageHeader').reason.coding[0].code = 'renew')],
  ['must-missing', (b) => delete entry(b, 'ServiceRequest').subject],
  ['fixed-value', (b) => (entry(b, 'ServiceRequest').intent = 'order')],
  ['unrequested-resource', (b) => b.entry.push({ fullUrl: `urn:uuid:${uuid('extra-device-metric')}`, resource: { resourceType: 'Basic', id: uuid('extra-device-metric'), meta: { lastUpdated: '2026-10-05T09:15:00+00:00' }, code: { text: 'extra' } } })],
  ['too-many-patients', (b) => {
    const p = JSON.parse(JSON.stringify(b.entry.find((e: J) => e.resource.resourceType === 'Patient')));
    p.fullUrl = `urn:uuid:${uuid('second-patient')}`;
    p.resource.id = uuid('second-patient');
    b.entry.push(p);
  }],
  ['major-version', (b) => (b.meta.versionId = '2.0.0')],
  ['two-official-names', (b) => entry(b, 'Patient').name.push({ use: 'official', family: 'Other' })],
  ['coding-without-display', (b) => delete entry(b, 'ServiceRequest').reasonCode[0].coding[0].display],
];
// these only earn warnings: the message is valid, the report says what to improve
const warningOnly = new Set(['unrequested-resource', 'coding-without-display']);
mkdirSync(join(root, 'warnings'), { recursive: true });
for (const [name, mutate] of variants) {
  const b = base();
  mutate(b);
  write(warningOnly.has(name) ? 'warnings' : 'invalid', `APP3-${name}`, b, name === 'bad-nhs-number' || name === 'event-mismatch');
}

// error responses (OperationOutcome) as BaRS specifies them, and one that breaks the rules
const oo = (system: string, code: string, diagnostics?: string): J => ({
  resourceType: 'OperationOutcome',
  id: uuid(`oo-${code}`),
  meta: { lastUpdated: '2026-10-05T09:16:00+00:00', profile: ['https://fhir.hl7.org.uk/StructureDefinition/UKCore-OperationOutcome'] },
  issue: [{ severity: 'error', code: 'invalid', details: { coding: [{ system, code, display: code }] }, ...(diagnostics ? { diagnostics } : {}) }],
});
write('valid', 'error-response-rec-bad-request', oo('https://fhir.nhs.uk/CodeSystem/http-error-codes', 'REC_BAD_REQUEST', 'MessageHeader.definition names a MessageDefinition this service does not support'), false);
write('invalid', 'error-response-uncoded', oo('https://fhir.nhs.uk/Codesystem/http-error-codes', 'BAD_THING'), false);
console.log(`wrote ${SPECS.length} valid messages (JSON + XML), ${variants.length} broken variants and 2 error responses to ${root}`);
