/**
 * Typed errors shared by the core, the CLI and the VS Code layer (STYLE §5.7).
 * Check an error's kind by `code`, never with `instanceof`: the CLI, the extension host and the webview
 * are separate bundles, so class identity does not survive between them.
 */

export type ErrorCode =
  | 'cancelled'
  | 'docker/unreachable'
  | 'docker/build-failed'
  | 'docker/push-failed'
  | 'docker/auth-failed'
  | 'docker/no-digest'
  | 'docker/no-credentials'
  | 'docker/digest-mismatch'
  | 'docker/image-missing'
  | 'docker/run-failed'
  | 'ssh/connect-failed'
  | 'ssh/no-external-ip'
  | 'ssh/port-closed'
  | 'ssh/port-in-use'
  | 'ssh/host-key-unknown'
  | 'ssh/oslogin-failed'
  | 'ssh/auth-failed'
  | 'ssh/host-key-mismatch'
  | 'ssh/command-failed'
  | 'ssh/disconnected'
  | 'gce/request-failed'
  | 'gce/no-credentials'
  | 'gce/not-found'
  | 'gce/stale-fingerprint'
  | 'gce/operation-failed'
  | 'declaration/invalid'
  | 'deploy/conflict'
  | 'deploy/failed'
  | 'deploy/not-verified'
  | 'config/invalid'
  | 'input/invalid';

export interface CosvmErrorOptions {
  cause?: unknown;
  /** Extra detail for the log only (stderr, an HTTP body); already redacted by the thrower. */
  detail?: string;
}

/** What a failure was about, so a setup check can look at that very thing (src/core/setup/checks.ts). */
export interface ErrorSubject {
  project?: string;
  zone?: string;
  instance?: string;
  /** An image repository, `registry/path`. */
  repository?: string;
}

export class CosvmError extends Error {
  readonly code: ErrorCode;
  /** Set by the layer that knows it (withSubject); undefined when nobody did. */
  subject: ErrorSubject | undefined;
  /** One plain sentence for the user; the CLI prints it too. */
  readonly userMessage: string;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, userMessage: string, options: CosvmErrorOptions = {}) {
    super(userMessage, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.userMessage = userMessage;
    this.detail = options.detail;
  }
}

export class CancelledError extends CosvmError {
  constructor(what = 'The operation') {
    super('cancelled', `${what} was cancelled.`);
  }
}

export class DockerError extends CosvmError {}
export class SshError extends CosvmError {}
export class DeclarationError extends CosvmError {}
export class DeployError extends CosvmError {}

export class GceError extends CosvmError {
  constructor(
    code: Extract<ErrorCode, `gce/${string}`>,
    userMessage: string,
    /** HTTP status, when the failure was an HTTP answer. */
    readonly status: number | undefined,
    options: CosvmErrorOptions = {},
  ) {
    super(code, userMessage, options);
  }
}

/** Records what `error` was about, unless a lower layer already did; returns the error for `throw`. */
export function withSubject<E>(error: E, subject: ErrorSubject): E {
  if (isCosvmError(error) && error.subject === undefined) error.subject = subject;
  return error;
}

/** Shape test that works across bundles. */
export function isCosvmError(value: unknown): value is CosvmError {
  return (
    value instanceof Error &&
    typeof (value as Partial<CosvmError>).code === 'string' &&
    typeof (value as Partial<CosvmError>).userMessage === 'string'
  );
}

export function isCancelled(value: unknown): boolean {
  return isCosvmError(value) && value.code === 'cancelled';
}

/** Throws CancelledError when the signal has fired; call between steps of long work. */
export function throwIfAborted(signal: AbortSignal | undefined, what?: string): void {
  if (signal?.aborted) throw new CancelledError(what);
}

/** The sentence to show for any error: a CosvmError's user message, else the message (never a stack). */
export function userMessageOf(error: unknown): string {
  if (isCosvmError(error)) return error.userMessage;
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : describeValue(error);
}

/** The message and every `cause` below it, one per line, for the log. */
export function describeErrorChain(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    if (current instanceof Error) {
      const detail = isCosvmError(current) && current.detail ? `\n${current.detail}` : '';
      lines.push(`${depth === 0 ? '' : 'caused by: '}${current.stack ?? current.message}${detail}`);
      current = current.cause;
    } else {
      lines.push(`${depth === 0 ? '' : 'caused by: '}${describeValue(current)}`);
      break;
    }
  }
  return lines.join('\n');
}

function describeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}
