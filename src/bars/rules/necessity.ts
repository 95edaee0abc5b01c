/**
 * The BaRS necessity rules (rules/necessity/*.json): what each Application payload MUST,
 * SHOULD or MAY carry, per element, as the guide's tables say. Loaded once.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// ajv is loaded on first use, off the CLI's start-up path (the Action bundle turns
// this require into a bundled one: scripts/build-action.ts)
const require = createRequire(import.meta.url);

export type Necessity = 'MUST' | 'SHOULD' | 'MAY' | 'MUST NOT' | 'SHOULD NOT';

export interface NecessityRule {
  /** Stable id: `<Application>-<payload>/<path>[#n]`. */
  id: string;
  /** Dotted element path from the resource type, e.g. `ServiceRequest.category.coding.code`. */
  path: string;
  /** The Data Item cell as written in the guide. */
  rawPath: string;
  /** A slice named in the Data Item (e.g. `nhsNumber`), when the guide gives one. */
  sliceHint?: string;
  necessity: Necessity;
  cardinality: string | null;
  /** Value the guide marks FIXED VALUE (null when none, or when the guide does not state it: see notes). */
  fixedValue: string | null;
  example?: string | null;
  guidance?: string;
  /** Line of the table row in the guide page. */
  line: number;
  notes?: string;
  /** For a MUST that applies only in some situation: the guide's wording of it. */
  condition?: string;
  /** The MUST restricts the content when present ("MUST only be populated with …"), not presence. */
  contentOnly?: boolean;
  /** The situation the row applies in, read from a condition its guidance states (see Applicability). */
  appliesWhen?: Applicability;
  /** Set by rules/necessity/errata.json: why the toolkit departs from the guide's table for this rule. */
  erratum?: string;
}

/**
 * When a conditional row applies, as the guide states it: "This will ONLY be populated in a
 * cancellation message" (`message: 'cancellation'`), "SHOULD be populated ONLY when the
 * Encounter has ended" (`resourceType: 'Encounter', status: ['finished']`). `text` is the
 * guide's wording.
 */
export interface Applicability {
  message?: 'cancellation';
  resourceType?: string;
  status?: string[];
  text: string;
}

/** A conditional row whose condition the extractor could not read into an Applicability. */
export interface UnparsedCondition {
  rule: string;
  page: string;
  line: number;
  text: string;
}

/** A correction to the guide's tables, kept in rules/necessity/errata.json with its reason. */
export interface Erratum {
  /** Rules this applies to: same path (and, when given, Application, payload, fixed value). */
  match: { path: string; application?: string; payload?: string; fixedValue?: string };
  action: 'drop-fixed-value' | 'downgrade-to-should' | 'downgrade-to-may';
  reason: string;
}

export interface ResourceSection {
  title: string;
  profile: string | null;
  resourceType: string | null;
  rules: NecessityRule[];
}

export interface PayloadRules {
  application: string;
  applicationName?: string;
  payload: string;
  payloadTitle?: string;
  guidePage: string;
  source?: Record<string, unknown>;
  resources: ResourceSection[];
}

export interface UnreadableRow {
  page: string;
  line: number;
  reason: string;
  text: string;
}

/** Which release of the BaRS guide a rule set was extracted from (or written against). */
export interface GuideRelease {
  /** The overall guide release, e.g. 1.12.0. */
  guideRelease: string;
  /** The BaRS Core version within it, e.g. 1.5.0. */
  coreRelease: string;
  /** The commit of the guide source, when known. */
  guideCommit?: string;
}

export interface RulesIndex {
  release?: GuideRelease;
  files: { file: string; application: string; payload: string; rules: number }[];
  countsByApplication: Record<string, number>;
  unreadable: UnreadableRow[];
  /** Conditional rows: how many conditions were read into rule data, and the ones that were not. */
  conditions?: { parsed: number; unparsed: UnparsedCondition[] };
}

/** The repository's rules/ folder (works from src/ and from dist/). */
export function rulesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'rules', 'schema', 'necessity-rules.schema.json'))) return join(dir, 'rules');
    dir = dirname(dir);
  }
  throw new Error('bars-toolkit: the rules/ folder was not found next to the package (it ships with the toolkit)');
}

let cache: PayloadRules[] | undefined;

/** The guide release each of the toolkit's BaRS rule sets records (rules/**), for reports. */
export function rulesetReleases(dir = rulesDir()): { name: string; file: string; guideRelease?: string; coreRelease?: string; guideCommit?: string }[] {
  const sets = [
    { name: 'BaRS necessity rules (Application payload tables)', file: 'rules/necessity/index.json' },
    { name: 'BaRS Core rules (BARS-CORE-nn)', file: 'rules/core/core-rules.json' },
    { name: 'TKW assurance checks map', file: 'rules/tkw/tkw-checks.json' },
  ];
  return sets.map((s) => {
    let release: Partial<GuideRelease> | undefined;
    try {
      release = (JSON.parse(readFileSync(join(dir, s.file.slice('rules/'.length)), 'utf8')) as { release?: GuideRelease }).release;
    } catch {
      release = undefined;
    }
    return { ...s, ...(release ?? {}) };
  });
}

/**
 * The necessity rules in `dir`. The toolkit's own rules are checked against the schema when
 * they are extracted and by the tests (checkNecessityRulesFiles), so they are read as they
 * are: compiling a JSON Schema validator on every CLI run costs start-up time for nothing.
 * Rules from any other folder are checked on load.
 */
export function loadNecessityRules(dir = join(rulesDir(), 'necessity')): PayloadRules[] {
  const shipped = dir === join(rulesDir(), 'necessity');
  if (cache && shipped) return cache;
  const out = shipped ? readNecessityFiles(dir).map((f) => f.data as PayloadRules) : checkNecessityRulesFiles(dir);
  applyErrata(out, join(dir, 'errata.json'));
  if (shipped) cache = out;
  return out;
}

const payloadCache = new Map<string, PayloadRules | undefined>();

/**
 * The shipped necessity table of one Application payload, or undefined when the guide has none.
 * A message needs one table: reading that file (found through index.json) rather than all of
 * them keeps ~2 MB of JSON off a one-message run. Same content as loadNecessityRules() gives.
 */
export function necessityRulesFor(application: string, payload: string): PayloadRules | undefined {
  if (cache) return cache.find((p) => p.application === application && p.payload === payload);
  const key = `${application}\0${payload}`;
  if (payloadCache.has(key)) return payloadCache.get(key);
  const dir = join(rulesDir(), 'necessity');
  let table: PayloadRules | undefined;
  let file: string | undefined;
  try {
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as RulesIndex;
    file = index.files.find((f) => f.application === application && f.payload === payload)?.file;
  } catch {
    file = undefined;
  }
  if (file) {
    const data = JSON.parse(readFileSync(join(dir, file), 'utf8')) as PayloadRules;
    // the index is generated with the files; a file that says otherwise falls back to reading them all
    if (data.application === application && data.payload === payload) {
      applyErrata([data], join(dir, 'errata.json'));
      table = data;
    }
  }
  // not in the index: read every file, so a table the index misses is still found
  table ??= loadNecessityRules().find((p) => p.application === application && p.payload === payload);
  payloadCache.set(key, table);
  return table;
}

function readNecessityFiles(dir: string): { file: string; data: unknown }[] {
  return readdirSync(dir)
    .sort()
    .filter((f) => f.endsWith('.json') && f !== 'index.json' && f !== 'errata.json')
    .map((f) => ({ file: join(dir, f), data: JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown }));
}

/** Read every rules file in `dir`, each checked against rules/schema/necessity-rules.schema.json (errata not applied). */
export function checkNecessityRulesFiles(dir = join(rulesDir(), 'necessity')): PayloadRules[] {
  const schema = JSON.parse(readFileSync(join(dirname(dir), 'schema', 'necessity-rules.schema.json'), 'utf8')) as object;
  const { Ajv } = require('ajv') as typeof import('ajv');
  const validate = new Ajv({ allErrors: true }).compile(schema);
  return readNecessityFiles(dir).map(({ file, data }) => {
    if (!validate(data)) {
      const e = validate.errors![0]!;
      throw new Error(`Necessity rules file ${file} does not match the schema at ${e.instancePath || '/'}: ${e.message}`);
    }
    return data as PayloadRules;
  });
}

/** Apply the documented corrections (rules/necessity/errata.json) to the extracted rules. */
export function applyErrata(payloads: PayloadRules[], file: string): void {
  if (!existsSync(file)) return;
  const errata = (JSON.parse(readFileSync(file, 'utf8')) as { errata: Erratum[] }).errata;
  for (const p of payloads) {
    for (const section of p.resources) {
      for (const rule of section.rules) {
        for (const e of errata) {
          const m = e.match;
          if (m.path !== rule.path) continue;
          if (m.application && m.application !== p.application) continue;
          if (m.payload && m.payload !== p.payload) continue;
          if (m.fixedValue && m.fixedValue !== rule.fixedValue) continue;
          if (e.action === 'drop-fixed-value') rule.fixedValue = null;
          else if (e.action === 'downgrade-to-should' && rule.necessity === 'MUST') rule.necessity = 'SHOULD';
          else if (e.action === 'downgrade-to-may') rule.necessity = 'MAY';
          rule.erratum = e.reason;
        }
      }
    }
  }
}
