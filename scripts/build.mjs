// Bundles the extension (Node, `vscode` external) and the webview (browser) with esbuild.
// Usage: node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  legalComments: 'none',
  logLevel: process.argv.includes('--quiet') ? 'warning' : 'info',
};

/**
 * Keeps what src/core/lazyPackages.ts loads on first use out of the extension bundle, each in a file of
 * its own, so activation never even parses them: the Compute client (and its 12 MB of protos), dockerode, ssh2,
 * and google-auth-library (Artifact Registry tokens for a push).
 */
const lazyApart = {
  name: 'lazy-apart',
  setup(build) {
    const files = { dockerode: './lazy/dockerode.js', ssh2: './lazy/ssh2.js', 'google-auth-library': './lazy/google-auth.js', './gce/computeClients': './compute.js' };
    build.onResolve({ filter: /^(dockerode|ssh2|google-auth-library|\.\/gce\/computeClients)$/ }, (args) =>
      args.importer.endsWith('lazyPackages.ts') ? { path: files[args.path], external: true } : undefined,
    );
  },
};
const require = createRequire(import.meta.url);

const builds = [
  {
    ...common,
    entryPoints: {
      extension: 'src/extension.ts',
      compute: 'src/core/gce/computeClients.ts',
      'lazy/dockerode': require.resolve('dockerode'),
      'lazy/ssh2': require.resolve('ssh2'),
      'lazy/google-auth': require.resolve('google-auth-library'),
    },
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    plugins: [lazyApart],
    // Class names survive minification here: connectSocket (src/core/ssh/connection.ts) recognises ssh2's
    // decipher by its name, and error stacks in the log stay readable. (Not needed for the webview.)
    keepNames: true,
    // ssh2 and cpu-features try optional native add-ons inside try/catch; the VSIX ships pure JS,
    // which is what VS Code's Electron runtime can load anyway (gce-api-notes.md §6).
    external: ['vscode', '*.node', 'cpu-features'],
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli.ts' },
    outdir: 'dist',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { 'webview/main': 'webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
  },
];

// A release build starts clean, so no stale source map slips into the VSIX.
if (production) rmSync('dist', { recursive: true, force: true });

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}

// The declaration's JSON schema (contributed through yamlValidation) is generated from the field table.
{
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const out = await esbuild.build({ entryPoints: ['src/core/declaration/schema.ts'], bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'warning' });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', out.outputFiles[0].text)(module, module.exports, (await import('node:module')).createRequire(import.meta.url));
  mkdirSync('dist/schemas', { recursive: true });
  writeFileSync('dist/schemas/declaration.schema.json', `${JSON.stringify(module.exports.declarationJsonSchema(), null, 2)}\n`);
  // The deploy profile's schema (cosvm.yaml) comes from its reader's module the same way.
  const profile = await esbuild.build({ entryPoints: ['src/core/deploy/profile.ts'], bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'warning' });
  const profileModule = { exports: {} };
  new Function('module', 'exports', 'require', profile.outputFiles[0].text)(profileModule, profileModule.exports, (await import('node:module')).createRequire(import.meta.url));
  writeFileSync('dist/schemas/profile.schema.json', `${JSON.stringify(profileModule.exports.profileJsonSchema(), null, 2)}\n`);
}
