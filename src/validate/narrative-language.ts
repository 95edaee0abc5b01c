/**
 * Profile-driven control of a narrative's language sections. A profile puts the extension
 * http://hl7.org/fhir/StructureDefinition/narrative-language-control on a Narrative element
 * (FHIR extensions pack, "Controlling the presence of Language Sections"); its values, one or
 * more times:
 *   _no        the div contains no language sections
 *   _yes       the div contains one or more language sections (any languages)
 *   _resource  the div contains a section in the resource's language (Resource.language)
 *   a code     the div contains a section in that language
 * A language section is a child div of the root div carrying lang / xml:lang.
 */
import type { ElementPlan } from '../compile/plan.js';
import type { Applied } from './combination.js';
import type { CheckContext, RunState } from './context.js';
import type { Loc } from './walk-path.js';
import { narrativeLanguageSections, type LanguageSections } from './xhtml.js';

export const NARRATIVE_LANGUAGE_CONTROL = 'http://hl7.org/fhir/StructureDefinition/narrative-language-control';

const controlsOf = new WeakMap<ElementPlan, string[]>();

/** The language-control values an element definition carries (valueCode, or valueString as some tools write it). */
export function languageControls(el: ElementPlan): string[] {
  let out = controlsOf.get(el);
  if (!out) controlsOf.set(el, (out = readControls(el)));
  return out;
}

function readControls(el: ElementPlan): string[] {
  const out: string[] = [];
  for (const e of el.def.extension ?? []) {
    if (e.url !== NARRATIVE_LANGUAGE_CONTROL) continue;
    const v = (e as { valueCode?: unknown; valueString?: unknown }).valueCode ?? (e as { valueString?: unknown }).valueString;
    if (typeof v === 'string' && v.trim() !== '') out.push(v.trim());
  }
  return out;
}

/** Check a Narrative value against the language controls of every definition applied to it. */
export function checkNarrativeLanguage(ctx: CheckContext, st: RunState, narrative: Record<string, unknown>, applied: readonly Applied[], loc: Loc): void {
  let sections: LanguageSections | undefined | null = null;
  for (const a of applied) {
    const controls = languageControls(a.el);
    if (controls.length === 0) continue;
    const div = narrative.div;
    // Narrative.div is required: its absence is reported as such
    if (typeof div !== 'string') return;
    if (sections === null) sections = narrativeLanguageSections(div);
    // a div that does not parse is reported by the narrative checks
    if (sections === undefined) return;
    const profile = a.el.owner.url;
    const found = sections.languages;
    const listed = [...new Set(found)].sort().join(', ');
    const has = (lang: string): boolean => found.some((f) => f.toLowerCase() === lang.toLowerCase());
    for (const control of controls) {
      let problem: string | undefined;
      if (control === '_no') {
        if (found.length > 0) problem = `the narrative has language sections (${listed}), but the profile ${profile} prohibits language sections here (narrative-language-control _no): put the text directly in the div, without divs carrying lang/xml:lang`;
      } else if (control === '_yes') {
        if (found.length === 0) problem = `the narrative has no language sections, but the profile ${profile} requires them here (narrative-language-control _yes): put the text in child divs of the root div, each with lang and xml:lang`;
      } else if (control === '_resource') {
        const language = st.frame?.resource.language;
        if (typeof language === 'string' && language !== '' && !has(language)) {
          problem = `the profile ${profile} requires a narrative section in the resource's language (${language}) (narrative-language-control _resource), but none was found${found.length ? ` (found ${listed})` : ''}: add a child div of the root div with lang="${language}" xml:lang="${language}"`;
        }
      } else if (!has(control)) {
        problem = `the profile ${profile} requires a narrative section in the language ${control} (narrative-language-control), but none was found${found.length ? ` (found ${listed})` : ''}: add a child div of the root div with lang="${control}" xml:lang="${control}"`;
      }
      if (problem) ctx.report(st, loc, 'error', 'business-rule', 'narrative-language-control', problem, { el: a.el });
    }
  }
}
