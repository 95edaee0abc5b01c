/**
 * A BaRS message Bundle, read once: its MessageHeader, entries by fullUrl, event, reason,
 * MessageDefinition and the use-case categories that say which Application it belongs to.
 */
import type { BarsContext, IssueType, Severity, ValidationIssue } from '../model/issue.js';
import type { PluginContext } from '../validate/run.js';

import { arr, rec, str, type Json } from '../model/json.js';
import { barsRule, type BarsRuleId, type RuleId } from '../model/rules.js';

// the BaRS layer reads messages with the shared JSON helpers; re-exported for its modules
export { arr, rec, str, type Json };

export interface MessageEntry {
  index: number;
  fullUrl?: string;
  resource: Json;
}

export interface BarsMessage {
  bundle: Json;
  entries: MessageEntry[];
  /** The entries by resource type, in message order (the rules ask "the Patients", "the first ServiceRequest"). */
  byType: Map<string, MessageEntry[]>;
  header?: MessageEntry;
  eventSystem?: string;
  eventCode?: string;
  reasonCode?: string;
  definition?: string;
  /** ServiceRequest.category / Appointment.serviceCategory codes from the BaRS use-case CodeSystem. */
  useCases: { code: string; path: (string | number)[] }[];
}

export const USE_CASE_SYSTEM = 'https://fhir.nhs.uk/CodeSystem/usecases-categories-bars';
export const EVENT_SYSTEM = 'https://fhir.nhs.uk/CodeSystem/message-events-bars';
export const REASON_SYSTEM = 'https://fhir.nhs.uk/CodeSystem/message-reason-bars';

export function analyseMessage(bundle: Json): BarsMessage {
  const entries: MessageEntry[] = [];
  arr(bundle.entry).forEach((e, index) => {
    const r = rec(rec(e)?.resource);
    if (r) entries.push({ index, fullUrl: str(rec(e)?.fullUrl), resource: r });
  });
  const byType = new Map<string, MessageEntry[]>();
  for (const e of entries) {
    const t = String(e.resource.resourceType);
    const list = byType.get(t);
    if (list) list.push(e);
    else byType.set(t, [e]);
  }
  const header = byType.get('MessageHeader')?.[0];
  const h = header?.resource;
  const event = rec(h?.eventCoding);
  const reason = arr(rec(h?.reason)?.coding).map(rec).find((c) => c?.system === REASON_SYSTEM) ?? rec(arr(rec(h?.reason)?.coding)[0]);
  const useCases: BarsMessage['useCases'] = [];
  for (const e of entries) {
    const field = e.resource.resourceType === 'ServiceRequest' ? 'category' : e.resource.resourceType === 'Appointment' ? 'serviceCategory' : undefined;
    if (!field) continue;
    arr(e.resource[field]).forEach((cc, i) => {
      arr(rec(cc)?.coding).forEach((c, j) => {
        const coding = rec(c);
        if (coding?.system === USE_CASE_SYSTEM && typeof coding.code === 'string') {
          useCases.push({ code: coding.code, path: ['entry', e.index, 'resource', field, i, 'coding', j, 'code'] });
        }
      });
    });
  }
  return {
    bundle,
    entries,
    byType,
    header,
    eventSystem: str(event?.system),
    eventCode: str(event?.code),
    reasonCode: str(reason?.code),
    definition: str(h?.definition),
    useCases,
  };
}

const NONE: readonly MessageEntry[] = Object.freeze([]);

/** The message's entries holding resources of this type, in message order. */
export function entriesOf(msg: BarsMessage, type: string): readonly MessageEntry[] {
  return msg.byType.get(type) ?? NONE;
}

/** Resolve a reference from one entry to another (fullUrl, then Type/id). */
export function resolveEntry(msg: BarsMessage, reference: string | undefined): MessageEntry | undefined {
  if (!reference) return undefined;
  const byUrl = msg.entries.find((e) => e.fullUrl === reference);
  if (byUrl) return byUrl;
  const m = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(reference);
  if (!m) return undefined;
  return msg.entries.find((e) => e.resource.resourceType === m[1] && e.resource.id === m[2]);
}

/** FHIRPath text for a path of keys/indexes from the Bundle (`Bundle.entry[2].resource.subject`). */
export function expressionOf(root: string, path: (string | number)[]): string {
  let e = root;
  for (const p of path) e += typeof p === 'number' ? `[${p}]` : `.${p}`;
  return e;
}

const CONTEXT_KEYS = ['application', 'payload', 'rule', 'guidePage', 'spec'] as const;

/**
 * The sink's context with a rule's own fields on top, unset fields left out. Built field by
 * field: object spread of two small objects per issue showed in profiles of the BaRS layer.
 */
function merged(context: BarsContext, extra: Partial<BarsContext>): BarsContext {
  const out: BarsContext = {};
  for (const k of CONTEXT_KEYS) {
    const v = k in extra ? extra[k] : context[k];
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Builds issues located in the message, tagged with the BaRS context. */
export class IssueSink {
  readonly issues: ValidationIssue[] = [];

  constructor(
    private readonly ctx: PluginContext,
    readonly context: BarsContext,
  ) {}

  add(path: (string | number)[], severity: Severity, code: IssueType, ruleId: RuleId, message: string, extra: Partial<BarsContext> = {}): void {
    const rootType = String(this.ctx.resource.resourceType ?? 'Bundle');
    const pos = this.ctx.positionOf(path);
    const issue: ValidationIssue = {
      severity,
      code,
      message,
      expression: expressionOf(rootType, path),
      ruleId,
      source: 'BaRS',
      // every BaRS issue names its rule: the rule id unless the check names another (a TKW requirement)
      bars: merged(this.context, { rule: ruleId, ...extra }),
    };
    if (pos) {
      issue.line = pos.line;
      issue.column = pos.column;
    }
    this.issues.push(issue);
  }
}

/**
 * Does anything in the message say it is a BaRS message? The BaRS Core rules are strict
 * (lastUpdated everywhere, NHS event codes, DoS endpoints), so applying them to any FHIR
 * message would drown a plain FHIR message in false errors. Any one marker is enough: an
 * NHS England event or reason code, a definition or profile under fhir.nhs.uk, a BaRS use case.
 */
export function hasBarsMarker(msg: BarsMessage): boolean {
  if (isNhsUrl(msg.eventSystem) || isNhsUrl(msg.definition) || msg.useCases.length) return true;
  for (const r of [msg.bundle, ...msg.entries.map((e) => e.resource)]) {
    for (const p of arr(rec(rec(r)?.meta)?.profile)) {
      const s = str(p);
      if (isNhsUrl(s) || /BARS/i.test(s ?? '')) return true;
    }
  }
  return false;
}

function isNhsUrl(u: string | undefined): boolean {
  return !!u && u.startsWith('https://fhir.nhs.uk/');
}


/** One BaRS rule as a registered check: its catalog id and what it checks. */
export interface MessageRule<C> {
  id: BarsRuleId;
  /** `add` reports an issue of this rule (severity and guide page from the catalog unless the issue gives its own). */
  check(c: C, add: RuleReporter): void;
}

export type RuleReporter = (path: (string | number)[], code: IssueType, message: string, extra?: Partial<BarsContext> & { severity?: Severity }) => void;

/**
 * A reporter for one BaRS rule: severity and guide page default to what the rules JSON states
 * (through the rule catalog); an issue gives its own where the guide is more precise (a payload
 * table row, a TKW-only format check that warns).
 */
export function ruleIssues(sink: IssueSink, id: BarsRuleId): RuleReporter {
  const r = barsRule(id);
  return (path, code, message, extra = {}) => {
    const { severity = r.severity, ...context } = extra;
    sink.add(path, severity, code, id, message, { guidePage: r.guidePage, ...context });
  };
}
