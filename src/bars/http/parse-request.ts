/**
 * Reading an HTTP request in the forms suppliers have at hand: raw HTTP text (what a proxy log
 * or an editor's `.http` file holds), a HAR file from browser dev tools or a proxy (all entries,
 * or one), or JSON `{method, url, headers, body}`. Every part keeps where it was in the file, so
 * a problem with a header is reported at that header's line.
 */
import type { Resource } from '../../model/fhir-types.js';
import type { ValidationIssue } from '../../model/issue.js';
import { truncate } from '../../model/text.js';
import { rec, type Json } from '../../model/json.js';
import { parseJson } from '../../parse/json.js';
import { LocationIndex, type LineColumn } from '../../parse/locations.js';
import { decodeUtf8 } from '../../parse/text.js';
import { HTTP_RULES } from './rules.js';

export type RequestForm = 'http' | 'har' | 'json' | 'object';

export interface HeaderField {
  name: string;
  value: string;
  /** Where the value starts in the file. */
  pos?: LineColumn;
}

export interface RequestBody {
  text: string;
  /** How the body is named in results: `req.http#body`, `x.har#entries[0].request.postData.text`. */
  label: string;
  /** Where the body text starts in the file, when it is there verbatim (raw HTTP, a JSON object body). */
  start?: LineColumn;
  /** HAR postData.mimeType. */
  mimeType?: string;
}

export interface HttpRequest {
  /** How the request is named in results: the file, with `#entries[n]` / `#requests[n]` when it holds several. */
  name: string;
  form: RequestForm;
  method: string;
  url: string;
  httpVersion?: string;
  headers: HeaderField[];
  body?: RequestBody;
  /** When the request was sent (HAR startedDateTime): the clock for token lifetimes. */
  sentAt?: { time: Date; from: string };
  pos: { method?: LineColumn; url?: LineColumn; request?: LineColumn };
  /** Problems reading this request (malformed header lines, Content-Length…). */
  issues: ValidationIssue[];
}

export interface ParsedInput {
  requests: HttpRequest[];
  /** Problems that stop the input being read at all. */
  issues: ValidationIssue[];
}

export interface ParseOptions {
  /** Keep only this request (0-based: a HAR entry, or the n-th request of a `.http` file). */
  entry?: number;
}

/** What a library caller passes: headers as an object or a list, the body as text, bytes or a parsed resource. */
export interface RequestObject {
  method: string;
  url: string;
  headers?: Record<string, string | string[] | number | undefined> | { name: string; value: string }[];
  /** The text or bytes to send, or a resource (a typed `R4.Bundle` too) sent as JSON. */
  body?: string | Uint8Array | Resource | Record<string, unknown> | unknown[] | null;
}

const READ_PAGE = HTTP_RULES['BARS-HTTP-01'].guidePage;

function issue(severity: ValidationIssue['severity'], message: string, pos: LineColumn | undefined, expression?: string, code: ValidationIssue['code'] = 'structure'): ValidationIssue {
  const i: ValidationIssue = { severity, code, message, ruleId: 'BARS-HTTP-01', source: 'BaRS', bars: { rule: 'BARS-HTTP-01', guidePage: READ_PAGE } };
  if (expression) i.expression = expression;
  if (pos) {
    i.line = pos.line;
    i.column = pos.column;
  }
  return i;
}

export function parseRequestInput(input: string | Uint8Array | RequestObject | Record<string, unknown>, name: string, options: ParseOptions = {}): ParsedInput {
  if (typeof input === 'string' || input instanceof Uint8Array) {
    let text: string;
    if (typeof input === 'string') text = input;
    else {
      const d = decodeUtf8(input);
      if (d.issue) return { requests: [], issues: [{ ...d.issue, message: `The request is not valid UTF-8 text: ${d.issue.message}`, ruleId: 'BARS-HTTP-01', source: 'BaRS', bars: { rule: 'BARS-HTTP-01', guidePage: READ_PAGE } }] };
      text = d.text!;
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const first = /\S/.exec(text)?.[0];
    if (first === undefined) return { requests: [], issues: [issue('fatal', 'The request file is empty: expected raw HTTP (request line, headers, blank line, body), a HAR file, or JSON {method, url, headers, body}', { line: 1, column: 1 })] };
    if (first === '{' || first === '[') return parseJsonInput(text, name, options);
    return select(parseRawHttp(text, name), options, name, 'request');
  }
  return select({ requests: [fromObject(input as RequestObject, name, 'object')], issues: [] }, options, name, 'request');
}

function select(parsed: ParsedInput, options: ParseOptions, name: string, what: string): ParsedInput {
  if (options.entry === undefined || parsed.issues.some((i) => i.severity === 'fatal')) return parsed;
  const n = parsed.requests.length;
  if (options.entry < 0 || options.entry >= n) {
    return { requests: [], issues: [issue('fatal', `${name} holds ${n} ${what}${n === 1 ? '' : 's'}${n ? ` (0…${n - 1})` : ''}: there is no ${what} ${options.entry}`, undefined)] };
  }
  return { requests: [parsed.requests[options.entry]!], issues: parsed.issues };
}

// ---------------------------------------------------------------- raw HTTP

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Raw HTTP/1.1 as RFC 9112 writes it, plus what `.http` files of editors (VS Code REST Client,
 * IntelliJ) allow: `###` between requests, `#` and `//` comment lines before the request line,
 * and a request line without the HTTP version. LF or CRLF line ends.
 */
export function parseRawHttp(text: string, name: string): ParsedInput {
  const loc = new LocationIndex(text);
  const lines: { text: string; offset: number }[] = [];
  for (let off = 0; off <= text.length; ) {
    const nl = text.indexOf('\n', off);
    const end = nl < 0 ? text.length : nl;
    lines.push({ text: text.slice(off, end).replace(/\r$/, ''), offset: off });
    if (nl < 0) break;
    off = nl + 1;
  }
  // blocks separated by ### lines
  const blocks: { from: number; to: number }[] = [];
  let from = 0;
  lines.forEach((l, i) => {
    if (/^###/.test(l.text)) {
      blocks.push({ from, to: i });
      from = i + 1;
    }
  });
  blocks.push({ from, to: lines.length });
  const requests: HttpRequest[] = [];
  const issues: ValidationIssue[] = [];
  const nonEmpty = blocks.filter((b) => lines.slice(b.from, b.to).some((l) => l.text.trim() !== '' && !/^\s*(#|\/\/)/.test(l.text)));
  nonEmpty.forEach((b, n) => {
    const label = nonEmpty.length > 1 ? `${name}#requests[${n}]` : name;
    const r = parseBlock(text, lines, b.from, b.to, label, loc);
    if ('fatal' in r) issues.push(r.fatal);
    else requests.push(r);
  });
  if (requests.length === 0 && issues.length === 0) issues.push(issue('fatal', 'No HTTP request found: the file has only comments or blank lines', { line: 1, column: 1 }));
  return { requests, issues };
}

function parseBlock(text: string, lines: { text: string; offset: number }[], from: number, to: number, name: string, loc: LocationIndex): HttpRequest | { fatal: ValidationIssue } {
  let i = from;
  while (i < to && (lines[i]!.text.trim() === '' || /^\s*(#|\/\/)/.test(lines[i]!.text))) i++;
  const rl = lines[i]!;
  const at = (lineIndex: number, col = 0): LineColumn => loc.lineColumn(lines[lineIndex]!.offset + col);
  const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]+(?!HTTP\/)(\S+)(?:[ \t]+(HTTP\/\d(?:\.\d)?))?[ \t]*$/.exec(rl.text);
  if (!m) {
    const hint = /^[A-Za-z]+\//.test(rl.text)
      ? ' (there is no space between the method and the request target)'
      : /^\S+$/.test(rl.text.trim()) || /^\S+\s+HTTP\//.test(rl.text)
      ? ' (the method or the request target is missing)'
      : /HTTP\/\S*\s*$/i.test(rl.text) && !/HTTP\/\d(\.\d)?\s*$/.test(rl.text)
        ? ' (the HTTP version is malformed: HTTP/1.1)'
        : ' (a space inside the URL must be sent as %20)';
    return {
      fatal: issue('fatal', `This is not an HTTP request line: "${truncate(rl.text, 80)}". Expected METHOD SP request-target [SP HTTP-version], e.g. "POST /$process-message HTTP/1.1"${hint}`, at(i), 'request'),
    };
  }
  const req: HttpRequest = {
    name,
    form: 'http',
    method: m[1]!,
    url: m[2]!,
    headers: [],
    pos: { request: at(i), method: at(i), url: at(i, rl.text.indexOf(m[2]!, m[1]!.length)) },
    issues: [],
  };
  if (m[3]) req.httpVersion = m[3];
  i++;
  // header fields up to the first empty line
  for (; i < to; i++) {
    const line = lines[i]!.text;
    if (line === '' || line.trim() === '') break;
    if (/^[ \t]/.test(line)) {
      const prev = req.headers[req.headers.length - 1];
      if (prev) {
        prev.value = `${prev.value} ${line.trim()}`;
        req.issues.push(issue('warning', `Header ${prev.name} continues on an indented line (obsolete line folding, RFC 9112 §5.2): proxies may reject it; put the value on one line`, at(i), `header:${prev.name}`));
      } else {
        req.issues.push(issue('error', 'An indented line follows the request line: header lines start with the header name', at(i), 'header'));
      }
      continue;
    }
    const colon = line.indexOf(':');
    const hname = colon > 0 ? line.slice(0, colon) : '';
    if (colon <= 0 || !TOKEN.test(hname)) {
      const why = colon < 0 ? 'it has no ":" between name and value' : colon === 0 ? 'it has no name before ":"' : `"${hname}" is not a valid header name (no spaces or separators)`;
      req.issues.push(issue('error', `Line ${at(i).line} is not a header field (${why}). Headers are "Name: value", one per line, and end with an empty line before the body; the line was skipped`, at(i), 'header'));
      continue;
    }
    const raw = line.slice(colon + 1);
    const lead = raw.length - raw.trimStart().length;
    req.headers.push({ name: hname, value: raw.trim(), pos: at(i, colon + 1 + lead) });
  }
  // the body: after the empty line, to the end of the block
  if (i < to) {
    const startLine = i + 1;
    if (startLine < to) {
      const startOff = lines[startLine]!.offset;
      const endOff = to < lines.length ? lines[to]!.offset : text.length;
      let body = text.slice(startOff, endOff);
      if (to < lines.length) body = body.replace(/\r?\n$/, ''); // the newline before ###
      if (body.trim() !== '') req.body = { text: body, label: `${name}#body`, start: loc.lineColumn(startOff) };
    }
  }
  dechunk(req);
  checkContentLength(req);
  return req;
}

/** A capture of a chunked body holds the chunk sizes too: take them out, or say the capture is broken. */
function dechunk(req: HttpRequest): void {
  const te = req.headers.find((h) => h.name.toLowerCase() === 'transfer-encoding');
  if (!te || !/\bchunked\b/i.test(te.value) || !req.body) return;
  let rest = req.body.text;
  let out = '';
  for (;;) {
    const m = /^([0-9a-fA-F]+)(;[^\r\n]*)?\r?\n/.exec(rest);
    if (!m) {
      req.issues.push(issue('error', 'Transfer-Encoding is chunked but the body is not in chunks (a hex size line before each chunk, 0 at the end): the capture is incomplete, or the header is wrong', te.pos, `header:${te.name}`, 'structure'));
      return;
    }
    const size = parseInt(m[1]!, 16);
    rest = rest.slice(m[0].length);
    if (size === 0) break;
    out += rest.slice(0, size);
    rest = rest.slice(size).replace(/^\r?\n/, '');
  }
  // line numbers now count within the de-chunked body, not the file
  req.body = { text: out, label: req.body.label };
}

function checkContentLength(req: HttpRequest): void {
  const cl = req.headers.find((h) => h.name.toLowerCase() === 'content-length');
  if (!cl) return;
  if (!/^\d+$/.test(cl.value)) {
    req.issues.push(issue('error', `Content-Length "${cl.value}" is not a number of bytes`, cl.pos, `header:${cl.name}`, 'value'));
    return;
  }
  const declared = Number(cl.value);
  const text = req.body?.text ?? '';
  const exact = Buffer.byteLength(text, 'utf8');
  // a file usually ends with a newline that was not part of the body as sent
  const trimmed = Buffer.byteLength(text.replace(/\s+$/, ''), 'utf8');
  if (declared !== exact && declared !== trimmed && !(declared >= trimmed && declared <= exact)) {
    req.issues.push(
      issue('warning', `Content-Length says ${declared} bytes but the body here has ${trimmed === exact ? exact : `${trimmed}–${exact}`}: the body was edited after capture, or the capture is truncated. A receiver reads exactly Content-Length bytes`, cl.pos, `header:${cl.name}`, 'value'),
    );
  }
}

// ---------------------------------------------------------------- JSON: HAR or {method, url, headers, body}

function parseJsonInput(text: string, name: string, options: ParseOptions): ParsedInput {
  const parsed = parseJson(text);
  const syntax = parsed.issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  if (parsed.value === undefined || syntax.length) {
    return {
      requests: [],
      issues: syntax.map((s) => ({ ...s, severity: 'fatal', message: `The request file is not valid JSON: ${s.message}`, expression: undefined, ruleId: 'BARS-HTTP-01', source: 'BaRS', bars: { rule: 'BARS-HTTP-01', guidePage: READ_PAGE } })),
    };
  }
  const loc = parsed.locations;
  const root = rec(parsed.value);
  const posOf = (parent: object | undefined, key: string | number): LineColumn | undefined => (parent ? loc.positionOf(parent, key) : undefined);
  if (!root) return { requests: [], issues: [issue('fatal', 'The request file is a JSON array: expected a HAR file ({"log": {"entries": […]}}) or one request {"method", "url", "headers", "body"}', { line: 1, column: 1 })] };
  const log = rec(root.log);
  if (log || 'log' in root) {
    if (!log || !Array.isArray(log.entries)) return { requests: [], issues: [issue('fatal', 'This HAR file has no log.entries array: export it again from the browser or proxy ("Save all as HAR")', posOf(root, 'log') ?? { line: 1, column: 1 }, 'log')] };
    const requests: HttpRequest[] = [];
    const issues: ValidationIssue[] = [];
    const entries = log.entries as unknown[];
    if (entries.length === 0) return { requests: [], issues: [issue('fatal', 'This HAR file has no entries (log.entries is empty): nothing to validate', posOf(log, 'entries'))] };
    const picked = options.entry === undefined ? entries.map((_, i) => i) : [options.entry];
    for (const i of picked) {
      if (i < 0 || i >= entries.length) return { requests: [], issues: [issue('fatal', `${name} holds ${entries.length} HAR entr${entries.length === 1 ? 'y' : 'ies'} (0…${entries.length - 1}): there is no entry ${i}`, posOf(log, 'entries'))] };
      const e = rec(entries[i]);
      const where = `log.entries[${i}]`;
      const r = harRequest(e, `${name}#entries[${i}]`, where, posOf(entries, i), posOf);
      if ('fatal' in r) issues.push(r.fatal);
      else requests.push(r);
    }
    return { requests, issues };
  }
  if (rec(root.request) && ('method' in rec(root.request)! || 'url' in rec(root.request)!)) {
    // one HAR entry on its own
    const r = harRequest(root, name, '', { line: 1, column: 1 }, posOf);
    return 'fatal' in r ? { requests: [], issues: [r.fatal] } : select({ requests: [r], issues: [] }, options, name, 'request');
  }
  if ('method' in root || 'url' in root) {
    const r = fromObject(root as unknown as RequestObject, name, 'json', { posOf, text, loc });
    return select({ requests: [r], issues: [] }, options, name, 'request');
  }
  return {
    requests: [],
    issues: [issue('fatal', `This JSON is neither a HAR file (log.entries) nor a request {"method", "url", "headers", "body"}: it has ${Object.keys(root).slice(0, 6).map((k) => `"${k}"`).join(', ') || 'no members'}${typeof root.resourceType === 'string' ? `. It looks like a FHIR ${root.resourceType}: validate it without --request` : ''}`, { line: 1, column: 1 })],
  };
}

type PosOf = (parent: object | undefined, key: string | number) => LineColumn | undefined;

function harRequest(entry: Json | undefined, name: string, where: string, entryPos: LineColumn | undefined, posOf: PosOf): HttpRequest | { fatal: ValidationIssue } {
  const prefix = where ? `${where}.` : '';
  const r = rec(entry?.request);
  if (!r) return { fatal: issue('fatal', `HAR entry ${where || '(the file)'} has no request object`, entryPos, where || undefined) };
  const missing = ['method', 'url'].filter((k) => typeof r[k] !== 'string' || r[k] === '');
  if (missing.length) return { fatal: issue('fatal', `HAR ${prefix}request has no ${missing.join(' or ')} (a string): the entry cannot be checked`, posOf(entry, 'request'), `${prefix}request`) };
  const req: HttpRequest = {
    name,
    form: 'har',
    method: r.method as string,
    url: r.url as string,
    headers: [],
    pos: { request: posOf(entry, 'request'), method: posOf(r, 'method'), url: posOf(r, 'url') },
    issues: [],
  };
  if (typeof r.httpVersion === 'string' && r.httpVersion) req.httpVersion = r.httpVersion;
  if (Array.isArray(r.headers)) {
    r.headers.forEach((h, i) => {
      const o = rec(h);
      if (!o || typeof o.name !== 'string' || typeof o.value !== 'string') {
        req.issues.push(issue('error', `HAR ${prefix}request.headers[${i}] is not {"name": string, "value": string}; it was skipped`, posOf(r.headers as unknown[], i), `${prefix}request.headers[${i}]`));
        return;
      }
      // HTTP/2 pseudo-headers (:method, :path, :authority) are the request line, not headers
      if (o.name.startsWith(':')) return;
      req.headers.push({ name: o.name, value: o.value, pos: posOf(o, 'value') });
    });
  } else if (r.headers !== undefined) {
    req.issues.push(issue('error', `HAR ${prefix}request.headers must be an array of {"name", "value"}`, posOf(r, 'headers'), `${prefix}request.headers`));
  }
  const started = typeof entry?.startedDateTime === 'string' ? new Date(entry.startedDateTime) : undefined;
  if (started && !Number.isNaN(started.getTime())) req.sentAt = { time: started, from: `the HAR entry's startedDateTime` };
  const pd = rec(r.postData);
  if (pd) {
    let body: string | undefined;
    if (typeof pd.text === 'string') {
      body = pd.text;
      if (pd.encoding === 'base64') body = Buffer.from(body, 'base64').toString('utf8');
    } else if (Array.isArray(pd.params)) {
      body = new URLSearchParams(pd.params.map((p): [string, string] => [String(rec(p)?.name ?? ''), String(rec(p)?.value ?? '')])).toString();
    }
    if (body !== undefined && body.trim() !== '') {
      req.body = { text: body, label: `${name.replace(/#.*$/, '')}#${prefix}request.postData.text`, ...(typeof pd.mimeType === 'string' ? { mimeType: pd.mimeType } : {}) };
    }
  }
  return req;
}

/** {method, url, headers, body}: from a JSON file (with positions) or an object a caller built. */
function fromObject(o: RequestObject, name: string, form: RequestForm, src?: { posOf: PosOf; text: string; loc: LocationIndex }): HttpRequest {
  const posOf: PosOf = src?.posOf ?? (() => undefined);
  const root = o as unknown as Json;
  const req: HttpRequest = {
    name,
    form,
    method: typeof o.method === 'string' ? o.method : '',
    url: typeof o.url === 'string' ? o.url : '',
    headers: [],
    pos: { request: src ? { line: 1, column: 1 } : undefined, method: posOf(root, 'method'), url: posOf(root, 'url') },
    issues: [],
  };
  for (const k of ['method', 'url'] as const) {
    if (typeof root[k] !== 'string' || root[k] === '') req.issues.push(issue('error', `The request has no "${k}" (a string${k === 'url' ? ', e.g. "https://int.api.service.nhs.uk/booking-and-referral/FHIR/R4/$process-message"' : ', e.g. "POST"'})`, posOf(root, k) ?? req.pos.request, `request.${k}`));
  }
  const h = root.headers as unknown;
  if (Array.isArray(h)) {
    h.forEach((x, i) => {
      const e = rec(x);
      if (!e || typeof e.name !== 'string' || (typeof e.value !== 'string' && typeof e.value !== 'number')) {
        req.issues.push(issue('error', `headers[${i}] is not {"name": string, "value": string}; it was skipped`, posOf(h, i), `request.headers[${i}]`));
        return;
      }
      req.headers.push({ name: e.name, value: String(e.value), pos: posOf(e, 'value') });
    });
  } else if (rec(h)) {
    for (const [k, v] of Object.entries(rec(h)!)) {
      if (v === undefined || v === null) continue;
      const values = Array.isArray(v) ? v : [v];
      values.forEach((x, i) => {
        if (typeof x !== 'string' && typeof x !== 'number') {
          req.issues.push(issue('error', `Header "${k}" must be a string (or a list of strings), not ${JSON.stringify(x)?.slice(0, 40)}`, posOf(rec(h)!, k), `header:${k}`));
          return;
        }
        req.headers.push({ name: k, value: String(x), pos: Array.isArray(v) ? posOf(v, i) : posOf(rec(h)!, k) });
      });
    }
  } else if (h !== undefined && h !== null) {
    req.issues.push(issue('error', '"headers" must be an object {"Name": "value"} or a list [{"name", "value"}]', posOf(root, 'headers'), 'request.headers'));
  }
  const b = root.body;
  if (typeof b === 'string') {
    if (b.trim() !== '') req.body = { text: b, label: `${name}#body` };
  } else if (b instanceof Uint8Array) {
    const d = decodeUtf8(b);
    if (d.issue) req.issues.push(issue('error', `The body is not valid UTF-8: FHIR JSON and XML must be UTF-8`, undefined, 'body'));
    else if (d.text!.trim() !== '') req.body = { text: d.text!, label: `${name}#body` };
  } else if (b !== undefined && b !== null && typeof b === 'object') {
    // a JSON body written inline: validate the text as written, so lines match the file
    const member = src ? src.loc.offsetOf(root, 'body') : undefined;
    const start = member !== undefined ? valueStart(src!.text, member) : undefined;
    const end = start !== undefined ? jsonValueEnd(src!.text, start) : undefined;
    if (start !== undefined && end !== undefined) req.body = { text: src!.text.slice(start, end), label: `${name}#body`, start: src!.loc.lineColumn(start) };
    else req.body = { text: JSON.stringify(b, null, 2), label: `${name}#body` };
  } else if (b !== undefined && b !== null) {
    req.issues.push(issue('error', `"body" must be a string (the body as sent) or a JSON object (a FHIR resource), not ${typeof b}`, posOf(root, 'body'), 'body'));
  }
  return req;
}

/** Offset of a member's value, given where the member starts (at its key, or at the value itself). */
function valueStart(text: string, offset: number): number | undefined {
  let i = offset;
  if (text[i] === '"') {
    for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    i++;
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text[i] !== ':') return undefined;
    i++;
  }
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return text[i] === '{' || text[i] === '[' ? i : undefined;
}

/** End offset (exclusive) of the JSON object or array starting at `start`. */
function jsonValueEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}
