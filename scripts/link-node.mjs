#!/usr/bin/env node
/**
 * Runs after `pnpm install`: makes `node_modules/.bin/node` a symlink to the Node 24 binary of the `node` package
 * instead of pnpm's `/bin/sh` shim for it. Why: every command of the repo runs under that shim, and a `/bin/sh` that
 * receives Ctrl-C while it waits kills itself with SIGINT after its child exits, so `npx pnpm start` ended with exit
 * code 130 even though the server had shut down cleanly. A symlink has no shell in between.
 */
import { existsSync, lstatSync, renameSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'node_modules', '.bin', 'node');
const real = join(root, 'node_modules', 'node', 'bin', 'node');

if (process.platform !== 'win32' && existsSync(real) && existsSync(bin) && !lstatSync(bin).isSymbolicLink()) {
  const temp = `${bin}.link`;
  symlinkSync(relative(dirname(bin), real), temp);
  renameSync(temp, bin); // atomic: the shim is never missing
}
