// Publish every public @wfkit/* package whose version is not on the registry yet.
// pnpm pack + npm publish <tarball>: pnpm rewrites workspace: and catalog: ranges when packing, and npm >= 11.5
// performs the OIDC exchange for trusted publishing, so provenance works (pnpm publish does not do it reliably).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), 'wfkit-pack-'));
const dirs = ['specs', ...readdirSync(join(root, 'packages')).map((d) => join('packages', d))];
const dryRun = process.argv.includes('--dry-run');

for (const dir of dirs) {
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  let published = false;
  try {
    execFileSync('npm', ['view', `${pkg.name}@${pkg.version}`, 'version'], { stdio: 'pipe' });
    published = true;
  } catch {}
  if (published) {
    console.log(`skip ${pkg.name}@${pkg.version}: already published`);
    continue;
  }
  const tarball = execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: join(root, dir), encoding: 'utf8' })
    .trim()
    .split('\n')
    .at(-1);
  console.log(`publish ${pkg.name}@${pkg.version} from ${tarball}`);
  const args = ['publish', tarball, '--access', 'public', '--provenance'];
  if (dryRun) args.push('--dry-run');
  execFileSync('npm', args, { stdio: 'inherit' });
}
