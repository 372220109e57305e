// Shared benchmark helpers: child processes, a keep-alive HTTP client, percentiles.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';

/** Starts `node --import tsx <script>` and resolves with the first stdout line matching `pattern`. */
export function startChild(
  script: string,
  env: Record<string, string | undefined>,
  pattern: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      const m = pattern.exec(out);
      if (m) resolve({ child, match: m });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited early with ${code}`)));
  });
}

/** Stops a child and waits for it. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** One request over a keep-alive connection; resolves with status and elapsed ms. */
export function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }),
      );
    });
    req.on('error', reject);
    if (body) req.end(body);
    else req.end();
  });
}

/** The q-th percentile (0–100) of a list of numbers. */
export function percentile(values: number[], q: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((q / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Rounds for display. */
export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
