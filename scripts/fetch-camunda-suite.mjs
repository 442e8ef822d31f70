#!/usr/bin/env node
/**
 * Extracts the BPMN resources of Camunda 7's engine test suite (engine/src/test/resources/org/camunda/bpm/engine/test/bpmn)
 * from a local mirror of camunda/camunda-bpm-platform into a cache folder outside the clone, for the conformance suite
 * in packages/engine/test/conformance/camunda. The files are never committed: the suite skips when they are absent.
 *
 *   WFKIT_CAMUNDA_MIRROR  the mirror's git directory (default /work/.mirror/camunda+camunda-bpm-platform/repo)
 *   WFKIT_CAMUNDA_SUITE   the cache folder (default ~/.cache/wfkit/camunda)
 *
 * Never fails: without a mirror (or git) it says so and exits 0, so CI runs the rest.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'engine/src/test/resources/org/camunda/bpm/engine/test/bpmn/';
const mirror = process.env.WFKIT_CAMUNDA_MIRROR || '/work/.mirror/camunda+camunda-bpm-platform/repo';
const cache = process.env.WFKIT_CAMUNDA_SUITE || join(homedir(), '.cache', 'wfkit', 'camunda');

function git(args, options = {}) {
  return execFileSync('git', [`--git-dir=${mirror}`, ...args], { maxBuffer: 256 * 1024 * 1024, ...options });
}

function main() {
  if (!existsSync(mirror)) {
    console.log(`fetch-camunda-suite: no mirror at ${mirror}; the Camunda conformance suite will be skipped`);
    return;
  }
  const commit = git(['rev-parse', 'HEAD']).toString().trim();
  const stamp = join(cache, 'COMMIT');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === commit) {
    console.log(`fetch-camunda-suite: ${cache} is up to date (${commit.slice(0, 12)})`);
    return;
  }
  // One `git archive` of the folder, unpacked by tar (a `git show` per file takes a minute for the ~1,100 files).
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(cache, { recursive: true });
  const archive = git(['archive', '--format=tar', 'HEAD', PREFIX]);
  execFileSync('tar', ['-x', '-C', cache, '--strip-components=4'], { input: archive });
  const count = execFileSync('find', [cache, '-type', 'f']).toString().trim().split('\n').length;
  writeFileSync(stamp, `${commit}\n`);
  console.log(`fetch-camunda-suite: ${count} files from ${commit.slice(0, 12)} into ${cache}`);
}

try {
  main();
} catch (e) {
  console.log(
    `fetch-camunda-suite: could not extract the suite (${e instanceof Error ? e.message : e}); it will be skipped`,
  );
}
