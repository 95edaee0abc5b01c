/**
 * BaRS rules that TKW assurance checks and that neither the profiles, the MessageDefinitions
 * nor the guide's necessity tables catch (BARS-CORE-17…32, documented in
 * rules/core/core-rules.json). Each one is TKW's check as BaRS 1.5.0 states it: where TKW's
 * own check is broken or narrower than the guide, the guide wins (rules/tkw/tkw-checks.json
 * says where and why). Severity follows the guide's word: MUST → error; SHOULD, or a
 * requirement only TKW makes → warning, and the message says TKW fails it.
 */
import type { PayloadRules } from './rules/necessity.js';
import { arr, entriesOf, rec, resolveEntry, ruleIssues, str, type BarsMessage, type IssueSink, type Json, type MessageEntry, type MessageRule } from './message.js';

const TKW_PAGE = 'Build/Testing-and-Environments/TKW.page.md';
const CONTACT_RANK = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-ContactRank';
const BIRTH_SEX = 'https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-BirthSex';
const LOCATION_EXTENSION = 'https://fhir.nhs.uk/StructureDefinition/LocationExtension';
const FLAG_CATEGORIES = 'https://fhir.nhs.uk/CodeSystem/flag-categories-bars';
const SNOMED = 'http://snomed.info/sct';
/** A sender's clock and the validator's may differ; a clock start this far ahead is still "now". */
const CLOCK_SKEW_MS = 5 * 60_000;

/** The payload pages of the Applications (their Payloads pages state the prose MUSTs). */
const PAYLOADS_PAGE: Record<string, string> = {
  APP1: 'Applications/BaRS-Applications/Applications/BaRS-APP1/Payloads.page.md',
  APP2: 'Applications/BaRS-Applications/Applications/BaRS-APP2/Payloads.page.md',
  APP3: 'Applications/BaRS-Applications/Applications/BaRS-APP3/Payloads.page.md',
  APP4: 'Applications/BaRS-Applications/Applications/BaRS-APP4/Payloads-for-Requestors.page.md',
  'APP4 validation-response': 'Applications/BaRS-Applications/Applications/BaRS-APP4/Payloads-for-Responders.page.md',
  APP5: 'Applications/BaRS-Applications/Applications/BaRS-APP5/Payloads.page.md',
  APP6: 'Applications/BaRS-Applications/Applications/BaRS-APP6/Payloads-for-Referrals.page.md',
};
const CANCELLATION_PAGE = 'Core/1-5-0/Standard-Pattern-Composite-Messages/Cancellation.page.md';
const APP4_SCOPE = 'Applications/BaRS-Applications/Applications/BaRS-APP4/Scope-and-Requirements.page.md';

/**
 * What MessageHeader.focus references. Requests: the ServiceRequest (referral, validation) or
 * the Appointment (booking); cancellations are BARS-CORE-12's. APP4 and APP6 responses focus on
 * the Responder's current Encounter: their Payloads pages say so (the payload tables' rows say
 * ServiceRequest, contradicting the prose and every official response example; the prose wins).
 */
function rootOf(application: string | undefined, payload: string | undefined): { type: string; what: string; page?: string } | undefined {
  if (payload === 'booking-request') return { type: 'Appointment', what: 'the Appointment' };
  if (payload === 'referral-request' || payload === 'validation-request') return { type: 'ServiceRequest', what: 'the ServiceRequest' };
  const responses = application === 'APP4' ? 'BaRS-APP4/Payloads-for-Responders' : application === 'APP6' ? 'BaRS-APP6/Payloads-for-Responses' : undefined;
  if (responses && (payload === 'interim-validation-response' || payload === 'validation-response' || payload === 'response')) {
    return { type: 'Encounter', what: "the Responder's current Encounter", page: `Applications/BaRS-Applications/Applications/${responses}.page.md` };
  }
  return undefined;
}
const QR_REASON = 'http://hl7.org/fhir/StructureDefinition/questionnaireresponse-reason';

/** Requests a sender makes with a full clinical payload (not cancellations, not responses). */
const REQUESTS = new Set(['referral-request', 'validation-request', 'booking-request']);

/**
 * Key statuses of the payloads TKW checks, as each Application's payload table states them
 * (guide row `<Resource>.status`). CarePlan is left out where the table fixes it as a FIXED
 * VALUE (APP1, APP2): the necessity rules already report that as bars-necessity-fixed.
 */
const STATUSES: Record<string, { encounter?: string[]; carePlan?: string[]; serviceRequest?: string[] }> = {
  'APP1 referral-request': { encounter: ['finished', 'triaged'] },
  'APP2 referral-request': { encounter: ['finished', 'triaged'] },
  'APP3 referral-request': { encounter: ['finished'], carePlan: ['completed'] },
  'APP4 validation-request': { encounter: ['triaged'], carePlan: ['active'] },
  'APP4 validation-response': { encounter: ['finished', 'triaged'], carePlan: ['completed', 'active'] },
  'APP5 referral-request': { encounter: ['finished', 'triaged'], carePlan: ['completed'] },
  'APP6 referral-request': { encounter: ['in-progress', 'triaged', 'finished'], carePlan: ['active'] },
  'APP8 referral-request': { encounter: ['finished', 'triaged'], carePlan: ['completed'] },
};
/** ServiceRequest.status values every Application's table allows. */
const SERVICE_REQUEST_STATUSES = ['active', 'revoked', 'entered-in-error'];

export interface TkwRuleContext {
  application?: string;
  payload?: string;
  /** The necessity table of this Application payload, to cite the guide row a rule reads. */
  table?: PayloadRules;
  /** Reference time for "not in the future" (defaults to now). */
  now?: Date;
}

type Path = (string | number)[];

const rowLinesCache = new WeakMap<PayloadRules, Map<string, number>>();

/** A payload table's rows by lower-cased path (the first row of a path wins, in section order), made once per table. */
function rowLines(table: PayloadRules): Map<string, number> {
  let m = rowLinesCache.get(table);
  if (!m) {
    m = new Map();
    for (const section of table.resources) for (const r of section.rules) if (!m.has(r.path.toLowerCase())) m.set(r.path.toLowerCase(), r.line);
    rowLinesCache.set(table, m);
  }
  return m;
}

/** What a TKW rule reads: the message, its Application and payload, and where the guide states each check. */
export interface TkwCheckContext {
  msg: BarsMessage;
  application?: string;
  payload?: string;
  now?: Date;
  of(type: string): readonly MessageEntry[];
  base(e: MessageEntry): Path;
  /** The line of a payload table row (`Patient.contact.telecom.system`), when the Application's table has it. */
  rowOf(path: string): number | undefined;
  /** That row as a guide page anchor, or `fallback`. */
  guideRow(path: string, fallback: string): string;
  /** The Payloads page of the Application (the prose MUSTs), or the TKW page. */
  appPage: string;
}

/** The TKW-derived rules, one registered check per rule id (15 is checkMessageContent's, with the NHS numbers). */
export const TKW_RULES: readonly MessageRule<TkwCheckContext>[] = [
  {
    id: 'BARS-CORE-17',
    check(c, add) {
      const { payload } = c;
      for (const p of c.of('Patient')) {
        const pp = c.base(p);
        const r = p.resource;
        // 17 the official name is a whole name
        arr(r.name).forEach((n, i) => {
          const name = rec(n);
          if (name?.use !== 'official') return;
          const family = typeof name.family === 'string' && name.family.trim() !== '';
          const given = arr(name.given).some((g) => typeof g === 'string' && g.trim() !== '');
          if (!family || !given) {
            const missing = [!family && 'a family name', !given && 'a given name'].filter(Boolean).join(' and ');
            add([...pp, 'name', i], 'required', `The Patient's official name has no ${missing}: TKW assurance fails a BaRS payload whose official patient name lacks either (RS-PATIENT-RESO-NAME, BS-PATIENT-RESO-NAME-OFFI)`, { rule: 'TKW RS-PATIENT-RESO-NAME / BS-PATIENT-RESO-NAME-OFFI' });
          }
        });
      }
    },
  },
  {
    id: 'BARS-CORE-18',
    check(c, add) {
      const { payload, guideRow, appPage, rowOf } = c;
      for (const p of c.of('Patient')) {
        const pp = c.base(p);
        const r = p.resource;
        const contacts = arr(r.contact).map(rec);
        const rankGuide = guideRow('Patient.contact.extension.url', appPage);
        // 18 every contact is ranked, and exactly one is the primary (rank 1)
        const rankOf = (c: Json | undefined): number | undefined => {
          const ext = arr(c?.extension).map(rec).find((x) => x?.url === CONTACT_RANK);
          return typeof ext?.valuePositiveInt === 'number' ? ext.valuePositiveInt : undefined;
        };
        // where the payload table has the row, bars-necessity-must already reports a contact without extension
        const tableRanks = rowOf('Patient.contact.extension') !== undefined;
        contacts.forEach((c, i) => {
          if (rankOf(c) === undefined && !(tableRanks && arr(c?.extension).length === 0)) {
            add([...pp, 'contact', i], 'required', `Patient.contact[${i}] has no ${CONTACT_RANK} extension (valuePositiveInt): every patient contact carries its rank, 1 for the primary person to contact`, { guidePage: rankGuide, rule: 'TKW RS-PAT-CON / BS-PAT-CON' });
          }
        });
        const primaries = contacts.filter((c) => rankOf(c) === 1).length;
        if (contacts.length && primaries !== 1) {
          add([...pp, 'contact'], 'business-rule', `Exactly one Patient.contact must have ContactRank 1 (the primary person to contact), found ${primaries}`, { guidePage: rankGuide, rule: 'TKW RS-PAT-CON / BS-PAT-CON' });
        }
      }
    },
  },
  {
    id: 'BARS-CORE-19',
    check(c, add) {
      const { guideRow, appPage } = c;
      for (const p of c.of('Patient')) {
        const pp = c.base(p);
        const r = p.resource;
        const rankGuide = guideRow('Patient.contact.extension.url', appPage);
        // 19 the patient's phone numbers go in Patient.contact
        if (arr(r.telecom).length) {
          add([...pp, 'telecom'], 'business-rule', 'Patient.telecom is used: BaRS records how to reach the patient for this encounter in Patient.contact (with a ContactRank), and TKW assurance fails a Patient that has telecom (RS-PAT-CON). Move the numbers to Patient.contact.telecom', { guidePage: rankGuide, rule: 'TKW RS-PAT-CON / BS-PAT-CON' });
        }
      }
    },
  },
  {
    id: 'BARS-CORE-20',
    check(c, add) {
      const { appPage } = c;
      for (const p of c.of('Patient')) {
        const pp = c.base(p);
        const r = p.resource;
        // 20 birth sex travels as an Observation
        arr(r.extension).forEach((x, i) => {
          if (rec(x)?.url === BIRTH_SEX) {
            add([...pp, 'extension', i], 'business-rule', 'Birth sex should not be an extension on the Patient: BaRS transfers it (when clinically relevant) as an Observation, and TKW assurance fails a Patient carrying Extension-UKCore-BirthSex (RS-PATIENT-SEX)', { guidePage: appPage, rule: 'TKW RS-PATIENT-SEX / BS-PATIENT-SEX' });
          }
        });
      }
    },
  },
  {
    id: 'BARS-CORE-22',
    check(c, add) {
      const { payload, guideRow, appPage } = c;
      for (const p of c.of('Patient')) {
        const pp = c.base(p);
        const r = p.resource;
        const contacts = arr(r.contact).map(rec);
        if (payload && REQUESTS.has(payload)) {
          // 22 a phone number to reach the patient
          const phones: { value: unknown; path: Path }[] = [];
          contacts.forEach((c, i) =>
            arr(c?.telecom).forEach((t, j) => {
              const tel = rec(t);
              if (tel?.system === 'phone') phones.push({ value: tel.value, path: [...pp, 'contact', i, 'telecom', j, 'value'] });
            }),
          );
          if (phones.length === 0) {
            add(contacts.length ? [...pp, 'contact'] : pp, 'required', 'The Patient has no contact phone number: the guide requires at least one Patient.contact.telecom with system \'phone\' (for the rank 1 contact)', { guidePage: guideRow('Patient.contact.telecom.system', appPage), rule: 'TKW BS-PATIENT-RESO-PHONE' });
          } else if (payload === 'booking-request') {
            for (const ph of phones) {
              if (typeof ph.value === 'string' && !/^[0-9 ]+$/.test(ph.value)) {
                add(ph.path, 'value', `Contact phone number '${ph.value}': TKW assurance accepts only digits and spaces in a booking request (BS-PATIENT-RESO-PHONE), e.g. 0113 496 0000`, { severity: 'warning', guidePage: TKW_PAGE, rule: 'TKW BS-PATIENT-RESO-PHONE' });
              }
            }
          }
        }
      }
    },
  },
  {
    id: 'BARS-CORE-23',
    check(c, add) {
      const { payload, guideRow } = c;
      for (const p of c.of('Patient')) {
        const pp = c.base(p);
        const r = p.resource;
        // 23 a booking's home address (presence of address and birthDate: the necessity SHOULDs)
        if (payload === 'booking-request' && arr(r.address).length) {
          const homes = arr(r.address)
            .map((a, i) => ({ a: rec(a), i }))
            .filter((x) => x.a?.use === 'home');
          if (homes.length !== 1) {
            add([...pp, 'address'], 'business-rule', `The Patient has ${homes.length} addresses with use 'home': 'home' is the patient's one official residing address, and TKW assurance fails a booking request without exactly one (BS-PATIENT-RESO-HOME)`, { guidePage: guideRow('Patient.address.use', TKW_PAGE), rule: 'TKW BS-PATIENT-RESO-HOME' });
          } else {
            const pc = homes[0]!.a!.postalCode;
            if (typeof pc !== 'string' || !/^[ 0-9A-Za-z]+$/.test(pc)) {
              add([...pp, 'address', homes[0]!.i, ...(pc === undefined ? [] : ['postalCode'])], 'value', pc === undefined ? "The Patient's home address has no postalCode: TKW assurance fails a booking request without one (BS-PATIENT-RESO-POSTCODE)" : `The home postcode '${String(pc)}' has characters other than letters, digits and spaces: TKW assurance fails it (BS-PATIENT-RESO-POSTCODE)`, { rule: 'TKW BS-PATIENT-RESO-POSTCODE' });
            }
          }
        }
      }
    },
  },
  {
    id: 'BARS-CORE-21',
    check(c, add) {
      const { payload, of, appPage } = c;
      // 21 consent to share for direct care
      if ((payload === 'referral-request' || payload === 'validation-request' || payload === 'validation-response') && of('Consent').length === 0) {
        add([], 'required', `A ${payload.replace('-', ' ')} must contain a Consent resource (consent to share for Direct Care, category DRC)`, { guidePage: appPage, rule: 'TKW RS-CONSENT' });
      }
    },
  },
  {
    id: 'BARS-CORE-24',
    check(c, add) {
      const { application, payload, of, base } = c;
      // 24 validation: the incident location and its scene safety
      if (application === 'APP4' && (payload === 'validation-request' || payload === 'validation-response')) {
        const who = payload === 'validation-request' ? 'Requester' : 'Responder';
        if (of('Location').length === 0) {
          add([], 'required', `The ${who} must include the incident location in the ${payload === 'validation-request' ? 'Validation Request' : 'Validation Response'} (a Location resource)`, { rule: 'TKW RS-REC-INCID-INFO' });
        }
        const sceneSafety = of('Flag').filter((f) => arr(f.resource.category).some((cc) => arr(rec(cc)?.coding).some((c) => rec(c)?.system === FLAG_CATEGORIES && rec(c)?.code === 'SS')));
        if (sceneSafety.length !== 1) {
          add(sceneSafety.length ? base(sceneSafety[1]!) : [], sceneSafety.length ? 'business-rule' : 'required', `A validation ${payload === 'validation-request' ? 'request' : 'response'} carries exactly one scene safety Flag (category ${FLAG_CATEGORIES}#SS; code UNK when the questions were not asked), found ${sceneSafety.length}`, { rule: 'TKW RS-REC-SCENE-INFO' });
        }
      }
    },
  },
  {
    id: 'BARS-CORE-25',
    check(c, add) {
      const { of, base } = c;
      // 25 location identifiers and coordinates are numbers
      for (const l of of('Location')) {
        arr(l.resource.extension).forEach((x, i) => {
          const ext = rec(x);
          if (ext?.url !== LOCATION_EXTENSION) return;
          arr(ext.extension).forEach((s, j) => {
            const sub = rec(s);
            const v = sub?.valueString;
            if (typeof v !== 'string') return;
            const at = [...base(l), 'extension', i, 'extension', j, 'valueString'];
            if (sub?.url === 'UPRN' && !/^[0-9]{1,12}$/.test(v)) {
              add(at, 'value', `UPRN '${v}' is not a UPRN: a Unique Property Reference Number is 1 to 12 digits`, { rule: 'TKW RS-INFO-LOC-UPRN' });
            } else if ((sub?.url === 'eastings' || sub?.url === 'northings') && !/^-?[0-9]*\.?[0-9]+$/.test(v)) {
              add(at, 'value', `${String(sub.url)} '${v}' is not a number (a British National Grid co-ordinate in metres, e.g. 429876)`, { rule: 'TKW RS-INFO-LOC-EN' });
            }
          });
        });
      }
    },
  },
  {
    id: 'BARS-CORE-26',
    check(c, add) {
      const { msg, application, payload, of, base, guideRow, appPage } = c;
      // 26 key statuses of a request / response
      const sr = of('ServiceRequest')[0];
      if (sr && payload && payload !== 'referral-cancellation') {
        const status = str(sr.resource.status);
        if (status !== undefined && !SERVICE_REQUEST_STATUSES.includes(status)) {
          add([...base(sr), 'status'], 'code-invalid', `ServiceRequest.status '${status}' is not one BaRS uses: only ${SERVICE_REQUEST_STATUSES.join(', ')} ('revoked' cancels, 'entered-in-error' withdraws a request sent to the wrong endpoint)`, { guidePage: guideRow('ServiceRequest.status', appPage), rule: 'TKW RS-REF-STAT / RS-REF-VALID-REQ' });
        } else if (status !== 'active' && (payload === 'referral-request' || payload === 'validation-request') && msg.reasonCode === 'new') {
          add([...base(sr), 'status'], 'value', `A new ${payload.replace('-', ' ')} has ServiceRequest.status '${String(status)}': it must be 'active'`, { guidePage: guideRow('ServiceRequest.status', appPage), rule: 'TKW RS-REF-STAT / RS-REF-VALID-REQ' });
        }
      }
      const expected = application && payload ? STATUSES[`${application} ${payload}`] : undefined;
      if (expected) {
        const where = `${application} ${payload}`;
        // a response's Encounter is the Responder's, the focus; a request's is the sender's, the ServiceRequest's
        const focus = msg.header ? resolveEntry(msg, str(rec(arr(msg.header.resource.focus)[0])?.reference)) : undefined;
        const encounter =
          (payload?.endsWith('response') && focus?.resource.resourceType === 'Encounter' ? focus : undefined) ?? (sr && resolveEntry(msg, str(rec(sr.resource.encounter)?.reference))) ?? of('Encounter')[0];
        const check = (e: MessageEntry | undefined, allowed: string[] | undefined, type: string): void => {
          if (!e || !allowed || e.resource.resourceType !== type) return;
          const s = str(e.resource.status);
          if (s !== undefined && !allowed.includes(s)) {
            add([...base(e), 'status'], 'value', `${where}: ${type}.status must be ${allowed.map((a) => `'${a}'`).join(' or ')} (the Application's payload table), found '${s}'`, { guidePage: guideRow(`${type}.status`, appPage), rule: 'TKW RS-REF-STAT / RS-REF-VALID-REQ / RS-REF-FULL-VALID-RES' });
          }
        };
        check(encounter, expected.encounter, 'Encounter');
        for (const cp of of('CarePlan')) check(cp, expected.carePlan, 'CarePlan');
      }
      if (application === 'APP4' && payload === 'interim-validation-response') {
        const encounters = of('Encounter');
        if (!encounters.some((e) => e.resource.status === 'in-progress' || e.resource.status === 'cancelled')) {
          add(encounters[0] ? [...base(encounters[0]), 'status'] : [], 'value', `An interim validation response reports the validation in progress: its Encounter.status must be 'in-progress' ('cancelled' when the request is rejected), found ${encounters.map((e) => `'${String(e.resource.status)}'`).join(', ') || 'no Encounter'}`, { guidePage: guideRow('Encounter.status', APP4_SCOPE), rule: 'TKW RR-REF-INT-VALID-RES' });
        } else if (sr && encounters.some((e) => e.resource.status === 'in-progress') && sr.resource.status !== 'active') {
          add([...base(sr), 'status'], 'value', `While the validation is in progress the ServiceRequest stays 'active', found '${String(sr.resource.status)}'`, { guidePage: guideRow('ServiceRequest.status', APP4_SCOPE), rule: 'TKW RR-REF-INT-VALID-RES' });
        }
      }
    },
  },
  {
    id: 'BARS-CORE-27',
    check(c, add) {
      const { msg, payload, of, base, guideRow } = c;
      // 27 a booking carries what it books
      if (payload === 'booking-request') {
        const appt = of('Appointment')[0];
        const slots = arr(appt?.resource.slot).map((s) => str(rec(s)?.reference));
        const slot = slots.map((ref) => resolveEntry(msg, ref)).find((t) => t?.resource.resourceType === 'Slot');
        if (!slot) {
          add(appt ? [...base(appt), 'slot'] : [], 'required', slots.length ? `Appointment.slot ${slots.map((s) => `'${String(s)}'`).join(', ')} does not resolve to a Slot in the Bundle: a booking request carries the Slot it books` : 'The booking request has no Slot: Appointment.slot must reference the booked Slot, carried in the Bundle (BS-PATIENT-RESO-REF)', { guidePage: guideRow('Appointment.slot.reference', TKW_PAGE), rule: 'TKW BS-PATIENT-RESO-REF' });
        } else {
          const sched = resolveEntry(msg, str(rec(slot.resource.schedule)?.reference));
          if (!sched || sched.resource.resourceType !== 'Schedule') {
            add([...base(slot), 'schedule'], 'required', 'The booked Slot\'s schedule does not resolve to a Schedule in the Bundle: a booking request carries the Slot, its Schedule and the HealthcareService (BS-PATIENT-RESO-REF)', { guidePage: guideRow('Slot.schedule', TKW_PAGE), rule: 'TKW BS-PATIENT-RESO-REF' });
          }
        }
        if (of('HealthcareService').length === 0) {
          add([], 'required', 'The booking request has no HealthcareService: it carries the service the Slot belongs to (BS-PATIENT-RESO-REF)', { guidePage: TKW_PAGE, rule: 'TKW BS-PATIENT-RESO-REF' });
        }
      }
    },
  },
  {
    id: 'BARS-CORE-28',
    check(c, add) {
      const { application, payload, of, base, guideRow, appPage } = c;
      // 28 a pharmacy referral names the action (Task) and the problem (Condition), in SNOMED CT
      if (application === 'APP5' && payload === 'referral-request') {
        for (const [type, element] of [['Task', 'code'], ['Condition', 'category']] as const) {
          const found = of(type);
          if (found.length === 0) {
            add([], 'required', `An APP5 referral must contain a ${type} (${type === 'Task' ? 'the action requested of the pharmacy' : 'the problem the referral is for'})`, { guidePage: appPage, rule: 'TKW APP5 Task/Condition' });
            continue;
          }
          for (const e of found) {
            const value = e.resource[element];
            const ccs = Array.isArray(value) ? value : value === undefined ? [] : [value];
            const codings = ccs.flatMap((cc) => arr(rec(cc)?.coding).map(rec));
            if (!codings.some((c) => c?.system === SNOMED)) {
              add([...base(e), element], codings.length ? 'code-invalid' : 'required', `${type}.${element} must be coded in SNOMED CT (${SNOMED})${codings.length ? `, found ${codings.map((c) => String(c?.system)).join(', ')}` : ''}`, { guidePage: guideRow(`${type}.${element}.coding.system`, appPage), rule: 'TKW APP5 Task/Condition' });
            }
          }
        }
      }
    },
  },
  {
    id: 'BARS-CORE-29',
    check(c, add) {
      const { msg, application, payload, of, base, guideRow, appPage, now } = c;
      // 29 APP6: the clock start is not after the message was sent
      if (application === 'APP6' && payload === 'referral-request') {
        const sent = Date.parse(str(msg.bundle.timestamp) ?? '');
        const ref = Number.isNaN(sent) ? (now ?? new Date()).getTime() : sent;
        for (const cp of of('CarePlan')) {
          const start = str(rec(cp.resource.period)?.start);
          const t = start ? Date.parse(start) : NaN;
          if (!Number.isNaN(t) && t > ref + CLOCK_SKEW_MS) {
            add([...base(cp), 'period', 'start'], 'value', `CarePlan.period.start (the clock start) ${start} is after the message was ${Number.isNaN(sent) ? 'validated' : `sent (Bundle.timestamp ${String(msg.bundle.timestamp)})`}: a clock start is in the past`, { guidePage: guideRow('CarePlan.period.start', appPage), rule: 'TKW CarePlan_period_start_dateTime.xslt' });
          }
        }
      }
    },
  },
  {
    id: 'BARS-CORE-30',
    check(c, add) {
      const { msg, payload, of, base, guideRow } = c;
      // 30 a cancellation or update names what it changes by the receiver's id
      const cancellation = payload?.endsWith('cancellation') ?? false;
      if (msg.header && (cancellation || (msg.reasonCode === 'update' && (payload === 'referral-request' || payload === 'validation-request' || payload === 'booking-request')))) {
        const focus = resolveEntry(msg, str(rec(arr(msg.header.resource.focus)[0])?.reference));
        if (focus && (typeof focus.resource.id !== 'string' || focus.resource.id === '')) {
          const type = String(focus.resource.resourceType);
          add(base(focus), 'required', `${cancellation ? 'A cancellation' : "An update (MessageHeader.reason 'update')"} must carry the id of the ${type} it ${cancellation ? 'cancels' : 'updates'}: the ${type}.id the receiver returned (and the sender confirmed by a read) is how the receiver finds it`, { guidePage: cancellation ? `${CANCELLATION_PAGE}#L${type === 'Appointment' ? 301 : 30}` : guideRow(`${type}.id`, TKW_PAGE), rule: 'TKW ServiceRequest.id on update' });
        }
      }
    },
  },
  {
    id: 'BARS-CORE-31',
    check(c, add) {
      const { msg, application, payload, guideRow, appPage } = c;
      // 31 the focus is the payload's root resource
      const root = rootOf(application, payload);
      if (root && msg.header) {
        arr(msg.header.resource.focus).forEach((f, i) => {
          const target = resolveEntry(msg, str(rec(f)?.reference));
          if (target && target.resource.resourceType !== root.type) {
            add(['entry', msg.header!.index, 'resource', 'focus', i], 'business-rule', `MessageHeader.focus points at a ${String(target.resource.resourceType)}: in ${application ? `an ${application} ` : 'a '}${payload!.replace(/-/g, ' ')} it must reference ${root.what}, the resource the receiver starts reading from`, { guidePage: root.page ?? guideRow('MessageHeader.focus.reference', appPage), rule: 'TKW focus is the ServiceRequest' });
          }
        });
      }
    },
  },
  {
    id: 'BARS-CORE-32',
    check(c, add) {
      const { application, of, base, guideRow, appPage } = c;
      // 32 APP6: what each QuestionnaireResponse holds, named in its reason
      if (application === 'APP6') {
        for (const qr of of('QuestionnaireResponse')) {
          const q = str(qr.resource.questionnaire) ?? '';
          const kind = /\/Questionnaire\/PTS$/.test(q) ? 'PTS' : /\/Questionnaire\/NOC$/.test(q) ? 'NOC' : undefined;
          if (!kind) continue;
          const words = kind === 'PTS' ? ['Pre Triage Sieve', 'PTS'] : ['Nature of Call', 'NOC'];
          const reasons = arr(qr.resource.extension).map(rec).filter((x) => x?.url === QR_REASON);
          const texts = reasons.map((x) => str(rec(x?.valueCodeableConcept)?.text) ?? '');
          if (!texts.some((t) => words.some((w) => t.includes(w)))) {
            add([...base(qr), ...(reasons.length ? ['extension', arr(qr.resource.extension).map(rec).findIndex((x) => x?.url === QR_REASON)] : [])], 'business-rule', `This ${kind === 'PTS' ? 'Pre Triage Sieve' : 'Nature of Call'} QuestionnaireResponse should say so in its questionnaireresponse-reason extension (valueCodeableConcept.text, e.g. '${kind === 'PTS' ? 'Pre Triage Sieve Questionnaire' : 'Nature of Call (NOC)'}')${texts.length ? `, found '${texts.join("', '")}'` : ''}`, { guidePage: guideRow('QuestionnaireResponse.extension.valueCodeableConcept.text', appPage), rule: 'TKW PTS/NOC QuestionnaireResponse reason' });
          }
        }
      }
    },
  },
];

export function checkTkwRules(msg: BarsMessage, sink: IssueSink, ctx: TkwRuleContext): void {
  const { application, payload } = ctx;
  const rowOf = (path: string): number | undefined => (ctx.table ? rowLines(ctx.table).get(path.toLowerCase()) : undefined);
  const c: TkwCheckContext = {
    msg,
    application,
    payload,
    now: ctx.now,
    of: (type) => entriesOf(msg, type),
    base: (e) => ['entry', e.index, 'resource'],
    rowOf,
    guideRow: (path, fallback) => {
      const line = rowOf(path);
      return line === undefined ? fallback : `${ctx.table!.guidePage}#L${line}`;
    },
    appPage: PAYLOADS_PAGE[`${application} ${payload}`] ?? (application ? PAYLOADS_PAGE[application] : undefined) ?? TKW_PAGE,
  };
  for (const r of TKW_RULES) r.check(c, ruleIssues(sink, r.id));
}
