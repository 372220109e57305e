#!/usr/bin/env node
// Dependency scan for CI: `npm audit` fails the build on any high or critical advisory.
//
// Some registry mirrors (this project's CI machine among them) do not serve npm's advisory
// endpoint and answer 405. The scan cannot run there; saying so loudly is all this script can do,
// so it passes with a warning, unless GATEHOUSE_AUDIT_REQUIRED=true makes an unscanned build fail.
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--audit-level=high', '--json'], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
let report;
try {
  report = JSON.parse(run.stdout || '{}');
} catch {
  report = {};
}

// A working audit always reports `metadata`; anything else is the service failing, not a verdict.
const unreachable = report.metadata === undefined;
if (unreachable) {
  const why =
    report.message ??
    report.error?.summary ??
    report.error?.code ??
    ((run.stderr || '').trim().split('\n').pop() || `npm audit exited ${run.status}`);
  const message = `dependency scan NOT performed: the registry's advisory service is unavailable (${why}).`;
  if (process.env.GATEHOUSE_AUDIT_REQUIRED === 'true') {
    console.error(`audit: ${message}`);
    process.exit(1);
  }
  console.warn(`audit: WARNING ${message} Set GATEHOUSE_AUDIT_REQUIRED=true to fail instead.`);
  process.exit(0);
}

const counts = report.metadata?.vulnerabilities ?? {};
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(
  `audit: ${counts.total ?? 0} advisories (critical ${counts.critical ?? 0}, high ${counts.high ?? 0}, moderate ${counts.moderate ?? 0}, low ${counts.low ?? 0}).`,
);
if (serious > 0) {
  for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
    if (v.severity === 'high' || v.severity === 'critical') {
      console.error(`  ${v.severity}: ${name} ${v.range ?? ''}`);
    }
  }
  process.exit(1);
}
