/**
 * Turn the BaRS guide's payload pages into machine-readable necessity rules.
 *
 * Each Application's payload page holds, per resource, a `<details>` section naming the
 * resource and its profile (`{{tree:<url>, hybrid}}`) and a markdown table: Data Item |
 * Implementation Guidance | Necessity | Cardinality | Example. marked tokenises the page;
 * tables that the page indents (and marked therefore reads as code) are tokenised again.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { marked, type Token, type Tokens } from 'marked';
import type { Applicability, GuideRelease, Necessity, NecessityRule, PayloadRules, ResourceSection, UnparsedCondition, UnreadableRow } from '../../src/bars/rules/necessity.js';

const NECESSITY: Record<string, Necessity> = {
  MUST: 'MUST',
  SHOULD: 'SHOULD',
  MAY: 'MAY',
  COULD: 'MAY',
  OPTIONAL: 'MAY',
  'MUST NOT': 'MUST NOT',
  'SHOULD NOT': 'SHOULD NOT',
  REQUIRED: 'MUST',
  MANDATORY: 'MUST',
};

export interface ExtractResult {
  payloads: PayloadRules[];
  unreadable: UnreadableRow[];
}

const byVersion = (a: string, b: string): number => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
};

/**
 * The release a guide folder is: the overall guide release is the latest one the Applications
 * pages link to (each Application row names the guide release it belongs to), the Core version
 * the latest Core/<x-y-z> folder. The guide's commit comes from the corpus README beside it.
 */
export function guideRelease(guideRoot: string): GuideRelease | undefined {
  const versions = new Set<string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.md')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/nhsbookingandreferralstandard\/home\?version=(\d+\.\d+\.\d+)\b/gi)) versions.add(m[1]!);
      }
    }
  };
  walk(join(guideRoot, 'Applications'));
  const cores = readdirSync(join(guideRoot, 'Core'))
    .filter((n) => /^\d+-\d+-\d+$/.test(n))
    .map((n) => n.replace(/-/g, '.'));
  const guide = [...versions].sort(byVersion).pop();
  const core = cores.sort(byVersion).pop();
  if (!guide || !core) return undefined;
  const release: GuideRelease = { guideRelease: guide, coreRelease: core };
  try {
    const readme = readFileSync(join(dirname(guideRoot), 'README.md'), 'utf8');
    const row = readme.split('\n').find((l) => l.split('|')[1]?.trim() === `\`${basename(guideRoot)}/\``);
    const commit = row?.split('|').map((c) => c.trim()).filter(Boolean).pop();
    if (commit && /^[0-9a-f]{7,40}$/.test(commit)) release.guideCommit = commit;
  } catch {
    /* no corpus README: the commit is not known */
  }
  return release;
}

/** All payload pages of all Applications under the guide's Applications folder. */
export function extractGuide(guideRoot: string): ExtractResult {
  const appsDir = join(guideRoot, 'Applications', 'BaRS-Applications', 'Applications');
  const payloads: PayloadRules[] = [];
  const unreadable: UnreadableRow[] = [];
  for (const appDir of readdirSync(appsDir).sort()) {
    const m = /^BaRS-(APP\d+)$/.exec(appDir);
    if (!m || !statSync(join(appsDir, appDir)).isDirectory()) continue;
    const application = m[1]!;
    const appName = applicationName(join(appsDir, appDir));
    for (const file of readdirSync(join(appsDir, appDir)).sort()) {
      if (!/-Payload\.page\.md$/.test(file)) continue;
      const path = join(appsDir, appDir, file);
      const text = readFileSync(path, 'utf8');
      if (!text.includes('| Data Item')) continue;
      const page = relative(guideRoot, path).split('\\').join('/');
      const result = extractPage(text, application, appName, payloadSlug(file), page);
      payloads.push(result.payload);
      unreadable.push(...result.unreadable);
    }
  }
  return { payloads, unreadable };
}

function applicationName(dir: string): string {
  try {
    const index = readFileSync(join(dir, 'Index.page.md'), 'utf8');
    const h = /^#+\s*(.+)$/m.exec(index.replace(/\{\{page-title\}\}/g, ''));
    const title = h?.[1]?.trim();
    if (title) return stripMarkup(title);
  } catch {
    /* fall through */
  }
  return '';
}

/** `Booking-Request-Payload.page.md` → `booking-request`; `Referral-Payload` → `referral-request`. */
export function payloadSlug(file: string): string {
  const base = file.replace(/-Payload\.page\.md$/, '').toLowerCase();
  return base === 'referral' ? 'referral-request' : base;
}

function stripMarkup(s: string): string {
  return s
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\*\*|__/g, '')
    .replace(/`/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

interface Walk {
  section?: ResourceSection;
  sections: ResourceSection[];
  unreadable: UnreadableRow[];
  ids: Map<string, number>;
  idPrefix: string;
  page: string;
  text: string;
  /** offset in `text` where the next search for a table row starts (to find line numbers). */
  cursor: number;
}

export function extractPage(text: string, application: string, applicationName: string, payload: string, page: string): { payload: PayloadRules; unreadable: UnreadableRow[] } {
  const title = /^###\s+(.+)$/m.exec(text)?.[1]?.trim() ?? '';
  const w: Walk = { sections: [], unreadable: [], ids: new Map(), idPrefix: `${application}-${payload}`, page, text, cursor: 0 };
  walkTokens(marked.lexer(text), w);
  return {
    payload: {
      application,
      applicationName,
      payload,
      payloadTitle: stripMarkup(title),
      guidePage: page,
      source: { corpus: 'bars-guide', note: 'extracted by scripts/rules-extract.ts from the BaRS implementation guide; do not edit by hand' },
      resources: w.sections.filter((s) => s.rules.length > 0),
    },
    unreadable: w.unreadable,
  };
}

function walkTokens(tokens: Token[] | Tokens.Generic[], w: Walk): void {
  for (const t of tokens as Tokens.Generic[]) {
    const raw = String(t.raw ?? '');
    // a new resource section starts at its <summary>; the profile follows in a {{tree:...}} marker
    const summary = /<b class="barslink">([^<]+)<\/b>/.exec(raw);
    if (summary) {
      w.section = { title: stripMarkup(summary[1]!), profile: null, resourceType: null, rules: [] };
      w.sections.push(w.section);
    }
    const tree = /\{\{tree:\s*([^,}\s]+)/.exec(raw);
    if (tree && w.section && !w.section.profile) w.section.profile = tree[1]!.trim();
    if (t.type === 'table') readTable(t as unknown as Tokens.Table, w);
    else if (t.type === 'code' && raw.includes('| Data Item')) {
      // an indented table: marked read it as code
      walkTokens(marked.lexer(String((t as unknown as Tokens.Code).text).replace(/^[ \t]+/gm, '')), w);
    } else if ((t.type === 'html' || t.type === 'paragraph') && raw.includes('| Data Item')) {
      walkTokens(marked.lexer(raw.replace(/^[ \t]+/gm, '').replace(/<[^>]+>/g, '\n')), w);
    }
  }
}

function readTable(table: Tokens.Table, w: Walk): void {
  const headers = table.header.map((h) => stripMarkup(h.text).toLowerCase());
  const col = (re: RegExp): number => headers.findIndex((h) => re.test(h));
  const iPath = col(/data item/);
  const iGuide = col(/guidance/);
  const iNec = col(/necessity/);
  const iCard = col(/cardinality/);
  const iEx = col(/example/);
  if (iPath < 0 || iNec < 0) return;
  if (!w.section) {
    w.section = { title: '(untitled)', profile: null, resourceType: null, rules: [] };
    w.sections.push(w.section);
  }
  const section = w.section;
  for (const row of table.rows) {
    const cell = (i: number): string => (i >= 0 && row[i] ? stripMarkup(row[i]!.text) : '');
    const rawPath = cell(iPath);
    const line = lineOf(w, rawPath);
    if (!rawPath) continue;
    const necRaw = cell(iNec).toUpperCase().replace(/\s+/g, ' ').trim();
    const necessity = NECESSITY[necRaw];
    const { path, sliceHint } = normalisePath(rawPath);
    if (!path) {
      w.unreadable.push({ page: w.page, line, reason: `Data Item "${rawPath}" is not an element path`, text: rawPath });
      continue;
    }
    if (!necessity && !path.includes('.')) continue; // the resource's own heading row, not a rule
    if (!necessity) {
      w.unreadable.push({ page: w.page, line, reason: necRaw ? `necessity "${necRaw}" is not MUST/SHOULD/MAY/MUST NOT` : 'no necessity given', text: rawPath });
      continue;
    }
    const resourceType = path.split('.')[0]!;
    section.resourceType ??= resourceType;
    const guidance = cell(iGuide);
    const example = cell(iEx);
    const fixed = /FIXED\s+VALUE/i.test(guidance) ? fixedValueOf(guidance, example, path) : undefined;
    const baseId = `${w.idPrefix}/${path}${sliceHint ? `[${sliceHint}]` : ''}`;
    const n = (w.ids.get(baseId) ?? 0) + 1;
    w.ids.set(baseId, n);
    const rule: NecessityRule = {
      id: n === 1 ? baseId : `${baseId}#${n}`,
      path,
      rawPath,
      necessity,
      cardinality: cell(iCard) || null,
      fixedValue: fixed?.value ?? null,
      example: example || null,
      guidance,
      line,
    };
    if (sliceHint) rule.sliceHint = sliceHint;
    // "MUST be populated if the response is a rejection": a MUST that only holds in a situation
    // the message itself does not state; checked as advice, not as an error
    const condition = /\b(?:MUST|SHOULD)\b[^.]*?\b(?:only\s+)?(?:if|when|where|unless)\b([^.]*)/i.exec(guidance);
    if (condition && necessity === 'MUST') rule.condition = condition[0].trim();
    const applies = applicabilityOf(guidance);
    if (applies && (necessity === 'MUST' || necessity === 'SHOULD')) {
      rule.appliesWhen = applies;
      // the condition is read: the row is checked exactly when it holds, not as advice
      delete rule.condition;
    }
    // "This MUST only be populated with an id generated by the Receiver…" restricts what may
    // be sent, it does not demand presence: the MUST is about the content when present
    if (necessity === 'MUST' && /\bMUST\s+only\s+be\s+(?:populated\s+with|generated\s+by)\b/i.test(guidance)) rule.contentOnly = true;
    if (fixed && fixed.value !== null && /\.system$/.test(path) && /\/ValueSet\//.test(fixed.value)) {
      // a value set's url is never a Coding.system: the guide means "a code from this value set"
      rule.fixedValue = null;
      rule.notes = `the guide gives the value set ${fixed.value} as the fixed system; not enforced as a system value`;
    } else if (fixed && fixed.value === null) rule.notes = fixed.note;
    section.rules.push(rule);
  }
}

/**
 * The situations the guide's conditional wording names, read into data: the row applies only
 * when the message or a resource is in that situation. Other conditions stay as text.
 */
const APPLICABILITY: { pattern: RegExp; read: (m: RegExpExecArray) => Omit<Applicability, 'text'> }[] = [
  // "This will ONLY be populated in a cancellation message with the reason for cancellation"
  { pattern: /\bONLY\s+be\s+populated\s+in\s+a\s+cancellation\b[^.]*/i, read: () => ({ message: 'cancellation' }) },
  // "This SHOULD be populated ONLY when the Encounter has ended" (an ended Encounter is 'finished')
  { pattern: /\bONLY\s+when\s+the\s+([A-Z][A-Za-z]+)\s+has\s+ended\b[^.]*/i, read: (m) => ({ resourceType: m[1]!, status: ['finished'] }) },
];

export function applicabilityOf(guidance: string): Applicability | undefined {
  for (const a of APPLICABILITY) {
    const m = a.pattern.exec(guidance);
    if (m) return { ...a.read(m), text: m[0].trim() };
  }
  return undefined;
}

/** The conditional rows of the extracted payloads: how many were read, and which were not. */
export function conditionsOf(payloads: PayloadRules[]): { parsed: number; unparsed: UnparsedCondition[] } {
  let parsed = 0;
  const unparsed: UnparsedCondition[] = [];
  for (const p of payloads) {
    for (const s of p.resources) {
      for (const r of s.rules) {
        if (r.appliesWhen) parsed++;
        else if (r.condition) unparsed.push({ rule: r.id, page: p.guidePage, line: r.line, text: r.condition });
        // "ONLY" wording on a SHOULD or MAY row that names no situation the extractor reads
        else if (r.necessity !== 'MUST' && /\bONLY\s+(?:be\s+populated\s+)?(?:in|when|if)\b/i.test(r.guidance ?? '')) {
          unparsed.push({ rule: r.id, page: p.guidePage, line: r.line, text: r.guidance! });
        }
      }
    }
  }
  return { parsed, unparsed };
}

/** Paths as written (`Bundle.entry(s)`, `Patient.identifier (NHS Number)`) → a dotted path and a slice hint. */
export function normalisePath(raw: string): { path: string | null; sliceHint?: string } {
  let s = raw.replace(/\(s\)/gi, '').trim();
  let sliceHint: string | undefined;
  const paren = /\s*\(([^)]*)\)\s*$/.exec(s);
  if (paren) {
    sliceHint = paren[1]!.trim() || undefined;
    s = s.slice(0, paren.index).trim();
  }
  s = s.replace(/\s*\.\s*/g, '.').replace(/[.,;:]+$/, '');
  const colon = /:([A-Za-z0-9_-]+)/.exec(s);
  if (colon) {
    sliceHint ??= colon[1];
    s = s.replace(/:[A-Za-z0-9_-]+/g, '');
  }
  if (!/^[A-Z][A-Za-z]+(\.[A-Za-z][A-Za-z0-9]*(\[x\])?)*$/.test(s)) return { path: null };
  return { path: s, sliceHint };
}

/**
 * The value a FIXED VALUE row requires. The guidance usually quotes it, but often quotes the
 * code system too ("Code 'EMER'. See CodeSystem: 'http://…'"): prefer the quoted value that
 * is also the Example, then a URL for `.system`/`.url` rows and a non-URL otherwise.
 */
function fixedValueOf(guidance: string, example: string, path: string): { value: string | null; note?: string } {
  const before = guidance.split(/FIXED\s+VALUE/i)[0] ?? guidance;
  const quoted = [...before.matchAll(/['‘’"“”]([^'‘’"“”]{1,200})['‘’"“”]/g)].map((m) => m[1]!.trim()).filter(Boolean);
  const ex = example.trim();
  if (ex && quoted.includes(ex)) return { value: ex };
  const isUrl = (v: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(v);
  const wantsUrl = /\.(system|url|profile)$/.test(path);
  const preferred = quoted.filter((q) => isUrl(q) === wantsUrl);
  if (preferred.length) return { value: preferred[preferred.length - 1]! };
  if (ex && !/\s/.test(ex) && isUrl(ex) === wantsUrl) return { value: ex };
  if (quoted.length === 1 && !isUrl(quoted[0]!)) return { value: quoted[0]! };
  if (ex && !/\s/.test(ex)) return { value: ex };
  return { value: null, note: 'marked FIXED VALUE but the guide does not state the value in a form the extractor can read' };
}

function lineOf(w: Walk, rawPath: string): number {
  const probe = rawPath.slice(0, 40);
  let idx = w.text.indexOf(probe, w.cursor);
  if (idx < 0) idx = w.text.indexOf(probe);
  if (idx < 0) return 0;
  w.cursor = idx + probe.length;
  let line = 1;
  for (let i = 0; i < idx; i++) if (w.text.charCodeAt(i) === 10) line++;
  return line;
}
