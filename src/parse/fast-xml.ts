/**
 * fast-xml-parser, loaded on first use by both XML readers (FHIR XML documents in parse/xml.ts,
 * narrative xhtml in validate/xhtml.ts). Its CommonJS build is one file; its ES module build is
 * some forty, and loading them cost every run (JSON input included) more than the XML parsing itself.
 */
import { createRequire } from 'node:module';

export type Fxp = typeof import('fast-xml-parser');

const require = createRequire(import.meta.url);
let fxp: Fxp | undefined;

/** The library (~80 kB), required on the first document that needs it: a run may parse none. */
export const fastXml = (): Fxp => (fxp ??= require('fast-xml-parser') as Fxp);
