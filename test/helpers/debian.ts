// Debian packages a test needs (Chromium, haproxy, nginx). Missing, one is installed with apt-get
// (as CI does); if that cannot be done the test fails with the reason: it never skips silently.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Returns `path`, installing Debian's `pkg` first when the file is missing. */
export function ensureDebianPackage(path: string, pkg: string): string {
  if (existsSync(path)) return path;
  const apt = (args: string[]) =>
    execFileSync('apt-get', args, {
      stdio: 'ignore',
      timeout: 600_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    try {
      apt(['install', '-y', '--no-install-recommends', pkg]);
    } catch {
      apt(['update']);
      apt(['install', '-y', '--no-install-recommends', pkg]);
    }
  } catch (e) {
    throw new Error(
      `${path} is missing and ${pkg} could not be installed (${(e as Error).message}). Run: apt-get install -y ${pkg}`,
      { cause: e },
    );
  }
  if (!existsSync(path)) throw new Error(`apt-get installed ${pkg} but ${path} is still missing`);
  return path;
}
