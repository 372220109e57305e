// Built-in HTTPS: TLS 1.2 or later only, HSTS for a year with subdomains, the security headers on
// every answer; HSTS only where the connection is HTTPS (directly or via a trusted proxy).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createLogger } from '../../src/app/logger.js';
import { startGatehouse, type StartedGatehouse } from '../../src/app/start.js';
import { loadConfig } from '../../src/config/config.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-tls-'));
const cert = join(dir, 'cert.pem');
const key = join(dir, 'key.pem');
let g: StartedGatehouse;

beforeAll(async () => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const config = loadConfig({
    flags: {
      db: join(dir, 'g.db'),
      keyFile: join(dir, 'k'),
      port: 0,
      sandbox: true,
      tlsCert: cert,
      tlsKey: key,
    },
  });
  g = await startGatehouse(config, {
    logger: createLogger({ level: 'silent' }),
    createDemoAgent: false,
  });
});
afterAll(async () => {
  await g?.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(path: string, tls: https.RequestOptions = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; protocol: string | null }>(
    (resolve, reject) => {
      const req = https.request(
        `${g.url}${path}`,
        { ca: readFileSync(cert), agent: false, ...tls },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              protocol: (res.socket as TLSSocket).getProtocol?.() ?? null,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

describe('built-in HTTPS', () => {
  it('serves HTTPS with TLS ≥ 1.2, HSTS and the security headers', async () => {
    expect(g.url).toMatch(/^https:\/\//);
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(['TLSv1.2', 'TLSv1.3']).toContain(res.protocol);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(String(res.headers['content-security-policy'])).toMatch(/frame-ancestors 'none'/);
  });

  it('refuses a client limited to TLS 1.1', async () => {
    await expect(
      get('/healthz', {
        minVersion: 'TLSv1',
        maxVersion: 'TLSv1.1',
        ciphers: 'DEFAULT:@SECLEVEL=0',
      }),
    ).rejects.toThrow();
  });

  it('refuses to start with a certificate but no key, or an unreadable file', async () => {
    expect(() => loadConfig({ flags: { tlsCert: cert } })).toThrow(/go together/);
    const missing = loadConfig({
      flags: {
        db: join(dir, 'm.db'),
        keyFile: join(dir, 'mk'),
        port: 0,
        sandbox: true,
        tlsCert: join(dir, 'nope.pem'),
        tlsKey: key,
      },
    });
    await expect(
      startGatehouse(missing, {
        logger: createLogger({ level: 'silent' }),
        createDemoAgent: false,
      }),
    ).rejects.toThrow(/cannot read the GATEHOUSE_TLS_CERT file .*nope\.pem/);
  });
});

describe('HSTS over plain HTTP', () => {
  it('is sent only when a trusted proxy says the client connection was HTTPS', async () => {
    const plain = await startGatehouse(
      loadConfig({
        flags: {
          db: join(dir, 'p.db'),
          keyFile: join(dir, 'pk'),
          port: 0,
          sandbox: true,
          trustProxy: true,
        },
      }),
      { logger: createLogger({ level: 'silent' }), createDemoAgent: false },
    );
    try {
      const direct = await fetch(`${plain.url}/healthz`);
      expect(direct.headers.get('strict-transport-security')).toBeNull();
      expect(direct.headers.get('x-content-type-options')).toBe('nosniff');
      const proxied = await fetch(`${plain.url}/healthz`, {
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(proxied.headers.get('strict-transport-security')).toBe(
        'max-age=31536000; includeSubDomains',
      );
    } finally {
      await plain.close();
    }
  });
});
