/**
 * BaRS requests as a sender makes them, built from the repository's BaRS fixture messages
 * (fixtures/bars/valid/): the headers a request carries (transaction ids, base64 NHSD-* FHIR
 * resources, use-context) and the message body, with a patient's NHS number or the target
 * changed when a scenario asks for it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rulesDir } from '../bars/rules/necessity.js';

type J = Record<string, any>;

export const DOS_SYSTEM = 'https://fhir.nhs.uk/Id/dos-service-id';
export const USE_CASE_SYSTEM = 'https://fhir.nhs.uk/CodeSystem/usecases-categories-bars';
const NHS_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

export const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64');

/** The requesting organisation, practitioner and software a probe identifies itself with. */
export interface SenderIdentity {
  ods: string;
  organisationName: string;
}

export const DEFAULT_SENDER: SenderIdentity = { ods: 'RYE', organisationName: 'bars probe sender' };

export function fixturesDir(): string {
  const dir = join(rulesDir(), '..', 'fixtures', 'bars', 'valid');
  if (!existsSync(dir)) throw new Error(`the BaRS fixture messages were not found at ${dir}`);
  return dir;
}

export function fixtureMessage(name: string): J {
  return JSON.parse(readFileSync(join(fixturesDir(), `${name}.json`), 'utf8')) as J;
}

export interface BuiltRequest {
  method: string;
  /** Path under the API base, with query. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HeaderOptions {
  target?: string;
  contentType?: string;
  useContext?: string;
  sender?: SenderIdentity;
  authorization?: string;
}

export function barsHeaders(o: HeaderOptions = {}): Record<string, string> {
  const sender = o.sender ?? DEFAULT_SENDER;
  const h: Record<string, string> = {
    Accept: 'application/fhir+json; version=1.0.0',
    'X-Request-ID': randomUUID(),
    'X-Correlation-ID': randomUUID(),
    'NHSD-Target-Identifier': b64({ value: o.target ?? '2000072489', system: DOS_SYSTEM }),
    'NHSD-End-User-Organisation': b64({ resourceType: 'Organization', identifier: [{ system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: sender.ods }], name: sender.organisationName }),
    'NHSD-Requesting-Practitioner': b64({
      resourceType: 'PractitionerRole',
      identifier: [{ system: 'https://fhir.nhs.uk/Id/sds-role-profile-id', value: '100334993514' }],
      code: [{ coding: [{ system: 'http://snomed.info/sct', code: '62247001', display: 'General practitioner' }] }],
    }),
    'NHSD-Requesting-Software': b64({
      resourceType: 'Device',
      identifier: [{ system: 'https://bars-toolkit.example/Id/device-identifier', value: 'BARS-PROBE-1' }],
      deviceName: [{ name: 'bars probe', type: 'manufacturer-name' }],
      version: [{ value: '1.0.0' }],
    }),
  };
  if (o.contentType) h['Content-Type'] = o.contentType;
  if (o.useContext) h['use-context'] = o.useContext;
  if (o.authorization) h.Authorization = o.authorization;
  return h;
}

/** use-context: use case|workflow|event|reason, as the API specification's example has it. */
export function useContextOf(message: J, workflow: string): string {
  const h = message.entry[0].resource;
  const useCase = message.entry
    .map((e: J) => e.resource)
    .flatMap((r: J) => [...(r.category ?? []), ...(r.serviceCategory ?? [])])
    .flatMap((c: J) => c.coding ?? [])
    .find((c: J) => c.system === USE_CASE_SYSTEM)?.code;
  return `${useCase}|${workflow}|${h.eventCoding.code}|${h.reason.coding[0].code}`;
}

export interface MessageChanges {
  /** Put this NHS number on the Patient; 'none' takes the NHS number identifier away. */
  nhsNumber?: string;
  /** Address the message to this DoS service id (MessageHeader.destination.endpoint and NHSD-Target-Identifier). */
  target?: string;
  /** A new Bundle id/identifier and timestamp, so each sent message is a new one. */
  fresh?: boolean;
  /** The identifier value of the first ServiceRequest (links a referral to a booking). */
  serviceRequestIdentifier?: string;
}

export function changeMessage(message: J, c: MessageChanges): J {
  const m = structuredClone(message);
  if (c.fresh !== false) {
    m.id = randomUUID();
    if (m.identifier) m.identifier.value = randomUUID();
  }
  const patient = m.entry.find((e: J) => e.resource.resourceType === 'Patient')?.resource;
  if (c.nhsNumber && patient) {
    const ids: J[] = patient.identifier ?? [];
    if (c.nhsNumber === 'none') {
      patient.identifier = ids.filter((i) => i.system !== NHS_SYSTEM);
      if (patient.identifier.length === 0) delete patient.identifier;
    } else {
      const nhs = ids.find((i) => i.system === NHS_SYSTEM);
      if (nhs) nhs.value = c.nhsNumber;
      else patient.identifier = [...ids, { system: NHS_SYSTEM, value: c.nhsNumber }];
    }
  }
  if (c.target) for (const d of m.entry[0].resource.destination ?? []) d.endpoint = `${DOS_SYSTEM}|${c.target}`;
  if (c.serviceRequestIdentifier) {
    const sr = m.entry.find((e: J) => e.resource.resourceType === 'ServiceRequest')?.resource;
    if (sr?.identifier?.[0]) sr.identifier[0].value = c.serviceRequestIdentifier;
  }
  return m;
}

/** The workflow part of use-context for a fixture message. */
export function workflowOf(name: string): string {
  if (/booking/.test(name)) return 'booking';
  if (/validation/.test(name)) return 'validation';
  return 'referral';
}

/** A $process-message request for a fixture message, changed as asked. */
export function processMessageRequest(fixture: string, changes: MessageChanges = {}, o: HeaderOptions = {}): BuiltRequest & { message: J } {
  const message = changeMessage(fixtureMessage(fixture), changes);
  const endpoint: string = message.entry[0].resource.destination?.[0]?.endpoint ?? `${DOS_SYSTEM}|2000072489`;
  const target = endpoint.slice(endpoint.lastIndexOf('|') + 1);
  return {
    method: 'POST',
    path: '/$process-message',
    headers: barsHeaders({ ...o, target, contentType: 'application/fhir+json', useContext: useContextOf(message, workflowOf(fixture)) }),
    body: JSON.stringify(message),
    message,
  };
}

/** GET /Slot with the parameters the API requires, for a HealthcareService. */
export function slotSearchPath(healthcareService: string, statuses: string[] = ['free']): string {
  const now = Date.now();
  const q = new URLSearchParams();
  q.set('status', statuses.join(','));
  q.append('start', `ge${new Date(now).toISOString().replace(/\.\d{3}Z$/, '+00:00')}`);
  q.append('start', `le${new Date(now + 7 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, '+00:00')}`);
  q.set('Schedule.actor:HealthcareService', healthcareService);
  q.append('_include', 'Slot:schedule');
  q.append('_include', 'Schedule:actor:HealthcareService');
  return `/Slot?${q.toString()}`;
}
