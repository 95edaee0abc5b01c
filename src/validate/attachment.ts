/**
 * Attachment: what size and hash say about inline data must be true of that data.
 */
import { createHash } from 'node:crypto';
import type { Loc } from './walk-path.js';
import type { CheckContext, RunState } from './context.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function checkAttachment(v: CheckContext, st: RunState, att: Record<string, unknown>, loc: Loc): void {
  const { data, size, hash } = att;
  if (typeof data !== 'string' || (size === undefined && hash === undefined)) return;
  const b64 = data.replace(/\s+/g, '');
  // invalid base64 is reported on data itself; nothing can be said about its size
  if (!BASE64.test(b64) || b64.length % 4 !== 0) return;
  const bytes = Buffer.from(b64, 'base64');
  const stated = typeof size === 'string' && /^[0-9]+$/.test(size) ? Number(size) : size;
  if (typeof stated === 'number' && Number.isInteger(stated) && stated >= 0 && stated !== bytes.length) {
    v.report(
      st,
      loc,
      'error',
      'structure',
      'attachment-size',
      `The attachment's size is ${stated} bytes, but its data is ${bytes.length} bytes: correct size (the number of bytes before base64 encoding), or leave it out`,
    );
  }
  if (typeof hash === 'string' && BASE64.test(hash.replace(/\s+/g, ''))) {
    const actual = createHash('sha1').update(bytes).digest('base64');
    if (actual !== hash.replace(/\s+/g, '')) {
      v.report(
        st,
        loc,
        'error',
        'structure',
        'attachment-hash',
        `The attachment's hash is ${hash}, but the SHA-1 of its data is ${actual}: hash must be the base64 SHA-1 of the data`,
      );
    }
  }
}
