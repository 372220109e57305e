#!/usr/bin/env node
// A CycloneDX software bill of materials of what Gatehouse ships (production dependencies, with
// versions, licences and package URLs from the lockfile), so any scanner can check it later,
// offline or elsewhere. Written to test-artifacts/sbom.cdx.json (or the path given); fails when
// the generator fails or the document does not list every direct production dependency.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

const out = process.argv[2] ?? 'test-artifacts/sbom.cdx.json';
mkdirSync(dirname(out), { recursive: true });
const run = spawnSync(
  'npx',
  [
    '--no-install',
    'cyclonedx-npm',
    '--omit',
    'dev',
    '--output-format',
    'JSON',
    '--output-reproducible',
    '--output-file',
    out,
  ],
  { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] },
);
if (run.status !== 0) {
  console.error(`sbom: cyclonedx-npm failed (exit ${run.status}):\n${run.stderr}`);
  process.exit(1);
}

const bom = JSON.parse(readFileSync(out, 'utf8'));
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const listed = new Set(
  (bom.components ?? []).map((c) => (c.group ? `${c.group}/${c.name}` : c.name)),
);
const missing = Object.keys(pkg.dependencies ?? {}).filter((name) => !listed.has(name));
if (bom.bomFormat !== 'CycloneDX' || missing.length > 0) {
  console.error(`sbom: ${out} is incomplete; missing direct dependencies: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(
  `sbom: ${out}: CycloneDX ${bom.specVersion}, ${bom.components.length} components, every direct dependency listed.`,
);
