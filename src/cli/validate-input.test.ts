import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../engine.js';
import { readInputs, validateInput, type ValidationInput } from './validate-input.js';

const dir = mkdtempSync(join(tmpdir(), 'bars-inputs-'));

async function all(files: string[]): Promise<ValidationInput[]> {
  const out: ValidationInput[] = [];
  for await (const i of readInputs(files)) out.push(i);
  return out;
}

describe('readInputs', () => {
  it('gives files as they are and NDJSON files line by line with their line numbers, blank lines skipped (LF or CRLF)', async () => {
    const nd = join(dir, 'a.ndjson');
    writeFileSync(nd, '{"resourceType":"Patient"}\r\n\r\n  \n{"resourceType":"Basic"}\n');
    const json = join(dir, 'b.json');
    writeFileSync(json, '{}');
    expect(await all([json, nd])).toEqual([{ file: json }, { file: nd, line: 1, text: '{"resourceType":"Patient"}' }, { file: nd, line: 4, text: '{"resourceType":"Basic"}' }]);
  });

  it('an NDJSON file that cannot be opened is passed on whole, to be reported as unreadable', async () => {
    const missing = join(dir, 'missing.ndjson');
    expect(await all([missing])).toEqual([{ file: missing }]);
  });
});

describe('validateInput', () => {
  const throwing = { validate: () => Promise.reject(new Error('boom')) } as unknown as Engine;

  it('a validator that throws gives a fatal result for that input, located on its NDJSON line, never a throw', async () => {
    const r = await validateInput(throwing, { file: 'x.ndjson', line: 7, text: '{}' }, []);
    expect(r).toMatchObject({ file: 'x.ndjson:7', valid: false, resourceType: null });
    expect(r.issues).toEqual([expect.objectContaining({ severity: 'fatal', ruleId: 'validation-failed', line: 7 })]);
    expect(r.issues[0]!.message).toContain('(boom)');
  });

  it('an unreadable file is a fatal file-unreadable result', async () => {
    const r = await validateInput(throwing, { file: join(dir, 'nope.json') }, []);
    expect(r.valid).toBe(false);
    expect(r.issues[0]).toMatchObject({ severity: 'fatal', ruleId: 'file-unreadable' });
  });
});
