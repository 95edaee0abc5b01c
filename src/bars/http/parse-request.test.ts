/**
 * Reading requests: raw HTTP, HAR and JSON are told apart, every part keeps its line and column,
 * and malformed input is a located, clear error.
 */
import { describe, expect, it } from 'vitest';
import { parseRequestInput } from './parse-request.js';

const raw = ['POST https://int.api.service.nhs.uk/booking-and-referral/FHIR/R4/$process-message HTTP/1.1', 'Content-Type: application/fhir+json', 'X-Request-ID:   60c7b1a0-3d8e-4b0e-9c43-1a5e0b2f7d11', '', '{', '  "resourceType": "Bundle"', '}', ''].join('\r\n');

describe('raw HTTP', () => {
  it('reads the request line, headers (value positions) and the body with where it starts', () => {
    const { requests, issues } = parseRequestInput(raw, 'req.http');
    expect(issues).toEqual([]);
    const [r] = requests;
    expect(r).toMatchObject({ form: 'http', method: 'POST', httpVersion: 'HTTP/1.1', name: 'req.http' });
    expect(r!.url).toMatch(/\$process-message$/);
    expect(r!.pos.url).toEqual({ line: 1, column: 6 });
    expect(r!.headers[1]).toEqual({ name: 'X-Request-ID', value: '60c7b1a0-3d8e-4b0e-9c43-1a5e0b2f7d11', pos: { line: 3, column: 17 } });
    expect(r!.body).toMatchObject({ label: 'req.http#body', start: { line: 5, column: 1 } });
    expect(JSON.parse(r!.body!.text)).toEqual({ resourceType: 'Bundle' });
  });

  it('reads .http editor files: comments, ### between requests, no HTTP version', () => {
    const text = '# get the capability statement\nGET /metadata\nAccept: application/fhir+json\n\n###\n// and the definitions\nGET /MessageDefinition?context=x\n';
    const { requests } = parseRequestInput(text, 'two.http');
    expect(requests.map((r) => [r.name, r.method, r.url, r.pos.request?.line])).toEqual([
      ['two.http#requests[0]', 'GET', '/metadata', 2],
      ['two.http#requests[1]', 'GET', '/MessageDefinition?context=x', 7],
    ]);
    expect(requests[0]!.body).toBeUndefined();
    expect(parseRequestInput(text, 'two.http', { entry: 1 }).requests.map((r) => r.url)).toEqual(['/MessageDefinition?context=x']);
  });

  it('a broken request line is a located fatal error saying what is wrong', () => {
    const { requests, issues } = parseRequestInput('\n\nPOST/$process-message HTTP/1.1\nAccept: x\n', 'bad.http');
    expect(requests).toEqual([]);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'BARS-HTTP-01', line: 3, column: 1 });
    expect(issues[0]!.message).toMatch(/no space between the method and the request target/);
  });

  it('a header line without a colon is reported at its line and skipped; folded lines are joined with a warning', () => {
    const { requests } = parseRequestInput('GET /metadata HTTP/1.1\nAccept application/fhir+json\nX-Request-ID: a\n  b\n\n', 'h.http');
    const r = requests[0]!;
    expect(r.headers.map((h) => [h.name, h.value])).toEqual([['X-Request-ID', 'a b']]);
    expect(r.issues.map((i) => [i.severity, i.line, i.ruleId])).toEqual([
      ['error', 2, 'BARS-HTTP-01'],
      ['warning', 4, 'BARS-HTTP-01'],
    ]);
    expect(r.issues[0]!.message).toMatch(/no ":" between name and value/);
  });

  it('Content-Length that disagrees with the body is a warning; a trailing newline is not a disagreement', () => {
    const ok = parseRequestInput('POST /x HTTP/1.1\nContent-Length: 2\n\n{}\n', 'a.http').requests[0]!;
    expect(ok.issues).toEqual([]);
    const bad = parseRequestInput('POST /x HTTP/1.1\nContent-Length: 200\n\n{}\n', 'a.http').requests[0]!;
    expect(bad.issues).toMatchObject([{ severity: 'warning', ruleId: 'BARS-HTTP-01', line: 2, expression: 'header:Content-Length' }]);
  });

  it('a chunked body is de-chunked; one that is not in chunks is an error', () => {
    const ok = parseRequestInput('POST /x HTTP/1.1\nTransfer-Encoding: chunked\n\n4\r\n{"a"\r\n3\r\n:1}\r\n0\r\n\r\n', 'c.http').requests[0]!;
    expect(ok.body!.text).toBe('{"a":1}');
    expect(ok.body!.start).toBeUndefined();
    const bad = parseRequestInput('POST /x HTTP/1.1\nTransfer-Encoding: chunked\n\n{"a":1}\n', 'c.http').requests[0]!;
    expect(bad.issues).toMatchObject([{ severity: 'error', ruleId: 'BARS-HTTP-01', line: 2 }]);
  });

  it('an empty file is a fatal error', () => {
    expect(parseRequestInput('  \n', 'e.http').issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'BARS-HTTP-01' });
  });
});

describe('HAR', () => {
  const har = JSON.stringify(
    {
      log: {
        version: '1.2',
        entries: [
          { startedDateTime: '2026-10-05T09:14:30.000Z', request: { method: 'GET', url: 'https://x/metadata', headers: [{ name: ':authority', value: 'x' }, { name: 'accept', value: 'application/fhir+json' }] } },
          { startedDateTime: '2026-10-05T09:15:00.000Z', request: { method: 'POST', url: 'https://x/$process-message', headers: [], postData: { mimeType: 'application/fhir+json', text: '{"resourceType":"Bundle"}' } } },
        ],
      },
    },
    null,
    2,
  );

  it('reads every entry, with its send time, headers (HTTP/2 pseudo-headers dropped) and postData.text as the body', () => {
    const { requests, issues } = parseRequestInput(har, 'c.har');
    expect(issues).toEqual([]);
    expect(requests.map((r) => [r.name, r.form, r.method, r.sentAt?.time.toISOString()])).toEqual([
      ['c.har#entries[0]', 'har', 'GET', '2026-10-05T09:14:30.000Z'],
      ['c.har#entries[1]', 'har', 'POST', '2026-10-05T09:15:00.000Z'],
    ]);
    expect(requests[0]!.headers.map((h) => h.name)).toEqual(['accept']);
    expect(requests[0]!.headers[0]!.pos?.line).toBeGreaterThan(1);
    expect(requests[1]!.body).toMatchObject({ label: 'c.har#log.entries[1].request.postData.text', mimeType: 'application/fhir+json', text: '{"resourceType":"Bundle"}' });
  });

  it('takes a form body from postData.params, and a base64 postData.text', () => {
    const h = (postData: object): string => JSON.stringify({ log: { entries: [{ request: { method: 'POST', url: 'https://x/oauth2/token', headers: [], postData } }] } });
    expect(parseRequestInput(h({ mimeType: 'application/x-www-form-urlencoded', params: [{ name: 'grant_type', value: 'client_credentials' }, { name: 'a', value: 'b c' }] }), 't.har').requests[0]!.body!.text).toBe('grant_type=client_credentials&a=b+c');
    expect(parseRequestInput(h({ mimeType: 'application/fhir+json', encoding: 'base64', text: Buffer.from('{"x":1}').toString('base64') }), 't.har').requests[0]!.body!.text).toBe('{"x":1}');
  });

  it('picks one entry; an entry that is not there is a clear error', () => {
    expect(parseRequestInput(har, 'c.har', { entry: 1 }).requests.map((r) => r.name)).toEqual(['c.har#entries[1]']);
    expect(parseRequestInput(har, 'c.har', { entry: 5 }).issues[0]!.message).toMatch(/holds 2 HAR entries \(0…1\): there is no entry 5/);
  });

  it('a HAR without log.entries, or not JSON at all, is a located fatal error', () => {
    expect(parseRequestInput('{"log": {"version": "1.2"}}', 'x.har').issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'BARS-HTTP-01', line: 1, column: 2 });
    const broken = parseRequestInput('{\n  "log": {\n    "entries": [\n  }\n', 'x.har');
    expect(broken.issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'BARS-HTTP-01' });
    expect(broken.issues[0]!.message).toMatch(/not valid JSON/);
    expect(broken.issues[0]!.line).toBeGreaterThan(1);
  });
});

describe('JSON {method, url, headers, body}', () => {
  it('takes headers as an object or a list, and an inline JSON body as written (lines match the file)', () => {
    const text = '{\n  "method": "POST",\n  "url": "/$process-message",\n  "headers": {"Content-Type": "application/fhir+json", "X-Multi": ["a", "b"]},\n  "body": {\n    "resourceType": "Bundle"\n  }\n}\n';
    const r = parseRequestInput(text, 'r.request.json').requests[0]!;
    expect(r.form).toBe('json');
    expect(r.headers.map((h) => `${h.name}=${h.value}`)).toEqual(['Content-Type=application/fhir+json', 'X-Multi=a', 'X-Multi=b']);
    expect(r.body).toMatchObject({ label: 'r.request.json#body', start: { line: 5, column: 11 } });
    expect(r.body!.text).toBe('{\n    "resourceType": "Bundle"\n  }');
    const list = parseRequestInput('{"method": "GET", "url": "/metadata", "headers": [{"name": "Accept", "value": "application/fhir+json"}], "body": "x"}', 'l.json').requests[0]!;
    expect(list.headers).toMatchObject([{ name: 'Accept', value: 'application/fhir+json' }]);
    expect(list.body?.text).toBe('x');
  });

  it('says what is wrong with a malformed request object', () => {
    const r = parseRequestInput('{"url": "/metadata", "headers": "Accept: x", "body": 3}', 'x.json').requests[0]!;
    expect(r.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/no "method"/),
      expect.stringMatching(/"headers" must be an object/),
      expect.stringMatching(/"body" must be a string .* or a JSON object/),
    ]);
    const fhir = parseRequestInput('{"resourceType": "Patient"}', 'p.json');
    expect(fhir.issues[0]!.message).toMatch(/looks like a FHIR Patient: validate it without --request/);
  });

  it('accepts objects built in code (the library), with a parsed resource as the body', () => {
    const r = parseRequestInput({ method: 'POST', url: '/$process-message', headers: { Accept: 'application/fhir+json' }, body: { resourceType: 'Bundle' } }, 'code').requests[0]!;
    expect(r.form).toBe('object');
    expect(JSON.parse(r.body!.text)).toEqual({ resourceType: 'Bundle' });
  });
});
