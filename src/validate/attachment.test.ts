/**
 * Attachment.size and Attachment.hash against the inline data.
 */
import { describe, expect, it } from 'vitest';
import { plainEngine } from '../../test/support/engine.js';

// "help i'm a bug": 14 bytes; SHA-1 base64 below
const DATA = 'aGVscCBpJ20gYSBidWc=';
const SHA1 = 'A5JzLb8YWDe4J9CPz6U0BbTlqkU=';

const media = (content: Record<string, unknown>) => ({ resourceType: 'Media', status: 'completed', content: { contentType: 'text/plain', data: DATA, ...content } });
const errors = (r: { issues: { severity: string; ruleId?: string; expression?: string }[] }) =>
  r.issues.filter((i) => i.severity === 'error').map((i) => `${i.ruleId} @ ${i.expression}`);

describe('Attachment size and hash', () => {
  it('accepts a size and hash that describe the data', async () => {
    const r = await (await plainEngine()).validate(JSON.stringify(media({ size: 14, hash: SHA1 })));
    expect(errors(r)).toEqual([]);
  });

  it('reports a size that is not the number of bytes of the data, on the attachment', async () => {
    const r = await (await plainEngine()).validate(JSON.stringify(media({ size: 100 })));
    expect(errors(r)).toEqual(['attachment-size @ Media.content']);
    expect(r.issues.find((i) => i.ruleId === 'attachment-size')!.message).toMatch(/size is 100 bytes, but its data is 14 bytes/);
  });

  it('reports a hash that is not the SHA-1 of the data', async () => {
    const r = await (await plainEngine()).validate(JSON.stringify(media({ hash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' })));
    expect(errors(r)).toEqual(['attachment-hash @ Media.content']);
  });

  it('says nothing about size when the data is not base64 (that is reported on data)', async () => {
    const r = await (await plainEngine()).validate(JSON.stringify(media({ data: '...', size: 3 })));
    expect(errors(r)).toEqual(['primitive-format @ Media.content.data']);
  });
});
