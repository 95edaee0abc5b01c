/**
 * NHS number: 10 digits, the last a Modulus 11 check digit over the first nine
 * (weights 10..2; 11 → 0; 10 means the number is invalid).
 */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

export function nhsNumberProblem(value: string): string | undefined {
  if (!/^\d{10}$/.test(value)) {
    return /\s|-/.test(value) && /^\d{10}$/.test(value.replace(/[\s-]/g, ''))
      ? `NHS number '${value}' contains spaces or dashes: send the 10 digits only (${value.replace(/[\s-]/g, '')})`
      : `NHS number '${value}' is not 10 digits`;
  }
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(value[i]) * (10 - i);
  let check = 11 - (sum % 11);
  if (check === 11) check = 0;
  if (check === 10) return `NHS number '${value}' is not valid: no check digit can make it pass the Modulus 11 check`;
  if (check !== Number(value[9])) return `NHS number '${value}' fails the Modulus 11 check: the check digit should be ${check}, not ${value[9]}`;
  return undefined;
}
