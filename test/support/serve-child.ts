/**
 * A bars serve in its own process, for tests that kill it: `tsx serve-child.ts <db>` prints
 * {"url": …} on one line once it listens on 127.0.0.1 (ephemeral port).
 */
import { createValidator } from '../../src/index.js';
import { startServe } from '../../src/serve/server.js';
import { TEST_CACHE } from './engine.js';

const db = process.argv[2];
if (!db) {
  process.stderr.write('usage: serve-child.ts <database>\n');
  process.exit(2);
}
const validator = await createValidator({ cacheDir: TEST_CACHE, offline: true });
const s = await startServe({ validator, database: db, auth: 'none', port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ url: s.url }) + '\n');
