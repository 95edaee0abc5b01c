/**
 * The FHIR package folder, cached between workflow runs with GitHub's cache service. Outside
 * GitHub (or when the service is unavailable) this does nothing: the run just downloads again.
 */
import { escData } from './commands.js';
import { existsSync } from 'node:fs';

async function cacheModule(): Promise<typeof import('@actions/cache') | undefined> {
  if (!process.env.ACTIONS_RUNTIME_TOKEN || !(process.env.ACTIONS_CACHE_URL || process.env.ACTIONS_RESULTS_URL)) return undefined;
  try {
    const mod = await import('@actions/cache');
    return mod.isFeatureAvailable() ? mod : undefined;
  } catch {
    return undefined;
  }
}

export async function restorePackageCache(dir: string, key: string): Promise<boolean> {
  const cache = await cacheModule();
  if (!cache) return false;
  try {
    return (await cache.restoreCache([dir], key, ['bars-fhir-packages-'])) !== undefined;
  } catch (e) {
    process.stdout.write(`::warning::FHIR package cache not restored: ${escData((e as Error).message)}\n`);
    return false;
  }
}

export async function savePackageCache(dir: string, key: string): Promise<void> {
  const cache = await cacheModule();
  if (!cache || !existsSync(dir)) return;
  try {
    await cache.saveCache([dir], key);
  } catch (e) {
    // "already exists" is the normal case on a warm cache
    if (!/already exists|reserve/i.test((e as Error).message)) process.stdout.write(`::warning::FHIR package cache not saved: ${escData((e as Error).message)}\n`);
  }
}
