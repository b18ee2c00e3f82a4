// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Packages that cost real time to load: only the lazy loader may import them at run time (STYLE §5.11). */
const lazyPackages = ['@google-cloud/compute', 'dockerode', 'ssh2', 'google-auth-library'].map((name) => ({
  name,
  allowTypeImports: true,
  message: 'Load it through src/core/lazyPackages.ts so activation stays cheap.',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.tools/**', 'test-results/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    // lazyPackages.ts loads them; computeClients.ts is itself loaded lazily, as its own bundle.
    ignores: ['src/core/lazyPackages.ts', 'src/core/gce/computeClients.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: lazyPackages }] },
  },
  {
    // The core is plain Node: used by the CLI and tested without VS Code (STYLE §5.1).
    files: ['src/core/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'src/core must not depend on VS Code.' }] },
      ],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/lazyPackages.ts', 'src/core/gce/computeClients.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: [{ name: 'vscode', message: 'src/core must not depend on VS Code.' }, ...lazyPackages] },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    // Tests match YAML indentation with literal spaces, which read better than {n}.
    rules: { 'no-console': 'off', '@typescript-eslint/no-restricted-imports': 'off', 'no-regex-spaces': 'off' },
  },
);
