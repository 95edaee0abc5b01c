/**
 * Which answer a valid request gets: the stateful 111→ED scenario for its NHS number, else
 * the TKW sentinel row its values pick, else the plain success a receiver would give.
 */
import { analyseMessage, arr, rec, str, type BarsMessage } from '../bars/message.js';
import { NHS_NUMBER_SYSTEM } from '../bars/nhs-number.js';
import type { MessageKind, Scenario, StatefulEvent, TkwTable } from './tkw-table.js';

type J = Record<string, unknown>;

export interface MessageFacts {
  kind: MessageKind | undefined;
  /** The Patient's NHS number; 'none' when the message has a Patient without one. */
  nhsNumber: string;
  msg: BarsMessage;
}

/** What a $process-message asks for, from MessageHeader.definition, reason and the use cases. */
export function messageFacts(bundle: J): MessageFacts {
  const msg = analyseMessage(bundle);
  const def = (msg.definition ?? '').replace(/\|.*$/, '');
  const name = def.slice(def.lastIndexOf('/') + 1);
  const validation = msg.useCases.some((u) => /^a4t/.test(u.code));
  let kind: MessageKind | undefined;
  if (name === 'bars-message-booking-request-cancelled') kind = 'booking-cancel';
  else if (name === 'bars-message-booking-request') kind = 'booking-new';
  else if (name === 'bars-message-servicerequest-request-cancelled') kind = validation ? 'validation-cancel' : 'referral-cancel';
  else if (name === 'bars-message-servicerequest-request-validation') kind = msg.reasonCode === 'update' ? 'validation-update' : 'validation-new';
  else if (name === 'bars-message-servicerequest-request-referral') kind = validation ? (msg.reasonCode === 'update' ? 'validation-update' : 'validation-new') : 'referral-new';
  else if (name.startsWith('bars-message-servicerequest-response')) kind = 'response';
  const patient = msg.byType.get('Patient')?.[0]?.resource;
  const nhs = arr(patient?.identifier)
    .map(rec)
    .find((i) => i?.system === NHS_NUMBER_SYSTEM);
  return { kind, nhsNumber: str(nhs?.value) ?? 'none', msg };
}

/** The identifier value of the first resource of a type in the message. */
export function identifierOf(msg: BarsMessage, type: string): string | undefined {
  const r = msg.byType.get(type)?.[0]?.resource;
  return str(rec(arr(r?.identifier)[0])?.value);
}

/** The stateful event a message is for this patient, or undefined when it is not one of the five. */
export function statefulEvent(facts: MessageFacts, bookedServiceRequest: string | undefined): StatefulEvent | undefined {
  switch (facts.kind) {
    case 'booking-new':
      return 'make-booking';
    case 'booking-cancel':
      return 'cancel-booking';
    case 'referral-cancel':
      return 'cancel-referral';
    case 'referral-new': {
      // a referral is linked to the booking when its ServiceRequest carries the booked one's identifier
      const sr = identifierOf(facts.msg, 'ServiceRequest');
      return bookedServiceRequest !== undefined && sr === bookedServiceRequest ? 'linked-referral' : 'mislinked-referral';
    }
    default:
      return undefined;
  }
}

export function findProcessMessageScenario(table: TkwTable, facts: MessageFacts, target: string | undefined): Scenario | undefined {
  const pm = table.scenarios.filter((s) => s.trigger.kind === 'process-message');
  const t = (s: Scenario): Extract<Scenario['trigger'], { kind: 'process-message' }> => s.trigger as Extract<Scenario['trigger'], { kind: 'process-message' }>;
  const sentinel = facts.nhsNumber !== 'none' ? pm.filter((s) => t(s).nhsNumber === facts.nhsNumber) : [];
  return (
    sentinel.find((s) => t(s).message === facts.kind) ??
    sentinel[0] ??
    pm.find((s) => target !== undefined && t(s).target === target && t(s).message === facts.kind) ??
    pm.find((s) => facts.nhsNumber === 'none' && t(s).nhsNumber === 'none' && t(s).message === facts.kind) ??
    pm.find((s) => t(s).message === facts.kind && t(s).nhsNumber === undefined && t(s).target === undefined)
  );
}

export function findMetadataScenario(table: TkwTable, target: string | undefined): Scenario | undefined {
  const rows = table.scenarios.filter((s) => s.trigger.kind === 'metadata');
  return rows.find((s) => s.trigger.kind === 'metadata' && s.trigger.target === target) ?? rows.find((s) => s.trigger.kind === 'metadata' && s.trigger.target === '*');
}

/** `context` values are `system|value`; a row names the value. */
export function findMessageDefinitionScenario(table: TkwTable, contexts: string[]): Scenario | undefined {
  const values = contexts.map((c) => c.slice(c.lastIndexOf('|') + 1));
  const rows = table.scenarios.filter((s) => s.trigger.kind === 'message-definition');
  for (const v of values) {
    const hit = rows.find((s) => s.trigger.kind === 'message-definition' && s.trigger.context === v);
    if (hit) return hit;
  }
  return rows.find((s) => s.trigger.kind === 'message-definition' && s.trigger.context === '*');
}

/** The row for a HealthcareService; the one that needs `status` to hold busy and free when it does. */
export function findSlotScenario(table: TkwTable, healthcareService: string | undefined, statuses: string[]): Scenario | undefined {
  if (!healthcareService) return undefined;
  const value = healthcareService.slice(healthcareService.lastIndexOf('|') + 1);
  const rows = table.scenarios.filter((s) => s.trigger.kind === 'slot' && s.trigger.healthcareService === value);
  const asked = new Set(statuses);
  return (
    rows.find((s) => s.trigger.kind === 'slot' && s.trigger.status !== undefined && s.trigger.status.every((x) => asked.has(x))) ??
    rows.find((s) => s.trigger.kind === 'slot' && s.trigger.status === undefined)
  );
}

export function findReadScenario(table: TkwTable, resourceType: string, id: string): Scenario | undefined {
  return table.scenarios.find((s) => s.trigger.kind === 'read' && s.trigger.resourceType === resourceType && s.trigger.id === id);
}

export function findSearchScenario(table: TkwTable, resourceType: string): Scenario | undefined {
  return table.scenarios.find((s) => s.trigger.kind === 'search' && s.trigger.resourceType === resourceType);
}
