import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { walkFolder } from './folder-walk.js';
import { expectNoSlowerThan } from '../../test/support/timing.js';
import { expandInputs } from '../cli/inputs.js';

const tmp = mkdtempSync(join(tmpdir(), 'bars-walk-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const json = (n: string): boolean => n.endsWith('.json');

/** <tmp>/<name>/in/{p.json, sub/q.json} plus <tmp>/<name>/outside/secret.json */
function tree(name: string): { inDir: string; outside: string } {
  const base = join(tmp, name);
  const inDir = join(base, 'in');
  mkdirSync(join(inDir, 'sub'), { recursive: true });
  mkdirSync(join(base, 'outside'), { recursive: true });
  writeFileSync(join(inDir, 'p.json'), '{"resourceType":"Patient"}');
  writeFileSync(join(inDir, 'sub', 'q.json'), '{"resourceType":"Patient"}');
  writeFileSync(join(base, 'outside', 'secret.json'), '{"resourceType":"Patient","id":"secret"}');
  return { inDir, outside: join(base, 'outside') };
}

describe('folder walk over links', () => {
  it('links looping back (a -> ., b -> .) end, and each file is listed once', async () => {
    const { inDir } = tree('loop');
    symlinkSync('.', join(inDir, 'a'));
    symlinkSync('.', join(inDir, 'b'));
    symlinkSync('..', join(inDir, 'sub', 'up'));
    symlinkSync('p.json', join(inDir, 'p-again.json'));
    const w = walkFolder(inDir, { include: json });
    // the loops cost no more than the same tree without them (followed, they would double per level)
    const { inDir: plain } = tree('no-loop');
    await expectNoSlowerThan('walking a tree with looping links', () => walkFolder(inDir, { include: json }), () => walkFolder(plain, { include: json }), 20);
    // p-again.json -> p.json: the same file, listed under the first of its names in walk order
    expect(w.files.map((f) => relative(inDir, f.path))).toEqual(['p-again.json', join('sub', 'q.json')]);
  });

  it('a link leading outside the folder is not followed by default, and is reported', () => {
    const { inDir, outside } = tree('out');
    symlinkSync(join(outside, 'secret.json'), join(inDir, 'secret.json'));
    symlinkSync(outside, join(inDir, 'elsewhere'));
    const w = walkFolder(inDir, { include: json });
    expect(w.files.map((f) => relative(inDir, f.path))).toEqual(['p.json', join('sub', 'q.json')]);
    expect(w.linksOutside.map((p) => relative(inDir, p)).sort()).toEqual(['elsewhere', 'secret.json']);
    const followed = walkFolder(inDir, { include: json, followSymlinks: true });
    expect(followed.files.map((f) => relative(inDir, f.path))).toEqual([join('elsewhere', 'secret.json'), 'p.json', join('sub', 'q.json')]);
  });

  it('bars validate inputs: loops end, outside links are left out and listed, --follow-symlinks follows them', async () => {
    const { inDir, outside } = tree('users');
    symlinkSync('.', join(inDir, 'loop'));
    symlinkSync(join(outside, 'secret.json'), join(inDir, 'secret.json'));
    const inputs = await expandInputs([inDir]);
    expect(inputs.files.map((f) => relative(inDir, f))).toEqual(['p.json', join('sub', 'q.json')]);
    expect(inputs.linksOutside).toEqual([join(inDir, 'secret.json')]);
    expect((await expandInputs([inDir], { followSymlinks: true })).files.map((f) => relative(inDir, f))).toEqual(['p.json', 'secret.json', join('sub', 'q.json')]);
  });
});
