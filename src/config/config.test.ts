// Pins configuration precedence (file < env < flags) and that bad values fail fast with the variable's name.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const c = loadConfig();
    expect(c.port).toBe(8787);
    expect(c.db).toBe('./gatehouse.db');
    expect(c.auditKeepPersonal).toBe(false);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('takes the identity provider whole or not at all, its secret never from the file', () => {
    expect(() => loadConfig({ env: { GATEHOUSE_OIDC_ISSUER: 'https://idp.example.com' } })).toThrow(
      /GATEHOUSE_OIDC_ISSUER, GATEHOUSE_OIDC_CLIENT_ID and GATEHOUSE_OIDC_CLIENT_SECRET go together/,
    );
    const c = loadConfig({
      env: {
        GATEHOUSE_OIDC_ISSUER: 'https://idp.example.com',
        GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
        GATEHOUSE_OIDC_CLIENT_SECRET: 's3cret',
      },
    });
    expect(c.oidcName).toBe('your identity provider');
    expect(() => loadConfig({ env: { GATEHOUSE_OIDC_ISSUER: 'ftp://idp' } })).toThrow(
      /GATEHOUSE_OIDC_ISSUER/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'gh-config-'));
    const file = join(dir, 'gatehouse.config.json');
    writeFileSync(file, JSON.stringify({ oidcClientSecret: 'in the file' }));
    expect(() => loadConfig({ file })).toThrow(/GATEHOUSE_OIDC_CLIENT_SECRET/);
  });

  it('lets env beat the file and flags beat env', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-config-'));
    const file = join(dir, 'gatehouse.config.json');
    writeFileSync(file, JSON.stringify({ port: 1111, db: 'from-file.db', logLevel: 'warn' }));
    const c = loadConfig({
      file,
      env: { GATEHOUSE_PORT: '2222', GATEHOUSE_DB: 'env.db' },
      flags: { port: 3333 },
    });
    expect(c.port).toBe(3333);
    expect(c.db).toBe('env.db');
    expect(c.logLevel).toBe('warn');
  });

  it('names the variable in the error for a bad value', () => {
    expect(() => loadConfig({ env: { GATEHOUSE_PORT: 'eighty' } })).toThrow(/GATEHOUSE_PORT/);
    expect(() => loadConfig({ env: { GATEHOUSE_SECRET_KEY: 'short' } })).toThrow(
      'GATEHOUSE_SECRET_KEY must be 32 bytes, base64',
    );
  });

  it('accepts a 32-byte base64 secret key', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    expect(loadConfig({ env: { GATEHOUSE_SECRET_KEY: key } }).secretKey).toBe(key);
  });

  it('refuses secrets and unknown keys in the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-config-'));
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ adminToken: 'x'.repeat(40) }));
    expect(() => loadConfig({ file })).toThrow(/keep secrets out/);
    writeFileSync(file, JSON.stringify({ prot: 1 }));
    expect(() => loadConfig({ file })).toThrow(ConfigError);
    writeFileSync(file, '{nope');
    expect(() => loadConfig({ file })).toThrow(/not valid JSON/);
  });
});
