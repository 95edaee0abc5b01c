import { describe, expect, it } from 'vitest';
import { errorCodes, readErrorCodes } from './error-codes.js';

describe('BaRS error codes read from the guide', () => {
  it('reads status/code pairs from tables (with continuation rows) and from prose', () => {
    const found = new Map<string, { statuses: Set<number>; sources: Set<string> }>();
    const page = [
      '| HTTP Code | Code Value | Description |',
      '|---|---|---|',
      '| 400 | SEND_BAD_REQUEST | bad |',
      '|     | REC_BAD_REQUEST  | bad at the receiver |',
      '| 500 | PROXY_SERVER_ERROR / SERVER ERROR | boom |',
      '',
      'the receiver must respond with a 425 REC_TOO_EARLY response',
      '    - PROXY_TIMEOUT / TIMEOUT (504 indicating 408 internally)',
      '| Note | REC_CONFLICT is not in a status row |',
    ].join('\n');
    readErrorCodes(page, 'p.md', found);
    const statuses = Object.fromEntries([...found].map(([k, v]) => [k, [...v.statuses]]));
    expect(statuses).toEqual({ SEND_BAD_REQUEST: [400], REC_BAD_REQUEST: [400], PROXY_SERVER_ERROR: [500], REC_TOO_EARLY: [425], PROXY_TIMEOUT: [504] });
    expect([...found.get('REC_BAD_REQUEST')!.sources]).toEqual(['p.md:4']);
  });

  it('the shipped table has the Core 1.5.0 codes with their statuses', () => {
    const codes = errorCodes();
    expect(codes.get('REC_TOO_EARLY')?.statuses).toEqual([425]);
    expect(codes.get('SEND_BAD_REQUEST')?.statuses).toEqual([400]);
    expect(codes.size).toBeGreaterThan(30);
  });
});
