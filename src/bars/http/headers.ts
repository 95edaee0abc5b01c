/**
 * The BaRS request headers, checked for what they carry, not only for being there (TKW checks
 * presence): UUIDs, the base64 JSON target identifier, the base64 FHIR resources of the
 * authorisation headers (validated with the engine against their UK Core profiles), the bearer
 * token, Accept and Content-Type, and use-context.
 */
import { howToProvide } from '../../load/known-packages.js';
import type { ValidationIssue } from '../../model/issue.js';
import type { LineColumn } from '../../parse/locations.js';
import type { ValidateOptions, ValidationResult } from '../../engine.js';
import type { ApiOperation, ApiParam } from './openapi.js';
import type { HeaderField, HttpRequest } from './parse-request.js';
import { HTTP_RULES, type HttpIssues, type HttpRuleId } from './rules.js';
import { UUID } from './jwt.js';

export const ODS_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
export const SDS_ROLE_PROFILE_SYSTEM = 'https://fhir.nhs.uk/Id/sds-role-profile-id';
export const UKCORE = 'https://fhir.hl7.org.uk/StructureDefinition/UKCore-';

export class Headers {
  private readonly byName = new Map<string, HeaderField[]>();

  constructor(readonly fields: HeaderField[]) {
    for (const f of fields) {
      const k = f.name.toLowerCase();
      const list = this.byName.get(k) ?? [];
      list.push(f);
      this.byName.set(k, list);
    }
  }

  all(name: string): HeaderField[] {
    return this.byName.get(name.toLowerCase()) ?? [];
  }

  get(name: string): HeaderField | undefined {
    return this.all(name)[0];
  }
}

export interface HeaderContext {
  req: HttpRequest;
  headers: Headers;
  out: HttpIssues;
  /** The matched operation; undefined when the path is not a BaRS endpoint (values are still checked). */
  op?: ApiOperation;
  /** The matched path template (`/$process-message`). */
  path?: string;
}

const exprOf = (name: string, inner?: string): string => `header:${name}${inner ? `/${inner}` : ''}`;

/** Where to report a header: its value, or the request line when it is missing. */
export function headerPos(ctx: HeaderContext, f: HeaderField | undefined): LineColumn | undefined {
  return f?.pos ?? ctx.req.pos.request ?? ctx.req.pos.method;
}

/** An editor variable left in (`{{X-Request-ID}}`) or the guide's placeholder (`<GUID_000001>`). */
function placeholderHint(v: string): string {
  if (/\{\{.*\}\}/.test(v)) return ': it is an unresolved editor variable ({{…}}); run the request through your client, or fill it in';
  if (/^<.*>$/.test(v)) return ": it is the guide's placeholder; put a real value";
  return '';
}

function paramOf(op: ApiOperation | undefined, name: string): ApiParam | undefined {
  return op?.parameters.find((p) => p.in === 'header' && p.name.toLowerCase() === name.toLowerCase());
}

/** One value per header: a second X-Request-ID (or any BaRS header) is ambiguous to every hop. */
function single(ctx: HeaderContext, name: string, rule: HttpRuleId): HeaderField | undefined {
  const all = ctx.headers.all(name);
  for (const dup of all.slice(1)) {
    ctx.out.add(rule, 'error', 'duplicate', `${name} is sent ${all.length} times: send it once (proxies and receivers may read either value)`, { expression: exprOf(dup.name), pos: dup.pos });
  }
  return all[0];
}

function missing(ctx: HeaderContext, name: string, rule: HttpRuleId, severity: ValidationIssue['severity'], why: string): void {
  ctx.out.add(rule, severity, 'required', `${name} header is missing: ${why}`, { expression: exprOf(name), pos: headerPos(ctx, undefined), spec: paramOf(ctx.op, name)?.ref });
}

// ------------------------------------------------------------ X-Request-ID, X-Correlation-ID

export function checkTransactionIds(ctx: HeaderContext): void {
  for (const name of ['X-Request-ID', 'X-Correlation-ID']) {
    const f = single(ctx, name, 'BARS-HTTP-07');
    if (!f) {
      missing(ctx, name, 'BARS-HTTP-07', 'error', `every BaRS request carries a new UUID as ${name}${name === 'X-Correlation-ID' ? ' (the same one for every message of a conversation)' : ''}; without it the API answers 400 SEND_BAD_REQUEST and receivers reject the message with REC_BAD_REQUEST`);
      continue;
    }
    const v = f.value;
    if (!UUID.test(v)) {
      const hint =
        placeholderHint(v) ||
        (/^\{[0-9a-f-]{36}\}$/i.test(v)
          ? ': remove the braces (a UUID is sent as 8-4-4-4-12 hex digits)'
          : /^urn:uuid:/i.test(v)
            ? ': send the UUID without the urn:uuid: prefix'
            : /^[0-9a-f]{32}$/i.test(v)
              ? ': put the hyphens in (8-4-4-4-12)'
              : '');
      ctx.out.add('BARS-HTTP-07', 'error', 'value', `${name} "${v}" is not a UUID${hint || ' (e.g. 8c7d6e4a-1b2c-4d3e-9f00-a1b2c3d4e5f6)'}: the API answers 400 PROXY_BAD_REQUEST`, {
        expression: exprOf(f.name),
        pos: f.pos,
        spec: paramOf(ctx.op, name)?.ref,
      });
    }
  }
}

// ------------------------------------------------------------ base64 JSON

interface Decoded {
  value?: unknown;
  problem?: string;
  warning?: string;
}

/** Standard base64 of UTF-8 JSON, as every BaRS object header is. */
// one decoder for every header: constructing a TextDecoder costs more than decoding a header
const UTF8 = new TextDecoder('utf-8', { fatal: true });

export function decodeBase64Json(raw: string): Decoded {
  const v = raw.trim();
  if (v === '') return { problem: 'is empty' };
  if (/^[{[]/.test(v)) return { problem: 'is JSON that was not base64-encoded: the header carries the JSON in standard base64 (e.g. Buffer.from(JSON.stringify(obj)).toString("base64"))' };
  if (/\s/.test(v)) return { problem: 'contains spaces or line breaks: base64-encode the JSON on one line' };
  if (!/^[A-Za-z0-9+/\-_]+={0,2}$/.test(v)) return { problem: `is not base64 (it has ${JSON.stringify(v.replace(/[A-Za-z0-9+/=\-_]/g, '').slice(0, 3))})` };
  if (/[-_]/.test(v)) return { problem: "is base64url ('-' and '_'): the API expects standard base64, with '+' and '/'" };
  const out: Decoded = {};
  if (v.length % 4 !== 0) out.warning = "has no '=' padding: standard base64 pads to a multiple of 4 characters, and strict decoders refuse it without";
  let text: string;
  try {
    text = UTF8.decode(Buffer.from(v, 'base64'));
  } catch {
    return { problem: 'does not decode to UTF-8 text' };
  }
  try {
    out.value = JSON.parse(text);
  } catch (e) {
    return { problem: `decodes to ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)}, which is not JSON (${(e as Error).message})` };
  }
  return out;
}

// ------------------------------------------------------------ NHSD-Target-Identifier

export interface TargetIdentifier {
  system: string;
  value: string;
  field: HeaderField;
}

export function checkTargetIdentifier(ctx: HeaderContext): TargetIdentifier | undefined {
  const name = 'NHSD-Target-Identifier';
  const rule = 'BARS-HTTP-08';
  const f = single(ctx, name, rule);
  const param = paramOf(ctx.op, name);
  const spec = param?.ref;
  if (!f) {
    if (!ctx.op || param?.required) {
      missing(ctx, name, rule, 'error', `the BaRS API routes the request to the receiver it names (base64 of {"value": "<service id>", "system": "https://fhir.nhs.uk/Id/dos-service-id"}); without it the API answers 400 SEND_BAD_REQUEST`);
    }
    return undefined;
  }
  const where = { expression: exprOf(f.name), pos: f.pos, spec };
  const d = decodeBase64Json(f.value);
  if (d.problem) {
    ctx.out.add(rule, 'error', 'structure', `${name} ${d.problem}${placeholderHint(f.value)}: the API answers 400 PROXY_BAD_REQUEST`, where);
    return undefined;
  }
  if (d.warning) ctx.out.add(rule, 'warning', 'structure', `${name} ${d.warning}`, where);
  const o = d.value;
  if (!o || typeof o !== 'object' || Array.isArray(o)) {
    ctx.out.add(rule, 'error', 'structure', `${name} decodes to ${JSON.stringify(o)}: it must be a JSON object {"value": "…", "system": "…"}`, where);
    return undefined;
  }
  const t = o as Record<string, unknown>;
  let ok = true;
  for (const k of ['value', 'system'] as const) {
    const x = t[k];
    if (x === undefined || x === null || x === '') {
      ok = false;
      ctx.out.add(rule, 'error', 'required', `${name} has no "${k}"${k === 'system' ? ' (the identifier system, e.g. https://fhir.nhs.uk/Id/dos-service-id)' : ' (the receiver\'s service id)'}: the API answers 400 PROXY_BAD_REQUEST`, { ...where, expression: exprOf(f.name, k) });
    } else if (typeof x !== 'string') {
      ok = false;
      ctx.out.add(rule, 'error', 'value', `${name} "${k}" is ${JSON.stringify(x)} (a ${typeof x}): it must be a string${typeof x === 'number' ? ` ("${x}")` : ''}`, { ...where, expression: exprOf(f.name, k) });
    }
  }
  if (typeof t.system === 'string' && t.system && !/^[a-z][a-z0-9+.-]*:\S+$/i.test(t.system)) {
    ok = false;
    ctx.out.add(rule, 'error', 'value', `${name} system "${t.system}" is not an absolute URI (e.g. https://fhir.nhs.uk/Id/dos-service-id)`, { ...where, expression: exprOf(f.name, 'system') });
  }
  const extra = Object.keys(t).filter((k) => k !== 'value' && k !== 'system');
  if (extra.length) ctx.out.add(rule, 'warning', 'structure', `${name} has ${extra.map((k) => `"${k}"`).join(', ')} besides value and system: the API's schema has only those two`, where);
  return ok ? { system: t.system as string, value: t.value as string, field: f } : undefined;
}

// ------------------------------------------------------------ the FHIR resources in headers

interface ResourceHeader {
  name: string;
  rule: HttpRuleId;
  type: string;
  /** Other resource types sent for it in practice, checked with a warning. */
  alsoSeen?: string;
  /** How to treat a missing header. */
  whenMissing: { severity: ValidationIssue['severity']; why: string };
  /** What the guide says it shall include: problems found in the resource. */
  content: (r: Record<string, unknown>) => { severity: ValidationIssue['severity']; path: string; message: string }[];
}

const arr = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object') : []);

export const RESOURCE_HEADERS: ResourceHeader[] = [
  {
    name: 'NHSD-End-User-Organisation',
    rule: 'BARS-HTTP-10',
    type: 'Organization',
    whenMissing: {
      severity: 'warning',
      why: 'the API specification marks it required and receivers use it for access control and audit (the guide lists it as optional for the sender: include it whenever your system knows the organisation). It carries a base64 FHIR Organization with the ODS code and name',
    },
    content: (r) => {
      const out: ReturnType<ResourceHeader['content']> = [];
      const ids = arr(r.identifier);
      const ods = ids.findIndex((i) => i.system === ODS_SYSTEM && typeof i.value === 'string' && i.value !== '');
      if (ods < 0) {
        const empty = ids.some((i) => i.system === ODS_SYSTEM);
        out.push({ severity: 'error', path: 'Organization.identifier', message: `The Organization has ${empty ? `an identifier with system ${ODS_SYSTEM} but no value` : `no ODS code (identifier with system ${ODS_SYSTEM})`}: the guide says it shall include the ODS code of the organisation making the request` });
      }
      if (typeof r.name !== 'string' || r.name.trim() === '') out.push({ severity: 'error', path: 'Organization.name', message: 'The Organization has no name: the guide says it shall include the human-readable name of the organisation making the request' });
      return out;
    },
  },
  {
    name: 'NHSD-Requesting-Practitioner',
    rule: 'BARS-HTTP-11',
    type: 'PractitionerRole',
    alsoSeen: 'Practitioner',
    whenMissing: {
      severity: 'information',
      why: 'it is optional, but when your system knows the practitioner the API specification says it must be included (a base64 FHIR PractitionerRole with the SDS role profile id)',
    },
    content: (r) => {
      const out: ReturnType<ResourceHeader['content']> = [];
      if (!arr(r.identifier).some((i) => i.system === SDS_ROLE_PROFILE_SYSTEM && typeof i.value === 'string' && i.value !== '')) {
        out.push({ severity: 'error', path: `${String(r.resourceType)}.identifier`, message: `The ${String(r.resourceType)} has no SDS role profile id (identifier with system ${SDS_ROLE_PROFILE_SYSTEM}): the guide says it shall include it` });
      }
      if (r.resourceType === 'PractitionerRole' && !arr(r.code).some((c) => arr(c.coding).some((x) => x.system === 'http://snomed.info/sct'))) {
        out.push({ severity: 'warning', path: 'PractitionerRole.code', message: 'The PractitionerRole has no SNOMED CT role code (code.coding with system http://snomed.info/sct): the guide asks for one where applicable' });
      }
      return out;
    },
  },
  {
    name: 'NHSD-Requesting-Software',
    rule: 'BARS-HTTP-12',
    type: 'Device',
    whenMissing: {
      severity: 'warning',
      why: 'the API specification marks it required and receivers use it for access control and audit (the guide lists it as optional for the sender). It carries a base64 FHIR Device with an identifier, the product name and its version',
    },
    content: (r) => {
      const out: ReturnType<ResourceHeader['content']> = [];
      if (!arr(r.identifier).some((i) => typeof i.value === 'string' && i.value !== '')) {
        out.push({ severity: 'error', path: 'Device.identifier', message: 'The Device has no identifier with a value: the guide says it shall include an identifier for the instance, consistent across instances of the product' });
      }
      const names = Array.isArray(r.deviceName) ? arr(r.deviceName) : r.deviceName && typeof r.deviceName === 'object' ? [r.deviceName as Record<string, unknown>] : [];
      if (!names.some((n) => typeof n.name === 'string' && n.name !== '')) out.push({ severity: 'error', path: 'Device.deviceName', message: 'The Device has no deviceName.name: the guide says it shall include the product name' });
      const versions = Array.isArray(r.version) ? arr(r.version) : r.version && typeof r.version === 'object' ? [r.version as Record<string, unknown>] : [];
      if (!versions.some((v) => typeof v.value === 'string' && v.value !== '')) out.push({ severity: 'error', path: 'Device.version', message: 'The Device has no version.value: the guide says it shall include the product version' });
      return out;
    },
  },
];

/**
 * What the HTTP layer needs of the engine to check bodies and header resources: a function that
 * validates one resource (`engine.validate`). The layer depends on nothing else of it.
 */
export type ValidateResource = (input: Record<string, unknown> | string | Uint8Array, options?: ValidateOptions) => Promise<ValidationResult>;

/**
 * Is this profile (a StructureDefinition canonical URL) loaded? With it, a header resource is
 * checked against UK Core only when UK Core is there (else the base resource, with a note);
 * without it, against UK Core, and the engine reports the profile if it is not loaded.
 */
export type HasProfile = (url: string) => boolean;

/** Decode, unwrap, check what the guide says it shall include, and validate against its profile with the engine. */
export async function checkResourceHeader(ctx: HeaderContext, h: ResourceHeader, validate: ValidateResource, hasProfile?: HasProfile): Promise<void> {
  const f = single(ctx, h.name, h.rule);
  const param = paramOf(ctx.op, h.name);
  const spec = param?.ref;
  if (!f) {
    // the guide: receivers can expect them on every request except /metadata and /MessageDefinition
    if (ctx.op && param && !/^\/(metadata|MessageDefinition)$/.test(ctx.path ?? '')) {
      missing(ctx, h.name, h.rule, h.whenMissing.severity, h.whenMissing.why);
    } else if (ctx.op && param?.required) {
      missing(ctx, h.name, h.rule, 'information', `the API specification marks it required on ${ctx.path} too, though the guide does not expect the authorisation headers on /metadata and /MessageDefinition`);
    }
    return;
  }
  const where = { expression: exprOf(f.name), pos: f.pos, spec };
  const d = decodeBase64Json(f.value);
  if (d.problem) {
    ctx.out.add(h.rule, 'error', 'structure', `${h.name} ${d.problem}${placeholderHint(f.value)}: it carries a FHIR ${h.type} as standard base64 JSON`, where);
    return;
  }
  if (d.warning) ctx.out.add(h.rule, 'warning', 'structure', `${h.name} ${d.warning}`, where);
  let r = d.value as Record<string, unknown> | undefined;
  if (!r || typeof r !== 'object' || Array.isArray(r)) {
    ctx.out.add(h.rule, 'error', 'structure', `${h.name} decodes to ${JSON.stringify(r)?.slice(0, 60)}: it must be a FHIR ${h.type} (a JSON object with "resourceType": "${h.type}")`, where);
    return;
  }
  // the API specification's schemas show the resource wrapped as {"requesting_organization": {…}}
  const keys = Object.keys(r);
  if (r.resourceType === undefined && keys.length === 1 && /^requesting_/i.test(keys[0]!) && r[keys[0]!] && typeof r[keys[0]!] === 'object') {
    ctx.out.add(
      h.rule,
      'warning',
      'structure',
      `${h.name} wraps the ${h.type} in "${keys[0]}" as the API specification's schema shows; the guide says the header is an object based on a FHIR ${h.type} resource, so receivers reading it as FHIR will not find it. Confirm with the receiver which form it reads; the ${h.type} inside was checked`,
      where,
    );
    r = r[keys[0]!] as Record<string, unknown>;
  }
  const type = r.resourceType;
  if (type !== h.type && !(h.alsoSeen && type === h.alsoSeen)) {
    ctx.out.add(h.rule, 'error', 'structure', `${h.name} carries ${type === undefined ? 'a JSON object with no resourceType' : `a ${String(type)}`}: it must be a FHIR ${h.type}`, { ...where, expression: exprOf(f.name, 'resourceType') });
    return;
  }
  if (h.alsoSeen && type === h.alsoSeen) {
    ctx.out.add(h.rule, 'warning', 'structure', `${h.name} carries a ${h.alsoSeen}; the guide and the API specification say a ${h.type} (who is acting, in which role): send a ${h.type}`, { ...where, expression: exprOf(f.name, 'resourceType') });
  }
  for (const p of h.content(r)) ctx.out.add(h.rule, p.severity, 'required', p.message, { ...where, expression: exprOf(f.name, p.path) });
  // the engine, against UK Core when it is loaded
  const profile = `${UKCORE}${String(type)}`;
  const loaded = hasProfile ? hasProfile(profile) : true;
  if (!loaded) {
    ctx.out.add(h.rule, 'information', 'informational', `UK Core is not loaded, so ${h.name} was validated against the base FHIR R4 ${String(type)} only, not ${profile}. ${howToProvide(profile)}`, where);
  }
  const issues = await validateHeaderResource(validate, r, exprOf(f.name), loaded ? [profile] : []);
  for (const i of issues) {
    // NHS numbers and other BaRS checks keep their own rule; the rest are this header's
    const deviceHint = type === 'Device' && /^json-array-expected$/.test(i.ruleId) && /deviceName|version/.test(i.expression ?? '')
      ? ' (the API specification\'s example sends deviceName and version as objects; in FHIR R4 both are lists: [{…}])'
      : '';
    const mapped: ValidationIssue = {
      ...i,
      message: `${h.name}: ${i.message}${deviceHint}`,
      expression: exprOf(f.name, i.expression ?? String(type)),
      bars: { ...(i.bars ?? {}), rule: i.bars?.rule ?? h.rule, guidePage: i.bars?.guidePage ?? HTTP_RULES[h.rule].guidePage, ...(spec ? { spec } : {}) },
    };
    delete mapped.line;
    delete mapped.column;
    if (f.pos) {
      mapped.line = f.pos.line;
      mapped.column = f.pos.column;
    }
    ctx.out.issues.push(mapped);
  }
}

/**
 * The header resources' engine issues, kept per validate function by profile and content: a sender sends the
 * same organisation, practitioner and software on every request, and the same resource against
 * the same definitions always gives the same issues (they carry no position: the header's is
 * added per request). Bounded, oldest out first, so a stream of distinct headers cannot grow it.
 */
const headerIssues = new WeakMap<ValidateResource, Map<string, ValidationIssue[]>>();
const HEADER_ISSUES_KEPT = 256;

async function validateHeaderResource(validate: ValidateResource, resource: Record<string, unknown>, name: string, profile: string[]): Promise<ValidationIssue[]> {
  let kept = headerIssues.get(validate);
  if (!kept) headerIssues.set(validate, (kept = new Map()));
  const key = `${name}\n${profile.join(' ')}\n${JSON.stringify(resource)}`;
  const hit = kept.get(key);
  if (hit) return hit;
  const { issues } = await validate(resource, { name, profile });
  if (kept.size >= HEADER_ISSUES_KEPT) kept.delete(kept.keys().next().value!);
  kept.set(key, issues);
  return issues;
}

// ------------------------------------------------------------ Authorization

export function checkAuthorization(ctx: HeaderContext): { token?: string; field?: HeaderField } {
  const rule = 'BARS-HTTP-13';
  const f = single(ctx, 'Authorization', rule);
  const spec = '#/components/securitySchemes/OAuth_Token';
  if (!f) {
    ctx.out.add(rule, 'error', 'login', 'Authorization header is missing: the BaRS API needs "Authorization: Bearer <access token>", the token the OAuth endpoint returned for your signed JWT; without it the API answers 401 SEND_UNAUTHORIZED. (It is not forwarded to receivers: suppress BARS-HTTP-13 for requests captured at a receiver.)', {
      expression: 'header:Authorization',
      pos: headerPos(ctx, undefined),
      spec,
    });
    return {};
  }
  const m = /^(\S+)(?:\s+(.*))?$/.exec(f.value.trim());
  const where = { expression: exprOf(f.name), pos: f.pos, spec };
  if (!m || m[1]!.toLowerCase() !== 'bearer') {
    ctx.out.add(rule, 'error', 'login', `Authorization uses ${m ? `the "${m[1]}" scheme` : 'no scheme'}: the BaRS API takes "Bearer <access token>"`, where);
    return { field: f };
  }
  const token = (m[2] ?? '').trim();
  if (!token) {
    ctx.out.add(rule, 'error', 'login', 'Authorization is "Bearer" with no token after it: put the access token from the token endpoint', where);
    return { field: f };
  }
  if (m[1] !== 'Bearer') ctx.out.add(rule, 'information', 'informational', `Authorization scheme "${m[1]}": schemes are case-insensitive, but "Bearer" is what every example and gateway uses`, where);
  if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) {
    ctx.out.add(rule, 'error', 'value', `The bearer token ${JSON.stringify(token.length > 40 ? `${token.slice(0, 40)}…` : token)} has characters a bearer token cannot have (RFC 6750: letters, digits and -._~+/ then =)${placeholderHint(token)}`, where);
    return { field: f };
  }
  return { token, field: f };
}

// ------------------------------------------------------------ media types

interface MediaType {
  type: string;
  params: Record<string, string>;
}

/** `application/fhir+json; charset=utf-8; version=1.0.0` (a list for Accept). */
export function parseMediaTypes(v: string): MediaType[] {
  return v
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [type, ...ps] = part.split(';').map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of ps) {
        const eq = p.indexOf('=');
        if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      }
      return { type: type!.toLowerCase(), params };
    });
}

const SEMVER = /^\d+\.\d+\.\d+$/;

export function checkAccept(ctx: HeaderContext): void {
  const rule = 'BARS-HTTP-06';
  const f = single(ctx, 'Accept', rule);
  const param = paramOf(ctx.op, 'Accept');
  const allowed = ctx.op?.responseContentTypes.length ? ctx.op.responseContentTypes : ['application/fhir+json', 'application/fhir+xml'];
  const spec = param?.ref;
  if (!f) {
    if (!ctx.op || param?.required) missing(ctx, 'Accept', rule, 'error', `the API specification requires it, with the API version: "Accept: application/fhir+json; version=1.0.0". Receivers check the version for content negotiation and answer 406 REC_NOT_ACCEPTABLE to a major version they do not support`);
    return;
  }
  const where = { expression: exprOf(f.name), pos: f.pos, spec };
  const ranges = parseMediaTypes(f.value).filter((m) => m.params.q === undefined || Number(m.params.q) > 0);
  const fhir = ranges.filter((m) => allowed.includes(m.type));
  if (fhir.length === 0) {
    const wildcard = ranges.some((m) => m.type === '*/*' || m.type === 'application/*');
    const json = ranges.some((m) => m.type === 'application/json');
    ctx.out.add(
      rule,
      wildcard ? 'warning' : 'error',
      'not-supported',
      `Accept "${f.value}" ${wildcard ? 'names no FHIR media type' : 'asks for nothing this endpoint returns'}: ask for ${allowed.join(' or ')} with the version, e.g. "application/fhir+json; version=1.0.0"${json ? ' (application/json is not a FHIR media type here)' : ''}${wildcard ? '' : '; the API answers 406 SEND_NOT_ACCEPTABLE'}`,
      where,
    );
    return;
  }
  for (const m of fhir) {
    const version = m.params.version;
    if (version === undefined) {
      ctx.out.add(rule, 'warning', 'required', `Accept ${m.type} has no version parameter: the API specification says Accept must carry the API version (e.g. "${m.type}; version=1.0.0"). First-of-type receivers may ignore it; later ones must evaluate it and answer 406 to a major version they do not support`, where);
    } else if (!SEMVER.test(version)) {
      ctx.out.add(rule, 'error', 'value', `Accept version "${version}" is not a version number major.minor.patch (e.g. 1.0.0): receivers compare its major version`, where);
    }
    if (m.params.charset && m.params.charset.toLowerCase() !== 'utf-8') ctx.out.add(rule, 'error', 'value', `Accept charset "${m.params.charset}": FHIR content is UTF-8`, where);
    if (m.params.fhirversion && !/^4\.0(\.\d+)?$/.test(m.params.fhirversion)) ctx.out.add(rule, 'error', 'value', `Accept fhirVersion "${m.params.fhirversion}": BaRS is FHIR R4 (fhirVersion=4.0)`, where);
  }
}

/** Content-Type of a body, against what the endpoint accepts and what the body is. Returns the FHIR format it names. */
export function checkContentType(ctx: HeaderContext, bodyFormat: 'json' | 'xml' | undefined): void {
  const rule = 'BARS-HTTP-05';
  const f = single(ctx, 'Content-Type', rule);
  const allowed = ctx.op?.requestBody?.contentTypes.length ? ctx.op.requestBody.contentTypes : ['application/fhir+json', 'application/fhir+xml'];
  const spec = ctx.op?.requestBody ? `${ctx.op.pointer}/requestBody` : undefined;
  const harMime = ctx.req.body?.mimeType;
  if (!f) {
    ctx.out.add(rule, 'error', 'required', `Content-Type header is missing for a request with a body: send "Content-Type: ${allowed[0]}"${harMime ? ` (the capture says the body was ${harMime})` : ''}`, { expression: 'header:Content-Type', pos: headerPos(ctx, undefined), spec });
    return;
  }
  const where = { expression: exprOf(f.name), pos: f.pos, spec };
  const [m] = parseMediaTypes(f.value);
  if (!m || !allowed.includes(m.type)) {
    ctx.out.add(rule, 'error', 'not-supported', `Content-Type "${f.value}" is not a media type this endpoint accepts: use ${allowed.join(' or ')}${m?.type === 'application/json' ? ' (application/json is not the FHIR media type)' : ''}`, where);
    return;
  }
  if (m.params.charset && m.params.charset.toLowerCase() !== 'utf-8') ctx.out.add(rule, 'error', 'value', `Content-Type charset "${m.params.charset}": FHIR content must be UTF-8 (charset=utf-8, or leave it out)`, where);
  if (m.params.fhirversion && !/^4\.0(\.\d+)?$/.test(m.params.fhirversion)) ctx.out.add(rule, 'error', 'value', `Content-Type fhirVersion "${m.params.fhirversion}": BaRS is FHIR R4 (fhirVersion=4.0)`, where);
  if (m.params.version && !SEMVER.test(m.params.version)) ctx.out.add(rule, 'error', 'value', `Content-Type version "${m.params.version}" is not a version number major.minor.patch (e.g. 1.0.0)`, where);
  const says = m.type.endsWith('+xml') ? 'xml' : m.type.endsWith('+json') ? 'json' : undefined;
  if (says && bodyFormat && says !== bodyFormat) {
    ctx.out.add(rule, 'error', 'value', `Content-Type says ${m.type} but the body is ${bodyFormat.toUpperCase()}: the receiver will parse it as ${says.toUpperCase()} and fail`, where);
  }
}

// ------------------------------------------------------------ use-context

export function checkUseContext(ctx: HeaderContext, body?: { useCases: string[]; event?: string; reason?: string }): void {
  const rule = 'BARS-HTTP-14';
  const param = paramOf(ctx.op, 'use-context');
  const f = single(ctx, 'use-context', rule);
  if (!f) {
    if (param?.required) {
      missing(ctx, 'use-context', rule, 'warning', 'the API specification requires it on this endpoint for the BaRS proxy\'s usage statistics, as use-case|…|event|reason (its example: "a4t2|validation|servicerequest-response|new"); the guide does not mention it');
    }
    return;
  }
  const where = { expression: exprOf(f.name), pos: f.pos, spec: param?.ref };
  const parts = f.value.split('|').map((s) => s.trim());
  if (parts.length !== 4 || parts.some((p) => p === '')) {
    ctx.out.add(rule, 'warning', 'value', `use-context "${f.value}" is not four non-empty parts separated by "|" like the API specification's example "a4t2|validation|servicerequest-response|new" (use case|…|event|reason)`, where);
    return;
  }
  if (!body) return;
  const [useCase, , event, reason] = parts;
  if (body.useCases.length && !body.useCases.includes(useCase!)) ctx.out.add(rule, 'warning', 'value', `use-context names use case "${useCase}" but the body's use case is ${body.useCases.map((u) => `"${u}"`).join(', ')}`, where);
  if (body.event && event !== body.event) ctx.out.add(rule, 'warning', 'value', `use-context names event "${event}" but the body's MessageHeader.eventCoding is "${body.event}"`, where);
  if (body.reason && reason !== body.reason) ctx.out.add(rule, 'warning', 'value', `use-context names reason "${reason}" but the body's MessageHeader.reason is "${body.reason}"`, where);
}

/** Headers the (possibly newer) spec requires that no check above knows: presence only. */
export function checkOtherRequiredHeaders(ctx: HeaderContext, known: string[]): void {
  for (const p of ctx.op?.parameters ?? []) {
    if (p.in !== 'header' || !p.required || known.some((k) => k.toLowerCase() === p.name.toLowerCase())) continue;
    if (!ctx.headers.get(p.name)) missing(ctx, p.name, 'BARS-HTTP-04', 'error', `the API specification requires it on ${ctx.op!.method} ${ctx.path ?? ''}`);
  }
}

