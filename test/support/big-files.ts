/**
 * Large inputs for the `bars` command, made to a size: a Bundle of Patients (JSON or XML) with
 * one mistake near the end, and single long values. test/hostile.test.ts runs them at a few MB
 * (the whole file read and the mistake located); `npm run bench big-files` runs them at 50 MB
 * with the time and peak-memory budgets.
 */
const MB = 1024 * 1024;

export interface BigBundle {
  text: string;
  /** Lines in the file: the mistake is on the last-but-one entry, on line `lines`. */
  lines: number;
  /** Index of the entry with the mistake. */
  wrongEntry: number;
}

/** A JSON collection Bundle of ~2 800 Patients per MB, one entry per line; gender "femme" near the end. */
export function jsonPatientBundle(megabytes: number): BigBundle {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < megabytes * MB; i++) {
    const p = `{"fullUrl":"urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}","resource":{"resourceType":"Patient","id":"p${i}","active":true,"gender":"female","birthDate":"1980-01-01","name":[{"family":"Smith${i}","given":["Ann","Marie"]}],"telecom":[{"system":"phone","value":"0123456789","use":"home"}],"address":[{"line":["1 High St"],"city":"Leeds","postalCode":"LS1 1AA"}]}}`;
    parts.push(p);
    size += p.length + 1;
  }
  // one mistake near the end, to prove the whole file was read and located
  parts[parts.length - 2] = parts[parts.length - 2]!.replace('"gender":"female"', '"gender":"femme"');
  return { text: `{"resourceType":"Bundle","type":"collection","entry":[\n${parts.join(',\n')}\n]}`, lines: parts.length, wrongEntry: parts.length - 2 };
}

/** The same in XML (~3 700 Patients per MB). */
export function xmlPatientBundle(megabytes: number): BigBundle {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < megabytes * MB; i++) {
    const e = `<entry><fullUrl value="urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}"/><resource><Patient><id value="p${i}"/><active value="true"/><name><family value="Smith${i}"/><given value="Ann"/></name><gender value="female"/><birthDate value="1980-01-01"/></Patient></resource></entry>`;
    parts.push(e);
    size += e.length + 1;
  }
  parts[parts.length - 2] = parts[parts.length - 2]!.replace('<gender value="female"/>', '<gender value="femme"/>');
  return { text: `<Bundle xmlns="http://hl7.org/fhir"><type value="collection"/>\n${parts.join('\n')}\n</Bundle>`, lines: parts.length, wrongEntry: parts.length - 2 };
}

/** Valid resources holding one value of the given size: [name, file extension, text]. */
export function longValues(megabytes: number): [string, 'json' | 'xml', () => string][] {
  const n = megabytes * MB;
  return [
    [`one ${megabytes} MB JSON narrative`, 'json', () => JSON.stringify({ resourceType: 'Patient', text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(n)}</div>` } })],
    [`one ${megabytes} MB JSON base64 string`, 'json', () => `{"resourceType":"Binary","contentType":"application/pdf","data":"${'QUJD'.repeat(n / 4)}"}`],
    [`one ${megabytes} MB XML attribute value`, 'xml', () => `<Binary xmlns="http://hl7.org/fhir"><contentType value="application/pdf"/><data value="${'QUJD'.repeat(n / 4)}"/></Binary>`],
    [`one ${megabytes} MB XML narrative`, 'xml', () => `<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(n)}</div></text></Patient>`],
  ];
}
