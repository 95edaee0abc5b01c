// One measured library start-up in a fresh process (plain node on dist/, as a supplier runs it):
// importing the package, createValidator() from the toolkit's disk cache, the first validate().
const [cacheDir] = process.argv.slice(2);
const t0 = performance.now();
const { createValidator } = await import(new URL('../dist/index.js', import.meta.url).href);
const tImport = performance.now();
const validator = await createValidator({ cacheDir, offline: true });
const tCreate = performance.now();
await validator.validate({ resourceType: 'Patient', gender: 'female', birthDate: '1980-02-01' });
const tFirst = performance.now();
process.stdout.write(JSON.stringify({ importMs: tImport - t0, createMs: tCreate - tImport, firstValidateMs: tFirst - tCreate, maxRssKb: process.resourceUsage().maxRSS }));
