/**
 * Pure readers of the Docker CLI's client configuration: config.json, DOCKER_AUTH_CONFIG, registry host
 * keys and credential-helper answers (STYLE §5.10). The rules are docker/cli's: `cli/config/configfile/
 * file.go` (LoadFromReader, decodeAuth, getAuthConfigKey, parseEnvConfig), `cli/config/credentials/
 * file_store.go` (ConvertToHostname) and docker-credential-helpers `credentials/credentials.go`.
 */
import { DockerError } from '../errors';

/** An `auths` entry after decoding, as the CLI's LoadFromReader leaves it. */
export interface AuthEntry {
  username: string;
  password: string;
  identitytoken: string;
  registrytoken: string;
}

export interface DockerConfig {
  filename: string;
  auths: Map<string, AuthEntry>;
  credsStore: string;
  credHelpers: Map<string, string>;
}

/** Docker Hub's key in `auths` and for helpers (docker/cli `authConfigKey`). */
export const dockerHubAuthKey = 'https://index.docker.io/v1/';

/**
 * A registry URL or `host[:port][/path]` reduced to `host[:port]`, as the CLI's ConvertToHostname does with
 * Go's net/url: case and explicit ports are kept, IPv6 brackets only with a port, unparsable URLs fall back
 * to the text between `://` and the next `/`.
 */
export function convertToHostname(maybeUrl: string): string {
  if (maybeUrl.includes('://')) {
    const parsed = goUrlHost(maybeUrl);
    if (parsed) return parsed;
    const fallback = hostFromUrlFallback(maybeUrl);
    if (fallback) return fallback;
  }
  return maybeUrl.split('/', 1)[0] ?? '';
}

/** Go's url.Parse + Hostname()/Port() for `scheme://authority…`; undefined where Go errs or finds no host. */
function goUrlHost(url: string): string | undefined {
  const match = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(url);
  if (!match) return undefined;
  const authority = match[1] ?? '';
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  if (!/^[A-Za-z0-9._~!$&'()*+,;=:[\]%-]*$/.test(host)) return undefined;
  let hostname: string;
  let port: string;
  const bracketed = /^\[([^\]]*)\](?::(\d*))?$/.exec(host);
  if (bracketed) {
    hostname = bracketed[1] ?? '';
    port = bracketed[2] ?? '';
  } else if (host.startsWith('[') || (host.match(/:/g) ?? []).length > 1) {
    return undefined; // Go rejects unbracketed IPv6 and stray brackets.
  } else {
    const colon = host.indexOf(':');
    hostname = colon >= 0 ? host.slice(0, colon) : host;
    port = colon >= 0 ? host.slice(colon + 1) : '';
    if (!/^\d*$/.test(port)) return undefined;
  }
  if (!hostname) return undefined;
  return port ? joinHostPort(hostname, port) : hostname;
}

function hostFromUrlFallback(url: string): string {
  const rest = url.slice(url.indexOf('://') + 3);
  const host = rest.split('/', 1)[0] ?? '';
  if ((host.match(/:/g) ?? []).length > 1 && !host.startsWith('[')) {
    const colon = host.lastIndexOf(':');
    const address = host.slice(0, colon);
    const port = host.slice(colon + 1);
    if (address && /^\d+$/.test(port)) return joinHostPort(address, port);
  }
  return host;
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The key a registry's credentials are stored under: Docker Hub's historical URL, else the host itself. */
export function authConfigKey(registryHost: string): string {
  const host = convertToHostname(registryHost);
  return host === 'docker.io' || host === 'index.docker.io' ? dockerHubAuthKey : host;
}

/** Artifact Registry (`*-docker.pkg.dev`, any `*.pkg.dev`) and Container Registry (`gcr.io`, `*.gcr.io`). */
export function isGoogleRegistry(registryHost: string): boolean {
  const hostname = convertToHostname(registryHost).replace(/:\d+$/, '').toLowerCase();
  return /^[^/]+\.pkg\.dev$/.test(hostname) || hostname === 'gcr.io' || hostname.endsWith('.gcr.io');
}

export function configError(filename: string, why: string, cause?: unknown): DockerError {
  return new DockerError('docker/no-credentials', `Docker's config file ${filename} is not valid: ${why}.`, cause === undefined ? {} : { cause });
}

/** A field of a JSON object the way Go's encoding/json finds it: exact name or case-insensitively, last wins. */
function field(object: Record<string, unknown>, name: string): unknown {
  let found: unknown;
  for (const [key, value] of Object.entries(object)) if (key.toLowerCase() === name.toLowerCase()) found = value;
  return found;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(object: Record<string, unknown>, name: string, fail: (why: string) => Error): string {
  const value = field(object, name);
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw fail(`"${name}" is not a string`);
  return value;
}

/** base64 `user:password`, checked as strictly as Go's StdEncoding and the CLI's decodeAuth. */
function decodeAuth(auth: string, fail: (why: string) => Error): { username: string; password: string } {
  const compact = auth.replace(/[\r\n]/g, '');
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw fail('its "auth" is not base64');
  const decoded = Buffer.from(compact, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw fail('its "auth" is not "username:password"');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1).replace(/^\0+|\0+$/g, '') };
}

/** Parses config.json as the CLI's LoadFromReader does. Never puts a credential in an error. */
export function parseDockerConfig(text: string, filename: string): DockerConfig {
  const config: DockerConfig = { filename, auths: new Map(), credsStore: '', credHelpers: new Map() };
  if (text.trim() === '') return config; // an empty file is an empty config (io.EOF is not an error)
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw configError(filename, 'it is not JSON', error);
  }
  if (value === null) return config;
  const fail = (why: string) => configError(filename, why);
  if (!isObject(value)) throw fail('it is not a JSON object');
  config.credsStore = stringField(value, 'credsStore', fail);
  const helpers = field(value, 'credHelpers');
  if (helpers !== undefined && helpers !== null) {
    if (!isObject(helpers)) throw fail('"credHelpers" is not an object');
    for (const [host, name] of Object.entries(helpers)) {
      if (name !== null && typeof name !== 'string') throw fail(`credHelpers["${host}"] is not a string`);
      config.credHelpers.set(host, name ?? '');
    }
  }
  const auths = field(value, 'auths');
  if (auths !== undefined && auths !== null) {
    if (!isObject(auths)) throw fail('"auths" is not an object');
    for (const [key, raw] of Object.entries(auths)) {
      const entryFail = (why: string) => fail(`auths["${key}"]: ${why}`);
      if (raw !== null && !isObject(raw)) throw entryFail('not an object');
      const entry = raw ?? {};
      const auth = stringField(entry, 'auth', entryFail);
      const decoded = auth ? decodeAuth(auth, entryFail) : undefined;
      config.auths.set(key, {
        username: decoded?.username ?? stringField(entry, 'username', entryFail),
        password: decoded?.password ?? stringField(entry, 'password', entryFail),
        identitytoken: stringField(entry, 'identitytoken', entryFail),
        registrytoken: stringField(entry, 'registrytoken', entryFail),
      });
    }
  }
  return config;
}

/** DOCKER_AUTH_CONFIG: `{"auths": {KEY: {"auth": base64}}}` only, unknown fields refused (parseEnvConfig). */
export function parseEnvAuthConfig(text: string): Map<string, AuthEntry> {
  const fail = (why: string) => new Error(`DOCKER_AUTH_CONFIG: ${why}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw fail('not JSON');
  }
  const result = new Map<string, AuthEntry>();
  if (value === null) return result;
  if (!isObject(value)) throw fail('not a JSON object');
  const unknown = Object.keys(value).find((key) => key.toLowerCase() !== 'auths');
  if (unknown !== undefined) throw fail(`unknown field "${unknown}"`);
  const auths = field(value, 'auths') ?? {};
  if (!isObject(auths)) throw fail('"auths" is not an object');
  for (const [key, raw] of Object.entries(auths)) {
    const entryFail = (why: string) => fail(`auths["${key}"]: ${why}`);
    if (!isObject(raw)) throw entryFail('not an object');
    const extra = Object.keys(raw).find((name) => name.toLowerCase() !== 'auth');
    if (extra !== undefined) throw entryFail(`unknown field "${extra}"`);
    const auth = stringField(raw, 'auth', entryFail);
    if (!auth) throw entryFail('missing key `auth`');
    result.set(key, { ...decodeAuth(auth, entryFail), identitytoken: '', registrytoken: '' });
  }
  return result;
}

export function hasCredentials(entry: AuthEntry | undefined): entry is AuthEntry {
  return !!entry && !!(entry.username || entry.password || entry.identitytoken || entry.registrytoken);
}

/**
 * The JSON a credential helper prints for `get`: `{"ServerURL", "Username", "Secret"}` (field names matched
 * as Go does). Throws an Error that never quotes the output, which holds the secret.
 */
export function parseHelperOutput(stdout: string): { username: string; secret: string } {
  const wrong = () => new Error('not {"ServerURL", "Username", "Secret"} JSON');
  let answer: unknown;
  try {
    answer = JSON.parse(stdout);
  } catch {
    throw wrong();
  }
  if (!isObject(answer)) throw wrong();
  return { username: stringField(answer, 'Username', wrong), secret: stringField(answer, 'Secret', wrong) };
}
