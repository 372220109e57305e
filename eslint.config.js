// Lint rules, including the folder boundaries from the architecture: dependencies point one way.
import js from '@eslint/js';
import security from 'eslint-plugin-security';
import tseslint from 'typescript-eslint';

/** Folders each layer must not import from (relative imports are matched by folder name). */
// Domain folders above the store: what the pipeline and the admin service are made of.
const domain = ['gateway', 'approvals', 'deliveries', 'alerts', 'pacing', 'services', 'jobs'];
// Composition and the outermost layers.
const outer = ['surfaces', 'app', 'cli', 'web'];
const boundaries = {
  'src/catalog': [
    'core',
    'upstream',
    'store',
    'cache',
    'sandbox',
    'config',
    'ports',
    ...domain,
    ...outer,
  ],
  // Pure logic: nothing with I/O, not even the port types.
  'src/core': ['upstream', 'store', 'cache', 'sandbox', 'config', 'ports', ...domain, ...outer],
  'src/config': ['upstream', 'store', 'cache', 'sandbox', 'ports', ...domain, ...outer],
  'src/sandbox': ['core', 'upstream', 'store', 'cache', 'config', 'ports', ...domain, ...outer],
  'src/ports': ['upstream', 'store', 'cache', 'sandbox', 'config', ...domain, ...outer],
  'src/upstream': ['store', 'cache', 'sandbox', ...domain, ...outer],
  'src/store': ['upstream', 'sandbox', ...domain, ...outer],
  'src/cache': ['upstream', 'store', 'sandbox', ...domain, ...outer],
  'src/pacing': [
    'upstream',
    'store',
    'cache',
    'sandbox',
    'config',
    'gateway',
    'approvals',
    'deliveries',
    'alerts',
    'services',
    'jobs',
    ...outer,
  ],
  'src/deliveries': [
    'upstream',
    'sandbox',
    'config',
    'gateway',
    'approvals',
    'alerts',
    'services',
    'jobs',
    ...outer,
  ],
  'src/approvals': [
    'upstream',
    'store',
    'cache',
    'sandbox',
    'config',
    'deliveries',
    'alerts',
    'services',
    'jobs',
    ...outer,
  ],
  'src/gateway': ['upstream', 'store', 'cache', 'sandbox', 'services', 'jobs', ...outer],
  'src/alerts': [
    'upstream',
    'sandbox',
    'gateway',
    'approvals',
    'deliveries',
    'services',
    'jobs',
    ...outer,
  ],
  'src/services': ['upstream', 'sandbox', 'config', 'jobs', ...outer],
  'src/surfaces': ['store', 'sandbox', 'app', 'cli', 'web', 'jobs'],
  'src/jobs': ['sandbox', ...outer],
  'src/app': ['cli', 'web'],
  'src/cli': ['web'],
};

export default tseslint.config(
  { ignores: ['dist/**', 'web/dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Static security analysis that works offline (docs/security.md says what it covers): the rules
  // of eslint-plugin-security are errors in server code. A heuristic finding that is safe on
  // review is kept with an eslint-disable comment saying why, next to the line.
  {
    files: ['src/**/*.ts', 'bin/**/*.js', 'scripts/**/*.{ts,mjs,js}'],
    ignores: ['src/**/*.test.ts'],
    plugins: { security },
    rules: {
      ...Object.fromEntries(
        Object.keys(security.configs.recommended.rules).map((rule) => [rule, 'error']),
      ),
      // Flags every obj[variable]: hundreds of lookups in tables keyed by catalog ids. The defence
      // against hostile keys is at the boundary instead: no parameter named __proto__,
      // constructor or prototype gets past the input-shape check, on any surface.
      'security/detect-object-injection': 'off',
    },
  },
  // Files named at run time belong to the operator's configuration and the CLI's arguments;
  // everywhere else (the pipeline, the surfaces, the catalog) no file is opened by a computed name.
  {
    files: [
      'src/app/**/*.ts',
      'src/cli/**/*.ts',
      'src/config/**/*.ts',
      'src/store/**/*.ts',
      'scripts/**',
    ],
    rules: { 'security/detect-non-literal-fs-filename': 'off' },
  },
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExportAllDeclaration',
          message: 'Use explicit named re-exports, never export *.',
        },
      ],
      eqeqeq: ['error', 'always'],
    },
  },
  // The console reaches Gatehouse only through the admin API; of the server's code it may use the
  // admin API's contract types, nothing else.
  {
    files: ['web/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)src/(?!surfaces/admin/contracts(\\.js)?$)',
              message: 'web/ talks to Gatehouse through the admin API only (see README.md).',
            },
          ],
        },
      ],
    },
  },
  ...Object.entries(boundaries).map(([folder, banned]) => ({
    files: [`${folder}/**/*.ts`],
    ignores: [`${folder}/**/*.test.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: banned.map((name) => ({
            group: [`**/${name}/**`, `**/${name}`],
            message: `${folder} must not depend on src/${name} (see the architecture in README.md).`,
          })),
        },
      ],
    },
  })),
);
