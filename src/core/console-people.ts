// What a console person is, as pure rules: the roles (each including the one before), the
// passwords accepted, and the email address as stored. Hashing is src/auth/password.ts; storing
// is src/store/people-repository.ts.

/** What a person may do in the console and the admin API, each role including the one before. */
export const consoleRoles = ['viewer', 'approver', 'admin'] as const;
export type ConsoleRole = (typeof consoleRoles)[number];

/** Password lengths accepted (NIST SP 800-63B asks at least 8; we ask 12). */
export const passwordLength = { min: 12, max: 256 } as const;

/** Why `password` cannot be used, in words for the person choosing it; null when it can. */
export function passwordProblem(password: string): string | null {
  if (password.length < passwordLength.min)
    return `a password needs at least ${passwordLength.min} characters`;
  if (password.length > passwordLength.max)
    return `a password is at most ${passwordLength.max} characters`;
  if (new Set(password).size < 4) return 'a password needs more than three different characters';
  return null;
}

/** A DNS label: 1 to 63 letters, digits and inner hyphens. */
const label = (l: string) =>
  l.length >= 1 &&
  l.length <= 63 &&
  /^[a-z0-9-]+$/.test(l) &&
  !l.startsWith('-') &&
  !l.endsWith('-');

/**
 * The email as stored (trimmed, lowercased), or null when it is not a plausible address: RFC 5321
 * lengths, one @, no spaces or quoting in the local part, a domain of at least two DNS labels. The
 * identity provider, or the person's mailbox, is the real proof.
 */
export function normaliseEmail(email: string): string | null {
  const e = email.trim().toLowerCase();
  const at = e.indexOf('@');
  if (e.length > 254 || at < 1 || at > 64 || at !== e.lastIndexOf('@')) return null;
  if (/[\s<>()",;:\\[\]]/.test(e.slice(0, at))) return null;
  const labels = e.slice(at + 1).split('.');
  return labels.length >= 2 && labels.every(label) ? e : null;
}
