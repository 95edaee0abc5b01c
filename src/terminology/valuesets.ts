/**
 * ValueSet membership without expanding: each compose include/exclude becomes a test on
 * (system, code) against the local code systems. Concept lists become Set lookups, so a
 * bound element costs a Map hit once its value set is compiled.
 */
import { compileRegex, UnsupportedRegex } from '../model/regex.js';
import type { DefinitionSet } from '../load/definitions.js';
import { checkGrammarSystem, findConcept, isA, NOT_OFFLINE, type CodeSystemIndex, type CodeSystems } from './codesystems.js';

export type Membership = { result: 'valid' | 'invalid' | 'unknown'; system?: string; message?: string };

type Test = (system: string | undefined, code: string) => Membership;

export interface ExpansionEntry {
  system: string;
  code: string;
  display?: string;
}

export interface CompiledValueSet {
  url: string;
  version?: string;
  name: string;
  test: Test;
  /** Systems the value set draws from (to say which system a bare code could belong to). */
  systems: Set<string>;
}

const VALID = (system?: string): Membership => ({ result: 'valid', system });
const INVALID: Membership = { result: 'invalid' };

export class ValueSetCompiler {
  private readonly cache = new Map<string, CompiledValueSet | null>();
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly defs: DefinitionSet,
    private readonly codeSystems: CodeSystems,
  ) {}

  get(canonical: string): CompiledValueSet | undefined {
    const hit = this.cache.get(canonical);
    if (hit !== undefined) return hit ?? undefined;
    if (this.inProgress.has(canonical)) return undefined;
    this.inProgress.add(canonical);
    try {
      const compiled = this.compile(canonical);
      this.cache.set(canonical, compiled ?? null);
      return compiled;
    } finally {
      this.inProgress.delete(canonical);
    }
  }

  private compile(canonical: string): CompiledValueSet | undefined {
    const url = canonical.split('|')[0]!;
    // implicit value sets: "all of SNOMED CT", "all of this code system"
    if (/^http:\/\/snomed\.info\/sct\?fhir_vs/.test(url) || url === 'http://loinc.org/vs') {
      const sys = url.startsWith('http://snomed') ? 'http://snomed.info/sct' : 'http://loinc.org';
      return { url, name: url, systems: new Set([sys]), test: (s, code) => this.systemTest(sys, code, s) };
    }
    const entry = this.defs.resolve(canonical, 'ValueSet');
    if (!entry) {
      const cs = this.codeSystems.systemForValueSet(url);
      if (cs) return { url, name: url, systems: new Set([cs]), test: (s, code) => this.systemTest(cs, code, s) };
      return undefined;
    }
    const vs = this.defs.read<Record<string, any>>(entry);
    const name = vs.title ?? vs.name ?? url;
    const systems = new Set<string>();
    const compose = vs.compose;
    if (!compose || !Array.isArray(compose.include)) {
      const contains = flattenContains(vs.expansion?.contains);
      if (contains.length === 0) return { url, version: vs.version, name, systems, test: () => ({ result: 'unknown', message: `value set ${url} has neither a compose nor an expansion` }) };
      const set = new Set(contains.map((c) => `${c.system}|${c.code}`));
      for (const c of contains) systems.add(c.system);
      // a stored expansion that is only a page of the whole (total beyond what it lists, or an
      // offset) is not the closed list of codes: a code it lacks may be on another page
      const absent: Membership = isPartialExpansion(vs.expansion, contains.length)
        ? { result: 'unknown', message: `the stored expansion of ${url} is only part of the value set (${String(vs.expansion.total ?? '?')} codes, ${contains.length} listed)` }
        : INVALID;
      return {
        url,
        version: vs.version,
        name,
        systems,
        test: (s, code) => {
          if (s !== undefined) return set.has(`${s}|${code}`) ? VALID(s) : absent;
          for (const sys of systems) if (set.has(`${sys}|${code}`)) return VALID(sys);
          return absent;
        },
      };
    }
    const includes = (compose.include as any[]).map((inc) => this.compileInclude(inc, systems));
    const excludes = ((compose.exclude ?? []) as any[]).map((inc) => this.compileInclude(inc, new Set()));
    const test: Test = (s, code) => {
      let unknown: Membership | undefined;
      let hit: Membership | undefined;
      // an include that says why the code is not in it (a grammar: "not a well-formed MIME type")
      let explained: Membership | undefined;
      for (const t of includes) {
        const r = t(s, code);
        if (r.result === 'valid') {
          hit = r;
          break;
        }
        if (r.result === 'unknown' && !unknown) unknown = r;
        else if (r.result === 'invalid' && r.message && !explained) explained = r;
      }
      if (!hit) return unknown ?? explained ?? INVALID;
      for (const t of excludes) {
        const r = t(hit.system ?? s, code);
        if (r.result === 'valid') return INVALID;
      }
      return hit;
    };
    return { url, version: vs.version, name, systems, test };
  }

  private compileInclude(inc: any, systems: Set<string>): Test {
    const system: string | undefined = typeof inc.system === 'string' ? inc.system : undefined;
    const version: string | undefined = typeof inc.version === 'string' ? inc.version : undefined;
    const imports: string[] = Array.isArray(inc.valueSet) ? inc.valueSet.filter((x: unknown) => typeof x === 'string') : [];
    if (system) systems.add(system);
    const importTests: Test[] = imports.map((u) => {
      const c = this.get(u);
      if (c) for (const s of c.systems) systems.add(s);
      return c ? c.test : () => ({ result: 'unknown' as const, message: `imported value set ${u} was not found` });
    });
    let systemTest: Test | undefined;
    if (system) {
      const concepts: any[] = Array.isArray(inc.concept) ? inc.concept : [];
      const filters: any[] = Array.isArray(inc.filter) ? inc.filter : [];
      if (concepts.length) {
        const codes = new Set<string>(concepts.map((c) => c.code).filter((c: unknown) => typeof c === 'string'));
        systemTest = (s, code) => {
          if (s !== undefined && s !== system) return INVALID;
          if (codes.has(code)) return VALID(system);
          const cs = this.codeSystems.get(system, version);
          if (cs && !cs.caseSensitive) {
            for (const c of codes) if (c.toLowerCase() === code.toLowerCase()) return VALID(system);
          }
          return INVALID;
        };
      } else if (filters.length) {
        systemTest = (s, code) => {
          if (s !== undefined && s !== system) return INVALID;
          const cs = this.codeSystems.get(system, version);
          if (!cs) return this.unavailable(system, code);
          const concept = findConcept(cs, code);
          if (!concept) return cs.content === 'complete' ? INVALID : this.notInLocalCopy(cs, code);
          // a partial copy lacks hierarchy and properties: only a complete one can say "no"
          for (const f of filters) {
            const passes = applyFilter(cs, concept.code, f);
            if (typeof passes === 'object') return { result: 'unknown', message: `The code '${code}' could not be checked: ${passes.undecided}` };
            if (!passes) return cs.content === 'complete' ? INVALID : this.notInLocalCopy(cs, code);
          }
          return VALID(system);
        };
      } else {
        systemTest = (s, code) => {
          if (s !== undefined && s !== system) return INVALID;
          return this.systemTest(system, code, s, version);
        };
      }
    }
    return (s, code) => {
      for (const t of importTests) {
        const r = t(s, code);
        if (r.result !== 'valid') return r;
      }
      if (systemTest) return systemTest(s, code);
      return importTests.length ? VALID(s) : INVALID;
    };
  }

  /**
   * Every code a value set could contain, from its includes (explicit concepts, whole loaded
   * code systems, imported value sets) or its stored expansion; the membership test then
   * decides (filters, excludes). undefined when that cannot be known offline: a system that is
   * not loaded or not complete (SNOMED CT, a fragment), a grammar-based one (UCUM), a cycle.
   */
  candidates(canonical: string, seen = new Set<string>()): Map<string, ExpansionEntry> | undefined {
    const url = canonical.split('|')[0]!;
    if (seen.has(url)) return undefined;
    seen.add(url);
    const out = new Map<string, ExpansionEntry>();
    const entry = this.defs.resolve(canonical, 'ValueSet');
    if (!entry) {
      const system = this.codeSystems.systemForValueSet(url);
      return system ? this.wholeSystem(system, undefined, out) : undefined;
    }
    const vs = this.defs.read<Record<string, any>>(entry);
    const includes = vs.compose?.include;
    if (!Array.isArray(includes)) {
      const contains = flattenContainsWithDisplay(vs.expansion?.contains);
      if (contains.length === 0 || isPartialExpansion(vs.expansion, contains.length)) return undefined;
      for (const c of contains) out.set(`${c.system}|${c.code}`, c);
      return out;
    }
    for (const inc of includes as any[]) {
      for (const imported of Array.isArray(inc.valueSet) ? inc.valueSet : []) {
        const more = typeof imported === 'string' ? this.candidates(imported, seen) : undefined;
        if (!more) return undefined;
        for (const [k, c] of more) out.set(k, c);
      }
      if (typeof inc.system !== 'string') continue;
      const version = typeof inc.version === 'string' ? inc.version : undefined;
      if (Array.isArray(inc.concept) && inc.concept.length) {
        const cs = this.codeSystems.get(inc.system, version);
        for (const c of inc.concept) {
          if (typeof c?.code !== 'string') continue;
          const display = typeof c.display === 'string' ? c.display : cs ? findConcept(cs, c.code)?.display : undefined;
          out.set(`${inc.system}|${c.code}`, { system: inc.system, code: c.code, ...(display !== undefined ? { display } : {}) });
        }
      } else if (!this.wholeSystem(inc.system, version, out)) return undefined;
    }
    return out;
  }

  private wholeSystem(system: string, version: string | undefined, out: Map<string, ExpansionEntry>): Map<string, ExpansionEntry> | undefined {
    const cs = this.codeSystems.get(system, version);
    if (!cs || cs.content !== 'complete') return undefined;
    for (const c of cs.concepts.values()) out.set(`${system}|${c.code}`, { system, code: c.code, ...(c.display !== undefined ? { display: c.display } : {}) });
    return out;
  }

  /** Whole code system membership. */
  systemTest(system: string, code: string, given?: string, version?: string): Membership {
    if (given !== undefined && given !== system) return INVALID;
    const grammar = checkGrammarSystem(system, code);
    if (grammar) return grammar.valid ? VALID(system) : { result: 'invalid', message: grammar.message };
    const cs = this.codeSystems.get(system, version);
    if (!cs) return this.unavailable(system, code);
    const c = findConcept(cs, code);
    if (c) return VALID(system);
    return cs.content === 'complete' ? INVALID : this.notInLocalCopy(cs, code);
  }

  /** R4 core carries stubs of SNOMED CT, LOINC…: for those, say "not validated offline" as when there is no copy. */
  private notInLocalCopy(cs: CodeSystemIndex, code: string): Membership {
    return NOT_OFFLINE[cs.url] ? this.unavailable(cs.url, code) : { result: 'unknown', message: incompleteMessage(cs, code) };
  }

  private unavailable(system: string, code: string): Membership {
    const name = NOT_OFFLINE[system];
    return {
      result: 'unknown',
      message: name
        ? `The ${name} code '${code}' is not validated offline (no terminology server); pass --tx <url> to check it`
        : `The code system ${system} is not loaded, so the code '${code}' could not be checked`,
    };
  }
}

function incompleteMessage(cs: CodeSystemIndex, code: string): string {
  return `The code '${code}' is not in the local copy of ${cs.url}, which is only a ${cs.content === 'not-present' ? 'stub (content not present)' : cs.content}: it could not be checked offline`;
}

/** ValueSet.expansion.total counts the whole expansion; offset says this is a later page (valueset.html#expansion). */
export function isPartialExpansion(expansion: any, listed: number): boolean {
  if (!expansion || typeof expansion !== 'object') return false;
  return (typeof expansion.total === 'number' && expansion.total > listed) || (typeof expansion.offset === 'number' && expansion.offset > 0);
}

function flattenContains(list: any[] | undefined, out: { system: string; code: string }[] = []): { system: string; code: string }[] {
  for (const c of list ?? []) {
    if (typeof c?.system === 'string' && typeof c?.code === 'string') out.push({ system: c.system, code: c.code });
    flattenContains(c?.contains, out);
  }
  return out;
}

function flattenContainsWithDisplay(list: any[] | undefined, out: ExpansionEntry[] = []): ExpansionEntry[] {
  for (const c of list ?? []) {
    if (typeof c?.system === 'string' && typeof c?.code === 'string') out.push({ system: c.system, code: c.code, ...(typeof c.display === 'string' ? { display: c.display } : {}) });
    flattenContainsWithDisplay(c?.contains, out);
  }
  return out;
}

/** Whether the concept passes the filter; `undecided` when the filter itself cannot be applied. */
function applyFilter(cs: CodeSystemIndex, code: string, f: any): boolean | { undecided: string } {
  const op = String(f.op);
  const prop = String(f.property);
  const value = String(f.value ?? '');
  const concept = cs.concepts.get(code)!;
  const isConceptProp = prop === 'concept' || prop === 'code';
  switch (op) {
    case 'is-a':
      return isA(cs, code, value);
    case 'descendent-of':
      return isA(cs, code, value, true);
    case 'is-not-a':
      return !isA(cs, code, value);
    case 'generalizes':
      return isA(cs, value, code);
    case '=':
      if (isConceptProp) return code === value;
      return (concept.properties.get(prop) ?? []).some((v) => String(v) === value);
    case 'in': {
      const vals = value.split(',').map((x) => x.trim());
      if (isConceptProp) return vals.includes(code);
      return (concept.properties.get(prop) ?? []).some((v) => vals.includes(String(v)));
    }
    case 'not-in': {
      const vals = value.split(',').map((x) => x.trim());
      if (isConceptProp) return !vals.includes(code);
      return !(concept.properties.get(prop) ?? []).some((v) => vals.includes(String(v)));
    }
    case 'regex': {
      const re = compileRegex(value);
      if (re instanceof UnsupportedRegex) return { undecided: `the value set's regex filter on ${prop} cannot be applied (${re.message})` };
      if (isConceptProp) return re.matchesWhole(code);
      return (concept.properties.get(prop) ?? []).some((v) => re.matchesWhole(String(v)));
    }
    case 'exists': {
      const has = isConceptProp ? true : concept.properties.has(prop);
      return value === 'false' ? !has : has;
    }
    case 'child-of':
      return concept.parents.has(value);
    default:
      return false;
  }
}
