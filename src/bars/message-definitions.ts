/**
 * MessageDefinition-driven content negotiation: a BaRS message must be what the receiver's
 * MessageDefinition asks for (event, focus resources and their profiles and counts, use
 * cases, version); anything else in the Bundle is content the receiver did not ask for.
 */
import { readFileSync } from 'node:fs';
import { compareVersions, splitCanonical, type DefinitionSet } from '../load/definitions.js';
import { parseJson } from '../parse/json.js';
import { parseFhirXml } from '../parse/xml.js';
import type { PlanCompiler } from '../compile/compiler.js';
import { arr, rec, resolveEntry, str, USE_CASE_SYSTEM, type BarsMessage, type IssueSink, type Json } from './message.js';

export const CONTENT_NEGOTIATION_PAGE = 'Analysis/Content-Negotiation/Mechanism.page.md';
const HEADERS_PAGE = 'Core/1-5-0/Standard-Pattern-Composite-Messages/Message-Headers.page.md';

export interface LoadedMessageDefinition {
  resource: Json;
  origin: string;
  /** Given by the user as the receiver's own definition (--message-definition), not a published package's. */
  receiver?: boolean;
}

/** Receiver definitions given on the command line, read as JSON or FHIR XML. */
export function readMessageDefinitionFiles(files: string[], compiler: PlanCompiler): LoadedMessageDefinition[] {
  const out: LoadedMessageDefinition[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new Error(`--message-definition ${f}: cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give the path of the receiver's MessageDefinition (JSON or XML)`);
    }
    const parsed = /^\s*</.test(text) ? parseFhirXml(text, compiler) : parseJson(text);
    const fatal = parsed.issues.find((i) => i.severity === 'fatal');
    if (fatal) throw new Error(`--message-definition ${f}: ${fatal.message} (line ${fatal.line})`);
    const r = rec(parsed.value);
    if (r?.resourceType !== 'MessageDefinition') throw new Error(`--message-definition ${f}: not a MessageDefinition (found ${String(r?.resourceType)})`);
    out.push({ resource: r, origin: f, receiver: true });
  }
  return out;
}

/**
 * The definition a message claims: the receiver's own first, then the loaded packages (and the
 * toolkit's). When the claim names a version that is not loaded but another version of the
 * same definition is, that one is used and `substitutedFor` says which version was asked for.
 */
export function findMessageDefinition(canonical: string, receiver: LoadedMessageDefinition[], defs: DefinitionSet): { md?: LoadedMessageDefinition; substitutedFor?: string } {
  const { url, version } = splitCanonical(canonical);
  const candidates = receiver.filter((m) => m.resource.url === url);
  const latest = (list: LoadedMessageDefinition[]): LoadedMessageDefinition | undefined =>
    [...list].sort((a, b) => compareVersions(String(b.resource.version ?? '0'), String(a.resource.version ?? '0')))[0];
  const fromReceiver = version ? candidates.find((m) => m.resource.version === version) : latest(candidates);
  if (fromReceiver) return { md: fromReceiver };
  const entry = defs.resolve(canonical, 'MessageDefinition');
  if (entry) return { md: { resource: defs.read<Json>(entry), origin: `${entry.source.info.name}#${entry.source.info.version}` } };
  if (!version) return {};
  const other = latest(candidates);
  if (other) return { md: other, substitutedFor: version };
  const loaded = defs.resolve(url, 'MessageDefinition');
  if (loaded) return { md: { resource: defs.read<Json>(loaded), origin: `${loaded.source.info.name}#${loaded.source.info.version}` }, substitutedFor: version };
  return {};
}

export function useCasesOf(md: Json): string[] {
  const out: string[] = [];
  for (const uc of arr(md.useContext)) {
    for (const c of arr(rec(rec(uc)?.valueCodeableConcept)?.coding)) {
      const coding = rec(c);
      if (coding?.system === USE_CASE_SYSTEM && typeof coding.code === 'string') out.push(coding.code);
    }
  }
  return out;
}

export interface FocusCheckHooks {
  /** Validate an entry's resource against a profile; returns false when the profile is not loaded. */
  validateAgainst(entryIndex: number, profile: string): boolean;
}

/** All content-negotiation checks of one message against its MessageDefinition. */
export function checkAgainstDefinition(msg: BarsMessage, md: LoadedMessageDefinition, sink: IssueSink, hooks: FocusCheckHooks): void {
  const d = md.resource;
  const label = `MessageDefinition ${String(d.url)}${d.version ? '|' + String(d.version) : ''} (${md.origin})`;
  const headerPath = msg.header ? ['entry', msg.header.index, 'resource'] : ['entry', 0];

  // the event must be the definition's
  const mdEvent = rec(d.eventCoding);
  if (mdEvent && msg.eventCode && (mdEvent.code !== msg.eventCode || (mdEvent.system && msg.eventSystem && mdEvent.system !== msg.eventSystem))) {
    sink.add(
      [...headerPath, 'eventCoding'],
      'error',
      'business-rule',
      'bars-md-event',
      `MessageHeader.eventCoding is ${msg.eventSystem ?? ''}#${msg.eventCode}, but ${label} defines event ${String(mdEvent.system ?? '')}#${String(mdEvent.code)}: the message must be the event its definition describes`,
      { guidePage: HEADERS_PAGE },
    );
  }

  // the use case must be one the receiver supports
  const supported = useCasesOf(d);
  if (supported.length) {
    for (const uc of msg.useCases) {
      if (!supported.includes(uc.code)) {
        // a receiver's own definition is binding; the published generic one only indicates
        // (BaRS's own referral definition lists APP6 use cases alone, yet APP1/3/5/8 use it)
        sink.add(
          uc.path,
          md.receiver ? 'error' : 'warning',
          'business-rule',
          'bars-md-use-case',
          md.receiver
            ? `Use case '${uc.code}' is not one the receiver supports: ${label} lists ${supported.join(', ')}`
            : `Use case '${uc.code}' is not listed by the published ${label} (it lists ${supported.join(', ')}); the receiver's own MessageDefinition decides: check it with --message-definition <file>`,
          { guidePage: 'Core/1-5-0/Standard-Pattern-Composite-Messages/Use-Case-Categories.page.md' },
        );
      }
    }
  }

  // version negotiation: Bundle.meta.versionId against the definition's version (SemVer majors must agree)
  const bundleVersion = str(rec(msg.bundle.meta)?.versionId);
  const mdVersion = str(d.version);
  if (bundleVersion && mdVersion) {
    const major = (v: string): string => v.split(/[.-]/)[0] ?? v;
    if (major(bundleVersion) !== major(mdVersion)) {
      sink.add(
        ['meta', 'versionId'],
        'error',
        'business-rule',
        'bars-md-version',
        `Bundle.meta.versionId ${bundleVersion} and ${label} (version ${mdVersion}) differ in their major version: the receiver cannot process this payload`,
        { guidePage: CONTENT_NEGOTIATION_PAGE },
      );
    } else if (bundleVersion !== mdVersion) {
      sink.add(
        ['meta', 'versionId'],
        'information',
        'informational',
        'bars-md-version-minor',
        `Bundle.meta.versionId ${bundleVersion} differs from the definition's version ${mdVersion} in minor or patch version only: compatible`,
        { guidePage: CONTENT_NEGOTIATION_PAGE },
      );
    }
  }

  // focus: the resources the definition asks for, their counts and profiles
  const foci = arr(d.focus).map(rec).filter((f): f is Json => !!f && typeof f.code === 'string');
  const byType = new Map<string, Json[]>();
  for (const f of foci) {
    const code = f.code as string;
    if (code === 'Bundle') continue; // the message Bundle itself
    const l = byType.get(code) ?? [];
    l.push(f);
    byType.set(code, l);
  }
  const entriesByType = new Map<string, typeof msg.entries>();
  for (const e of msg.entries) {
    const t = String(e.resource.resourceType);
    const l = entriesByType.get(t) ?? [];
    l.push(e);
    entriesByType.set(t, l);
  }
  for (const [type, fs] of byType) {
    const present = entriesByType.get(type) ?? [];
    const min = fs.reduce((a, f) => a + (typeof f.min === 'number' ? f.min : 0), 0);
    const max = fs.some((f) => f.max === '*' || f.max === undefined) ? Infinity : fs.reduce((a, f) => a + Number(f.max), 0);
    if (present.length < min) {
      sink.add(
        [],
        'error',
        'required',
        'bars-md-focus-min',
        `${label} requires at least ${min} ${type} resource${min === 1 ? '' : 's'}, but the Bundle has ${present.length}`,
        { guidePage: CONTENT_NEGOTIATION_PAGE },
      );
    }
    if (present.length > max) {
      sink.add(
        [],
        'error',
        'structure',
        'bars-md-focus-max',
        `${label} allows at most ${max} ${type} resource${max === 1 ? '' : 's'}, but the Bundle has ${present.length}`,
        { guidePage: CONTENT_NEGOTIATION_PAGE },
      );
    }
    // each resource must conform to one of the focus profiles for its type
    const profiles = fs.map((f) => str(f.profile)).filter((p): p is string => !!p);
    if (profiles.length === 0) continue;
    for (const e of present) {
      const claimed = arr(rec(e.resource.meta)?.profile).filter((p): p is string => typeof p === 'string');
      if (claimed.some((p) => profiles.includes(p))) continue; // validated against it already
      const target = profiles.length === 1 ? profiles[0]! : undefined;
      if (target) {
        const checked = hooks.validateAgainst(e.index, target);
        if (!checked) {
          sink.add(
            ['entry', e.index, 'resource'],
            'warning',
            'not-found',
            'bars-md-focus-profile-unknown',
            `${label} requires this ${type} to conform to ${target}, which is not loaded, so that was not checked`,
            { guidePage: CONTENT_NEGOTIATION_PAGE },
          );
        }
      } else {
        sink.add(
          ['entry', e.index, 'resource'],
          'warning',
          'business-rule',
          'bars-md-focus-profile-ambiguous',
          `${label} allows ${type} resources with profiles ${profiles.join(', ')}; this one claims none of them in meta.profile, so the receiver cannot tell which it is`,
          { guidePage: CONTENT_NEGOTIATION_PAGE },
        );
      }
    }
  }
  // content the receiver did not ask for
  for (const e of msg.entries) {
    const t = String(e.resource.resourceType);
    if (t === 'MessageHeader' || byType.has(t) || foci.length === 0) continue;
    sink.add(
      ['entry', e.index, 'resource'],
      'warning',
      'business-rule',
      'bars-md-unrequested',
      `The receiver did not ask for this: ${label} lists no ${t} resources, so the receiver may reject the message or ignore this ${t}`,
      { guidePage: CONTENT_NEGOTIATION_PAGE },
    );
  }
  // MessageHeader.focus must point into the Bundle, at resources the definition expects
  if (msg.header) {
    arr(msg.header.resource.focus).forEach((f, i) => {
      const ref = str(rec(f)?.reference);
      const target = resolveEntry(msg, ref);
      if (!target) {
        sink.add([...headerPath, 'focus', i], 'error', 'not-found', 'bars-md-focus-unresolved', `MessageHeader.focus '${ref ?? '(no reference)'}' does not point at an entry of this Bundle`, {
          guidePage: HEADERS_PAGE,
        });
      } else if (foci.length && !byType.has(String(target.resource.resourceType))) {
        sink.add(
          [...headerPath, 'focus', i],
          'error',
          'business-rule',
          'bars-md-focus-type',
          `MessageHeader.focus points at a ${String(target.resource.resourceType)}, which ${label} does not list as a focus`,
          { guidePage: HEADERS_PAGE },
        );
      }
    });
  }
  // what the receiver may answer: informational
  const responses = arr(d.allowedResponse)
    .map((r) => str(rec(r)?.message))
    .filter((x): x is string => !!x);
  if (responses.length) {
    sink.add([], 'information', 'informational', 'bars-md-allowed-response', `${label} allows these responses: ${responses.join(', ')}`, {
      guidePage: CONTENT_NEGOTIATION_PAGE,
    });
  }
}
