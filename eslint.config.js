// Lint rules, including the folder boundaries from the architecture: dependencies point one way.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders each layer must not import from (relative imports are matched by folder name). */
const boundaries = {
  'src/catalog': [
    'core',
    'upstream',
    'store',
    'cache',
    'gateway',
    'surfaces',
    'sandbox',
    'app',
    'cli',
    'config',
    'ports',
  ],
  'src/core': [
    'upstream',
    'store',
    'cache',
    'gateway',
    'surfaces',
    'sandbox',
    'app',
    'cli',
    'config',
  ],
  'src/sandbox': [
    'core',
    'upstream',
    'store',
    'cache',
    'gateway',
    'surfaces',
    'app',
    'cli',
    'config',
    'ports',
  ],
  'src/upstream': ['store', 'cache', 'gateway', 'surfaces', 'sandbox', 'app', 'cli'],
  'src/ports': [
    'upstream',
    'store',
    'cache',
    'gateway',
    'surfaces',
    'sandbox',
    'app',
    'cli',
    'config',
  ],
  'src/store': ['gateway', 'surfaces', 'sandbox', 'app', 'cli', 'upstream'],
  'src/cache': ['gateway', 'surfaces', 'sandbox', 'app', 'cli', 'upstream', 'store'],
  'src/gateway': ['surfaces', 'sandbox', 'app', 'cli', 'store', 'upstream', 'cache'],
  'src/surfaces': ['app', 'cli', 'sandbox', 'store'],
};

export default tseslint.config(
  { ignores: ['dist/**', 'web/dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
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
