import { barsEngine } from './test/support/engine.ts';
import { load, res, idx } from './test/support/bars-fixtures.ts';
const e = await barsEngine();
const show = async (k: string, b: any, filter = (i: any) => /focus-profile|md-|necessity|mandated/.test(i.ruleId + ' ' + (i.bars?.rule ?? ''))) => {
  const r = await e.validate(JSON.stringify(b));
  console.log(k, r.issues.filter(filter).map((i) => `${i.severity} ${i.ruleId} [${i.bars?.rule}] @ ${i.expression}: ${i.message.slice(0, 160)}`));
};
const b = load('APP3-referral-request');
console.log('patient profile', res(b, 'Patient').meta);
const p = res(b, 'Patient'); delete p.meta.profile;
await show('noprofile', b);
p.identifier.push({ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9000000009' });
await show('twoNhs', b);
for (const f of ['APP1-booking-request','APP3-referral-request','APP4-validation-request','APP6-response','APP7-booking-request']) await show(f, load(f));
