/**
 * The only place that imports heavy packages at run time (lint-enforced, STYLE §5.11). Each loads on first
 * use and is cached, so activation never pays for Docker, SSH or the Compute client.
 */

function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

export const loadDockerode = lazy(async () => (await import('dockerode')).default);
/** google-auth-library, for Application Default Credentials (registry tokens, credentials.ts). */
export const loadGoogleAuth = lazy(async () => (await import('google-auth-library')).GoogleAuth);
export const loadSsh2 = lazy(async () => {
  const module = await import('ssh2');
  // Importing CommonJS gives module.exports as `default`, and named exports only where Node's static
  // lexer finds them: in the bundle it missed `utils` (a failed key generation in the playground).
  return (module as unknown as { default?: typeof module }).default ?? module;
});

/**
 * The Compute client factory. The extension bundle keeps it in its own file (dist/compute.js, see
 * scripts/build.mjs), so neither its code nor its 12 MB of protos is parsed before first use.
 */
export const loadCompute = lazy(async () => await import('./gce/computeClients'));
