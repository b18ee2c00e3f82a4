/**
 * Registry credentials, found the way the Docker CLI finds them for `docker push`, so cosvm pushes with
 * exactly what the user's `docker login` / credential helpers set up. Rules from docker/cli
 * `cli/config/configfile/file.go` (GetAuthConfig, getConfiguredCredentialStore, LoadFromReader),
 * `cli/config/credentials/{file,native}_store.go`, `cli/config/config.go` (Dir, LoadDefaultConfigFile) and the
 * docker-credential-helpers protocol (`client/client.go`, `credentials/error.go`). Google registries fall
 * back to Application Default Credentials when the Docker config gives nothing.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError, DockerError, throwIfAborted } from '../errors';
import { loadGoogleAuth } from '../lazyPackages';
import { Redactor } from '../redact';
import {
  authConfigKey,
  configError,
  convertToHostname,
  hasCredentials,
  isGoogleRegistry,
  parseDockerConfig,
  parseEnvAuthConfig,
  parseHelperOutput,
  type AuthEntry,
  type DockerConfig,
} from './dockerConfig';
import type { RegistryAuth } from './engine';

const helperPrefix = 'docker-credential-';
/** The protocol's standard "not found" answer, on stdout with a non-zero exit (credentials/error.go). */
const helperNotFound = 'credentials not found in native keychain';
const helperTokenUsername = '<token>';

/** The Engine's AuthConfig fields (sent as X-Registry-Auth) that a Docker config can fill. */
export interface ResolvedRegistryAuth extends RegistryAuth {
  /** A refresh token for the registry's token service: a helper's `<token>` user, or `identitytoken`. */
  identitytoken?: string;
  /** A bearer token sent to the registry as is (`registrytoken` in config.json). */
  registrytoken?: string;
}

export interface RegistryCredentialOptions {
  /** The directory of config.json; default `$DOCKER_CONFIG`, else `~/.docker`. */
  configDir?: string;
  /** DOCKER_CONFIG, DOCKER_AUTH_CONFIG, HOME and the helpers' PATH come from here; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The Google access token for Artifact Registry / GCR when Docker's config gives nothing; default ADC. */
  googleAccessToken?: () => Promise<string | undefined>;
  /** A credential helper that has not answered by then is killed; default 60 s (`pass` may wait for a PIN). */
  helperTimeoutMs?: number;
  /** What the CLI would print on stderr and go on (a malformed DOCKER_AUTH_CONFIG). */
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
}

function toAuth(entry: AuthEntry, serveraddress: string): ResolvedRegistryAuth {
  return {
    username: entry.username,
    password: entry.password,
    serveraddress,
    ...(entry.identitytoken ? { identitytoken: entry.identitytoken } : {}),
    ...(entry.registrytoken ? { registrytoken: entry.registrytoken } : {}),
  };
}

/**
 * The credentials `docker push` would use for a registry, or undefined for none (anonymous). Precedence as
 * in the CLI: DOCKER_AUTH_CONFIG (exact key), then `credHelpers[host]` (an empty name means config.json),
 * else `credsStore` (detected from the platform when config.json holds no auth at all), else `auths`
 * (exact key, then legacy keys with a scheme or path). For Google registries with nothing found, an ADC
 * access token with user `oauth2accesstoken`.
 *
 * Where the CLI silently goes on anonymously when a helper the user configured answers "credentials not
 * found", this throws `docker/no-credentials` naming the helper: an anonymous push fails later with a
 * vaguer registry error. Callers that want anonymous access can catch that code.
 */
export async function resolveRegistryAuth(registryHost: string, options: RegistryCredentialOptions = {}): Promise<ResolvedRegistryAuth | undefined> {
  const env = options.env ?? process.env;
  const key = authConfigKey(registryHost);
  const home = env['HOME'] || os.homedir();
  const dir = options.configDir ?? (env['DOCKER_CONFIG'] || path.join(home, '.docker'));
  const config = await loadDockerConfig(path.join(dir, 'config.json'));
  throwIfAborted(options.signal, 'Reading registry credentials');

  const envConfig = env['DOCKER_AUTH_CONFIG'];
  if (envConfig) {
    try {
      const entry = parseEnvAuthConfig(envConfig).get(key);
      if (entry) return toAuth(entry, key);
    } catch (error) {
      options.onWarning?.(`Ignoring DOCKER_AUTH_CONFIG, as the Docker CLI does: ${(error as Error).message}`);
    }
  }

  const perHost = key !== '' && config.credHelpers.has(key);
  let helper = perHost ? (config.credHelpers.get(key) ?? '') : config.credsStore;
  let namedBy = perHost ? `credHelpers["${key}"] in ${config.filename}` : `"credsStore" in ${config.filename}`;
  const containsAuth = config.credsStore !== '' || config.credHelpers.size > 0 || config.auths.size > 0;
  let detected = false;
  if (!helper && !containsAuth) {
    helper = await detectDefaultStore(env);
    namedBy = 'the platform default store';
    detected = true;
  }

  let notFoundBy: string | undefined;
  if (helper) {
    const answer = await runCredentialHelper(helper, key, namedBy, env, options);
    if (answer) return answer;
    // A default store the user never named behaves as in the CLI: no credentials, no error.
    if (!detected) notFoundBy = `${helperPrefix}${helper}`;
  } else {
    // Exact key first; else a legacy key written with a scheme or path (file_store.go Get).
    const stored = config.auths.has(key) ? key : [...config.auths.keys()].find((candidate) => convertToHostname(candidate) === key);
    const entry = stored === undefined ? undefined : config.auths.get(stored);
    if (stored !== undefined && hasCredentials(entry)) return toAuth(entry, stored);
  }

  if (isGoogleRegistry(key)) return googleAuth(key, notFoundBy, options);
  if (notFoundBy) {
    throw new DockerError(
      'docker/no-credentials',
      `The credential helper ${notFoundBy} has no credentials for ${key}; log in to the registry (docker login ${key}) and try again.`,
    );
  }
  return undefined;
}

async function loadDockerConfig(filename: string): Promise<DockerConfig> {
  let text: string;
  try {
    text = await readFile(filename, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return parseDockerConfig('', filename);
    throw configError(filename, `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
  }
  // The CLI warns and goes on without the file (LoadDefaultConfigFile); its own FIXME says it should not
  // (docker/cli#5075), and going on would turn a typo into an anonymous push, so parse errors throw.
  return parseDockerConfig(text, filename);
}

/** The CLI's DetectDefaultStore: the platform's helper, only if `docker-credential-<name>` is on PATH. */
async function detectDefaultStore(env: NodeJS.ProcessEnv): Promise<string> {
  let name = '';
  if (process.platform === 'linux') name = (await lookPath('pass', env)) ? 'pass' : 'secretservice';
  else if (process.platform === 'darwin') name = 'osxkeychain';
  else if (process.platform === 'win32') name = 'wincred';
  return name && (await lookPath(`${helperPrefix}${name}`, env)) ? name : '';
}

async function lookPath(name: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const extensions = process.platform === 'win32' ? ['', ...(env['PATHEXT'] ?? '.EXE').split(';')] : [''];
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    for (const extension of extensions) {
      const candidate = path.join(dir || '.', `${name}${extension}`);
      try {
        if ((await stat(candidate)).isFile()) {
          await access(candidate, constants.X_OK);
          return true;
        }
      } catch {
        // not here
      }
    }
  }
  return false;
}

/** Runs `docker-credential-<name> get` with the server URL on stdin; undefined when it has none. */
async function runCredentialHelper(
  name: string,
  serverUrl: string,
  namedBy: string,
  env: NodeJS.ProcessEnv,
  options: RegistryCredentialOptions,
): Promise<ResolvedRegistryAuth | undefined> {
  throwIfAborted(options.signal, 'Reading registry credentials');
  const program = `${helperPrefix}${name}`;
  const timeoutMs = options.helperTimeoutMs ?? 60_000;
  const redactor = new Redactor();
  const fail = (why: string, detail?: string, cause?: unknown) =>
    new DockerError('docker/no-credentials', `The credential helper ${program} (${namedBy}) ${why}.`, {
      ...(detail ? { detail: redactor.redact(detail) } : {}),
      ...(cause === undefined ? {} : { cause }),
    });
  const { code, stdout, stderr, timedOut } = await new Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }>((resolve, reject) => {
    const child = spawn(program, ['get'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const onAbort = () => child.kill('SIGKILL');
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    // A helper may exit without reading stdin; the EPIPE that follows is not its answer.
    child.stdin.on('error', () => undefined);
    child.once('error', (error: NodeJS.ErrnoException) => {
      done();
      const why = error.code === 'ENOENT' ? 'is not installed or not on PATH' : `could not be started (${error.code ?? error.message})`;
      reject(fail(why, undefined, error));
    });
    child.once('close', (exitCode) => {
      done();
      resolve({ code: exitCode, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut: expired });
    });
    child.stdin.end(serverUrl);
  });
  if (options.signal?.aborted) throw new CancelledError('Reading registry credentials');
  if (timedOut) throw fail(`did not answer within ${timeoutMs / 1000} s`, stderr);
  if (code !== 0) {
    if (stdout.trim() === helperNotFound) return undefined;
    // The protocol puts a helper's error on stdout; it is an error text, but redact it all the same.
    const said = redactor.redact(stdout.trim() || stderr.trim()).split(/\r?\n/)[0] ?? '';
    throw fail(`failed for ${serverUrl} (exit ${code ?? 'signal'})${said ? `: ${said}` : ''}`, stderr);
  }
  let username: string;
  let secret: string;
  try {
    ({ username, secret } = parseHelperOutput(stdout));
  } catch (error) {
    throw fail(`answered ${serverUrl} with ${(error as Error).message}`);
  }
  if (!username && !secret) return undefined;
  if (username === helperTokenUsername) return { username: '', password: '', serveraddress: serverUrl, identitytoken: secret };
  return { username, password: secret, serveraddress: serverUrl };
}

async function googleAuth(key: string, notFoundBy: string | undefined, options: RegistryCredentialOptions): Promise<ResolvedRegistryAuth> {
  const before = notFoundBy ? `${notFoundBy} has no credentials for ${key}, and ` : `No Docker credentials are configured for ${key}, and `;
  const advice = `run "gcloud auth application-default login" or "gcloud auth configure-docker ${key.replace(/:\d+$/, '')}"`;
  let token: string | undefined;
  try {
    token = await (options.googleAccessToken ?? applicationDefaultAccessToken)();
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError('Reading registry credentials');
    throw new DockerError('docker/no-credentials', `${before}Application Default Credentials gave no access token; ${advice}.`, { cause: error });
  }
  if (!token) throw new DockerError('docker/no-credentials', `${before}Application Default Credentials gave no access token; ${advice}.`);
  return { username: 'oauth2accesstoken', password: token, serveraddress: key };
}

async function applicationDefaultAccessToken(): Promise<string | undefined> {
  const GoogleAuth = await loadGoogleAuth();
  const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
  return (await auth.getAccessToken()) ?? undefined;
}
