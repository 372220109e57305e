// README.md is the front door: every setting Gatehouse reads must be in its configuration table,
// and every GATEHOUSE_* name the table lists must be one Gatehouse reads.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { envNames } from './config.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const table = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Architecture'));

describe('the README configuration table', () => {
  it('names every setting', () => {
    const missing = Object.values(envNames).filter((name) => !table.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });

  it('names no setting Gatehouse does not read', () => {
    // GATEHOUSE_AGENT_TOKEN is the CLI's (gatehouse mcp / enrich), not the server's; an error code
    // (GATEHOUSE_SHUTTING_DOWN) is not a setting.
    const known = new Set([...Object.values(envNames), 'GATEHOUSE_AGENT_TOKEN']);
    const errorCodes = /^GATEHOUSE_SHUTTING_DOWN$/;
    const listed = [...table.matchAll(/`((?:GATEHOUSE|OTEL)_[A-Z0-9_]+)`/g)]
      .map((m) => m[1]!)
      .filter((name) => !errorCodes.test(name));
    expect(listed.length).toBeGreaterThan(20);
    // OTEL_EXPORTER_OTLP_* beyond Gatehouse's own are read by the exporter (docs/tracing.md).
    expect(listed.filter((name) => !known.has(name))).toEqual([]);
  });
});
