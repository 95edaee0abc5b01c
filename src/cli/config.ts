/**
 * bars.config.json: a supplier's repository pins its IGs, versions and options once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { UsageError } from './inputs.js';

export interface ProjectConfig {
  $schema?: string;
  /** IGs to load (name#version, .tgz, folder, file), as --ig. */
  igs?: string[];
  /** Profiles every input is checked against, as --profile. */
  profiles?: string[];
  failOn?: 'error' | 'warning';
  tx?: string;
  offline?: boolean;
  packageCache?: string;
  registry?: string;
  unknownExtensions?: 'warning' | 'error' | 'ignore';
  suppress?: string;
  application?: string;
  messageDefinitions?: string[];
  format?: string;
}

export const CONFIG_SCHEMA = {
  $id: 'https://bars-toolkit.dev/schema/bars.config.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    igs: { type: 'array', items: { type: 'string', minLength: 1 } },
    profiles: { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9+.-]*:' } },
    failOn: { enum: ['error', 'warning'] },
    tx: { type: 'string', pattern: '^https?://' },
    offline: { type: 'boolean' },
    packageCache: { type: 'string' },
    registry: { type: 'string', pattern: '^https?://' },
    unknownExtensions: { enum: ['warning', 'error', 'ignore'] },
    suppress: { type: 'string' },
    application: { type: 'string', pattern: '^APP[1-8]$' },
    messageDefinitions: { type: 'array', items: { type: 'string' } },
    format: { type: 'string' },
  },
} as const;

/** Read ./bars.config.json (or the given file); paths in it are relative to the file. */
export function loadConfig(explicit?: string): { config: ProjectConfig; path?: string } {
  const path = explicit ? resolve(explicit) : resolve('bars.config.json');
  if (!existsSync(path)) {
    if (explicit) throw new UsageError(`--config ${explicit}: no such file`);
    return { config: {} };
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
  const ajv = new Ajv({ allErrors: true });
  const validate = ajv.compile(CONFIG_SCHEMA);
  if (!validate(data)) {
    const msgs = validate.errors!.map((e) => {
      const extra = e.keyword === 'additionalProperties' ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"` : '';
      return `${e.instancePath || '(top level)'} ${e.message}${extra}`;
    });
    throw new UsageError(`${path} is not a valid bars.config.json:\n  ${msgs.join('\n  ')}`);
  }
  return { config: data as ProjectConfig, path };
}
