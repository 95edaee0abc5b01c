// The fuzz worker is TypeScript: register tsx in the worker thread, then load it.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
