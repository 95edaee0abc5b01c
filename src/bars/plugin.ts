/**
 * The BaRS layer, run after the FHIR validation of each input: content negotiation against
 * the MessageDefinition, Application and payload detection, the guide's necessity rules,
 * the Core rules and the rules TKW assurance checks (tkw-rules.ts), NHS numbers and error
 * responses. Every issue says which Application, payload, rule and guide page it comes from.
 */
import { howToProvide } from '../load/known-packages.js';
import type { ValidationIssue } from '../model/issue.js';
import type { PluginContext, ValidationPlugin } from '../validate/run.js';
import { APPLICATIONS, detectApplication } from './applications.js';
import { checkCoreRules, checkErrorOutcome, isBarsErrorResponse, checkMessageContent, checkNhsNumbers } from './core-rules.js';
import { analyseMessage, hasBarsMarker, IssueSink, type Json } from './message.js';
import { checkAgainstDefinition, findMessageDefinition, readMessageDefinitionFiles, useCasesOf, type LoadedMessageDefinition, CONTENT_NEGOTIATION_PAGE } from './message-definitions.js';
import { applyNecessityRules } from './necessity-check.js';
import { necessityRulesFor, rulesetReleases } from './rules/necessity.js';
import { checkTkwRules } from './tkw-rules.js';
import { checkUnwrappedEntries, fileEchoes } from './echoes.js';
import { acceptMandatedCodes } from './mandated-codes.js';

export interface BarsOptions {
  /** Force the Application (APP1…APP8) instead of detecting it. */
  application?: string;
  /** The receiver's MessageDefinition files (JSON or XML). */
  messageDefinitions: string[];
}

/**
 * Engine options with the BaRS layer attached after the caller's own plugins: the one place
 * both the library (createValidator) and the CLI wire it.
 */
export async function withBarsLayer<T extends { plugins?: ValidationPlugin[] }>(options: T, bars: Partial<BarsOptions>): Promise<T> {
  const layer = await barsPlugins({ application: bars.application, messageDefinitions: bars.messageDefinitions ?? [] });
  return { ...options, plugins: [...(options.plugins ?? []), ...layer] };
}

export async function barsPlugins(options: BarsOptions): Promise<ValidationPlugin[]> {
  let receiver: LoadedMessageDefinition[] | undefined;
  let rulesets: ReturnType<typeof rulesetReleases> | undefined;
  const plugin: ValidationPlugin = {
    name: 'bars',
    get rulesets() {
      return (rulesets ??= rulesetReleases());
    },
    // NHS numbers and coding displays are checked on the values the FHIR walk meets
    collects: ['Identifier', 'Coding'],
    check(ctx: PluginContext): ValidationIssue[] {
      const r = ctx.resource;
      const sinkFor = (application?: string, payload?: string): IssueSink => new IssueSink(ctx, { application, payload });
      const finish = (sink: IssueSink): ValidationIssue[] => {
        if (r.resourceType === 'Bundle') checkUnwrappedEntries(r, sink);
        const added = dedupe(ctx.issues, sink.issues);
        fileEchoes([...ctx.issues, ...added]);
        return added;
      };
      if (r.resourceType === 'OperationOutcome') {
        const sink = sinkFor();
        // an OperationOutcome is a BaRS error response only if it reports an error coded as BaRS
        // codes errors, or the user says it is BaRS (--application); UK Core's own examples are not
        if (isBarsErrorResponse(r, options.application !== undefined)) checkErrorOutcome(r, sink, { httpStatus: ctx.httpStatus });
        return finish(sink);
      }
      if (r.resourceType !== 'Bundle' || r.type !== 'message') {
        const sink = sinkFor();
        checkNhsNumbers({ identifiers: ctx.collected('Identifier') }, sink);
        return finish(sink);
      }
      receiver ??= readMessageDefinitionFiles(options.messageDefinitions, ctx.compiler);
      const msg = analyseMessage(r);
      if (!options.application && options.messageDefinitions.length === 0 && !hasBarsMarker(msg)) {
        const sink = sinkFor();
        sink.add([], 'information', 'informational', 'bars-not-bars-message', 'Nothing in this message marks it as BaRS (no NHS England event code, definition, profile or use case), so it was validated as plain FHIR. Use --application APPn to apply the BaRS rules anyway.');
        return finish(sink);
      }
      const found = msg.definition ? findMessageDefinition(msg.definition, receiver, ctx.definitions) : {};
      const detection = detectApplication(msg, { forced: options.application, definitionUseCases: found.md ? useCasesOf(found.md.resource) : undefined });
      ctx.info.application = detection.application;
      ctx.info.applicationName = detection.application ? APPLICATIONS[detection.application] : undefined;
      ctx.info.payload = detection.payload;
      ctx.info.messageDefinition = found.md ? `${String(found.md.resource.url)}|${String(found.md.resource.version ?? '')}` : msg.definition;
      ctx.info.detectedBy = detection.evidence;
      const sink = sinkFor(detection.application, detection.payload);

      if (detection.conflicts.length > 1) {
        sink.add([], 'error', 'business-rule', 'bars-application-conflict', `The message carries use cases of several Applications (${detection.conflicts.join(', ')}): a use case belongs to one Application, and a message to one use case`, {
          guidePage: 'Core/1-5-0/Standard-Pattern-Composite-Messages/Use-Case-Categories.page.md',
        });
      }

      // content negotiation
      if (found.md && found.substitutedFor) {
        sink.add(
          msg.header ? ['entry', msg.header.index, 'resource', 'definition'] : [],
          'information',
          'informational',
          'bars-md-version-substituted',
          `MessageHeader.definition ${msg.definition} names version ${found.substitutedFor}, which is not loaded: content negotiation was checked against version ${String(found.md.resource.version ?? '(none stated)')} (${found.md.origin})`,
          { guidePage: CONTENT_NEGOTIATION_PAGE },
        );
      }
      if (found.md) {
        checkAgainstDefinition(msg, found.md, sink, {
          validateAgainst: (entryIndex, profile) => {
            const issues = ctx.validateAgainst(entryIndex, profile);
            if (!issues) return false;
            for (const i of issues) {
              if (i.source?.startsWith(profile)) {
                // reported as the content negotiation rule (so it can be suppressed and looked up as one), the profile's own check named in the message
                sink.issues.push({ ...i, ruleId: 'bars-md-focus-profile', message: `${i.message} (the MessageDefinition requires this resource to conform to ${profile}; ${i.ruleId})`, bars: { ...sink.context, rule: 'bars-md-focus-profile', guidePage: CONTENT_NEGOTIATION_PAGE } });
              }
            }
            return true;
          },
        });
      } else if (msg.definition) {
        sink.add(
          msg.header ? ['entry', msg.header.index, 'resource', 'definition'] : [],
          'warning',
          'not-found',
          'bars-md-not-found',
          `MessageDefinition ${msg.definition} is not loaded, so content negotiation (focus resources, counts, profiles, use cases) was not checked. Give the receiver's definition with --message-definition <file>, or ${howToProvide(msg.definition)}`,
          { guidePage: CONTENT_NEGOTIATION_PAGE },
        );
      }

      const table = detection.application && detection.payload ? necessityRulesFor(detection.application, detection.payload) : undefined;
      checkCoreRules(msg, sink, ctx.issues, detection.payload);
      checkMessageContent(msg, sink, { identifiers: ctx.collected('Identifier'), codings: ctx.collected('Coding') });
      checkTkwRules(msg, sink, { application: detection.application, payload: detection.payload, table });

      // the guide's necessity tables for this Application payload
      if (detection.application && detection.payload) {
        if (table) {
          applyNecessityRules(msg, table, ctx.compiler, sink, { definitionKnown: found.md !== undefined });
          acceptMandatedCodes(r, table, ctx.issues, sink);
        }
        else {
          sink.add([], 'information', 'informational', 'bars-necessity-none', `The BaRS guide has no necessity table for ${detection.application} ${detection.payload}: only the profiles and Core rules were applied`);
        }
      } else if (!detection.application) {
        sink.add(msg.header ? ['entry', msg.header.index, 'resource'] : [], 'information', 'informational', 'bars-application-unknown', `Could not tell which BaRS Application this message belongs to (${detection.evidence}); the Application necessity rules were not applied. Use --application APPn to choose one.`);
      }
      return finish(sink);
    },
  };
  return [plugin];
}

/** The BaRS issues of `added` that neither `existing` (its BaRS issues) nor an earlier one of `added` already says. */
export function dedupe(existing: readonly ValidationIssue[], added: ValidationIssue[]): ValidationIssue[] {
  // only BaRS issues can repeat a BaRS issue (their rule ids are the layer's own). Keyed by the
  // message, which a rule shares between its issues, then by rule and location in nested
  // lookups: no key string joined per issue, and linear in the number of issues (a list per
  // message made a 44 000-element payload take 15 s, found by fuzzing)
  const seen = new Map<string, Map<string, Set<string | undefined>>>();
  const firstTime = (i: ValidationIssue): boolean => {
    let byRule = seen.get(i.message);
    if (!byRule) seen.set(i.message, (byRule = new Map()));
    let at = byRule.get(i.ruleId);
    if (!at) byRule.set(i.ruleId, (at = new Set()));
    if (at.has(i.expression)) return false;
    at.add(i.expression);
    return true;
  };
  for (const i of existing) if (i.source === 'BaRS') firstTime(i);
  const out: ValidationIssue[] = [];
  for (const i of added) if (firstTime(i)) out.push(i);
  return out;
}

export type { Json };
