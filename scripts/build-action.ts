/**
 * npm run build:action — bundle the GitHub Action into action/dist/index.cjs (committed), so a
 * workflow runs it with no npm install. Node modules are bundled in; the R4 core data package
 * is fetched at run time (src/action/r4-core.ts) because it is 70 MB of JSON.
 */
import { build, type Plugin } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

// `const require = createRequire(import.meta.url)` hides require() calls from the bundler;
// in the CommonJS bundle the module's own require is the right one, so drop the shadowing
const bundleRequires: Plugin = {
  name: 'bundle-create-require',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, async (args) => {
      let code = await readFile(args.path, 'utf8');
      if (!args.path.includes(`${'action'}`) && !args.path.endsWith('r4-core.ts')) {
        code = code.replace(/const require = createRequire\(import\.meta\.url\);/g, '');
      }
      return { contents: code, loader: 'ts' };
    });
  },
};

const outfile = resolve(process.argv[2] ?? resolve(root, 'action/dist/index.cjs'));
await build({
  entryPoints: [resolve(root, 'src/action/index.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'linked',
  define: { 'import.meta.url': '__bars_import_meta_url', 'import.meta.dirname': '__dirname' },
  banner: { js: 'var __bars_import_meta_url = require("url").pathToFileURL(__filename).href;' },
  plugins: [bundleRequires],
  logLevel: 'warning',
});
console.log(`${outfile} written`);
