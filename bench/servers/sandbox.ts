// The benchmark upstream, as its own process. Prints {url, key} as JSON once it listens.
//
// BENCH_UPSTREAM=replay (default): the sandbox answers each distinct request once and the answer
// is replayed from memory afterwards. Real Apollo runs on other machines; on a 2-core bench box a
// simulator that generates people on every call would take CPU from the gateway under test and
// measure the simulator, not Gatehouse. Replay keeps the upstream's cost flat and small for both
// the direct baseline and the Gatehouse path, so the difference is what Gatehouse adds.
// BENCH_UPSTREAM=sandbox: every call runs the full sandbox (unlimited windows).
import http from 'node:http';

import { actions } from '../../src/catalog/index.js';
import { createSandbox } from '../../src/sandbox/index.js';
import { createWorld } from '../../src/sandbox/world/index.js';

const unlimited = { minute: null, hour: null, day: null };
const sandbox = createSandbox({
  seed: 11,
  createWorld,
  limits: Object.fromEntries(actions.map((a) => [a.id, unlimited])),
});
const key = sandbox.keys.master[0]!;

interface Recorded {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

async function startReplay(): Promise<{ url: string; close(): Promise<void> }> {
  const recorded = new Map<string, Recorded>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const auth = req.headers['x-api-key'];
      const cacheKey = `${String(auth)} ${req.method} ${req.url} ${body.toString('utf8')}`;
      const hit = recorded.get(cacheKey);
      if (hit) {
        res.writeHead(hit.status, hit.headers).end(hit.body);
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers.set(name, value);
      }
      void Promise.resolve(
        sandbox.app.fetch(
          new Request(`http://sandbox${req.url}`, {
            method: req.method,
            headers,
            body: body.length ? body : undefined,
          }),
        ),
      ).then(async (answer) => {
        const entry: Recorded = {
          status: answer.status,
          headers: Object.fromEntries(answer.headers),
          body: Buffer.from(await answer.arrayBuffer()),
        };
        if (answer.status === 200) recorded.set(cacheKey, entry);
        res.writeHead(entry.status, entry.headers).end(entry.body);
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const server =
  process.env.BENCH_UPSTREAM === 'sandbox'
    ? await sandbox.listen(0, '127.0.0.1')
    : await startReplay();
process.stdout.write(`${JSON.stringify({ url: server.url, key })}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
