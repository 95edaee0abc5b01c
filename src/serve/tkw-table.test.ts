import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpusPath, HAS_CORPUS } from '../../test/support/corpus.js';
import { deriveTkwTable, loadTkwTable, TkwPageError } from './tkw-table.js';

const PAGE = corpusPath('bars-guide', 'Build', 'Testing-and-Environments', 'TKW.page.md');

const page = (extra = ''): string => `
## Capability
| Test | BaRS Application | Sentinel Element / Hints | Sentinel Value | Comment |
|---|---|---|---|---|
|CS for Thing receiver|1 & 2|NHSD Target Identifier (HTTP Header)|2000000001|Returns CS|
|CS for any other|Any|NHSD Target Identifier (HTTP Header)|Any (see comment)||
## MessageDef
| Test | BaRS Application | Sentinel Element / Hints | Sentinel Value | Comment |
|---|---|---|---|---|
|MD failed request - HTTP 401|Any|(parameter) context=https://fhir.nhs.uk/Id/dos-service-id\\|FAIL0401|FAIL0401|
## Validation
| Test | BaRS Application | Sentinel Element / Hints | Sentinel Value | Comment |
|---|---|---|---|---|
|New validation request|4|use body from VALREQ03 replace x with 9658499082|9658499082|returns Service Request id = 9e595424-9d67-45db-9a90-03259653cd37 which can be used in subsequent error scenarios 'Get Validation - HTTP 408' (4.6)|
|Get Validation - HTTP 408|4|/ServiceRequest/0b42eac3-0175-43c8-bbab-efaa8ca31ccf||GET must be for Service Request id = 0b42eac3-0175-43c8-bbab-efaa8ca31ccf and returns 408|
${extra}
### Stateful Scenarios
only for a specific patient (**NHS Number 9707606312**) and per NHSD-End-User-Organisation - i.e.

|Event|Initial State|Appointment Booked State|Referral Created State|
|-----|-------------|------------------------|----------------------|
|Make a Booking|Http 200|Http 409 (Booking already exists)|Http 409 (Booking  already exists)|
`;

describe('deriveTkwTable', () => {
  it('reads rows into triggers and answers by the general rules, noting what it resolved', () => {
    const t = deriveTkwTable(page(), 'TKW.page.md');
    expect(t.scenarios.map((s) => [s.id, s.trigger, s.response.status])).toEqual([
      ['capability-1', { kind: 'metadata', target: '2000000001' }, 200],
      ['capability-2', { kind: 'metadata', target: '*' }, 200],
      ['messagedef-1', { kind: 'message-definition', context: 'FAIL0401' }, 401],
      ['validation-1', { kind: 'process-message', message: 'validation-new', nhsNumber: '9658499082' }, 200],
      ['validation-2', { kind: 'read', resourceType: 'ServiceRequest', id: '9e595424-9d67-45db-9a90-03259653cd37' }, 408],
    ]);
    expect(t.scenarios[3]!.response.returns).toEqual({ resourceType: 'ServiceRequest', id: '9e595424-9d67-45db-9a90-03259653cd37' });
    expect(t.notes).toEqual([expect.stringMatching(/validation-2 .*names 0b42eac3.*; 9e595424\S* is used/)]);
    expect(t.stateful).toEqual({
      nhsNumber: '9707606312',
      stateKey: 'NHSD-End-User-Organisation',
      transitions: [
        { event: 'make-booking', state: 'initial', status: 200 },
        { event: 'make-booking', state: 'appointment-booked', status: 409, diagnostics: 'Booking already exists' },
        { event: 'make-booking', state: 'referral-created', status: 409, diagnostics: 'Booking already exists' },
      ],
    });
  });

  it('says what is missing when the page has no state-transition table', () => {
    expect(() => deriveTkwTable(page().replace(/\|Event\|[\s\S]*$/, ''), 'TKW.page.md')).toThrow(TkwPageError);
    expect(() => deriveTkwTable('# nothing here', 'x.md')).toThrow(/no scenario tables/);
  });
});

describe.skipIf(!HAS_CORPUS || !existsSync(PAGE))('rules/tkw/scenarios.json', () => {
  it('is what the script derives from the guide page today (npm run rules:tkw-scenarios)', () => {
    const shipped = loadTkwTable();
    const derived = deriveTkwTable(readFileSync(PAGE, 'utf8'), 'bars-guide/Build/Testing-and-Environments/TKW.page.md', {
      repository: shipped.source.repository,
      path: shipped.source.path,
      commit: shipped.source.commit,
    });
    const { $comment, ...rest } = shipped;
    expect($comment).toMatch(/derive-tkw-scenarios/);
    expect(rest).toEqual(derived);
  });
});
