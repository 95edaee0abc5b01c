/**
 * bars.config.json: checked against its JSON Schema (ajv), problems reported with the key's
 * path and line:column, and paths relative to the file (not to the working directory).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, tempDir } from '../../test/support/packages.js';
import { loadConfig, pointerToPath } from './config.js';
import { UsageError } from './inputs.js';
import { parseValidateArgs } from './validate.js';

const tmp = tempDir('bars-config-');
afterAll(() => cleanup(tmp));

function write(name: string, text: string): string {
  const p = join(tmp, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
}

function usageError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('expected a UsageError');
}

describe('bars.config.json', () => {
  it('accepts the documented keys', () => {
    const p = write(
      'ok/bars.config.json',
      JSON.stringify({
        igs: ['uk.nhsdigital.bars.r4#1.20.0-alpha', './local-profiles'],
        failOn: 'error',
        unknownExtensions: 'warning',
        application: 'APP3',
        messageDefinitions: ['./receiver/MessageDefinition-referral.json'],
        suppress: './bars-suppressions.json',
        tx: 'https://ontology.nhs.uk/production1/fhir',
      }),
    );
    expect(loadConfig(p).config.application).toBe('APP3');
  });

  it('a wrong key is reported with its line and column, and the nearest allowed key', () => {
    const p = write('bad-key.json', '{\n  "igs": [],\n  "failon": "error"\n}\n');
    const m = usageError(() => loadConfig(p));
    expect(m).toContain(`${p}:3:3: unknown key "failon": did you mean "failOn"?`);
    expect(m).toContain('Allowed keys: $schema, igs, profiles, failOn');
  });

  it('a wrong value is reported with its path, the value and what is allowed', () => {
    const p = write('bad-values.json', '{\n  "failOn": "warnings",\n  "igs": ["a#1.0.0", 7],\n  "application": "APP9",\n  "tx": "ontology.nhs.uk"\n}\n');
    const m = usageError(() => loadConfig(p));
    expect(m).toContain(`${p}:2:3: failOn is "warnings": use one of "error", "warning"`);
    expect(m).toMatch(/:3:\d+: igs\[1\] is 7: it must be a string/);
    expect(m).toContain('application is "APP9": use APP1 … APP8');
    expect(m).toContain('tx is "ontology.nhs.uk": give the terminology server as an http(s) URL');
  });

  it('jobs: a whole number of worker threads, 1 or more; --jobs wins over it', () => {
    const ok = write('jobs/bars.config.json', '{ "jobs": 3 }');
    expect(parseValidateArgs(['x.json', '--config', ok]).jobs).toBe(3);
    expect(parseValidateArgs(['x.json', '--config', ok, '--jobs', '1']).jobs).toBe(1);
    expect(parseValidateArgs(['x.json']).jobs).toBeUndefined();
    const m = usageError(() => loadConfig(write('jobs-bad.json', '{\n  "jobs": 0,\n  "igs": []\n}\n')));
    expect(m).toContain(':2:3: jobs is 0: it must be at least 1');
    expect(usageError(() => loadConfig(write('jobs-half.json', '{ "jobs": 1.5 }')))).toContain('jobs is 1.5: it must be a whole number');
  });

  it('malformed JSON is reported with line and column', () => {
    const p = write('broken.json', '{\n  "igs": ["a#1.0.0",]\n  "failOn": "error"\n}\n');
    const m = usageError(() => loadConfig(p));
    expect(m).toMatch(new RegExp(`${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
  });

  it('an explicit --config that does not exist is a usage error; no file at all is no config', () => {
    expect(usageError(() => loadConfig(join(tmp, 'nope.json')))).toContain('no such file');
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      expect(loadConfig()).toEqual({ config: {} });
    } finally {
      process.chdir(cwd);
    }
  });

  it('paths are relative to the config file, package ids stay package ids', () => {
    const dir = join(tmp, 'project');
    mkdirSync(join(dir, 'local-profiles'), { recursive: true });
    const p = write(
      'project/bars.config.json',
      JSON.stringify({
        igs: ['uk.nhsdigital.bars.r4#1.20.0-alpha', 'fhir.r4.ukcore.stu2', './local-profiles', 'packages/x.tgz'],
        messageDefinitions: ['./receiver/md.json'],
        suppress: 'suppressions.json',
        packageCache: '.fhir-packages',
        openapi: 'spec/bars-openapi.yaml',
        jwks: './keys/receiver.jwks',
        publicKey: 'keys/receiver.pem',
      }),
    );
    const cwd = process.cwd();
    process.chdir(tmp); // not the config's folder
    try {
      const a = parseValidateArgs(['--config', p, 'input.json']);
      expect(a.igs).toEqual(['uk.nhsdigital.bars.r4#1.20.0-alpha', 'fhir.r4.ukcore.stu2', join(dir, 'local-profiles'), join(dir, 'packages/x.tgz')]);
      expect(a.messageDefinitions).toEqual([join(dir, 'receiver/md.json')]);
      expect(a.suppress).toBe(join(dir, 'suppressions.json'));
      expect(a.packageCache).toBe(join(dir, '.fhir-packages'));
      expect(a.openapi).toBe(join(dir, 'spec/bars-openapi.yaml'));
      expect(a.jwks).toBe(join(dir, 'keys/receiver.jwks'));
      expect(a.publicKey).toBe(join(dir, 'keys/receiver.pem'));
      // command-line options win over the file
      const b = parseValidateArgs(['--config', p, '--ig', 'other#1.0.0', '--package-cache', 'here', '--jwks', 'mine.jwks', 'input.json']);
      expect(b.igs).toEqual(['other#1.0.0']);
      expect(b.packageCache).toBe('here');
      expect(b.jwks).toBe('mine.jwks');
    } finally {
      process.chdir(cwd);
    }
  });

  it('names places the way a reader does', () => {
    expect(pointerToPath('')).toBe('(top level)');
    expect(pointerToPath('/igs/1')).toBe('igs[1]');
    expect(pointerToPath('/a~1b/c')).toBe('a/b.c');
  });
});
