/**
 * BaRS Core 1.5.0 rules that the profiles cannot express (documented in
 * rules/core/core-rules.json with their guide pages).
 */
import type { ValidationIssue } from '../model/issue.js';
import type { CollectedValue } from '../validate/run.js';
import { arr, entriesOf, EVENT_SYSTEM, REASON_SYSTEM, rec, resolveEntry, ruleIssues, str, type BarsMessage, type IssueSink, type Json, type MessageRule } from './message.js';
import { NHS_NUMBER_SYSTEM, nhsNumberProblem } from './nhs-number.js';
import { ERROR_CODE_SYSTEM, errorCodes } from './rules/error-codes.js';

const EVENTS = new Set(['servicerequest-request', 'servicerequest-response', 'booking-request', 'booking-response']);
const REASONS = new Set(['new', 'update']);
/** BaRS error codes name their source: the sender, the receiver or the proxy. */
const ERROR_CODE_SHAPE = /^(?:SEND|REC|PROXY)_[A-Z_]+$/;

/** system|value: what NHSD-Target-Identifier carries (e.g. https://fhir.nhs.uk/Id/dos-service-id|2000072489). */
const ENDPOINT_IDENTIFIER = /^https?:\/\/\S+\|\S+$/;
/** meta.lastUpdated as BaRS and TKW expect it: a full timestamp with a zone. */
const FULL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** What a Core rule reads: the message, its MessageHeader (and where it is), and the issues the FHIR checks already raised. */
export interface CoreRuleContext {
  msg: BarsMessage;
  sink: IssueSink;
  existing: readonly ValidationIssue[];
  payload: string | undefined;
  /** The MessageHeader resource, when the message has one. */
  h: Json | undefined;
  /** Path of the MessageHeader resource (empty when there is none). */
  hp: (string | number)[];
}

/**
 * The message-level Core rules, one registered check per rule id (13 and 15 read the typed values of
 * the walk: checkMessageContent; 14 is the error response's: checkErrorOutcome). A rule needing the
 * MessageHeader returns when there is none (01 reports that).
 */
export const CORE_RULES: readonly MessageRule<CoreRuleContext>[] = [
  {
    id: 'BARS-CORE-01',
    check(c, add) {
      const { msg, existing } = c;
      const header = msg.header;
      // 01 MessageHeader first (the generic Bundle check may have said it already)
      if (!header) {
        add(['entry'], 'required', 'A BaRS message Bundle must contain a MessageHeader (and start with it)');
      } else if (header.index !== 0 && !existing.some((i) => i.ruleId === 'bundle-message-header-first')) {
        add(['entry', 0], 'structure', 'The MessageHeader must be the first entry of a BaRS message Bundle');
      }
    },
  },
  {
    id: 'BARS-CORE-02',
    check(c, add) {
      const { msg } = c;
      const b = msg.bundle;
      // 02 meta.lastUpdated everywhere
      const targets: { r: Json; path: (string | number)[] }[] = [{ r: b, path: [] }, ...msg.entries.map((e) => ({ r: e.resource, path: ['entry', e.index, 'resource'] as (string | number)[] }))];
      for (const t of targets) {
        const lu = rec(t.r.meta)?.lastUpdated;
        if (lu === undefined) {
          add(t.path, 'required', `${String(t.r.resourceType)} has no meta.lastUpdated: every resource in a BaRS message must carry one`);
        } else if (typeof lu === 'string' && !FULL_TIMESTAMP.test(lu)) {
          add([...t.path, 'meta', 'lastUpdated'], 'value', `meta.lastUpdated '${lu}' must be a full timestamp to the second with a time zone (e.g. 2024-05-01T10:00:00+00:00)`);
        }
      }
    },
  },
  {
    id: 'BARS-CORE-03',
    check(c, add) {
      const { msg } = c;
      const b = msg.bundle;
      // 03 urn:uuid fullUrls
      arr(b.entry).forEach((e, i) => {
        const fu = str(rec(e)?.fullUrl);
        if (fu && !/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(fu)) {
          add(['entry', i, 'fullUrl'], 'value', `fullUrl '${fu}' must be a urn:uuid (urn:uuid:<lower-case UUID>): BaRS entries are transient, identified within the message`);
        }
      });
    },
  },
  {
    id: 'BARS-CORE-04',
    check(c, add) {
      const { hp } = c;
      const h = c.h;
      if (!h) return;
      // 04 endpoints
      const sourceEndpoint = str(rec(h.source)?.endpoint);
      if (!sourceEndpoint) {
        add([...hp, 'source'], 'required', 'MessageHeader.source.endpoint is required: the receiver uses it as the NHSD-Target-Identifier for asynchronous responses');
      } else if (!ENDPOINT_IDENTIFIER.test(sourceEndpoint)) {
        add([...hp, 'source', 'endpoint'], 'value', `MessageHeader.source.endpoint '${sourceEndpoint}' must be an endpoint identifier 'system|value' (e.g. https://fhir.nhs.uk/Id/dos-service-id|2000072489)`);
      }
      arr(h.destination).forEach((d, i) => {
        const dest = rec(d);
        const ep = str(dest?.endpoint);
        if (ep && !ENDPOINT_IDENTIFIER.test(ep)) {
          add([...hp, 'destination', i, 'endpoint'], 'value', `MessageHeader.destination.endpoint '${ep}' must be an endpoint identifier 'system|value' (the receiver's NHSD-Target-Identifier)`);
        }
      });
    },
  },
  {
    id: 'BARS-CORE-05',
    check(c, add) {
      const { msg, hp } = c;
      const h = c.h;
      if (!h) return;
      // 05 receiver and sender resolve to Organizations in the message
      arr(h.destination).forEach((d, i) => {
        const dest = rec(d);
        const recv = str(rec(dest?.receiver)?.reference);
        if (recv) {
          const target = resolveEntry(msg, recv);
          if (!target) {
            add([...hp, 'destination', i, 'receiver'], 'not-found', `MessageHeader.destination.receiver '${recv}' does not resolve to an entry of the message`);
          } else if (target.resource.resourceType !== 'Organization') {
            add([...hp, 'destination', i, 'receiver'], 'business-rule', `MessageHeader.destination.receiver must be an Organization, not a ${String(target.resource.resourceType)}`);
          }
        }
      });
      const sender = str(rec(h.sender)?.reference);
      if (sender && !resolveEntry(msg, sender)) {
        add([...hp, 'sender'], 'not-found', `MessageHeader.sender '${sender}' does not resolve to an entry of the message`);
      }
    },
  },
  {
    id: 'BARS-CORE-06',
    check(c, add) {
      const { msg, hp } = c;
      const h = c.h;
      if (!h) return;
      // 06 event
      if (msg.eventSystem !== EVENT_SYSTEM || !msg.eventCode || !EVENTS.has(msg.eventCode)) {
        add([...hp, 'eventCoding'], 'code-invalid', `MessageHeader.eventCoding must come from ${EVENT_SYSTEM} (${[...EVENTS].join(', ')}), found ${msg.eventSystem ?? '(no system)'}#${msg.eventCode ?? '(no code)'}`);
      }
    },
  },
  {
    id: 'BARS-CORE-07',
    check(c, add) {
      const { hp } = c;
      const h = c.h;
      if (!h) return;
      // 07 reason
      const reasonCodings = arr(rec(h.reason)?.coding).map(rec);
      const reason = reasonCodings.find((c) => c?.system === REASON_SYSTEM);
      if (!reason || !REASONS.has(String(reason.code))) {
        add([...hp, 'reason'], 'code-invalid', `MessageHeader.reason must be coded from ${REASON_SYSTEM} as 'new' or 'update'${reasonCodings.length ? `, found ${reasonCodings.map((c) => `${String(c?.system)}#${String(c?.code)}`).join(', ')}` : ''}`);
      }
    },
  },
  {
    id: 'BARS-CORE-08',
    check(c, add) {
      const { msg, payload, hp } = c;
      const h = c.h;
      if (!h) return;
      // 08 definition
      if (!msg.definition) {
        add(hp, 'required', 'MessageHeader.definition is required: it names the MessageDefinition the payload adheres to (the receiver rejects payloads that do not)');
      }
    },
  },
  {
    id: 'BARS-CORE-09',
    check(c, add) {
      const { msg, hp } = c;
      const h = c.h;
      if (!h) return;
      // 09 asynchronous responses
      if (msg.eventCode?.endsWith('-response')) {
        const resp = rec(h.response);
        if (!resp) {
          add(hp, 'required', 'An asynchronous response must populate MessageHeader.response with the Bundle.id of the original request and code \'ok\'');
        } else if (resp.code !== 'ok') {
          add([...hp, 'response', 'code'], 'value', `MessageHeader.response.code must be 'ok' in a BaRS asynchronous response, found '${String(resp.code)}'`);
        }
      }
    },
  },
  {
    id: 'BARS-CORE-10',
    check(c, add) {
      const { msg, payload, hp } = c;
      const h = c.h;
      if (!h) return;
      // 10 use-case category on requests
      if ((payload === 'referral-request' || payload === 'validation-request' || payload === 'booking-request') && msg.useCases.length === 0) {
        const where = payload === 'booking-request' ? 'Appointment.serviceCategory' : 'ServiceRequest.category';
        const target = entriesOf(msg, payload === 'booking-request' ? 'Appointment' : 'ServiceRequest')[0];
        add(target ? ['entry', target.index, 'resource'] : hp, 'required', `${where} must carry a BaRS use-case category (https://fhir.nhs.uk/CodeSystem/usecases-categories-bars, e.g. a1t1): it tells the receiver which use case the request is for`);
      }
    },
  },
  {
    id: 'BARS-CORE-11',
    check(c, add) {
      const { msg, payload } = c;
      const h = c.h;
      if (!h) return;
      // 11 booking ↔ referral linkage
      const serviceRequests = entriesOf(msg, 'ServiceRequest');
      for (const a of entriesOf(msg, 'Appointment')) {
        const basedOn = arr(a.resource.basedOn).map((x) => str(rec(x)?.reference));
        if (serviceRequests.length && payload !== 'booking-request') {
          const linked = basedOn.some((r) => serviceRequests.includes(resolveEntry(msg, r)!));
          if (!linked) {
            add(['entry', a.index, 'resource'], 'business-rule', 'The Appointment must be linked to the ServiceRequest it books (Appointment.basedOn referencing the ServiceRequest in this message)');
          }
        }
        basedOn.forEach((r, i) => {
          if (r && r.startsWith('urn:') && !resolveEntry(msg, r)) {
            add(['entry', a.index, 'resource', 'basedOn', i], 'not-found', `Appointment.basedOn '${r}' does not resolve within the message`);
          }
        });
      }
    },
  },
  {
    id: 'BARS-CORE-12',
    check(c, add) {
      const { msg, payload, hp } = c;
      const h = c.h;
      if (!h) return;
      // 12 cancellation
      if (payload?.endsWith('cancellation')) {
        const reason = arr(rec(h.reason)?.coding).map(rec).find((x) => x?.system === REASON_SYSTEM);
        if (reason && reason.code !== 'update') {
          add([...hp, 'reason'], 'value', `A cancellation follows an earlier request, so MessageHeader.reason must be 'update', not '${String(reason.code)}'`);
        }
        const focus = resolveEntry(msg, str(rec(arr(h.focus)[0])?.reference));
        const booking = payload.startsWith('booking');
        const wantType = booking ? 'Appointment' : 'ServiceRequest';
        // a referral is withdrawn as 'revoked' (no longer needed) or 'entered-in-error' (sent in error)
        const wantStatus = booking ? ['cancelled'] : ['revoked', 'entered-in-error'];
        if (!focus || focus.resource.resourceType !== wantType) {
          add([...hp, 'focus'], 'business-rule', `A ${booking ? 'booking' : 'referral'} cancellation must focus on the ${wantType} being cancelled`);
        } else if (!wantStatus.includes(String(focus.resource.status))) {
          add(['entry', focus.index, 'resource', 'status'], 'value', `The cancelled ${wantType} must have status ${wantStatus.map((w) => `'${w}'`).join(' or ')}, found '${String(focus.resource.status)}'`);
        }
      }
    },
  },
  {
    id: 'BARS-CORE-16',
    check(c, add) {
      const { msg } = c;
      const h = c.h;
      if (!h) return;
      for (const e of msg.entries) {
        const base = ['entry', e.index, 'resource'];
        // 16 one official name
        if (e.resource.resourceType === 'Patient') {
          const official = arr(e.resource.name).filter((n) => rec(n)?.use === 'official').length;
          if (official !== 1) {
            add(base, 'business-rule', `A Patient in a BaRS message must have exactly one name with use 'official', found ${official}`, { rule: 'TKW RS-PATIENT-RESO-NAME / BS-PATIENT-RESO-NAME-OFFI' });
          }
        }
      }
    },
  },
];

export function checkCoreRules(msg: BarsMessage, sink: IssueSink, existing: readonly ValidationIssue[], payload: string | undefined): void {
  const header = msg.header;
  const c: CoreRuleContext = { msg, sink, existing, payload, h: header?.resource, hp: header ? ['entry', header.index, 'resource'] : [] };
  for (const r of CORE_RULES) r.check(c, ruleIssues(sink, r.id));
}

/** The Identifiers and Codings of an instance, as the FHIR walk met them (ValidationPlugin.collects). */
export interface TypedValues {
  identifiers: readonly CollectedValue[];
  codings: readonly CollectedValue[];
}

/**
 * Rules about values anywhere in a message: 13 NHS numbers, and 15 every Coding has a display
 * (TKW; only for messages with a MessageHeader, as the other Core rules). The values come from
 * the FHIR walk, which knows their types: no second walk of the message.
 */
export function checkMessageContent(msg: BarsMessage, sink: IssueSink, values: TypedValues): void {
  checkNhsNumbers(values, sink);
  if (msg.header === undefined) return;
  for (const c of values.codings) if (isCodingMember(c.name)) checkCodingDisplay(c, sink);
}

function checkCodingDisplay(c: CollectedValue, sink: IssueSink): void {
  const add = ruleIssues(sink, 'BARS-CORE-15');
  const coding = c.value;
  if (coding.code !== undefined && (typeof coding.display !== 'string' || coding.display.trim() === '')) {
    add(c.path(), 'business-rule', `Coding ${String(coding.system ?? '')}#${String(coding.code)} has no display: TKW assurance expects every coding to carry its display`, { rule: 'TKW RS-CODE-DISPLAY' });
  }
}

/** NHS numbers anywhere in a resource (Identifiers with the NHS number system). */
export function checkNhsNumbers(values: Pick<TypedValues, 'identifiers'>, sink: IssueSink): void {
  const add = ruleIssues(sink, 'BARS-CORE-13');
  for (const id of values.identifiers) {
    const node = id.value;
    if (node.system === NHS_NUMBER_SYSTEM && typeof node.value === 'string') {
      const problem = nhsNumberProblem(node.value);
      if (problem) add([...id.path(), 'value'], 'value', problem);
    }
  }
}

const isErrorIssue = (issue: Json | undefined): boolean => issue?.severity === 'error' || issue?.severity === 'fatal';
const codingsOf = (issue: Json | undefined): (Json | undefined)[] => arr(rec(issue?.details)?.coding).map(rec);

/**
 * Is this OperationOutcome a BaRS error response? It must report an error (an `information`
 * outcome returned with 200/201 is not one), and say it is BaRS: a BaRS error code (whatever
 * system it is given under) or a coding under fhir.nhs.uk. `forced` (--application) skips the
 * second test, not the first.
 */
export function isBarsErrorResponse(oo: Json, forced: boolean): boolean {
  const errors = arr(oo.issue).map(rec).filter(isErrorIssue);
  if (errors.length === 0) return false;
  if (forced) return true;
  return errors.some((issue) =>
    codingsOf(issue).some((c) => (typeof c?.code === 'string' && ERROR_CODE_SHAPE.test(c.code)) || (typeof c?.system === 'string' && c.system.toLowerCase().includes('://fhir.nhs.uk/'))),
  );
}

/** What is known about the response an OperationOutcome came in. */
export interface ErrorResponseContext {
  /** The HTTP status of the response, when known. */
  httpStatus?: number;
}

/**
 * An error response codes each error issue from the BaRS error CodeSystem with a code the
 * guide lists, paired with the HTTP status the guide gives it, and explains it in diagnostics.
 * Returns the paths of the codings whose system the rule reported (their echoes elsewhere, such
 * as an unknown code system, say nothing more).
 */
export function checkErrorOutcome(oo: Json, sink: IssueSink, context: ErrorResponseContext = {}): (string | number)[][] {
  const add = ruleIssues(sink, 'BARS-CORE-14');
  const known = errorCodes();
  const reportedSystems: (string | number)[][] = [];
  arr(oo.issue).forEach((iss, i) => {
    const issue = rec(iss);
    if (!issue || !isErrorIssue(issue)) return;
    const codings = codingsOf(issue);
    const at = (c: Json | undefined): (string | number)[] => ['issue', i, 'details', 'coding', codings.indexOf(c)];
    const canonical = codings.find((c) => c?.system === ERROR_CODE_SYSTEM);
    const misspelt = canonical ? undefined : codings.find((c) => typeof c?.system === 'string' && c.system.toLowerCase() === ERROR_CODE_SYSTEM.toLowerCase());
    const otherSystem = canonical || misspelt ? undefined : codings.find((c) => typeof c?.code === 'string' && (known.has(c.code) || ERROR_CODE_SHAPE.test(c.code)));
    const coded = canonical ?? misspelt ?? otherSystem;
    if (!coded) {
      add(['issue', i, 'details'], 'required', `A BaRS error response must code issue.details from ${ERROR_CODE_SYSTEM} (e.g. REC_BAD_REQUEST)`);
      return;
    }
    if (misspelt) {
      // the sources disagree: the canonical CodeSystem against the API specification, the proxy and the guide's snippets
      reportedSystems.push([...at(misspelt), 'system']);
      add([...at(misspelt), 'system'], 'value', `The error code system is '${String(misspelt.system)}'. The sources disagree: the CodeSystem's canonical URL is ${ERROR_CODE_SYSTEM}, while the BaRS API specification, the API proxy's own error responses and most guide snippets spell it '…/Codesystem/…'. Use the canonical (URLs are case-sensitive); receivers may see either.`, { severity: 'warning' });
    } else if (otherSystem) {
      reportedSystems.push([...at(otherSystem), 'system']);
      const sys = typeof otherSystem.system === 'string' ? otherSystem.system : undefined;
      const what = sys === undefined ? 'no system' : /\/ValueSet\//i.test(sys) ? `the ValueSet URL '${sys}' as its system (a Coding names a CodeSystem, not a ValueSet)` : `the system '${sys}'`;
      add(sys === undefined ? at(otherSystem) : [...at(otherSystem), 'system'], 'value', `'${String(otherSystem.code)}' is a BaRS error code but is given with ${what}: issue.details.coding.system must be ${ERROR_CODE_SYSTEM}`);
    }
    const code = String(coded.code);
    const entry = known.get(code);
    if (!entry) {
      add([...at(coded), 'code'], 'code-invalid', `'${code}' is not a BaRS error code: the guide and the BaRS API list ${known.size} (SEND_*, REC_*, PROXY_*, e.g. REC_BAD_REQUEST)`);
    } else {
      checkStatusPairing(entry.code, entry.statuses, coded, at(coded), sink, context.httpStatus);
    }
    if (typeof issue.diagnostics !== 'string' || issue.diagnostics.trim() === '') {
      add(['issue', i], 'required', 'A BaRS error response should explain the exact cause in issue.diagnostics', { severity: 'warning', guidePage: 'Core/1-5-0/Error-Handling/Diagnostics-Text.page.md' });
    }
  });
  return reportedSystems;
}

/** The code goes with the HTTP status of the response, and with the status its display names ("425 - REC_TOO_EARLY"). */
function checkStatusPairing(code: string, statuses: number[], coding: Json, path: (string | number)[], sink: IssueSink, httpStatus: number | undefined): void {
  const add = ruleIssues(sink, 'BARS-CORE-14');
  const expected = statuses.join(' or ');
  if (httpStatus !== undefined && !statuses.includes(httpStatus)) {
    add([...path, 'code'], 'value', `${code} goes with HTTP ${expected}, but the response status is ${httpStatus}`);
  }
  const shown = typeof coding.display === 'string' ? /^\s*(\d{3})\b/.exec(coding.display)?.[1] : undefined;
  if (shown !== undefined && !statuses.includes(Number(shown))) {
    add([...path, 'display'], 'value', `The display '${String(coding.display)}' names HTTP ${shown}, but ${code} goes with HTTP ${expected}`, { severity: 'warning' });
  }
}

/**
 * The Codings TKW's display rule covers: those in `coding`, `eventCoding` or another `…Coding`
 * member (not Meta.tag / Meta.security, nor Codings under other names such as Signature.type).
 */
function isCodingMember(name: string): boolean {
  return name === 'coding' || name === 'eventCoding' || name.endsWith('Coding');
}
