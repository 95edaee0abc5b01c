/**
 * Which BaRS Application, and which of its payloads, a message is.
 *
 * Evidence, strongest first: `--application`; the use-case category codes the message
 * carries (a3t1 → APP3: a use case belongs to exactly one Application); the use cases of
 * the MessageDefinition it claims; then the event and definition alone. The payload follows
 * from the event (request/response, booking/service request) and the MessageDefinition.
 */
import { arr, rec, type BarsMessage } from './message.js';

export const APPLICATIONS: Record<string, string> = {
  APP1: 'Bookings and referrals into urgent and emergency care (111 to ED/UTC/SDEC)',
  APP2: 'Bookings and referrals from 111 online and Search and Refer',
  APP3: 'Referral into urgent and emergency care from 999 (999 to CAS)',
  APP4: 'Referral for validation (999 to CAS validation)',
  APP5: 'Referrals into community pharmacy',
  APP6: 'Ambulance (CAD to CAD)',
  APP7: 'Bookings from patient-facing services into general practice',
  APP8: 'Broker (referral to e-RS)',
};

export interface Detection {
  application?: string;
  payload?: string;
  /** How the Application was decided, for the report. */
  evidence: string;
  /** Use-case codes pointing at different Applications (a message must belong to one). */
  conflicts: string[];
}

export function applicationOfUseCase(code: string): string | undefined {
  const m = /^a(\d+)t\d+$/i.exec(code);
  return m ? `APP${m[1]}` : undefined;
}

export function detectApplication(msg: BarsMessage, opts: { forced?: string; definitionUseCases?: string[] } = {}): Detection {
  const detected = detectApplicationOnly(msg, opts);
  const p = detectPayload(msg, detected.application);
  return { ...detected, payload: p.payload, evidence: p.evidence ? `${detected.evidence}; payload ${p.payload} from ${p.evidence}` : detected.evidence };
}

function detectApplicationOnly(msg: BarsMessage, opts: { forced?: string; definitionUseCases?: string[] }): Omit<Detection, 'payload'> {
  if (opts.forced) return { application: opts.forced.toUpperCase(), evidence: '--application', conflicts: [] };
  const apps = [...new Set(msg.useCases.map((u) => applicationOfUseCase(u.code)).filter((a): a is string => !!a))];
  if (apps.length >= 1) {
    return { application: apps[0], evidence: `use-case category ${msg.useCases[0]!.code}`, conflicts: apps.length > 1 ? apps : [] };
  }
  const defApps = [...new Set((opts.definitionUseCases ?? []).map(applicationOfUseCase).filter((a): a is string => !!a))];
  if (defApps.length === 1) return { application: defApps[0], evidence: `use cases of MessageDefinition ${msg.definition}`, conflicts: [] };
  const def = msg.definition ?? '';
  if (/validation/.test(def)) return { application: 'APP4', evidence: `MessageDefinition ${def}`, conflicts: [] };
  const kind = serviceRequestKind(msg);
  if (kind?.kind === 'validation') return { application: 'APP4', evidence: `${kind.evidence} (validation is APP4's)`, conflicts: [] };
  return { application: undefined, evidence: 'no use-case category and no Application-specific MessageDefinition', conflicts: [] };
}

const MESSAGE_CATEGORY_SYSTEM = 'https://fhir.nhs.uk/CodeSystem/message-category-servicerequest';

/**
 * Is the ServiceRequest a referral or a validation request, by what it says of itself: its
 * message category (https://fhir.nhs.uk/CodeSystem/message-category-servicerequest: referral |
 * validation), then the BaRS profile it claims (BARSServiceRequest-request-validation).
 */
export function serviceRequestKind(msg: BarsMessage): { kind: 'referral' | 'validation'; evidence: string } | undefined {
  for (const e of msg.byType.get('ServiceRequest') ?? []) {
    for (const cc of arr(e.resource.category)) {
      for (const c of arr(rec(cc)?.coding)) {
        const coding = rec(c);
        if (coding?.system === MESSAGE_CATEGORY_SYSTEM && (coding.code === 'referral' || coding.code === 'validation')) {
          return { kind: coding.code, evidence: `ServiceRequest.category ${coding.code}` };
        }
      }
    }
  }
  for (const e of msg.byType.get('ServiceRequest') ?? []) {
    for (const p of arr(rec(e.resource.meta)?.profile)) {
      const m = typeof p === 'string' ? /BARSServiceRequest-request-(referral|validation)\b/i.exec(p) : null;
      if (m) return { kind: m[1]!.toLowerCase() as 'referral' | 'validation', evidence: `ServiceRequest meta.profile ${String(p)}` };
    }
  }
  return undefined;
}

/**
 * The payload kind, named like the rule files (referral-request, booking-request, validation-response...),
 * from the event and the MessageDefinition; where the definition does not say (or is absent), from
 * what the ServiceRequest says it is and the Application (APP4 exchanges validations only).
 */
export function detectPayload(msg: BarsMessage, application?: string): { payload?: string; evidence?: string } {
  const def = msg.definition ?? '';
  const event = msg.eventCode ?? '';
  if (/cancel/.test(def)) return { payload: event.startsWith('booking') ? 'booking-cancellation' : 'referral-cancellation', evidence: `MessageDefinition ${def}` };
  // without a definition naming the payload, a request whose resource is withdrawn cancels it (Core 1.5.0 Cancellation)
  const named = /cancel|validation|referral|booking/.test(def);
  const withdrawn = (type: string, statuses: string[]): string | undefined => {
    const s = (msg.byType.get(type) ?? []).map((e) => e.resource.status).find((x): x is string => typeof x === 'string' && statuses.includes(x));
    return s === undefined ? undefined : `${type}.status ${s}`;
  };
  if (!named && event === 'booking-request') {
    const why = withdrawn('Appointment', ['cancelled']);
    if (why) return { payload: 'booking-cancellation', evidence: why };
  }
  if (!named && event === 'servicerequest-request') {
    const why = withdrawn('ServiceRequest', ['revoked', 'entered-in-error']);
    if (why) return { payload: 'referral-cancellation', evidence: why };
  }
  if (event === 'booking-request') return { payload: 'booking-request' };
  if (event === 'booking-response') return { payload: 'booking-response' };
  if (event !== 'servicerequest-request' && event !== 'servicerequest-response') return {};
  const request = event === 'servicerequest-request';
  let validation: boolean;
  let evidence: string | undefined;
  if (/validation/.test(def)) {
    validation = true;
  } else if (/referral/.test(def)) {
    validation = false;
  } else {
    const kind = serviceRequestKind(msg);
    validation = kind ? kind.kind === 'validation' : application === 'APP4';
    evidence = kind ? kind.evidence : application === 'APP4' ? 'the Application (APP4 exchanges validations)' : undefined;
  }
  if (request) return { payload: validation ? 'validation-request' : 'referral-request', evidence };
  if (/interim/.test(def)) return { payload: 'interim-validation-response' };
  return { payload: validation ? 'validation-response' : 'response', evidence };
}
