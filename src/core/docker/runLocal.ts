/**
 * Run Locally (issue #6): a declaration's containers on the local Docker engine, set up exactly as our
 * cloud-init units run them on the VM. Both spellings come from one `runSpec` (render/dockerRun.ts), so
 * the Engine API options here and the rendered `docker run` line cannot drift apart:
 *
 * - host network, env in order, privileged, stdin (`OpenStdin`), tty, restart policy
 *   (Always/OnFailure/Never → always/on-failure/no, reference/konlet-spec.md §1.2);
 * - `command` replaces the image's ENTRYPOINT and `args` its CMD. As with `--entrypoint`, the entrypoint
 *   is `command[0]` and the rest of `command` leads the CMD, which is what the VM's `docker run` creates;
 * - `hostPath` binds the same path of this machine (Docker creates it if missing, as on the VM);
 *   `emptyDir` (medium Memory) is a Docker tmpfs, as the `--tmpfs` of the rendered line;
 * - `gcePersistentDisk` exists only on the VM. It needs `diskDir`, a stand-in directory of this machine
 *   (disk `d1` binds `<diskDir>/d1`, partition 2 `<diskDir>/d1-part2`); without one the run is refused
 *   rather than binding a root-owned `/mnt/disks/…` that Docker would create on this machine.
 *
 * Every container carries the label `cosvm.local=<name>`: only labelled containers are ever replaced or
 * stopped, so a container of the same name that someone else started is never touched.
 */
import type Dockerode from 'dockerode';
import type { ContainerCreateOptions } from 'dockerode';
import * as path from 'node:path';
import type { Declaration } from '../declaration/model';
import { runSpec, type RunMount } from '../declaration/render/dockerRun';
import { CancelledError, DockerError, isCosvmError, throwIfAborted } from '../errors';
import { normaliseDockerError } from './engine';
import { JsonLineSplitter, progressError } from './progress';

/** Label key that marks a container as started by Run Locally; its value is the container's name. */
export const localRunLabel = 'cosvm.local';

export interface LocalContainerOptions {
  /** Put before each container's name (the VM's unit name, e.g. `web`), e.g. `local-`. Default: none. */
  namePrefix?: string;
  /** Stand-in host directory for `gcePersistentDisk` volumes; without it such a declaration is refused. */
  diskDir?: string;
}

export interface LocalRunOptions extends LocalContainerOptions {
  signal?: AbortSignal;
  /** Progress lines (pull, remove, start), each ending with a newline. */
  onOutput?: (text: string) => void;
}

export interface LocalRun {
  containers: { name: string; id: string }[];
}

/** Engine API options for one container of the declaration: what `docker run` of the rendered line creates. */
export function containerCreateOptions(declaration: Declaration, container: number, options: LocalContainerOptions = {}): ContainerCreateOptions {
  const run = runSpec(declaration.spec ?? {}, container);
  const name = `${options.namePrefix ?? ''}${run.name}`;
  const binds: string[] = [];
  const tmpfs: Record<string, string> = {};
  for (const mount of run.mounts) {
    if (mount.kind === 'tmpfs') tmpfs[mount.target] = mount.readOnly ? 'ro' : '';
    else binds.push(`${bindSource(mount, options.diskDir)}:${mount.target}${mount.readOnly ? ':ro' : ''}`);
  }
  return {
    name,
    Image: run.image,
    Env: run.env,
    // An entrypoint drops the image's CMD too (Docker's merge rule), exactly as `--entrypoint` does.
    ...(run.entrypoint !== undefined ? { Entrypoint: [run.entrypoint] } : {}),
    ...(run.cmd.length > 0 ? { Cmd: run.cmd } : {}),
    OpenStdin: run.stdin,
    Tty: run.tty,
    Labels: { [localRunLabel]: name },
    HostConfig: {
      NetworkMode: 'host',
      RestartPolicy: { Name: run.restart, MaximumRetryCount: 0 },
      Privileged: run.privileged,
      // Left out when empty, as the CLI does, so inspect shows the same null.
      ...(binds.length > 0 ? { Binds: binds } : {}),
      ...(Object.keys(tmpfs).length > 0 ? { Tmpfs: tmpfs } : {}),
    },
  };
}

function bindSource(mount: Extract<RunMount, { kind: 'bind' }>, diskDir: string | undefined): string {
  if (!mount.disk) return mount.source;
  if (diskDir === undefined || !mount.disk.pdName) {
    throw new DockerError(
      'docker/run-failed',
      `The persistent disk "${mount.disk.pdName ?? ''}" mounted at ${mount.target} exists only on the VM; choose a local stand-in directory for it to run locally.`,
    );
  }
  return path.join(path.resolve(diskDir), path.posix.basename(mount.source));
}

/**
 * Replaces an earlier local run of the same containers, then creates and starts each container of the
 * declaration. The images must be on the local engine or pullable. If any container fails, the ones
 * this run created are removed again, so a run is all or nothing.
 */
export async function runDeclarationLocally(docker: Dockerode, declaration: Declaration, options: LocalRunOptions = {}): Promise<LocalRun> {
  const { signal, onOutput } = options;
  throwIfAborted(signal, 'Run Locally');
  const count = declaration.spec?.containers?.length ?? 0;
  if (count === 0) throw new DockerError('docker/run-failed', 'The declaration has no container to run.');
  // Every mapping error (a disk without a stand-in) comes before anything changes on the engine.
  const creates = Array.from({ length: count }, (_unused, index) => containerCreateOptions(declaration, index, options));
  for (const image of new Set(creates.map((create) => create.Image ?? ''))) await ensureImage(docker, image, signal, onOutput);
  const names = creates.map((create) => create.name ?? '');
  await removeLabelled(docker, names, onOutput, signal);
  const containers: LocalRun['containers'] = [];
  try {
    for (const create of creates) {
      throwIfAborted(signal, 'Run Locally');
      const name = create.name ?? '';
      const container = await docker.createContainer({ ...create, ...(signal ? { abortSignal: signal } : {}) }).catch((error: unknown) => {
        throw statusOf(error) === 409
          ? new DockerError('docker/run-failed', `A container named ${name} already exists and was not started by Run Locally; remove or rename it first.`, { cause: error })
          : runError(error, `Creating container ${name} failed`, signal);
      });
      containers.push({ name, id: container.id });
      await container.start(signal ? { abortSignal: signal } : {}).catch((error: unknown) => {
        throw runError(error, `Starting container ${name} failed`, signal);
      });
      onOutput?.(`Started ${name} (${container.id.slice(0, 12)})\n`);
    }
  } catch (error) {
    // By label, not by the ids above: an aborted create may have made a container we never heard of.
    await removeLabelled(docker, names, undefined, undefined).catch(() => undefined);
    throw error;
  }
  return { containers };
}

/**
 * Stops and removes the Run Locally containers of these names (only ones carrying our label). They are
 * removed, not just stopped: Docker starts a stopped `always` container again when the engine restarts.
 * Returns the names that were found.
 */
export async function stopLocalRun(docker: Dockerode, names: readonly string[], options: { signal?: AbortSignal; timeoutSeconds?: number } = {}): Promise<string[]> {
  const stopped: string[] = [];
  for (const name of names) {
    throwIfAborted(options.signal, 'Stopping the local run');
    for (const info of await listLabelled(docker, name, options.signal)) {
      const container = docker.getContainer(info.Id);
      // 304: already stopped. Other failures still end in the forced remove below.
      await container.stop({ t: options.timeoutSeconds ?? 10 }).catch(() => undefined);
      await container.remove({ force: true }).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw runError(error, `Removing container ${name} failed`, options.signal);
      });
      stopped.push(name);
    }
  }
  return stopped;
}

async function listLabelled(docker: Dockerode, name: string, signal: AbortSignal | undefined): Promise<Dockerode.ContainerInfo[]> {
  try {
    const found = await docker.listContainers({ all: true, filters: { label: [`${localRunLabel}=${name}`] }, ...(signal ? { abortSignal: signal } : {}) });
    return found.filter((info) => info.Names.includes(`/${name}`));
  } catch (error) {
    throw runError(error, 'Listing local containers failed', signal);
  }
}

/** Like the VM unit's `ExecStartPre=-docker rm -f <name>`, but only for our own containers. */
async function removeLabelled(docker: Dockerode, names: readonly string[], onOutput: LocalRunOptions['onOutput'], signal: AbortSignal | undefined): Promise<void> {
  for (const name of names) {
    for (const info of await listLabelled(docker, name, signal)) {
      onOutput?.(`Removing the earlier ${name} (${info.Id.slice(0, 12)})\n`);
      await docker.getContainer(info.Id).remove({ force: true }).catch((error: unknown) => {
        if (statusOf(error) !== 404) throw runError(error, `Removing the earlier container ${name} failed`, signal);
      });
    }
  }
}

async function ensureImage(docker: Dockerode, image: string, signal: AbortSignal | undefined, onOutput: LocalRunOptions['onOutput']): Promise<void> {
  if (!image) throw new DockerError('docker/image-missing', 'A container of the declaration has no image.');
  try {
    await docker.getImage(image).inspect();
    return;
  } catch (error) {
    if (statusOf(error) !== 404) throw runError(error, `Looking up the image ${image} failed`, signal);
  }
  onOutput?.(`The image ${image} is not on the local engine; pulling it\n`);
  let problem: string | undefined;
  try {
    const failed = await readPull(await docker.pull(image, signal ? { abortSignal: signal } : {}), signal, onOutput);
    if (failed !== undefined) problem = `pulling it failed: ${failed.trim()}`;
  } catch (error) {
    const normalised = runError(error, 'pulling it failed', signal);
    // Cancelled or no engine at all: that, not a missing image, is what the user must hear.
    if (!isCosvmError(normalised) || normalised.code !== 'docker/run-failed') throw normalised;
    problem = normalised.userMessage.trim();
  }
  if (problem !== undefined) {
    throw new DockerError('docker/image-missing', `The image ${image} is not on the local Docker engine, and ${problem}. Build it, or pull it with docker pull, first.`);
  }
}

/** Reads a pull's JSON-lines progress; resolves with its error text, or undefined when it succeeded. */
function readPull(stream: NodeJS.ReadableStream, signal: AbortSignal | undefined, onOutput: LocalRunOptions['onOutput']): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const splitter = new JsonLineSplitter();
    let problem: string | undefined;
    const take = (batch: ReturnType<JsonLineSplitter['push']>) => {
      for (const message of batch) {
        problem ??= progressError(message);
        if (message.status) onOutput?.(`${message.id ? `${message.id}: ` : ''}${message.status}\n`);
      }
    };
    const onAbort = () => reject(new CancelledError('Run Locally'));
    signal?.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (chunk: Buffer) => take(splitter.push(chunk)));
    stream.on('error', (error: unknown) => reject(error instanceof Error ? error : new Error(String(error))));
    stream.on('end', () => {
      signal?.removeEventListener('abort', onAbort);
      take(splitter.end());
      resolve(problem);
    });
  });
}

/** The HTTP status of a failed Engine API call (docker-modem puts it on the error). */
function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** engine.ts reads dockerode's error shapes (unreachable, cancelled, the engine's message); only its code is build-specific. */
function runError(error: unknown, what: string, signal: AbortSignal | undefined): Error {
  const normalised = normaliseDockerError(error, 'docker/build-failed', what, signal);
  return isCosvmError(normalised) && normalised.code === 'docker/build-failed'
    ? new DockerError('docker/run-failed', normalised.userMessage, { cause: error })
    : normalised;
}
