/**
 * narrative-language-control (FHIR extensions pack, "Controlling the presence of Language
 * Sections"): a profile's Narrative element says whether the div has language sections (child
 * divs of the root carrying lang/xml:lang) and which languages they must cover.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constraintProfile } from '../../test/support/profiles.js';
import { engine as testEngine } from '../../test/support/engine.js';
import type { Engine } from '../engine.js';
import { narrativeLanguageSections } from './xhtml.js';

const XHTML = 'http://www.w3.org/1999/xhtml';
const CONTROL = 'http://hl7.org/fhir/StructureDefinition/narrative-language-control';
const SD = 'http://example.org/StructureDefinition/';
const controlled = (id: string, ...codes: string[]) =>
  constraintProfile(id, 'Patient', [{ id: 'Patient.text', path: 'Patient.text', extension: codes.map((c) => ({ url: CONTROL, valueCode: c })) }]);

let made: Promise<Engine> | undefined;
function getEngine(): Promise<Engine> {
  if (!made) {
    const dir = mkdtempSync(join(tmpdir(), 'bars-narrative-lang-'));
    for (const p of [controlled('lang-none', '_no'), controlled('lang-some', '_yes'), controlled('lang-resource', '_resource'), controlled('lang-fr-de', 'fr', 'de')]) {
      writeFileSync(join(dir, `StructureDefinition-${p.name}.json`), JSON.stringify(p));
    }
    made = testEngine({ barsDefaults: false, igs: [dir] });
  }
  return made;
}

const plain = `<div xmlns="${XHTML}"><p>Peter Chalmers</p></div>`;
const sections = (...langs: string[]) => `<div xmlns="${XHTML}">${langs.map((l) => `<div lang="${l}" xml:lang="${l}">Peter Chalmers</div>`).join('')}</div>`;
const patient = (div: string, language?: string) => JSON.stringify({ resourceType: 'Patient', ...(language ? { language } : {}), text: { status: 'generated', div }, active: true });

async function findings(profile: string, div: string, language?: string): Promise<[string, string | undefined][]> {
  const r = await (await getEngine()).validate(patient(div, language), { profile: SD + profile });
  return r.issues.filter((i) => i.ruleId === 'narrative-language-control').map((i) => [i.severity, i.expression]);
}

describe('language sections of a narrative div', () => {
  it('are the root div\'s child divs carrying lang or xml:lang', () => {
    expect(narrativeLanguageSections(sections('en', 'de'))).toEqual({ languages: ['en', 'de'], otherContent: false });
    expect(narrativeLanguageSections(`<div xmlns="${XHTML}"><div xml:lang="fr">x</div></div>`)).toEqual({ languages: ['fr'], otherContent: false });
  });
  it('text or other elements beside them are content outside any section', () => {
    expect(narrativeLanguageSections(`<div xmlns="${XHTML}">loose <div lang="en">x</div></div>`)).toEqual({ languages: ['en'], otherContent: true });
    expect(narrativeLanguageSections(plain)).toEqual({ languages: [], otherContent: true });
  });
  it('a nested div with lang is not a section, and a broken div has no answer', () => {
    expect(narrativeLanguageSections(`<div xmlns="${XHTML}"><p><span lang="en">x</span></p></div>`)).toEqual({ languages: [], otherContent: true });
    expect(narrativeLanguageSections(`<div xmlns="${XHTML}"><p>x</div>`)).toBeUndefined();
  });
});

describe('narrative-language-control on a profile\'s Narrative element', () => {
  it('_no: language sections are an error on the narrative', async () => {
    expect(await findings('lang-none', sections('pt', 'de'))).toEqual([['error', 'Patient.text']]);
    expect(await findings('lang-none', plain)).toEqual([]);
  });
  it('_yes: a div without language sections is an error', async () => {
    expect(await findings('lang-some', plain)).toEqual([['error', 'Patient.text']]);
    expect(await findings('lang-some', sections('de'))).toEqual([]);
  });
  it('_resource: a section in Resource.language is required (case-insensitive language tags)', async () => {
    expect(await findings('lang-resource', sections('pt', 'de'), 'en')).toEqual([['error', 'Patient.text']]);
    expect(await findings('lang-resource', sections('pt', 'EN'), 'en')).toEqual([]);
  });
  it('a language code: a section in each language named is required', async () => {
    const r = await (await getEngine()).validate(patient(sections('fr')), { profile: SD + 'lang-fr-de' });
    const mine = r.issues.filter((i) => i.ruleId === 'narrative-language-control');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.message).toContain('language de');
    expect(await findings('lang-fr-de', sections('de', 'fr'))).toEqual([]);
  });
  it('without the profile nothing is said about language sections', async () => {
    const r = await (await getEngine()).validate(patient(sections('pt', 'de'), 'en'));
    expect(r.issues.filter((i) => i.ruleId === 'narrative-language-control')).toEqual([]);
  });
});
