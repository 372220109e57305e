// Built-in HTTPS: TLS 1.2 or later only, HSTS for a year with subdomains, the security headers on
// every answer; HSTS only where the connection is HTTPS (directly or via a trusted proxy). TLS 1.2
// offers only ECDHE + AEAD suites: a client limited to a suite without forward secrecy or with CBC
// is refused at the handshake.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';

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

/** Completes a bare TLS handshake with the server; resolves the negotiated protocol and suite. */
function handshake(options: ConnectionOptions) {
  const { port } = new URL(g.url);
  return new Promise<{ protocol: string | null; cipher: string }>((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port: Number(port),
      ca: readFileSync(cert),
      ...options,
    });
    socket.once('secureConnect', () => {
      const result = { protocol: socket.getProtocol(), cipher: socket.getCipher().standardName };
      socket.end();
      resolve(result);
    });
    socket.once('error', (e) => {
      socket.destroy();
      reject(e);
    });
  });
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

  it.each(['AES128-SHA', 'AES256-SHA', 'AES128-SHA256'])(
    'refuses a TLS 1.2 client offering only %s (no forward secrecy, CBC)',
    async (cipher) => {
      await expect(handshake({ maxVersion: 'TLSv1.2', ciphers: cipher })).rejects.toThrow(
        /handshake failure|no shared cipher|alert/i,
      );
    },
  );

  it('accepts a TLS 1.2 client offering ECDHE-RSA with AES-128-GCM', async () => {
    // The test certificate has an RSA key, so the ECDHE-RSA suite is the one that applies.
    expect(
      await handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }),
    ).toEqual({ protocol: 'TLSv1.2', cipher: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' });
  });

  it('prefers its own order when a TLS 1.2 client offers ChaCha20 first', async () => {
    const chosen = await handshake({
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256',
    });
    expect(chosen.cipher).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  });

  it('accepts TLS 1.3', async () => {
    const chosen = await handshake({ minVersion: 'TLSv1.3' });
    expect(chosen.protocol).toBe('TLSv1.3');
    expect(chosen.cipher).toMatch(/^TLS_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA(256|384)$/);
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
