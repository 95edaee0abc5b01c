/** bars serve in its own process for npm run bench serve: prints {"url"} and answers {rss} on IPC. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createValidator } from '../src/index.js';
import { startServe } from '../src/serve/server.js';

const [db] = process.argv.slice(2);
const validator = await createValidator({ cacheDir: join(tmpdir(), 'bars-bench-serve-cache'), offline: true, igs: process.env.BARS_BENCH_IGS ? process.env.BARS_BENCH_IGS.split(',') : [] });
const s = await startServe({ validator, database: db!, auth: 'none', port: 0 });
process.on('message', (m) => {
  if (m === 'rss') process.send!({ rss: process.memoryUsage().rss });
  // CPU time of the server process (user + system, µs): on a shared machine wall-clock latency
  // measures the neighbours as much as the server; CPU per request is the server's own cost
  if (m === 'cpu') {
    const c = process.cpuUsage();
    process.send!({ cpu: c.user + c.system });
  }
  if (m === 'stop') void s.close().then(() => process.exit(0));
});
process.send!({ url: s.url });
