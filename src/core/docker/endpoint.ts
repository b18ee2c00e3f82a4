/**
 * Which Docker engine to talk to, found as the Docker CLI finds it (cli/command/cli.go resolveContextName):
 * an explicit host (our `cosvm.docker.host`, like `-H`), else `DOCKER_HOST`, else the context named by
 * `DOCKER_CONTEXT` or config.json's `currentContext`, else the platform's default socket.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { DockerError } from '../errors';

export interface DockerEndpoint {
  /** `unix:///var/run/docker.sock`, `tcp://host:2375`, `npipe:////./pipe/docker_engine` or `ssh://user@host`. */
  host: string;
  /** Where it came from, in words a user recognises: `the setting cosvm.docker.host`, `DOCKER_HOST`, `the Docker context "x"`, `the default socket`. */
  source: string;
}

export interface DockerEndpointOptions {
  /** An explicit host (the `cosvm.docker.host` setting); wins over everything, as `-H` does. */
  host?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** The directory of config.json and contexts/; default `$DOCKER_CONFIG`, else `~/.docker`. */
  configDir?: string;
  platform?: NodeJS.Platform;
}

export function defaultDockerHost(platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? 'npipe:////./pipe/docker_engine' : 'unix:///var/run/docker.sock';
}

export async function resolveDockerEndpoint(options: DockerEndpointOptions = {}): Promise<DockerEndpoint> {
  const env = options.env ?? process.env;
  if (options.host) return { host: options.host, source: 'the setting cosvm.docker.host' };
  if (env['DOCKER_HOST']) return { host: env['DOCKER_HOST'], source: 'DOCKER_HOST' };
  const configDir = options.configDir ?? env['DOCKER_CONFIG'] ?? path.join(env['HOME'] ?? os.homedir(), '.docker');
  const contextName = env['DOCKER_CONTEXT'] || (await currentContext(configDir));
  if (contextName && contextName !== 'default') {
    return { host: await contextHost(configDir, contextName), source: `the Docker context "${contextName}"` };
  }
  return { host: defaultDockerHost(options.platform), source: 'the default socket' };
}

async function currentContext(configDir: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(configDir, 'config.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = (JSON.parse(text) as { currentContext?: unknown }).currentContext;
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    // The CLI refuses a broken config.json too; credentials.ts reports it where it matters (a push).
    return undefined;
  }
}

/** A context's endpoint lives in contexts/meta/<sha256 of its name>/meta.json (docker/cli context store). */
async function contextHost(configDir: string, name: string): Promise<string> {
  const file = path.join(configDir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'), 'meta.json');
  let meta: unknown;
  try {
    meta = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new DockerError('docker/unreachable', `The Docker context "${name}" is selected, but its description (${file}) cannot be read. Run "docker context use default", or pick another context.`, { cause: error });
  }
  const host = (meta as { Endpoints?: { docker?: { Host?: unknown } } }).Endpoints?.docker?.Host;
  if (typeof host !== 'string' || host === '') {
    throw new DockerError('docker/unreachable', `The Docker context "${name}" names no Docker endpoint. Run "docker context inspect ${name}" to see it.`);
  }
  return host;
}

/** dockerode's constructor options for an endpoint. */
export function dockerodeOptions(host: string): Record<string, unknown> {
  if (host.startsWith('unix://')) return { socketPath: host.slice('unix://'.length) };
  if (host.startsWith('npipe://')) return { socketPath: host.slice('npipe://'.length).replace(/\//g, '\\') };
  let url: URL;
  try {
    url = new URL(host);
  } catch (error) {
    throw new DockerError('docker/unreachable', `The Docker host "${host}" is not a URL; use unix:///path/docker.sock, tcp://host:port or ssh://user@host.`, { cause: error });
  }
  if (url.protocol === 'ssh:') {
    return { protocol: 'ssh', host: url.hostname, port: Number(url.port || 22), ...(url.username ? { username: decodeURIComponent(url.username) } : {}) };
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    return { host: url.hostname, port: Number(url.port || 2375), protocol: url.protocol === 'https:' ? 'https' : 'http' };
  }
  throw new DockerError('docker/unreachable', `The Docker host "${host}" uses ${url.protocol}, which cosvm cannot reach; use unix://, tcp:// or ssh://.`);
}
