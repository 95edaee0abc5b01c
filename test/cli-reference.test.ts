/**
 * Help is the reference: every command answers --help with its options, and the option table
 * (src/cli/reference.ts), the help, docs/cli.md, the environment variables the code reads and the
 * bars.config.json schema all agree. Regenerate docs/cli.md with `npm run docs:cli`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_SCHEMA } from '../src/cli/config.js';
import { COMMANDS, configKeys, ENVIRONMENT, renderCliMarkdown } from '../src/cli/reference.js';

const ROOT = resolve(import.meta.dirname, '..');
const bars = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'bin', 'bars.js'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });

function sources(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (n.endsWith('.ts') && !n.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

describe('--help', () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))('bars %s --help: exit 0, every option of the table listed', (name, c) => {
    const r = bars([...name.split(' '), '--help']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Usage: ${c.usage}`);
    for (const o of c.options) expect(r.stdout).toContain(`--${o.name}`);
  });

  it('bars --help names every command, environment variable and config key; bars packages --help both subcommands', () => {
    const r = bars(['--help']);
    expect(r.status).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c.usage);
    for (const e of ENVIRONMENT) expect(r.stdout).toContain(e.name);
    for (const k of configKeys()) expect(r.stdout).toContain(k.key);
    const p = bars(['packages', '--help']);
    expect(p.status).toBe(0);
    expect(p.stdout).toContain('Usage: bars packages list');
    expect(p.stdout).toContain('Usage: bars packages add');
  });
});

describe('the option table is the only source', () => {
  it('docs/cli.md is what the table renders (npm run docs:cli)', () => {
    expect(readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8') === renderCliMarkdown(), 'docs/cli.md is stale: run npm run docs:cli').toBe(true);
  });

  it('no command parses options of its own: every parseArgs call goes through the table', () => {
    const own = sources(join(ROOT, 'src', 'cli')).filter((f) => !f.endsWith('reference.ts') && /\bparseArgs\(/.test(readFileSync(f, 'utf8')));
    expect(own.map((f) => f.slice(ROOT.length + 1))).toEqual([]);
  });

  it('every bars.config.json key of the schema is in the table, and no other', () => {
    expect(configKeys().map((k) => k.key).sort()).toEqual(Object.keys(CONFIG_SCHEMA.properties).sort());
    const docs = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');
    for (const k of Object.keys(CONFIG_SCHEMA.properties)) expect(docs).toContain(`| \`${k}\` |`);
  });

  it('every environment variable the toolkit reads is in the table, and no other', () => {
    // src/action/ reads the GitHub runner's variables (INPUT_*, GITHUB_*): the Action's own contract, in action.yml
    const read = new Set<string>();
    for (const f of sources(join(ROOT, 'src')).filter((f) => !f.includes(`${join('src', 'action')}`))) {
      for (const m of readFileSync(f, 'utf8').matchAll(/process\.env\.([A-Z][A-Z0-9_]*)|process\.env\[['"]([A-Z][A-Z0-9_]*)['"]\]/g)) read.add(m[1] ?? m[2]!);
    }
    expect([...read].sort()).toEqual(ENVIRONMENT.map((e) => e.name).sort());
    const docs = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');
    for (const e of ENVIRONMENT) expect(docs).toContain(`| \`${e.name}\` |`);
  });
});
