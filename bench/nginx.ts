// The nginx floor for the overhead benches: Debian's nginx (`nginx-light`) with `proxy_pass` in
// front of the same upstream, keep-alive on both sides, as the cost of the thinnest real proxy.
// Installed with apt-get when missing and this process may (root); otherwise the floor is skipped
// and the reason printed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { track } from './lib.js';

const binary = process.env.BENCH_NGINX ?? '/usr/sbin/nginx';

/** A running nginx, or why there is none. */
export type Nginx =
  | { readonly ok: true; readonly url: string; readonly workers: number; stop(): Promise<void> }
  | { readonly ok: false; readonly skipped: string };

/** Installs nginx-light when missing (root only); returns why it cannot be had, or null. */
function ensureNginx(): string | null {
  if (existsSync(binary)) return null;
  if (process.env.BENCH_NGINX) return `BENCH_NGINX=${binary} does not exist`;
  if (process.getuid?.() !== 0) {
    return `${binary} is missing and installing nginx-light needs root (run: apt-get install -y nginx-light)`;
  }
  process.stderr.write('  nginx missing: apt-get install -y nginx-light …\n');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '-q', 'nginx-light'], { env, stdio: 'ignore' });
  let r = install();
  if (r.status !== 0) {
    spawnSync('apt-get', ['update', '-q'], { env, stdio: 'ignore' });
    r = install();
  }
  if (r.error) return `apt-get could not run (${r.error.message})`;
  if (r.status !== 0 || !existsSync(binary)) {
    return `apt-get install nginx-light failed (exit ${r.status})`;
  }
  return null;
}

/** A TCP port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until && child.exitCode === null) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * Starts nginx with a config and prefix of its own in a temporary folder, on a free port, proxying
 * everything to `upstreamUrl` over a keep-alive pool. `workers` defaults to 1: one process (no
 * master), as a Gatehouse process is one; BENCH_NGINX_WORKERS=auto gives a master and one worker
 * per core.
 */
export async function startNginx(
  upstreamUrl: string,
  workers = process.env.BENCH_NGINX_WORKERS ?? '1',
): Promise<Nginx> {
  const missing = ensureNginx();
  if (missing) return { ok: false, skipped: missing };
  const prefix = mkdtempSync(join(tmpdir(), 'gatehouse-bench-nginx-'));
  for (const d of ['logs', 'tmp']) mkdirSync(join(prefix, d));
  const port = await freePort();
  const upstream = new URL(upstreamUrl);
  const conf = `
${workers === '1' ? 'master_process off;' : `worker_processes ${workers};`}
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
${process.getuid?.() === 0 ? 'user root;' : ''}
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  upstream replay { server ${upstream.host}; keepalive 256; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://replay;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
  writeFileSync(join(prefix, 'nginx.conf'), conf);
  const child = track(
    spawn(binary, ['-p', prefix, '-c', join(prefix, 'nginx.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    }),
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += String(d)));
  const up = await waitForPort(port, child, 5000);
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(prefix, { recursive: true, force: true });
  };
  if (!up) {
    await stop();
    return { ok: false, skipped: `nginx did not start: ${stderr.trim() || 'no output'}` };
  }
  const count = workers === 'auto' ? 0 : Number(workers);
  return { ok: true, url: `http://127.0.0.1:${port}`, workers: count, stop };
}
