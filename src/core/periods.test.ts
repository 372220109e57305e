import { describe, expect, it } from 'vitest';

import { utcDay, utcMonth } from './periods.js';

describe('periods', () => {
  it('gives the UTC day and month around a moment, including month ends and leap days', () => {
    const t = Date.UTC(2028, 1, 29, 23, 59, 59);
    expect(utcDay(t)).toEqual({ start: Date.UTC(2028, 1, 29), end: Date.UTC(2028, 2, 1) });
    expect(utcMonth(t)).toEqual({ start: Date.UTC(2028, 1, 1), end: Date.UTC(2028, 2, 1) });
    expect(utcMonth(Date.UTC(2026, 11, 31, 12))).toEqual({
      start: Date.UTC(2026, 11, 1),
      end: Date.UTC(2027, 0, 1),
    });
  });
});
