/**
 * The FHIR packages the toolkit loads for BaRS when a run names no --ig: the BaRS package
 * at the version these rules were written against, and the UK Core it derives from.
 * Dependencies declared by the packages themselves are loaded as well.
 */
export interface PinnedPackage {
  name: string;
  version: string;
  why: string;
}

export const BARS_PACKAGE_SET: PinnedPackage[] = [
  { name: 'uk.nhsdigital.bars.r4', version: '1.20.0-alpha', why: 'BaRS profiles, MessageDefinitions and CodeSystems' },
  {
    name: 'fhir.r4.ukcore.stu3.currentbuild',
    version: 'latest',
    why: 'UK Core STU3 profiles BaRS derives from (UKCore-Bundle, UKCore-MessageHeader, UKCore-ServiceRequest...)',
  },
];
