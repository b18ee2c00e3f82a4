/**
 * Build and push through the Docker Engine API (dockerode). Every SDK error is normalised here into a
 * DockerError, so nothing above guesses at dockerode's error shapes (STYLE §5.7).
 */
import type Dockerode from 'dockerode';
import { CancelledError, DockerError, throwIfAborted } from '../errors';
import { loadDockerode } from '../lazyPackages';
import { listBuildContext, packBuildContext } from './context';
import { dockerodeOptions, resolveDockerEndpoint, type DockerEndpointOptions } from './endpoint';
import { formatImageRef, parseImageRef } from './imageRef';
import {
  builtImageId,
  failingStep,
  JsonLineSplitter,
  progressError,
  pushedDigest,
  type ProgressMessage,
} from './progress';

/** A dockerode client for the engine the Docker CLI would use (endpoint.ts); `host` is `cosvm.docker.host`. */
export async function connectDocker(options: DockerEndpointOptions = {}): Promise<Dockerode> {
  const Docker = await loadDockerode();
  const endpoint = await resolveDockerEndpoint(options);
  return new Docker(dockerodeOptions(endpoint.host));
}

export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

export interface BuildOptions {
  contextDir: string;
  /** The Dockerfile, relative to `contextDir`; default `Dockerfile` (or `dockerfile`), as the Docker CLI finds it. */
  dockerfile?: string;
  /** `name:tag` given to the built image. */
  tag: string;
  /** `--build-arg NAME=value`. */
  buildArgs?: Readonly<Record<string, string>>;
  /** `--target`: the stage of a multi-stage Dockerfile to build. */
  target?: string;
  /** `--platform`, e.g. `linux/amd64`. */
  platform?: string;
  /** `--no-cache`. */
  noCache?: boolean;
  signal?: AbortSignal;
  /** Each line of build output, as the Docker CLI would print it. */
  onOutput?: (text: string) => void;
}

export interface BuildResult {
  imageId: string;
}

/** Go's units.HumanSize, which the CLI uses for "Sending build context": decimal units, 4 significant digits. */
function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toPrecision(4))}${units[unit] ?? 'B'}`;
}

/**
 * Builds with the Engine's classic builder (`POST /build`, what `DOCKER_BUILDKIT=0 docker build` uses), sending the
 * same context as the Docker CLI (context.ts: .dockerignore rules, tar layout).
 */
export async function buildImage(docker: Dockerode, options: BuildOptions): Promise<BuildResult> {
  const { signal, onOutput } = options;
  throwIfAborted(signal, 'The build');
  const context = await listBuildContext(options.contextDir, { ...(options.dockerfile === undefined ? {} : { dockerfile: options.dockerfile }), ...(signal ? { signal } : {}) });
  throwIfAborted(signal, 'The build');
  const tar = packBuildContext(context, {
    ...(signal ? { signal } : {}),
    onEnd: (bytes) => onOutput?.(`Sending build context to Docker daemon  ${humanSize(bytes)}\n`),
  });
  // A context that fails mid-stream (an unreadable file) aborts the upload; its error is the one to report.
  let contextFailure: Error | undefined;
  tar.on('error', (error: Error) => (contextFailure ??= error));
  const stopSending = () => tar.destroy();
  signal?.addEventListener('abort', stopSending, { once: true });
  try {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await docker.buildImage(tar, {
        t: options.tag,
        dockerfile: context.dockerfile,
        ...(options.buildArgs ? { buildargs: { ...options.buildArgs } } : {}),
        ...(options.target ? { target: options.target } : {}),
        ...(options.platform ? { platform: options.platform } : {}),
        ...(options.noCache ? { nocache: true } : {}),
        ...(signal ? { abortSignal: signal } : {}),
      });
    } catch (error) {
      throw contextFailure ?? normaliseDockerError(error, 'docker/build-failed', 'The build could not start', signal);
    }
    let messages: ProgressMessage[];
    try {
      messages = await readProgress(stream, signal, onOutput);
    } catch (error) {
      throw contextFailure ?? error;
    }
    if (contextFailure !== undefined) throw contextFailure;
    const error = messages.map(progressError).find((text) => text !== undefined);
    if (error !== undefined) {
      const step = failingStep(messages);
      throw new DockerError('docker/build-failed', step ? `The build failed at "${step}": ${error}` : `The build failed: ${error}`);
    }
    const imageId = builtImageId(messages);
    if (!imageId) throw new DockerError('docker/build-failed', 'The build finished without reporting an image id.');
    return { imageId };
  } finally {
    signal?.removeEventListener('abort', stopSending);
    tar.destroy();
  }
}

export interface PushOptions {
  /** `registry/repository:tag`. */
  reference: string;
  auth?: RegistryAuth;
  signal?: AbortSignal;
  onOutput?: (text: string) => void;
}

export interface PushResult {
  /** `registry/repository@sha256:…` */
  pinned: string;
  digest: string;
}

export async function pushImage(docker: Dockerode, options: PushOptions): Promise<PushResult> {
  const ref = parseImageRef(options.reference);
  const tag = ref.tag ?? 'latest';
  const repositoryRef = formatImageRef({ ...ref, tag: undefined, digest: undefined });
  let stream: NodeJS.ReadableStream;
  try {
    stream = (await docker.getImage(repositoryRef).push({
      tag,
      ...(options.auth ? { authconfig: options.auth } : {}),
      ...(options.signal ? { abortSignal: options.signal } : {}),
    }));
  } catch (error) {
    throw normaliseDockerError(error, 'docker/push-failed', `The push of ${options.reference} could not start`, options.signal);
  }
  const messages = await readProgress(stream, options.signal, options.onOutput);
  const error = messages.map(progressError).find((text) => text !== undefined);
  if (error !== undefined) {
    const unauthorized = /unauthorized|authentication required|no basic auth credentials|denied/i.test(error);
    throw new DockerError(
      unauthorized ? 'docker/auth-failed' : 'docker/push-failed',
      unauthorized
        ? `The registry ${ref.registry} refused the credentials for ${repositoryRef}: ${error}`
        : `The push of ${options.reference} failed: ${error}`,
    );
  }
  const digest = pushedDigest(messages, tag);
  if (!digest) {
    throw new DockerError('docker/no-digest', `The push of ${options.reference} reported no single digest; refusing to guess one.`);
  }
  return { digest, pinned: `${repositoryRef}@${digest}` };
}

function readProgress(
  stream: NodeJS.ReadableStream,
  signal: AbortSignal | undefined,
  onOutput: ((text: string) => void) | undefined,
): Promise<ProgressMessage[]> {
  return new Promise((resolve, reject) => {
    const splitter = new JsonLineSplitter();
    const messages: ProgressMessage[] = [];
    const take = (batch: ProgressMessage[]) => {
      for (const message of batch) {
        messages.push(message);
        const text = message.stream ?? (message.status ? `${message.id ? `${message.id}: ` : ''}${message.status}\n` : undefined);
        if (text && onOutput) onOutput(text);
      }
    };
    const onAbort = () => reject(new CancelledError());
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => take(splitter.push(chunk)));
    stream.on('error', (error: unknown) => reject(normaliseDockerError(error, 'docker/build-failed', 'The Docker engine stream failed', signal)));
    stream.on('end', () => {
      signal?.removeEventListener('abort', onAbort);
      take(splitter.end());
      resolve(messages);
    });
  });
}

/** One place that reads dockerode / docker-modem error shapes. */
export function normaliseDockerError(
  error: unknown,
  code: 'docker/build-failed' | 'docker/push-failed',
  what: string,
  signal?: AbortSignal,
): Error {
  if (signal?.aborted) return new CancelledError();
  const e = error as { code?: string; statusCode?: number; json?: { message?: string }; message?: string };
  if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED' || e.code === 'EACCES') {
    return new DockerError(
      'docker/unreachable',
      `The Docker engine is not reachable (${e.code}). Start Docker, or set DOCKER_HOST to a running engine.`,
      { cause: error },
    );
  }
  const message = e.json?.message ?? e.message ?? String(error);
  return new DockerError(code, `${what}: ${message}`, { cause: error });
}
