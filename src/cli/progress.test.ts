import { afterEach, describe, expect, it, vi } from 'vitest';
import { Progress } from './progress.js';

/** A stand-in for stderr: records what is written, TTY or not. */
function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: '', write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

function run(total: number, stream: NodeJS.WriteStream): void {
  const p = new Progress(total, stream);
  for (let i = 0; i < total; i++) p.tick(`fixtures/file-${i}.json`);
  p.done();
}

describe('progress on stderr', () => {
  afterEach(() => vi.unstubAllEnvs());
  const onTerminal = (): void => {
    vi.stubEnv('CI', '');
    vi.stubEnv('GITHUB_ACTIONS', '');
    vi.stubEnv('TERM', 'xterm-256color');
  };

  it('a long run on a terminal shows count, files/s and ETA, then clears the line', () => {
    onTerminal();
    const s = fakeStream(true);
    run(25, s);
    expect(s.text).toMatch(/1\/25 files · \d+ files\/s · ETA \d+ s · fixtures\/file-0\.json/);
    expect(s.text).toContain('25/25 files');
    expect(s.text.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('nothing when piped, in CI, on a dumb terminal, or for a short run', () => {
    onTerminal();
    const piped = fakeStream(false);
    run(25, piped);
    expect(piped.text).toBe('');
    const short = fakeStream(true);
    run(5, short);
    expect(short.text).toBe('');
    vi.stubEnv('CI', 'true');
    const ci = fakeStream(true);
    run(25, ci);
    expect(ci.text).toBe('');
    vi.stubEnv('CI', '');
    vi.stubEnv('GITHUB_ACTIONS', 'true');
    const gha = fakeStream(true);
    run(25, gha);
    expect(gha.text).toBe('');
    vi.stubEnv('GITHUB_ACTIONS', '');
    vi.stubEnv('TERM', 'dumb');
    const dumb = fakeStream(true);
    run(25, dumb);
    expect(dumb.text).toBe('');
  });
});

describe('progress without a total (NDJSON lines are counted as they are read)', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('shows the count and rate once past 20 inputs, then clears the line; nothing for fewer', () => {
    vi.stubEnv('CI', '');
    vi.stubEnv('GITHUB_ACTIONS', '');
    vi.stubEnv('TERM', 'xterm-256color');
    const s = fakeStream(true);
    const p = new Progress(undefined, s);
    for (let i = 0; i < 19; i++) p.tick(`big.ndjson:${i + 1}`);
    expect(s.text).toBe('');
    p.tick('big.ndjson:20');
    expect(s.text).toMatch(/20 inputs · \d+ inputs\/s · big\.ndjson:20/);
    p.done();
    expect(s.text.endsWith('\r\x1b[2K')).toBe(true);
    const few = fakeStream(true);
    const q = new Progress(undefined, few);
    for (let i = 0; i < 5; i++) q.tick(`small.ndjson:${i + 1}`);
    q.done();
    expect(few.text).toBe('');
  });
});
