// The console's weight and first load, measured in Debian's Chromium against a Gatehouse on the
// embedded sandbox. Baseline from the same run: /admin/docs, a small page the server renders with
// no script. Figures: the bundle (raw and gzip, from web/dist), and per cold load (a fresh browser
// context each time, so nothing is cached) the time to the login form, and from "Log in" to the
// overview's figures. Ends with one JSON line.
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { chromium } from 'playwright-core';

import { createLogger } from '../src/app/logger.js';
import { startGatehouse } from '../src/app/start.js';
import { loadConfig } from '../src/config/config.js';
import { ensureChromium } from '../test/helpers/chromium.js';

import { percentile, round } from './lib.js';

const runs = Number(process.env.BENCH_CONSOLE_RUNS ?? 15);
const adminToken = 'bench-console-admin-token-0123456789ab';
const assets = join(process.cwd(), 'web', 'dist', 'assets');

/** The bundle: what index.html loads at once (script and styles), and what loads later. */
function bundle() {
  const html = readFileSync(join(assets, '..', 'index.html'), 'utf8');
  const files = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
  const size = (pick: (f: string) => boolean) =>
    files.filter(pick).reduce(
      (acc, f) => {
        const bytes = readFileSync(join(assets, f));
        return { raw: acc.raw + bytes.length, gzip: acc.gzip + gzipSync(bytes).length };
      },
      { raw: 0, gzip: 0 },
    );
  const initial = (f: string) => html.includes(`/assets/${f}`);
  return {
    js: size((f) => f.endsWith('.js') && initial(f)),
    lazy: size((f) => f.endsWith('.js') && !initial(f)),
    css: size((f) => f.endsWith('.css')),
  };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-console-'));
  const g = await startGatehouse(
    loadConfig({
      flags: { db: join(dir, 'g.db'), keyFile: join(dir, 'k'), port: 0, sandbox: true, adminToken },
    }),
    { logger: createLogger({ level: 'silent' }), createDemoAgent: false },
  );
  const browser = await chromium.launch({
    executablePath: ensureChromium(),
    args: ['--no-sandbox'],
  });
  const docs: number[] = [];
  const login: number[] = [];
  const overview: number[] = [];
  try {
    for (let i = 0; i < runs + 1; i += 1) {
      const context = await browser.newContext();
      const page = await context.newPage();
      let t = performance.now();
      await page.goto(`${g.url}/admin/docs`);
      await page.getByRole('heading', { name: 'Gatehouse admin API' }).waitFor();
      const docsMs = performance.now() - t;
      const fresh = await browser.newContext();
      const p = await fresh.newPage();
      t = performance.now();
      await p.goto(g.url);
      await p.getByLabel('Admin token').waitFor();
      const loginMs = performance.now() - t;
      await p.getByLabel('Admin token').fill(adminToken);
      t = performance.now();
      await p.getByRole('button', { name: 'Log in' }).click();
      await p.getByTestId('calls-today').waitFor();
      const overviewMs = performance.now() - t;
      // The first round warms the server (the sandbox, the database), not the browser's cache.
      if (i > 0) {
        docs.push(docsMs);
        login.push(loginMs);
        overview.push(overviewMs);
      }
      await context.close();
      await fresh.close();
    }
  } finally {
    await browser.close();
    await g.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const b = bundle();
  const p = (v: number[], q: number) => round(percentile(v, q), 1);
  const rows: [string, string, string][] = [
    [
      'baseline: /admin/docs (server-rendered, no script)',
      `${p(docs, 50)} ms`,
      `${p(docs, 95)} ms`,
    ],
    ['console: cold load to the login form', `${p(login, 50)} ms`, `${p(login, 95)} ms`],
    ['console: "Log in" to the overview figures', `${p(overview, 50)} ms`, `${p(overview, 95)} ms`],
  ];
  console.log(`Console first load, ${runs} cold loads each (Chromium, embedded sandbox)\n`);
  console.log(`${'figure'.padEnd(52)} ${'p50'.padStart(10)} ${'p95'.padStart(10)}`);
  for (const [name, a, c] of rows)
    console.log(`${name.padEnd(52)} ${a.padStart(10)} ${c.padStart(10)}`);
  const kb = (n: number) => round(n / 1024, 1);
  console.log(
    `\nBundle loaded at once: JS ${kb(b.js.raw)} KiB (${kb(b.js.gzip)} KiB gzip), CSS ${kb(b.css.raw)} KiB (${kb(b.css.gzip)} KiB gzip); loaded by the usage page: ${kb(b.lazy.raw)} KiB (${kb(b.lazy.gzip)} KiB gzip)`,
  );
  console.log(
    JSON.stringify({
      bench: 'console',
      runs,
      baseline_docs_p50_ms: p(docs, 50),
      login_form_p50_ms: p(login, 50),
      login_form_p95_ms: p(login, 95),
      login_to_overview_p50_ms: p(overview, 50),
      login_to_overview_p95_ms: p(overview, 95),
      js_kib: kb(b.js.raw),
      js_gzip_kib: kb(b.js.gzip),
      lazy_js_kib: kb(b.lazy.raw),
      lazy_js_gzip_kib: kb(b.lazy.gzip),
      css_kib: kb(b.css.raw),
      css_gzip_kib: kb(b.css.gzip),
    }),
  );
}

await main();
