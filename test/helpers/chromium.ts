// Debian's Chromium for the browser tests. Missing, it is installed with apt-get (as CI does); if
// that cannot be done the tests fail with the reason: they never skip silently.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where Debian's package puts the browser. */
export const chromiumPath = '/usr/bin/chromium';

/** Returns the browser's path, installing the `chromium` package first when it is missing. */
export function ensureChromium(): string {
  if (existsSync(chromiumPath)) return chromiumPath;
  const apt = (args: string[]) =>
    execFileSync('apt-get', args, {
      stdio: 'ignore',
      timeout: 600_000,
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  try {
    try {
      apt(['install', '-y', '--no-install-recommends', 'chromium']);
    } catch {
      apt(['update']);
      apt(['install', '-y', '--no-install-recommends', 'chromium']);
    }
  } catch (e) {
    throw new Error(
      `Chromium is missing at ${chromiumPath} and could not be installed (${(e as Error).message}). Run: apt-get install -y chromium`,
      { cause: e },
    );
  }
  if (!existsSync(chromiumPath))
    throw new Error(`apt-get ran but ${chromiumPath} is still missing`);
  return chromiumPath;
}
