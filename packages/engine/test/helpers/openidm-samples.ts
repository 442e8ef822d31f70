/**
 * The public OpenIDM samples that `node scripts/fetch-openidm-samples.mjs` brings into a cache folder outside the
 * clone ($WFKIT_OPENIDM_SAMPLES, default ~/.cache/wfkit/openidm): third-party files, read here, never committed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const FETCH_COMMAND = 'node scripts/fetch-openidm-samples.mjs';

export interface OpenidmSamples {
  dir: string;
  commit: string;
  source: string;
  files: string[];
  /** The text of the one sample file whose path ends with `suffix` (`usecase/workflow/newUserCreate.bpmn20.xml`). */
  read(suffix: string): string;
  has(suffix: string): boolean;
}

export function samplesDir(): string {
  return resolve(process.env.WFKIT_OPENIDM_SAMPLES || join(homedir(), '.cache', 'wfkit', 'openidm'));
}

/** The cached samples, or null when the cache is absent. */
export function openidmSamples(): OpenidmSamples | null {
  const dir = samplesDir();
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) return null;
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    commit: string;
    source: string;
    files: string[];
  };
  const find = (suffix: string) => {
    const hits = manifest.files.filter((f) => f === suffix || f.endsWith(`/${suffix}`));
    if (hits.length > 1) throw new Error(`${suffix} names ${hits.length} sample files: ${hits.join(', ')}`);
    return hits[0];
  };
  return {
    dir,
    commit: manifest.commit,
    source: manifest.source,
    files: manifest.files,
    has: (suffix) => find(suffix) !== undefined,
    read(suffix) {
      const f = find(suffix);
      if (!f) throw new Error(`${suffix} is not among the cached OpenIDM samples in ${dir}`);
      return readFileSync(join(dir, f), 'utf8');
    },
  };
}
