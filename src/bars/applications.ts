/**
 * Which BaRS Application, and which of its payloads, a message is.
 *
 * Evidence, strongest first: `--application`; the use-case category codes the message
 * carries (a3t1 → APP3: a use case belongs to exactly one Application); the use cases of
 * the MessageDefinition it claims; then the event and definition alone. The payload follows
 * from the event (request/response, booking/service request) and the MessageDefinition.
 */
import type { BarsMessage } from './message.js';

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
  const payload = detectPayload(msg);
  if (opts.forced) return { application: opts.forced.toUpperCase(), payload, evidence: '--application', conflicts: [] };
  const apps = [...new Set(msg.useCases.map((u) => applicationOfUseCase(u.code)).filter((a): a is string => !!a))];
  if (apps.length >= 1) {
    return { application: apps[0], payload, evidence: `use-case category ${msg.useCases[0]!.code}`, conflicts: apps.length > 1 ? apps : [] };
  }
  const defApps = [...new Set((opts.definitionUseCases ?? []).map(applicationOfUseCase).filter((a): a is string => !!a))];
  if (defApps.length === 1) return { application: defApps[0], payload, evidence: `use cases of MessageDefinition ${msg.definition}`, conflicts: [] };
  const def = msg.definition ?? '';
  if (/validation/.test(def)) return { application: 'APP4', payload, evidence: `MessageDefinition ${def}`, conflicts: [] };
  return { application: undefined, payload, evidence: 'no use-case category and no Application-specific MessageDefinition', conflicts: [] };
}

/** The payload kind, named like the rule files (referral-request, booking-request, validation-response...). */
export function detectPayload(msg: BarsMessage): string | undefined {
  const def = msg.definition ?? '';
  const event = msg.eventCode ?? '';
  if (/cancel/.test(def)) return event.startsWith('booking') ? 'booking-cancellation' : 'referral-cancellation';
  if (event === 'booking-request') return 'booking-request';
  if (event === 'booking-response') return 'booking-response';
  if (event === 'servicerequest-request') return /validation/.test(def) ? 'validation-request' : 'referral-request';
  if (event === 'servicerequest-response') {
    if (/interim/.test(def)) return 'interim-validation-response';
    if (/validation/.test(def)) return 'validation-response';
    return 'response';
  }
  return undefined;
}
