/**
 * Pure readers of the Docker Engine's JSON-lines progress streams (build and push). Kept apart from I/O
 * so that recorded streams can be unit-tested (STYLE §5.10).
 */

export interface ProgressMessage {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string; Tag?: string; Digest?: string; Size?: number };
}

/** Splits a byte stream into JSON messages; a line that is not JSON becomes a `stream` message. */
export class JsonLineSplitter {
  private pending = '';

  push(chunk: Buffer | string): ProgressMessage[] {
    this.pending += chunk.toString();
    const lines = this.pending.split(/\r?\n/);
    this.pending = lines.pop() ?? '';
    return lines.filter((line) => line.trim() !== '').map(parseProgressLine);
  }

  end(): ProgressMessage[] {
    const rest = this.pending;
    this.pending = '';
    return rest.trim() === '' ? [] : [parseProgressLine(rest)];
  }
}

export function parseProgressLine(line: string): ProgressMessage {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  } catch {
    // Not JSON: the engine only does this for plain-text errors; keep the text.
  }
  return { stream: `${line}\n` };
}

export function progressError(message: ProgressMessage): string | undefined {
  return message.errorDetail?.message ?? message.error;
}

const digestPattern = /^sha256:[a-f0-9]{64}$/;
const pushStatusDigest = /^(\S+): digest: (sha256:[a-f0-9]{64}) size: (\d+)$/;

/**
 * The digest a push reports. The engine sends it twice: as `aux.Digest` and as the status line
 * `TAG: digest: sha256:… size: N`; when both are present they must agree, or we refuse to guess.
 */
export function pushedDigest(messages: readonly ProgressMessage[], tag: string): string | undefined {
  const found = new Set<string>();
  for (const message of messages) {
    if (message.aux?.Digest && digestPattern.test(message.aux.Digest) && (message.aux.Tag ?? tag) === tag) {
      found.add(message.aux.Digest);
    }
    const status = message.status ? pushStatusDigest.exec(message.status) : null;
    if (status?.[2] && status[1] === tag) found.add(status[2]);
  }
  if (found.size !== 1) return undefined;
  return [...found][0];
}

/** The image id a build reports (`aux.ID`), or the legacy "Successfully built" line. */
export function builtImageId(messages: readonly ProgressMessage[]): string | undefined {
  let id: string | undefined;
  for (const message of messages) {
    if (message.aux?.ID) id = message.aux.ID;
    const legacy = message.stream ? /^Successfully built ([a-f0-9]{12,64})\s*$/.exec(message.stream) : null;
    if (!id && legacy?.[1]) id = legacy[1];
  }
  return id;
}

/** The last `Step N/M : …` line before an error: the step that failed. */
export function failingStep(messages: readonly ProgressMessage[]): string | undefined {
  let step: string | undefined;
  for (const message of messages) {
    const line = message.stream?.trim();
    if (line && /^Step \d+\/\d+ : /.test(line)) step = line;
    if (progressError(message) !== undefined) return step;
  }
  return undefined;
}
