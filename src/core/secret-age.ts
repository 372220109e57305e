// Rotation reminders (Apollo's Marketplace bar: secrets are rotated): how old each credential is,
// and a warning for each one past the configured maximum. Pure: the caller supplies the ages.

import { dayMs } from './periods.js';

/** One credential whose age is watched. */
export interface WatchedSecret {
  /** What it is, for people: "agent token of outreach-bot", "the Apollo API key". */
  readonly subject: string;
  /** When it was issued (epoch ms). */
  readonly issuedAt: number;
  /** How to rotate it, as a command or an action. */
  readonly rotate: string;
}

/** A credential past its maximum age. */
export interface SecretAgeWarning {
  readonly subject: string;
  readonly ageDays: number;
  readonly message: string;
}

/** Whole days since `issuedAt`. */
export function ageInDays(issuedAt: number, now: number): number {
  return Math.max(0, Math.floor((now - issuedAt) / dayMs));
}

/** Warnings for every secret older than `maxAgeDays`, oldest first. */
export function secretAgeWarnings(
  secrets: readonly WatchedSecret[],
  now: number,
  maxAgeDays: number,
): SecretAgeWarning[] {
  return secrets
    .map((s) => ({ s, ageDays: ageInDays(s.issuedAt, now) }))
    .filter(({ ageDays }) => ageDays > maxAgeDays)
    .sort((a, b) => b.ageDays - a.ageDays)
    .map(({ s, ageDays }) => ({
      subject: s.subject,
      ageDays,
      message: `The ${s.subject} is ${ageDays} days old (rotate every ${maxAgeDays} days): ${s.rotate}.`,
    }));
}
