import { describe, expect, it } from 'vitest';

import { randomSecret, seededRandom } from './random.js';

describe('randomSecret', () => {
  it('gives letters and digits only, so no key or client id reads as a command-line option', () => {
    // A client id starting with '-' once made `gatehouse connect oauth --client-id <id>` fail
    // with "Unknown option" one run in 64.
    const seen = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      const s = randomSecret();
      expect(s).toMatch(/^[A-Za-z0-9]{22}$/);
      seen.add(s);
    }
    expect(seen.size).toBe(5_000);
    expect(randomSecret(32)).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(randomSecret(24)).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('uses every character of the alphabet about evenly', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) {
      for (const ch of randomSecret(32)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    const expected = (2_000 * 43) / 62; // ≈ 1,387 per character
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(expected * 0.8);
      expect(n).toBeLessThan(expected * 1.2);
    }
  });
});

describe('seededRandom', () => {
  it('repeats for the same seed and label and differs otherwise', () => {
    const a = seededRandom(7, 'people');
    const b = seededRandom(7, 'people');
    const c = seededRandom(7, 'orgs');
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect([c(), c(), c()]).not.toEqual(first);
  });
});
