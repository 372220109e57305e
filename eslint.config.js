// Lint rules, including the folder boundaries from the architecture: dependencies point one way.
import js from '@eslint/js';
import security from 'eslint-plugin-security';
import tseslint from 'typescript-eslint';

/** Folders each layer must not import from (relative imports are matched by folder name). */
// Domain folders above the store: what the pipeline and the admin service are made of.
// `auth` is the MCP authorization server (oidc-provider over the store), beside the services.
const domain = [
  'gateway',
  'approvals',
  'deliveries',
  'alerts',
  'pacing',
  'services',
  'jobs',
  'auth',
];
// Composition and the outermost layers.
const outer = ['surfaces', 'app', 'cli', 'web'];
// Tracing (docs/tracing.md): any layer may trace through src/telemetry's helpers over the
// OpenTelemetry API, a no-op until an SDK is registered; only src/telemetry/sdk.ts touches the SDK,
// and only the composition starts it, so the pipeline and the Apollo client never depend on it.
const otelSdk = {
  group: ['@opentelemetry/*', '!@opentelemetry/api'],
  message: 'Only src/telemetry/sdk.ts uses the OpenTelemetry SDK; trace through src/telemetry.',
};
const telemetrySdk = {
  group: ['**/telemetry/sdk', '**/telemetry/sdk.js'],
  message: 'The tracing SDK is started by the composition (src/app/start.ts) only.',
};
const boundaries = {
  'src/catalog': [
    'telemetry',
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
  'src/core': [
    'upstream',
    'store',
    'cache',
    'sandbox',
    'config',
    'ports',
    'telemetry',
    ...domain,
    ...outer,
  ],
  'src/config': [
    'upstream',
    'store',
    'cache',
    'sandbox',
    'ports',
    'telemetry',
    ...domain,
    ...outer,
  ],
  'src/sandbox': [
    'core',
    'upstream',
    'store',
    'cache',
    'config',
    'ports',
    'telemetry',
    ...domain,
    ...outer,
  ],
  'src/ports': [
    'upstream',
    'store',
    'cache',
    'sandbox',
    'config',
    'telemetry',
    ...domain,
    ...outer,
  ],
  // The span helpers read nothing of Gatehouse; the SDK setup reads the configuration's types.
  // (src/core is not listed: the pattern would also match @opentelemetry/core, which sdk.ts uses.)
  'src/telemetry': [
    'catalog',
    'upstream',
    'store',
    'cache',
    'sandbox',
    'metrics',
    ...domain,
    ...outer,
  ],
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
  // The pipeline reports to the observer port; the metrics behind it (prom-client) stay outside.
  'src/gateway': ['upstream', 'store', 'cache', 'sandbox', 'services', 'jobs', 'metrics', ...outer],
  // Metrics implement the observer port and read the pacer's types; the composition wires them.
  'src/metrics': ['gateway', ...outer],
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
  // Services orchestrate: they may read the configuration's types and call Apollo (OAuth connect).
  'src/services': ['sandbox', 'jobs', ...outer],
  // The authorization server reads the store, the configuration and the ports; surfaces mount it.
  'src/auth': ['sandbox', 'jobs', 'gateway', 'services', ...outer],
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
          patterns: [
            ...banned.map((name) => ({
              group: [`**/${name}/**`, `**/${name}`],
              message: `${folder} must not depend on src/${name} (see the architecture in README.md).`,
            })),
            ...(folder === 'src/telemetry' ? [] : [otelSdk]),
            ...(folder === 'src/app' ? [] : [telemetrySdk]),
          ],
        },
      ],
    },
  })),
);
