/**
 * The TKW sentinel scenario table as data: which request values make TKW answer what. It is
 * derived from the guide's TKW page (Build/Testing-and-Environments/TKW.page.md) by
 * `npm run rules:tkw-scenarios` into rules/tkw/scenarios.json; the page itself is not shipped.
 *
 * The page is prose tables written for people, so the derivation reads each row's cells with a
 * few general rules (a "HTTP nnn" in the test name is the status; a 10-digit sentinel is an NHS
 * number; "/ServiceRequest/<uuid>" is a read; "id = <uuid>" is the returned id) and records
 * where the page contradicts itself in `notes`.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rulesDir } from '../bars/rules/necessity.js';

/** What a $process-message asks for, read from its MessageHeader (definition and reason). */
export type MessageKind =
  | 'booking-new'
  | 'booking-cancel'
  | 'referral-new'
  | 'referral-cancel'
  | 'validation-new'
  | 'validation-update'
  | 'validation-cancel'
  | 'response';

export type Trigger =
  | { kind: 'metadata'; target: string }
  | { kind: 'message-definition'; context: string }
  | { kind: 'slot'; healthcareService: string; status?: string[] }
  | { kind: 'process-message'; message?: MessageKind; nhsNumber?: string; target?: string }
  | { kind: 'read'; resourceType: 'Appointment' | 'ServiceRequest'; id: string }
  | { kind: 'search'; resourceType: 'Appointment' | 'ServiceRequest' };

export interface ScenarioResponse {
  status: number;
  /** The fixed id of the resource TKW returns. */
  returns?: { resourceType: 'Appointment' | 'ServiceRequest'; id: string };
  /** Which CapabilityStatement / MessageDefinitions: the BaRS Applications the row names (empty: any). */
  applications?: number[];
  /** A named variant of the answer: capability role, slot answer shape, invalid definitions. */
  variant?: string;
}

export interface Scenario {
  id: string;
  section: string;
  test: string;
  /** The row's "Sentinel Element / Hints" cell, for people. */
  hint: string;
  sentinel: string;
  comment: string;
  trigger: Trigger;
  response: ScenarioResponse;
}

export interface StateTransition {
  event: StatefulEvent;
  state: StatefulState;
  status: number;
  /** The reason in brackets after the status, whitespace tidied; absent on success. */
  diagnostics?: string;
}

export const STATEFUL_EVENTS = ['make-booking', 'cancel-booking', 'linked-referral', 'mislinked-referral', 'cancel-referral'] as const;
export const STATEFUL_STATES = ['initial', 'appointment-booked', 'referral-created'] as const;
export type StatefulEvent = (typeof STATEFUL_EVENTS)[number];
export type StatefulState = (typeof STATEFUL_STATES)[number];

export interface TkwTable {
  $comment?: string;
  source: { file: string; sha256: string; repository?: string; path?: string; commit?: string };
  scenarios: Scenario[];
  stateful: { nhsNumber: string; stateKey: string; transitions: StateTransition[] };
  notes: string[];
}

export class TkwPageError extends Error {}

const UUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** Cells of a markdown table row; `\|` inside a cell is a literal bar. */
function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.replace(/\\\|/g, '|').trim());
}

interface Section {
  title: string;
  header: string[];
  rows: string[][];
}

/** Every `## Title` followed by a table: the title and its rows (separator row dropped). */
function tables(md: string): Section[] {
  const out: Section[] = [];
  let title = '';
  let current: Section | undefined;
  for (const line of md.split(/\r?\n/)) {
    const h = /^#{2,4}\s+(.*\S)\s*$/.exec(line);
    if (h) {
      title = h[1]!;
      current = undefined;
      continue;
    }
    if (!line.trim().startsWith('|')) {
      current = undefined;
      continue;
    }
    const c = cells(line);
    if (c.every((x) => /^:?-*:?$/.test(x))) continue;
    if (!current) {
      current = { title, header: c, rows: [] };
      out.push(current);
    } else if (c.some((x) => x !== '')) current.rows.push(c);
  }
  return out;
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function applicationsOf(cell: string): number[] {
  return [...cell.matchAll(/\d+/g)].map((m) => Number(m[0]));
}

function statusOf(test: string): number {
  const m = /HTTP\s+(\d{3})/i.exec(test);
  return m ? Number(m[1]) : 200;
}

function verbOf(test: string): 'new' | 'cancel' | 'update' {
  if (/cancel/i.test(test)) return 'cancel';
  if (/update/i.test(test)) return 'update';
  return 'new';
}

/** Which workflow a row's message is: the example body it names, else the section. */
function workflowOf(section: string, hint: string): 'booking' | 'referral' | 'validation' | 'response' {
  if (/VALREQ/i.test(hint)) return 'validation';
  if (/Booking Request/i.test(hint)) return 'booking';
  if (/REFREQ|SERVREQ/i.test(hint)) return 'referral';
  const s = section.toLowerCase();
  if (s.startsWith('booking')) return 'booking';
  if (s.startsWith('validation')) return 'validation';
  if (s.startsWith('response')) return 'response';
  return 'referral';
}

function messageKind(workflow: string, verb: 'new' | 'cancel' | 'update'): MessageKind {
  if (workflow === 'response') return 'response';
  if (workflow === 'validation') return `validation-${verb}` as MessageKind;
  if (verb === 'update') return `${workflow}-new` as MessageKind;
  return `${workflow}-${verb}` as MessageKind;
}

const SECTIONS = ['Capability', 'MessageDef', 'Booking', 'Referral', 'Validation', 'Response'];

/** Derive the table from the TKW page's markdown. Throws TkwPageError when the page's shape is not the one expected. */
export function deriveTkwTable(md: string, file: string, provenance: { repository?: string; path?: string; commit?: string } = {}): TkwTable {
  const notes: string[] = [];
  const scenarios: Scenario[] = [];
  const found = tables(md);
  for (const t of found.filter((s) => SECTIONS.includes(s.title) && s.header[0] === 'Test')) {
    const col = (name: RegExp): number => {
      const i = t.header.findIndex((h) => name.test(h));
      if (i < 0) throw new TkwPageError(`${file}: the "${t.title}" table has no column matching ${name} (columns: ${t.header.join(', ')})`);
      return i;
    };
    const [cTest, cApp, cHint, cValue, cComment] = [col(/^Test/), col(/Application/), col(/Sentinel Element/), col(/Sentinel Value/), col(/Comment/)];
    t.rows.forEach((r, n) => {
      const test = r[cTest] ?? '';
      const hint = r[cHint] ?? '';
      const value = (r[cValue] ?? '').trim();
      const comment = r[cComment] ?? '';
      const apps = applicationsOf(r[cApp] ?? '');
      const status = statusOf(test);
      const any = /^any\b/i.test(value);
      const id = `${slug(t.title)}-${n + 1}`;
      let trigger: Trigger;
      const response: ScenarioResponse = { status };
      if (t.title === 'Capability') {
        trigger = { kind: 'metadata', target: any ? '*' : value };
        response.applications = /any/i.test(r[cApp] ?? '') ? [] : apps;
        response.variant = slug(test.replace(/^CS for\s+/i, ''));
      } else if (t.title === 'MessageDef') {
        trigger = { kind: 'message-definition', context: any ? '*' : value };
        response.applications = /any/i.test(r[cApp] ?? '') ? [] : apps;
        if (/invalid/i.test(test)) response.variant = 'invalid';
      } else if (/slot/i.test(test)) {
        trigger = { kind: 'slot', healthcareService: value };
        if (/free and busy/i.test(test)) {
          trigger.status = ['busy', 'free'];
          response.variant = 'free-and-busy';
        } else if (/no slots/i.test(test)) response.variant = 'none';
        else if (/mandatory/i.test(test)) response.variant = 'mandatory';
        else response.variant = 'free';
      } else {
        const path = /^\/(Appointment|ServiceRequest)(?:\/([^\s/]+))?/.exec(hint.trim());
        const workflow = workflowOf(t.title, hint);
        if (path) {
          const resourceType = path[1] as 'Appointment' | 'ServiceRequest';
          if (path[2]) {
            // "GET must be for … <uuid>" in the comment is the rule; the hint's path an example of it
            const must = /GET must be for[^.]*?(\b[0-9a-f-]{36}\b)/i.exec(comment);
            const readId = must?.[1] ?? path[2];
            if (must && must[1] !== path[2]) notes.push(`${id} (${test}): the hint reads /${resourceType}/${path[2]} but the comment says the GET must be for ${must[1]}; the comment's id is used`);
            trigger = { kind: 'read', resourceType, id: readId };
          } else trigger = { kind: 'search', resourceType };
        } else {
          const verb = verbOf(test);
          const pm: Trigger & { kind: 'process-message' } = { kind: 'process-message', message: messageKind(workflow, verb) };
          if (/^\d{10}$/.test(value) && /NHSD Target Identifier/i.test(hint)) pm.target = value;
          else if (/^\d{10}$/.test(value)) pm.nhsNumber = value;
          else if (/remove[^.]*NHSNumberVerificationStatus/i.test(hint) || /no NHS No/i.test(test) || /blank/i.test(value)) pm.nhsNumber = 'none';
          trigger = pm;
        }
        const returned = /id\s*=\s*([0-9a-f-]{36})/i.exec(comment);
        if (returned && status === 200) response.returns = { resourceType: workflow === 'booking' ? 'Appointment' : 'ServiceRequest', id: returned[1]! };
        else if (trigger.kind !== 'read' && status === 200 && /\bid\b/i.test(comment) && UUID_RE.test(comment)) {
          response.returns = { resourceType: workflow === 'booking' ? 'Appointment' : 'ServiceRequest', id: UUID_RE.exec(comment)![0] };
        }
        if (trigger.kind === 'read' && status === 200 && response.returns === undefined) response.returns = { resourceType: trigger.resourceType, id: trigger.id };
      }
      scenarios.push({ id, section: t.title, test, hint, sentinel: value, comment, trigger, response });
    });
  }
  if (scenarios.length === 0) throw new TkwPageError(`${file}: no scenario tables (## ${SECTIONS.join(', ## ')}) found`);

  // "returns id X which can be used in subsequent error scenarios 'Y'": X is the id Y's GET is for
  for (const s of scenarios) {
    const m = /id\s*=\s*([0-9a-f-]{36})[^']*subsequent error scenarios?\s*'([^']+)'/i.exec(s.comment);
    if (!m) continue;
    const target = scenarios.find((o) => o.trigger.kind === 'read' && o.test.trim().toLowerCase() === m[2]!.trim().toLowerCase());
    if (!target || target.trigger.kind !== 'read') {
      notes.push(`${s.id}: refers to a scenario "${m[2]}" that is not in the tables`);
      continue;
    }
    if (target.trigger.id !== m[1]) {
      notes.push(`${target.id} (${target.test}): its own row names ${target.trigger.id}, but ${s.id} (${s.test}) returns ${m[1]} "which can be used in" it; ${m[1]} is used, so ${target.trigger.id} keeps the answer of the other rows naming it`);
      target.trigger.id = m[1]!;
    }
  }

  // the stateful scenario
  const stateTable = found.find((s) => s.header[0] === 'Event' && s.header.some((h) => /Initial State/i.test(h)));
  if (!stateTable) throw new TkwPageError(`${file}: the stateful scenarios' state-transition table (Event | Initial State | …) was not found`);
  const nhs = /stateful[\s\S]*?NHS Number\s*(\d{10})/i.exec(md)?.[1];
  if (!nhs) throw new TkwPageError(`${file}: the stateful scenario's NHS number was not found`);
  const stateKey = /per\s+(NHSD-[A-Za-z-]+)/.exec(md)?.[1] ?? 'NHSD-End-User-Organisation';
  const stateCols = stateTable.header.slice(1).map((h) => {
    const s = STATEFUL_STATES.find((st) => slug(h.replace(/\s*state$/i, '')) === st);
    if (!s) throw new TkwPageError(`${file}: unknown state column "${h}"`);
    return s;
  });
  const transitions: StateTransition[] = [];
  for (const r of stateTable.rows) {
    const e = r[0]!.toLowerCase();
    const event: StatefulEvent | undefined = /mis-?linked/.test(e)
      ? 'mislinked-referral'
      : /linked/.test(e)
        ? 'linked-referral'
        : /make.*booking/.test(e)
          ? 'make-booking'
          : /cancel.*booking/.test(e)
            ? 'cancel-booking'
            : /cancel.*referral/.test(e)
              ? 'cancel-referral'
              : undefined;
    if (!event) throw new TkwPageError(`${file}: unknown stateful event "${r[0]}"`);
    stateCols.forEach((state, i) => {
      const cell = r[i + 1] ?? '';
      const m = /Http\s+(\d{3})\s*(?:\((.*)\))?/i.exec(cell);
      if (!m) throw new TkwPageError(`${file}: the "${r[0]}" × ${state} cell "${cell}" has no HTTP status`);
      const t: StateTransition = { event, state, status: Number(m[1]) };
      if (m[2]) t.diagnostics = m[2].replace(/\s+/g, ' ').trim();
      transitions.push(t);
    });
  }

  // the same trigger answered two ways would make the simulator's answer depend on row order
  const seen = new Map<string, Scenario>();
  for (const s of scenarios) {
    const key = JSON.stringify(s.trigger);
    const prior = seen.get(key);
    if (prior && JSON.stringify(prior.response) !== JSON.stringify(s.response)) notes.push(`${s.id} (${s.test}) has the trigger of ${prior.id} (${prior.test}) with another answer; the first row wins`);
    if (!prior) seen.set(key, s);
  }

  return {
    source: { file, sha256: createHash('sha256').update(md).digest('hex'), ...provenance },
    scenarios,
    stateful: { nhsNumber: nhs, stateKey, transitions },
    notes,
  };
}

export const TKW_TABLE_FILE = 'tkw/scenarios.json';
let shipped: TkwTable | undefined;

export function loadTkwTable(): TkwTable {
  shipped ??= JSON.parse(readFileSync(join(rulesDir(), TKW_TABLE_FILE), 'utf8')) as TkwTable;
  return shipped;
}
