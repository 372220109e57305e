// /admin/docs: the admin API's routes as a browsable page, generated from the contract's list.
import { escapeHtml } from '../../core/index.js';

import { adminRoutes } from './contracts.js';

/** The page's HTML. */
export function adminDocsPage(): string {
  const rows = adminRoutes
    .map(
      (r) =>
        `<tr><td><code>${r.method.toUpperCase()}</code></td><td><code>${escapeHtml(r.path)}</code></td><td>${escapeHtml(r.summary)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Gatehouse admin API</title></head><body><h1>Gatehouse admin API</h1><p>Authenticate with <code>Authorization: Bearer &lt;admin token&gt;</code>, or log in and send <code>X-CSRF-Token</code> with every change. Machine-readable: <a href="/admin/api/openapi.json">openapi.json</a>.</p><table><thead><tr><th>Method</th><th>Path</th><th>What it does</th></tr></thead><tbody>${rows}</tbody></table></body></html>`;
}
