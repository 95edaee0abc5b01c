/**
 * The `bars validate` options that change what is checked, each run through the spawned CLI
 * (bin/bars.js) with an assertion on its effect: --unknown-extensions (over a config file),
 * --application, --message-definition and --public-key. The library-level behaviour behind them
 * is tested beside it (src/validate/extensions.test.ts, src/bars/plugin.test.ts,
 * src/bars/http/jwt.test.ts); here it is the option reaching it. The usage errors (a wrong value,
 * a file that is not there) run the CLI's main() in this process.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportSPKI, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAssertion, SENT_AT } from '../scripts/fixtures/http-builder.js';
import { USE_CASE_SYSTEM } from '../src/bars/message.js';
import { bars, barsInProcess, ROOT } from './support/cli.js';

interface Issue {
  ruleId: string;
  severity: string;
  expression?: string;
  message: string;
}
const issuesOf = (json: { results: { issues: Issue[] }[] }): Issue[] => json.results.flatMap((r) => r.issues);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bars-cli-options-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--unknown-extensions', () => {
  it('error wins over a config file that says ignore; ignore drops the issue', async () => {
    const file = join(dir, 'unknown-extension.json');
    writeFileSync(file, JSON.stringify({ resourceType: 'Patient', extension: [{ url: 'https://fhir.supplier.nhs.uk/StructureDefinition/unknown', valueString: 'x' }] }));
    const config = join(dir, 'ignore-extensions.config.json');
    writeFileSync(config, JSON.stringify({ unknownExtensions: 'ignore' }));
    const unknown = (r: ReturnType<typeof bars>) => issuesOf(r.json).filter((i) => i.ruleId === 'extension-unknown').map((i) => `${i.severity} ${i.expression}`);

    const fromConfig = bars(['validate', file, '--format', 'json', '--no-bars', '--config', config]);
    expect(fromConfig.status, fromConfig.stderr).toBe(0);
    expect(unknown(fromConfig)).toEqual([]);
    const error = bars(['validate', file, '--format', 'json', '--no-bars', '--config', config, '--unknown-extensions', 'error']);
    expect(error.status, error.stderr).toBe(1);
    expect(unknown(error)).toEqual(['error Patient.extension[0]']);
    const ignore = bars(['validate', file, '--format', 'json', '--no-bars', '--unknown-extensions', 'ignore']);
    expect(ignore.status, ignore.stderr).toBe(0);
    expect(unknown(ignore)).toEqual([]);
    const bad = await barsInProcess(['validate', file, '--no-bars', '--unknown-extensions', 'loud']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--unknown-extensions loud/);
  });
});

describe('--application', () => {
  it('a FHIR message without BaRS markers is plain FHIR by default; --application APP3 applies the BaRS Core rules to it', () => {
    // a message Bundle whose MessageHeader names no BaRS event, definition or use case
    const file = join(dir, 'plain-message.json');
    writeFileSync(
      file,
      JSON.stringify({
        resourceType: 'Bundle',
        id: 'b1',
        type: 'message',
        entry: [
          {
            fullUrl: 'urn:uuid:8d6f9c1a-3b1e-4c55-9d2a-2f0e6a1b7c01',
            resource: {
              resourceType: 'MessageHeader',
              id: 'h1',
              eventCoding: { system: 'http://example.org/events', code: 'x' },
              source: { endpoint: 'http://example.org/sender' },
            },
          },
        ],
      }),
    );
    const rules = (r: ReturnType<typeof bars>) => issuesOf(r.json).map((i) => i.ruleId);
    const plain = bars(['validate', file, '--format', 'json']);
    expect(plain.json, plain.stderr).toBeDefined();
    expect(rules(plain)).toContain('bars-not-bars-message');
    expect(rules(plain).filter((id) => id.startsWith('BARS-CORE-'))).toEqual([]);
    const forced = bars(['validate', file, '--format', 'json', '--application', 'APP3']);
    expect(forced.json, forced.stderr).toBeDefined();
    expect(rules(forced)).not.toContain('bars-not-bars-message');
    expect(rules(forced)).toContain('BARS-CORE-06');
    expect(forced.status).toBe(1);
  });
});

describe('--message-definition', () => {
  it("the receiver's own MessageDefinition is binding: a use case it does not list is an error naming the file", async () => {
    const message = join(ROOT, 'fixtures', 'bars', 'valid', 'APP3-referral-request.json');
    const published = JSON.parse(readFileSync(join(ROOT, 'message-definitions', 'bars-message-servicerequest-request-referral.json'), 'utf8'));
    // the receiver supports one use case only, not the message's (the message claims this definition by url)
    const receiver = {
      ...published,
      useContext: [
        {
          code: { system: 'http://terminology.hl7.org/CodeSystem/usage-context-type', code: 'workflow' },
          valueCodeableConcept: { coding: [{ system: USE_CASE_SYSTEM, code: 'a1t1' }] },
        },
      ],
    };
    const file = join(dir, 'MessageDefinition-receiver.json');
    writeFileSync(file, JSON.stringify(receiver));

    const without = bars(['validate', message, '--format', 'json']);
    expect(without.status, without.stdout + without.stderr).toBe(0);
    expect(issuesOf(without.json).filter((i) => i.ruleId === 'bars-md-use-case' && i.severity === 'error')).toEqual([]);
    const withReceiver = bars(['validate', message, '--format', 'json', '--message-definition', file]);
    expect(withReceiver.status, withReceiver.stderr).toBe(1);
    const useCase = issuesOf(withReceiver.json).filter((i) => i.ruleId === 'bars-md-use-case');
    expect(useCase.map((i) => i.severity)).toEqual(['error']);
    expect(useCase[0]!.message).toContain("is not one the receiver supports");
    expect(useCase[0]!.message).toContain(file);
    expect(useCase[0]!.message).toMatch(/lists a1t1$/);

    const notOne = join(dir, 'not-a-message-definition.json');
    writeFileSync(notOne, JSON.stringify({ resourceType: 'Patient' }));
    const bad = await barsInProcess(['validate', message, '--message-definition', notOne]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/not a MessageDefinition \(found Patient\)/);
    // a file that is not there is named, with the option, before anything is validated
    const missing = await barsInProcess(['validate', message, '--message-definition', join(dir, 'absent.json')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/--message-definition .*absent\.json: cannot read the file \(ENOENT\)/);
    expect(missing.stdout).toBe('');
  });
});

describe('--public-key', () => {
  it('a client assertion verifies with the signer\'s PEM public key, fails with another, and is only noted without one', async () => {
    const signer = await generateKeyPair('RS512', { extractable: true });
    const stranger = await generateKeyPair('RS512', { extractable: true });
    const token = join(dir, 'assertion.jwt');
    writeFileSync(token, `${await clientAssertion(signer.privateKey, { kid: 'k1', expIn: 120 })}\n`);
    const right = join(dir, 'signer.pem');
    writeFileSync(right, await exportSPKI(signer.publicKey));
    const wrong = join(dir, 'stranger.pem');
    writeFileSync(wrong, await exportSPKI(stranger.publicKey));
    const signature = (r: ReturnType<typeof bars>) => issuesOf(r.json).filter((i) => i.ruleId === 'BARS-HTTP-17');

    const verified = bars(['validate', '--jwt', token, '--now', SENT_AT, '--public-key', right, '--format', 'json']);
    expect(verified.status, verified.stdout + verified.stderr).toBe(0);
    expect(signature(verified)).toEqual([expect.objectContaining({ severity: 'information', expression: 'jwt.signature', message: expect.stringMatching(/signature verifies with --public-key/) })]);
    const forged = bars(['validate', '--jwt', token, '--now', SENT_AT, '--public-key', wrong, '--format', 'json']);
    expect(forged.status).toBe(1);
    expect(signature(forged).map((i) => `${i.severity} ${i.expression}`)).toEqual(['error jwt.signature']);
    const unchecked = bars(['validate', '--jwt', token, '--now', SENT_AT, '--format', 'json']);
    expect(unchecked.status).toBe(0);
    expect(signature(unchecked)).toEqual([expect.objectContaining({ severity: 'information', message: expect.stringMatching(/was not verified: give --jwks .* or --public-key/) })]);
  });
});
