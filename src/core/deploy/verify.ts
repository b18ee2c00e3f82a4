/**
 * After a deploy: does the VM really run the new images? Asked over SSH with `docker ps`, polled while the VM
 * restarts its containers (a reset reboots it; konlet pulls first). The answer says which image is missing and
 * what runs instead, never just "failed".
 */
import { abortableSleep } from '../abortableSleep';
import { throwIfAborted } from '../errors';

export interface RunningContainer {
  image: string;
  name: string;
  state: string;
}

/** `docker ps` in a form we can read: one container per line, tab-separated, image references untruncated. */
export const dockerPsCommand = "docker ps --no-trunc --format '{{.Image}}\t{{.Names}}\t{{.State}}'";

export function parseDockerPs(stdout: string): RunningContainer[] {
  return stdout
    .split('\n')
    .map((line) => line.trim().split('\t'))
    .filter((fields) => fields.length >= 2 && fields[0])
    .map(([image = '', name = '', state = 'running']) => ({ image, name, state }));
}

export interface Verification {
  ok: boolean;
  /** One sentence for the user. */
  detail: string;
  running: RunningContainer[];
}

/** Which of `images` are not running in `running` (exact reference match: we deploy `repo@sha256:…`). */
export function missingImages(images: readonly string[], running: readonly RunningContainer[]): string[] {
  return images.filter((image) => !running.some((container) => container.image === image && container.state === 'running'));
}

/**
 * Polls `listContainers` until every image runs or `timeoutMs` passes. A failing listing (SSH not up yet
 * after a reset) counts as "not yet".
 */
export async function verifyImagesRunning(
  images: readonly string[],
  listContainers: (signal?: AbortSignal) => Promise<RunningContainer[]>,
  options: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal; where: string },
): Promise<Verification> {
  const deadline = Date.now() + (options.timeoutMs ?? 180_000);
  let running: RunningContainer[] = [];
  let lastError: unknown;
  for (;;) {
    throwIfAborted(options.signal, 'Checking the deployed containers');
    try {
      running = await listContainers(options.signal);
      lastError = undefined;
      const missing = missingImages(images, running);
      if (missing.length === 0) return { ok: true, detail: `${options.where} runs ${images.join(', ')}.`, running };
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) break;
    await abortableSleep(options.intervalMs ?? 2_000, options.signal);
  }
  if (lastError !== undefined) {
    const reason = lastError instanceof Error ? lastError.message : 'the check failed';
    return { ok: false, detail: `Could not check ${options.where}: ${reason}`, running };
  }
  const missing = missingImages(images, running);
  const instead = running.length > 0 ? ` It runs: ${running.map((c) => `${c.image} (${c.state})`).join(', ')}.` : ' No container runs there.';
  return { ok: false, detail: `${options.where} does not run ${missing.join(', ')}.${instead} Follow its logs to see why.`, running };
}
