// The Node floor for bench:overhead: the least a proxy written in Node does for the same calls,
// with nothing of Gatehouse's — it checks the caller's key against one string, parses the JSON
// body, forwards it with the upstream's key over keep-alive, parses Apollo's answer and writes it
// back re-serialised. What Gatehouse adds beyond this line is its own code (policy, audit,
// pacing, validation); what this adds beyond nginx is the runtime's (node:http, JSON, the loop).
// Env: BENCH_UPSTREAM_URL, BENCH_UPSTREAM_KEY, BENCH_CALLER_KEY. Prints `LISTENING <url>`.
import { Buffer } from 'node:buffer';
import http from 'node:http';
import { URL } from 'node:url';

const upstream = new URL(process.env.BENCH_UPSTREAM_URL);
const upstreamKey = process.env.BENCH_UPSTREAM_KEY;
const callerKey = process.env.BENCH_CALLER_KEY;
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

const readBody = (stream) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });

const server = http.createServer(async (req, res) => {
  try {
    if (req.headers['x-api-key'] !== callerKey) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
      return;
    }
    const text = await readBody(req);
    const body = text ? JSON.stringify(JSON.parse(text)) : undefined;
    const answer = await new Promise((resolve, reject) => {
      const out = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          agent,
          headers: { 'content-type': 'application/json', 'x-api-key': upstreamKey },
        },
        (r) => readBody(r).then((t) => resolve({ status: r.statusCode ?? 502, text: t }), reject),
      );
      out.on('error', reject);
      out.end(body);
    });
    const payload = JSON.stringify(JSON.parse(answer.text));
    res.writeHead(answer.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    });
    res.end(payload);
  } catch {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  }
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING http://127.0.0.1:${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
