// Debian's Chromium for the browser tests, installed with apt-get when missing (see debian.ts).
import { ensureDebianPackage } from './debian.js';

/** Where Debian's package puts the browser. */
export const chromiumPath = '/usr/bin/chromium';

/** Returns the browser's path, installing the `chromium` package first when it is missing. */
export function ensureChromium(): string {
  return ensureDebianPackage(chromiumPath, 'chromium');
}
