// Apollo's wire formats for dates, amounts and phone numbers.

import type { Place } from './vocab/locations.js';

export const DAY_MS = 86_400_000;

/** `2024-05-23T20:10:04.812Z`, Apollo's usual timestamp. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `2025-11-04T23:20:32.690+00:00`, the form some Apollo fields use. */
export function isoOffset(ms: number): string {
  return iso(ms).replace('Z', '+00:00');
}

/** `YYYY-MM-DD`. */
export function isoDate(ms: number): string {
  return iso(ms).slice(0, 10);
}

/** Days since the epoch for a `YYYY-MM-DD` date. */
export function dayOf(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** Apollo's printed amounts: 950, 12.5K, 100M, 3.1B. */
export function printed(amount: number): string {
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, unit] of units) {
    if (amount >= size) {
      const v = amount / size;
      return `${v >= 100 ? Math.round(v) : Math.round(v * 10) / 10}${unit}`;
    }
  }
  return String(Math.round(amount));
}

/** A phone number in a place: the raw form people type and Apollo's E.164 `sanitized_number`. */
export function phoneIn(place: Place, local: number): { raw: string; sanitized: string } {
  const digits = String(local % 10_000_000).padStart(7, '0');
  if (place.dial === '1') {
    return {
      raw: `+1 ${place.area}-${digits.slice(0, 3)}-${digits.slice(3)}`,
      sanitized: `+1${place.area}${digits}`,
    };
  }
  return {
    raw: `+${place.dial} ${place.area} ${digits.slice(0, 3)} ${digits.slice(3)}`,
    sanitized: `+${place.dial}${place.area.replace(/^0/, '')}${digits}`,
  };
}

/**
 * Apollo's sanitisation of a typed phone number: digits with a leading +; ten digits are taken as
 * North American (+1). Our simplification of Apollo's libphonenumber-based parsing.
 */
export function sanitizePhone(raw: string): string | null {
  const plus = raw.trim().startsWith('+');
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 5) return null;
  if (plus) return `+${digits}`;
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return `+${digits}`;
}
