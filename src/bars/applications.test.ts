/** Which Application and payload a message is, and which evidence decided it. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectApplication } from './applications.js';
import { analyseMessage } from './message.js';

type J = Record<string, any>;
const load = (name: string): J => JSON.parse(readFileSync(resolve(import.meta.dirname, '../../fixtures/bars/valid', `${name}.json`), 'utf8')) as J;
const res = (b: J, type: string): J => b.entry.find((e: J) => e.resource.resourceType === type).resource;

describe('a request without MessageHeader.definition', () => {
  it('is a validation request when its ServiceRequest category says so, and says so', () => {
    const b = load('APP4-validation-request');
    delete res(b, 'MessageHeader').definition;
    const d = detectApplication(analyseMessage(b));
    expect(d).toMatchObject({ application: 'APP4', payload: 'validation-request' });
    expect(d.evidence).toMatch(/payload validation-request from ServiceRequest\.category validation/);
  });

  it("without a category: from the ServiceRequest's BaRS profile", () => {
    const b = load('APP4-validation-request');
    delete res(b, 'MessageHeader').definition;
    const sr = res(b, 'ServiceRequest');
    sr.category = sr.category.map((cc: J) => ({ ...cc, coding: cc.coding.filter((c: J) => !c.system.endsWith('message-category-servicerequest')) }));
    sr.meta.profile = ['https://fhir.nhs.uk/StructureDefinition/BARSServiceRequest-request-validation'];
    const d = detectApplication(analyseMessage(b));
    expect(d).toMatchObject({ application: 'APP4', payload: 'validation-request' });
    expect(d.evidence).toMatch(/meta\.profile/);
  });

  it('with an APP4 use case and nothing else: APP4 exchanges validations', () => {
    const b = load('APP4-validation-request');
    delete res(b, 'MessageHeader').definition;
    const sr = res(b, 'ServiceRequest');
    sr.category = sr.category.map((cc: J) => ({ ...cc, coding: cc.coding.filter((c: J) => !c.system.endsWith('message-category-servicerequest')) }));
    delete sr.meta.profile;
    expect(detectApplication(analyseMessage(b))).toMatchObject({ application: 'APP4', payload: 'validation-request' });
  });

  it('a request whose ServiceRequest is entered-in-error is a cancellation', () => {
    const b = load('APP4-validation-request');
    delete res(b, 'MessageHeader').definition;
    res(b, 'ServiceRequest').status = 'entered-in-error';
    const d = detectApplication(analyseMessage(b));
    expect(d).toMatchObject({ application: 'APP4', payload: 'referral-cancellation' });
    expect(d.evidence).toMatch(/ServiceRequest\.status entered-in-error/);
  });

  it('a referral stays a referral', () => {
    const b = load('APP3-referral-request');
    delete res(b, 'MessageHeader').definition;
    expect(detectApplication(analyseMessage(b))).toMatchObject({ application: 'APP3', payload: 'referral-request' });
  });
});
