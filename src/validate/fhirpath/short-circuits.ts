/**
 * Hot invariants whose common case a property read or two decides (see hot.ts); the rest
 * goes to the general evaluator.
 */
import { rec } from '../../model/json.js';
import type { FhirPathEnv } from './env.js';

/** null or an array where one value belongs: a JSON slip reported elsewhere, left to the general evaluator. */
export function wrongShape(v: unknown): boolean {
  return v === null || Array.isArray(v);
}

/** Neither `key` nor its `_key` companion is in `o`: the element is empty for FHIRPath. */
function absent(o: Record<string, unknown>, key: string): boolean {
  return o[key] === undefined && o['_' + key] === undefined;
}

/** No member of the choice element `name[x]` (nor its `_` companion) is in `o`. */
function noChoice(o: Record<string, unknown>, name: string): boolean {
  for (const k in o) {
    const off = k.charCodeAt(0) === 95 ? 1 : 0;
    if (k.length > name.length + off && k.startsWith(name, off)) {
      const c = k.charCodeAt(name.length + off);
      if (c >= 65 && c <= 90) return false;
    }
  }
  return true;
}

/** A string value of `key`, or undefined when it is anything else (missing, null, array, number). */
function str(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

/** A present, single, object value (what `.exists()` is plainly true for). */
function isObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A present value that exists for FHIRPath beyond doubt: an object, or a non-empty array of objects. */
function plainlyExists(v: unknown): boolean {
  if (isObject(v)) return true;
  if (!Array.isArray(v) || v.length === 0) return false;
  for (const x of v) if (!isObject(x)) return false;
  return true;
}

/**
 * Invariants whose common case is decided by one or two property reads (an element absent, a
 * type code not the one the rule is about); anything else (null, arrays where one value goes,
 * the case the rule is really about) returns null and goes to the general evaluator.
 */
export const SHORT_CIRCUITS = new Map<string, (node: unknown, env: FhirPathEnv) => boolean | null>([
  // per-1 on every Period: most give only a start, or only an end
  [
    'start.hasValue().not() or end.hasValue().not() or (start <= end)',
    (node) => {
      const o = rec(node);
      if (!o || wrongShape(o.start) || wrongShape(o.end)) return null;
      return o.start === undefined || o.end === undefined ? true : null;
    },
  ],
  // bdl-1, bdl-2, bdl-9, bdl-10, bdl-11, bdl-12: on the Bundle's type
  [
    "total.empty() or (type = 'searchset') or (type = 'history')",
    (node) => {
      const b = rec(node);
      if (!b) return null;
      const t = str(b, 'type');
      return t === 'searchset' || t === 'history' || absent(b, 'total') ? true : null;
    },
  ],
  [
    "entry.search.empty() or (type = 'searchset')",
    (node) => {
      const b = rec(node);
      if (!b) return null;
      const t = str(b, 'type');
      if (t === undefined) return null;
      if (t === 'searchset') return true;
      const entries = b.entry;
      if (entries === undefined) return true;
      if (!Array.isArray(entries)) return null;
      for (const e of entries) if (!isObject(e) || (e as Record<string, unknown>).search !== undefined) return null;
      return true;
    },
  ],
  ["type = 'document' implies (identifier.system.exists() and identifier.value.exists())", notOfType('document')],
  ["type = 'document' implies (timestamp.hasValue())", notOfType('document')],
  ["type = 'document' implies entry.first().resource.is(Composition)", firstResourceIs('document', 'Composition')],
  ["type = 'message' implies entry.first().resource.is(MessageHeader)", firstResourceIs('message', 'MessageHeader')],
  // bdl-3, bdl-4: every entry has a request (response) exactly when the Bundle's type calls for one
  [
    "entry.all(request.exists() = (%resource.type = 'batch' or %resource.type = 'transaction' or %resource.type = 'history'))",
    entriesHaveMemberExactlyFor('request', ['batch', 'transaction', 'history']),
  ],
  [
    "entry.all(response.exists() = (%resource.type = 'batch-response' or %resource.type = 'transaction-response' or %resource.type = 'history'))",
    entriesHaveMemberExactlyFor('response', ['batch-response', 'transaction-response', 'history']),
  ],
  // pat-1 on Patient.contact
  [
    'name.exists() or telecom.exists() or address.exists() or organization.exists()',
    (node) => {
      const o = rec(node);
      if (!o) return null;
      return plainlyExists(o.name) || plainlyExists(o.telecom) || plainlyExists(o.address) || plainlyExists(o.organization) ? true : null;
    },
  ],
  // qrs-1 on QuestionnaireResponse.item
  [
    '(answer.exists() and item.exists()).not()',
    (node) => {
      const o = rec(node);
      return o && (o.answer === undefined || o.item === undefined) ? true : null;
    },
  ],
  // que-1, que-5, que-10, que-12 on every Questionnaire.item
  [
    "(type='group' implies item.empty().not()) and (type.trace('type')='display' implies item.trace('item').empty())",
    (node) => {
      const o = rec(node);
      if (!o) return null;
      const t = str(o, 'type');
      if (t === undefined) return null;
      if (t === 'group') return plainlyExists(o.item) ? true : null;
      if (t === 'display') return o.item === undefined ? true : null;
      return true;
    },
  ],
  [
    "(type ='choice' or type = 'open-choice' or type = 'decimal' or type = 'integer' or type = 'date' or type = 'dateTime' or type = 'time' or type = 'string' or type = 'quantity') or (answerValueSet.empty() and answerOption.empty())",
    (node) => {
      const o = rec(node);
      if (!o) return null;
      return absent(o, 'answerValueSet') && o.answerOption === undefined ? true : null;
    },
  ],
  [
    "(type in ('boolean' | 'decimal' | 'integer' | 'string' | 'text' | 'url' | 'open-choice')) or maxLength.empty()",
    (node) => {
      const o = rec(node);
      return o && absent(o, 'maxLength') ? true : null;
    },
  ],
  [
    'enableWhen.count() > 2 implies enableBehavior.exists()',
    (node) => {
      const o = rec(node);
      if (!o) return null;
      const w = o.enableWhen;
      if (w === undefined) return true;
      if (!Array.isArray(w) || w.length > 2) return null;
      for (const x of w) if (!isObject(x)) return null;
      return true;
    },
  ],
  // que-2: every linkId in the Questionnaire (items at any depth, contained ones too) is distinct
  [
    'descendants().linkId.isDistinct()',
    (node) => {
      const seen = new Set<string>();
      let unsure = false;
      const visit = (v: unknown, depth: number): boolean => {
        if (depth > 64) {
          unsure = true;
          return true;
        }
        if (Array.isArray(v)) {
          for (const x of v) if (!visit(x, depth + 1)) return false;
          return true;
        }
        if (v === null || typeof v !== 'object') return true;
        const o = v as Record<string, unknown>;
        for (const k in o) {
          const x = o[k];
          if (k === 'linkId' && depth > 0) {
            if (typeof x !== 'string') unsure = true;
            else if (seen.has(x)) return false;
            else seen.add(x);
          } else if (k === '_linkId') unsure = true;
          else if (x !== null && typeof x === 'object' && !visit(x, depth + 1)) return false;
        }
        return true;
      };
      const root = rec(node);
      if (!root || root.linkId !== undefined) return null;
      if (!visit(root, 0)) return unsure ? null : false;
      return unsure ? null : true;
    },
  ],
  // con-4 on Condition
  [
    "abatement.empty() or clinicalStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-clinical' and (code='resolved' or code='remission' or code='inactive')).exists()",
    (node) => {
      const o = rec(node);
      return o && noChoice(o, 'abatement') ? true : null;
    },
  ],
  // ppc-2, ppc-3 on Consent
  ["patient.exists() or scope.coding.where(system='something' and code='patient-privacy').exists().not()", consentHasPatientOrNoScope],
  ["patient.exists() or scope.coding.where(system='something' and code='research').exists().not()", consentHasPatientOrNoScope],
  // obs-7 on Observation
  [
    'value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()',
    (node) => {
      const o = rec(node);
      return o && (noChoice(o, 'value') || o.component === undefined) ? true : null;
    },
  ],
  // prr-1 on ServiceRequest
  [
    'orderDetail.empty() or code.exists()',
    (node) => {
      const o = rec(node);
      return o && (o.orderDetail === undefined || isObject(o.code)) ? true : null;
    },
  ],
  // cpl-3 on CarePlan.activity
  [
    'detail.empty() or reference.empty()',
    (node) => {
      const o = rec(node);
      return o && (o.detail === undefined || o.reference === undefined) ? true : null;
    },
  ],
]);

function notOfType(type: string): (node: unknown) => boolean | null {
  return (node) => {
    const t = str(rec(node) ?? {}, 'type');
    return t !== undefined && t !== type ? true : null;
  };
}

function firstResourceIs(type: string, resourceType: string): (node: unknown) => boolean | null {
  return (node) => {
    const b = rec(node);
    if (!b) return null;
    const t = str(b, 'type');
    if (t === undefined) return null;
    if (t !== type) return true;
    const entries = b.entry;
    if (!Array.isArray(entries) || entries.length === 0) return null;
    const first = rec(rec(entries[0])?.resource);
    const rt = first ? first.resourceType : undefined;
    return typeof rt === 'string' ? rt === resourceType : null;
  };
}

function entriesHaveMemberExactlyFor(member: string, types: string[]): (node: unknown, env: FhirPathEnv) => boolean | null {
  return (node, env) => {
    const t = str(rec(env.resource) ?? {}, 'type');
    if (t === undefined) return null;
    const want = types.includes(t);
    const entries = rec(node)?.entry;
    if (entries === undefined) return true;
    if (!Array.isArray(entries)) return null;
    for (const e of entries) {
      const o = rec(e);
      if (!o) return null;
      const v = o[member];
      if (v !== undefined && !isObject(v)) return null;
      if ((v !== undefined) !== want) return false;
    }
    return true;
  };
}

function consentHasPatientOrNoScope(node: unknown): boolean | null {
  const o = rec(node);
  return o && (isObject(o.patient) || o.scope === undefined) ? true : null;
}
