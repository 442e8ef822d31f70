#!/usr/bin/env node
/**
 * Brings the workflow samples of the public OpenIDM repository (github.com/OpenIdentityPlatform/OpenIDM) into a cache
 * folder outside the clone, for the engine's sample tests (packages/engine/test/idm/openidm-samples.test.ts). They are
 * CDDL-licensed third-party files: they are never committed here, only fetched.
 *
 *   node scripts/fetch-openidm-samples.mjs [--force]
 *
 * Where to:   $WFKIT_OPENIDM_SAMPLES, default ~/.cache/wfkit/openidm (files keep their repository paths under it,
 *             and manifest.json lists them with the source and commit they came from).
 * From:       $WFKIT_OPENIDM_MIRROR, a local git mirror of the repository (a bare git dir, or a dir holding `repo/`
 *             or `.git`), read with `git ls-tree` / `git show`; without one, GitHub (the tree API for the listing,
 *             raw.githubusercontent.com for the files; $WFKIT_OPENIDM_REF picks the branch, default master).
 * What:       under any `samples/` folder (openidm-samples/… or openidm-zip/src/main/resources/samples/…, as the
 *             repository's layout has it at that commit): every *.bpmn20.xml and *.bar, and of the samples that
 *             have workflows their `workflow/` folders (forms), `script/` folders and workflow-related conf.
 *
 * Exit code 0 when the cache holds the samples (fetched now or before), 2 when nothing could be fetched: CI runs it
 * as `… || echo samples absent` and the sample tests then skip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const REPO = 'OpenIdentityPlatform/OpenIDM';
const cache = resolve(process.env.WFKIT_OPENIDM_SAMPLES || join(homedir(), '.cache', 'wfkit', 'openidm'));
const force = process.argv.includes('--force');
const say = (m) => console.log(`fetch-openidm-samples: ${m}`);

const WORKFLOW_FILE = /\.bpmn20\.xml$|\.bpmn$|\.bar$/i;

/** The sample a path belongs to (`…/samples/usecase`) and the path inside it, or null outside any `samples/`. */
function sampleOf(path) {
  const parts = path.split('/');
  const s = parts.lastIndexOf('samples');
  if (s < 0 || parts.length - s < 3) return null;
  return { root: parts.slice(0, s + 2).join('/'), inside: parts.slice(s + 2) };
}

/**
 * The repository paths this script keeps: every workflow file under a `samples/` folder, and from the samples that
 * have workflows what they need to run — files in their `workflow/` folders (forms), their scripts (custom endpoints
 * such as the usecase's getUserManager.js) and their workflow-related conf (workflow, process access, managed
 * objects, endpoints).
 */
export function selectFiles(paths) {
  const withWorkflows = new Set(paths.filter((p) => WORKFLOW_FILE.test(p)).map((p) => sampleOf(p)?.root));
  return paths.filter((path) => {
    const sample = sampleOf(path);
    if (!sample) return false;
    const name = sample.inside.at(-1);
    if (WORKFLOW_FILE.test(name)) return true;
    if (!withWorkflows.has(sample.root) || /\.(png|jpe?g|gif|svg|css|less|ico)$/i.test(name)) return false;
    const dirs = sample.inside.slice(0, -1);
    if (dirs.includes('workflow')) return true;
    if (dirs[0] === 'script' && /\.(js|groovy)$/.test(name)) return true;
    return (
      dirs.length === 1 && dirs[0] === 'conf' && /^(workflow|process-access|managed|endpoint-.+)\.json$/.test(name)
    );
  });
}

/** A git dir inside `dir` (the dir itself when bare, else `repo/`, `repo/.git` or `.git`), or null. */
function gitDirOf(dir) {
  for (const d of [dir, join(dir, 'repo'), join(dir, 'repo', '.git'), join(dir, '.git')])
    if (existsSync(join(d, 'HEAD')) && existsSync(join(d, 'objects'))) return d;
  return null;
}

function fromMirror(mirror) {
  const gitDir = gitDirOf(mirror);
  if (!gitDir) throw new Error(`${mirror} holds no git directory`);
  const git = (...args) =>
    execFileSync('git', [`--git-dir=${gitDir}`, ...args], { maxBuffer: 256 * 1024 * 1024, encoding: 'buffer' });
  const commit = git('rev-parse', 'HEAD').toString().trim();
  const paths = selectFiles(git('ls-tree', '-r', '--name-only', '-z', 'HEAD').toString().split('\0'));
  return {
    source: `git mirror ${gitDir}`,
    commit,
    paths,
    read: async (path) => git('show', `${commit}:${path}`),
  };
}

async function fetchOk(url, timeoutMs) {
  const res = await fetch(url, {
    signal: AbortSignal.timeout(timeoutMs),
    headers: { 'User-Agent': 'wfkit-fetch-openidm-samples' },
  });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res;
}

async function fromGitHub() {
  const ref = process.env.WFKIT_OPENIDM_REF || 'master';
  // The commit first (raw.githubusercontent.com takes a commit, not a tree), then its whole tree.
  const head = await (
    await fetchOk(`https://api.github.com/repos/${REPO}/commits/${encodeURIComponent(ref)}`, 15000)
  ).json();
  const commit = head.sha;
  const tree = await (
    await fetchOk(`https://api.github.com/repos/${REPO}/git/trees/${head.commit.tree.sha}?recursive=1`, 30000)
  ).json();
  if (tree.truncated) say('GitHub truncated the file list: some samples may be missing (use WFKIT_OPENIDM_MIRROR)');
  const paths = selectFiles((tree.tree ?? []).filter((e) => e.type === 'blob').map((e) => e.path));
  return {
    source: `https://github.com/${REPO} (${ref})`,
    commit,
    paths,
    read: async (path) =>
      Buffer.from(
        await (
          await fetchOk(
            `https://raw.githubusercontent.com/${REPO}/${commit}/${path.split('/').map(encodeURIComponent).join('/')}`,
            30000,
          )
        ).arrayBuffer(),
      ),
  };
}

function manifestOf(dir) {
  try {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
}

async function main() {
  const have = manifestOf(cache);
  const mirror = process.env.WFKIT_OPENIDM_MIRROR;
  let origin;
  try {
    origin = mirror ? fromMirror(mirror) : await fromGitHub();
  } catch (e) {
    say(`cannot reach the samples (${e.message ?? e})`);
    if (have) {
      say(`keeping the ${have.files.length} files already in ${cache} (${have.source} @ ${have.commit})`);
      return 0;
    }
    say(`the OpenIDM samples are absent; their tests will skip. Set WFKIT_OPENIDM_MIRROR=<git dir> or allow GitHub.`);
    return 2;
  }
  // Up to date: the same commit and the same selection (a newer version of this script may select more).
  if (!force && have?.commit === origin.commit && JSON.stringify(have.files) === JSON.stringify(origin.paths)) {
    say(`${cache} is up to date (${have.files.length} files @ ${have.commit})`);
    return 0;
  }
  if (!origin.paths.length) {
    say(`${origin.source} @ ${origin.commit} has no workflow samples`);
    return have ? 0 : 2;
  }
  // Fill a fresh folder and swap it in, so the cache is never half old, half new.
  const next = `${cache}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  for (const path of origin.paths) {
    const target = join(next, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, await origin.read(path));
  }
  const manifest = {
    repository: REPO,
    source: origin.source,
    commit: origin.commit,
    fetchedAt: new Date().toISOString(),
    files: origin.paths,
  };
  writeFileSync(join(next, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  mkdirSync(dirname(cache), { recursive: true });
  rmSync(cache, { recursive: true, force: true });
  renameSync(next, cache);
  const workflows = origin.paths.filter((p) => /\.bpmn20\.xml$|\.bar$/.test(p)).length;
  say(`${origin.paths.length} files (${workflows} workflows) from ${origin.source} @ ${origin.commit} into ${cache}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    say(`failed: ${e.stack ?? e}`);
    process.exit(2);
  },
);
