/**
 * Vital signs: FHIR R4 requires an Observation that records a vital sign to conform to the
 * matching core vital signs profile (observation-vitalsigns.html: "If a FHIR resource is used
 * to represent vital signs, it SHALL conform to the vital signs profiles"), whether or not it
 * claims it. A vital sign is recognised by its code, LOINC or SNOMED CT, with the code lists
 * the HL7 Java validator uses for the same rule (the profile's own code, more specific codes
 * for the same measurement, and SNOMED CT equivalents); the profile then requires its LOINC
 * code to be present as well.
 */
const LOINC = 'http://loinc.org';
const SCT = 'http://snomed.info/sct';
const BASE = 'http://hl7.org/fhir/StructureDefinition/';

interface VitalSign {
  profile: string;
  name: string;
  loinc: string[];
  sct: string[];
}

const VITAL_SIGNS: VitalSign[] = [
  { profile: 'vitalspanel', name: 'Vital Signs Panel', loinc: ['85353-1'], sct: ['46680005'] },
  { profile: 'resprate', name: 'Respiratory Rate', loinc: ['9279-1', '76170-0', '76172-6', '76171-8', '19840-8', '33438-3', '76270-8', '11291-2'], sct: ['86290005', '271625008', '271306003'] },
  {
    profile: 'heartrate',
    name: 'Heart rate',
    loinc: ['60978-4', '73795-7', '73799-9', '76476-1', '76477-9', '8867-4', '8889-8', '8890-6', '8891-4', '8892-2', '8893-0', '40443-4', '55425-3', '68999-2', '11328-2', '69000-8', '8886-4'],
    sct: ['249043002', '444981005', '399017001', '251670001', '429525003', '429614003'],
  },
  { profile: 'oxygensat', name: 'Oxygen saturation', loinc: ['2708-6', '19224-5', '20564-1', '2709-4', '2710-2', '2713-6', '51733-4', '59408-5', '59417-6', '89276-0', '97549-0'], sct: ['442476006', '431314004'] },
  {
    profile: 'bodytemp',
    name: 'Body temperature',
    loinc: ['8310-5', '60834-9', '60835-6', '60836-4', '60838-0', '60955-2', '61009-7', '75539-7', '75987-8', '76010-8', '76011-6', '76278-1', '8309-7', '8328-7', '8329-5', '8330-3', '8331-1', '8332-9', '8333-7', '8334-5', '91371-5', '98657-0', '98663-8'],
    sct: ['386725007', '276885007', '300076005', '1222808002', '364246006', '307047009', '708499008', '431598003', '698831002', '698832009', '415882003', '415974002', '415929009', '415945006'],
  },
  { profile: 'bodyheight', name: 'Body height', loinc: ['8302-2', '3137-7', '3138-5', '8306-3', '8308-9'], sct: ['1153637007', '1162419008', '50373000', '1162418000', '1230278008', '1162392001', '1162417005'] },
  { profile: 'headcircum', name: 'Head circumference', loinc: ['9843-4', '8287-5'], sct: ['363812007', '169876006', '1269262007', '363811000'] },
  { profile: 'bodyweight', name: 'Body weight', loinc: ['29463-7', '3141-9', '3142-7', '75292-3', '79348-9', '8350-1', '8351-9'], sct: ['735395000', '425024002', '424927000', '784399000', '1162416001', '1162415002'] },
  { profile: 'bmi', name: 'Body mass index', loinc: ['39156-5', '89270-3'], sct: ['60621009'] },
  {
    profile: 'bp',
    name: 'Blood pressure systolic and diastolic',
    loinc: ['85354-9', '35094-2', '8459-0', '76534-7', '55284-4', '8480-6'],
    sct: ['251076008', '163033001', '163035008', '386534000', '386536003', '271649006', '271650006', '407556006', '407554009', '716579001', '399304008'],
  },
];

export interface ImpliedProfile {
  url: string;
  name: string;
  system: 'LOINC' | 'SNOMED CT';
  code: string;
}

/** code → vital sign, per system (built once). */
const BY_CODE: Record<string, Map<string, VitalSign>> = { [LOINC]: new Map(), [SCT]: new Map() };
for (const vs of VITAL_SIGNS) {
  for (const c of vs.loinc) if (!BY_CODE[LOINC]!.has(c)) BY_CODE[LOINC]!.set(c, vs);
  for (const c of vs.sct) if (!BY_CODE[SCT]!.has(c)) BY_CODE[SCT]!.set(c, vs);
}

/** The core vital signs profile an Observation must conform to because of its code, if any. */
export function impliedVitalSignsProfile(observation: Record<string, unknown>): ImpliedProfile | undefined {
  const code = observation.code as { coding?: unknown } | undefined;
  const codings = code && Array.isArray(code.coding) ? (code.coding as { system?: unknown; code?: unknown }[]) : undefined;
  if (!codings) return undefined;
  // LOINC first (it is what the profiles are defined by), then SNOMED CT
  for (const [system, label] of [
    [LOINC, 'LOINC'],
    [SCT, 'SNOMED CT'],
  ] as const) {
    for (const c of codings) {
      if (!c || c.system !== system || typeof c.code !== 'string') continue;
      const vs = BY_CODE[system]!.get(c.code);
      if (vs) return { url: BASE + vs.profile, name: vs.name, system: label, code: c.code };
    }
  }
  return undefined;
}
