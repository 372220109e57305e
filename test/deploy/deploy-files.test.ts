// The deployment files as shipped: compose.yaml is valid for Docker Compose (the `docker compose`
// plugin where it exists, else Debian's docker-compose), refuses to run without the data key and
// admin token, names only settings Gatehouse has, and its replicas are the servers haproxy and
// nginx send to; deploy/nginx.conf passes `nginx -t`. (deploy/haproxy.cfg is checked and run in
// test/e2e/balancer.test.ts.)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { envNames } from '../../src/config/config.js';
import { ensureDebianPackage } from '../helpers/debian.js';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const compose = readFileSync('compose.yaml', 'utf8');
const keys = { GATEHOUSE_SECRET_KEY: 'k'.repeat(44), GATEHOUSE_ADMIN_TOKEN: 'a'.repeat(48) };

/** `docker compose` (v2) when the plugin answers, else Debian's docker-compose (installed). */
function composeCommand(): string[] {
  const v2 = spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' });
  if (v2.status === 0) return ['docker', 'compose'];
  return [ensureDebianPackage('/usr/bin/docker-compose', 'docker-compose')];
}

function runCompose(args: string[], env: Record<string, string>) {
  const [cmd, ...pre] = composeCommand();
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('GATEHOUSE_')) base[k] = v;
  }
  return spawnSync(cmd!, [...pre, '-f', 'compose.yaml', ...args], {
    env: { ...base, ...env },
    encoding: 'utf8',
  });
}

describe('compose.yaml', () => {
  it('is valid and runs three replicas, haproxy, Postgres and Redis', () => {
    const checked = runCompose(['config', '-q'], keys);
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
    const services = runCompose(['config', '--services'], keys);
    expect(services.stdout.trim().split('\n').sort()).toEqual([
      'gatehouse-1',
      'gatehouse-2',
      'gatehouse-3',
      'haproxy',
      'postgres',
      'redis',
    ]);
  });

  it('refuses to run without the data key, naming how to make one', () => {
    const missing = runCompose(['config', '-q'], {
      GATEHOUSE_ADMIN_TOKEN: keys.GATEHOUSE_ADMIN_TOKEN,
    });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/set GATEHOUSE_SECRET_KEY \(openssl rand -base64 32\)/);
  });

  it('sets only settings Gatehouse has', () => {
    const named = [...compose.matchAll(/^\s+(GATEHOUSE_[A-Z_]+):/gm)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(5);
    const known = new Set(Object.values(envNames));
    expect(named.filter((n) => !known.has(n))).toEqual([]);
  });

  it("sends haproxy's and nginx's traffic to exactly the compose replicas", () => {
    const replicas = [...compose.matchAll(/^ {2}(gatehouse-\d+):$/gm)].map((m) => `${m[1]}:8787`);
    for (const file of ['deploy/haproxy.cfg', 'deploy/nginx.conf']) {
      const servers = [
        ...readFileSync(file, 'utf8').matchAll(/server (?:gatehouse-\d+ )?(gatehouse-\d+:8787)/g),
      ].map((m) => m[1]);
      expect(servers, file).toEqual(replicas);
    }
  });
});

describe('deploy/nginx.conf', () => {
  it('passes nginx -t (with the replicas resolvable)', () => {
    const nginx = ensureDebianPackage('/usr/sbin/nginx', 'nginx-light');
    // nginx resolves upstream names when it loads; the replicas' names exist only in compose.
    const server = readFileSync('deploy/nginx.conf', 'utf8').replace(
      /gatehouse-\d+:8787/g,
      '127.0.0.1:8787',
    );
    writeFileSync(join(dir, 'gatehouse.conf'), server);
    const main = join(dir, 'nginx.conf');
    writeFileSync(
      main,
      `pid ${join(dir, 'nginx.pid')};\nerror_log stderr;\nevents {}\nhttp {\n  access_log off;\n  include ${resolve(dir, 'gatehouse.conf')};\n}\n`,
    );
    execFileSync(nginx, ['-t', '-q', '-c', main, '-p', dir], { stdio: 'pipe' });
  });
});

describe('Dockerfile', () => {
  it('runs `gatehouse start` as an unprivileged user on the default port', () => {
    const text = readFileSync('Dockerfile', 'utf8');
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^ENTRYPOINT \["node", "bin\/gatehouse\.js"\]$/m);
    expect(text).toMatch(/^CMD \["start"\]$/m);
    expect(text).toMatch(/^EXPOSE 8787$/m);
    // What the image copies is what `npm ci` builds: the CLI entry point and the console.
    expect(text).toMatch(/COPY --from=build \/app\/dist/);
    expect(text).toMatch(/COPY --from=build \/app\/web\/dist/);
  });
});
