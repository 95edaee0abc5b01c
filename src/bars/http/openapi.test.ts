/**
 * The API table: derived from an OpenAPI spec (parameters resolved, operation parameters over
 * path ones), matched against request paths, and the shipped table is what the corpus spec gives.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusPath, HAS_CORPUS } from '../../../test/support/corpus.js';
import { deriveApiTable, loadApiTable, matchPath, caseInsensitiveMatch, OpenApiError } from './openapi.js';

const spec = `
openapi: 3.0.0
info: { title: T, version: 2.1.0 }
servers: [{ url: 'https://api.example/base/R4' }]
security: [{ tok: [] }]
paths:
  /Thing/{id}:
    parameters:
      - $ref: '#/components/parameters/Id'
      - { name: X-Trace, in: header, required: true, schema: { type: string, format: uuid } }
    get:
      parameters:
        - { name: X-Trace, in: header, required: false, schema: { type: string } }
        - { name: kind, in: query, required: true, schema: { type: array, items: { type: string, enum: [a, b] } } }
      responses:
        '200': { description: ok, content: { application/fhir+json: { schema: { $ref: schemas/Thing.yaml } } } }
        4XX: { description: no, content: { application/json: {} } }
  /$do:
    post:
      requestBody: { required: true, content: { application/fhir+json: { schema: { $ref: '#/components/schemas/Msg' } } } }
      responses: { '200': { description: ok } }
components:
  parameters:
    Id: { name: id, in: path, schema: { type: string, format: uuid } }
  schemas:
    Msg: { $ref: schemas/MessageBundle.yaml }
  securitySchemes:
    tok: { type: http, scheme: bearer }
`;

describe('deriveApiTable', () => {
  const t = deriveApiTable(spec, 'spec.yaml');

  it('resolves parameter references and lets operation parameters override path ones', () => {
    const op = t.paths[0]!.operations[0]!;
    expect(op).toMatchObject({ method: 'GET', pointer: '#/paths/~1Thing~1{id}/get', responseContentTypes: ['application/fhir+json'] });
    expect(op.parameters).toEqual([
      { name: 'id', in: 'path', required: true, ref: '#/components/parameters/Id', type: 'string', format: 'uuid' },
      { name: 'X-Trace', in: 'header', required: false, type: 'string' },
      { name: 'kind', in: 'query', required: true, type: 'array', enum: ['a', 'b'] },
    ]);
  });

  it('names external request body schemas, and records servers, security and provenance', () => {
    expect(t.paths[1]!.operations[0]!.requestBody).toEqual({ required: true, contentTypes: ['application/fhir+json'], schema: 'MessageBundle' });
    expect(t.servers).toEqual(['https://api.example/base/R4']);
    expect(t.security).toEqual(['bearer']);
    expect(t.source).toMatchObject({ file: 'spec.yaml', title: 'T', version: '2.1.0' });
    expect(t.source.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses what is not an OpenAPI spec, saying so', () => {
    expect(() => deriveApiTable('a: [', 'x.yaml')).toThrow(OpenApiError);
    expect(() => deriveApiTable('title: no paths', 'x.yaml')).toThrow(/not an OpenAPI specification/);
  });
});

describe('matchPath', () => {
  const t = loadApiTable();
  const seg = (p: string): string[] => p.split('/').filter(Boolean);

  it('matches the template at the end of the path (a receiver has its own base)', () => {
    expect(matchPath(t, seg('/fhir/R4/ServiceRequest/abc'))).toMatchObject({ path: { path: '/ServiceRequest/{id}' }, params: { id: 'abc' }, base: '/fhir/R4' });
    expect(matchPath(t, seg('/ServiceRequest'))?.path.path).toBe('/ServiceRequest');
    expect(matchPath(t, seg('/x/$process-message'))?.path.path).toBe('/$process-message');
    expect(matchPath(t, seg('/x/Patient/1'))).toBeUndefined();
  });

  it('after a known API base, the rest must be exactly a template', () => {
    expect(matchPath(t, seg('/booking-and-referral/FHIR/R4/metadata'), 3)?.path.path).toBe('/metadata');
    expect(matchPath(t, seg('/booking-and-referral/FHIR/R4/extra/metadata'), 3)).toBeUndefined();
  });

  it('finds the path a wrongly cased one meant', () => {
    expect(caseInsensitiveMatch(t, seg('/r4/messagedefinition'))?.path).toBe('/MessageDefinition');
  });
});

describe('the shipped table (rules/http/bars-api.json)', () => {
  it('lists the BaRS endpoints with their methods', () => {
    const t = loadApiTable();
    expect(t.paths.map((p) => `${p.operations.map((o) => o.method).join('/')} ${p.path}`)).toEqual([
      'GET /metadata',
      'GET /MessageDefinition',
      'POST /$process-message',
      'GET /Slot',
      'GET /Appointment',
      'GET /Appointment/{id}',
      'GET /ServiceRequest',
      'GET /ServiceRequest/{id}',
    ]);
  });

  it.skipIf(!HAS_CORPUS)('is exactly what the corpus spec derives to (re-run npm run rules:bars-api when the spec changes)', () => {
    const file = corpusPath('bars-api', 'booking-and-referral.yaml');
    const shipped = loadApiTable();
    const fresh = deriveApiTable(readFileSync(file, 'utf8'), 'bars-api/booking-and-referral.yaml', { repository: shipped.source.repository, commit: shipped.source.commit });
    const { $comment, ...rest } = shipped;
    expect($comment).toMatch(/rules:bars-api/);
    expect(rest).toEqual(fresh);
    // and --openapi reads the spec itself
    expect(loadApiTable(file).paths).toEqual(shipped.paths);
  });
});
