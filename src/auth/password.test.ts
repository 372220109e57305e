import { describe, expect, it } from 'vitest';

import { passwordProblem } from '../core/console-people.js';

import { hashPassword, scryptParams, verifyPassword } from './password.js';

describe('console passwords', () => {
  it('hashes with scrypt and its parameters, salted, and verifies only the right password', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(new RegExp(`^scrypt\\$${scryptParams.N}\\$8\\$1\\$`));
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('keeps verifying hashes made with other parameters, and refuses absurd ones', async () => {
    const weak = await hashPassword('another password', { N: 2 ** 10, r: 8, p: 1 });
    expect(await verifyPassword('another password', weak)).toBe(true);
    expect(await verifyPassword('another password', weak.replace('$1024$', '$4194304$'))).toBe(
      false,
    );
  });

  it('answers false, after a hash, for a missing or malformed stored hash', async () => {
    expect(await verifyPassword('whatever it is', null)).toBe(false);
    expect(await verifyPassword('whatever it is', 'bcrypt$2a$10$abc')).toBe(false);
  });

  it('names what is wrong with a weak password', () => {
    expect(passwordProblem('short')).toMatch(/at least 12/);
    expect(passwordProblem('aaaaaaaaaaaaaaa')).toMatch(/different characters/);
    expect(passwordProblem('x'.repeat(300))).toMatch(/at most 256/);
    expect(passwordProblem('a long enough passphrase')).toBeNull();
  });
});
