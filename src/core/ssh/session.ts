/**
 * One shared SSH connection per instance (DESIGN: tunnels, terminals, logs and file copy all ride it).
 * ssh2 never reconnects by itself (gce-api-notes.md §6), so the session opens a new Client when the old
 * one closes, retrying with backoff, and retrying an auth refusal for a while right after our key was added,
 * as `gcloud compute ssh` does (it polls every 5 s for 60 s, §3.3).
 */
import type { Client } from 'ssh2';
import { abortableSleep } from '../abortableSleep';
import { CancelledError, isCosvmError, throwIfAborted } from '../errors';

export type SessionState = 'idle' | 'connecting' | 'ready' | 'failed' | 'disposed';

/** What a session keeps alive: an ssh2 `Client`, or an OpenSSH master process (openSsh.ts). */
export interface SessionConnection {
  end(): void;
  on(event: 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface SessionOptions<C extends SessionConnection = Client> {
  /** One connection attempt (host keys checked, key in place). */
  open: (signal: AbortSignal) => Promise<C>;
  /** Until when (epoch ms) an auth refusal means "the key has not reached the VM yet". */
  keyPropagationUntil?: () => number;
  /** Between attempts: doubled from `initialMs` up to `maxMs`; gives up after `giveUpMs`. */
  backoff?: { initialMs: number; maxMs: number; giveUpMs: number };
  /** Auth retries while the key propagates (gcloud: 5 s). */
  keyPollMs?: number;
  /** Connection state changes, for the status bar and the log; `error` says why. */
  onState?: (state: SessionState, error?: unknown) => void;
  now?: () => number;
}

/**
 * Failures a retry can fix: the VM is still booting, or the network blinked. Anything else (auth refused, a
 * host key problem, no credentials, no such VM, a bug) will fail the same way again.
 */
export function isTransient(error: unknown): boolean {
  return isCosvmError(error) && (error.code === 'ssh/connect-failed' || error.code === 'ssh/port-closed' || error.code === 'ssh/disconnected');
}

export class SshSession<C extends SessionConnection = Client> {
  private current: C | undefined;
  private pending: Promise<C> | undefined;
  private readonly controller = new AbortController();
  private stateValue: SessionState = 'idle';

  constructor(private readonly options: SessionOptions<C>) {}

  get state(): SessionState {
    return this.stateValue;
  }

  /** The live connection, opening (or re-opening) it when needed; concurrent callers share one attempt. */
  async client(signal?: AbortSignal): Promise<C> {
    throwIfAborted(signal, 'The SSH connection');
    if (this.stateValue === 'disposed') throw new CancelledError('The SSH connection');
    if (this.current) return this.current;
    this.pending ??= this.connectWithRetry().finally(() => (this.pending = undefined));
    if (!signal) return this.pending;
    // A caller that gives up does not cancel the shared attempt for the others.
    return new Promise<C>((resolve, reject) => {
      const onAbort = () => reject(new CancelledError('The SSH connection'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending!.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  /** Closes the connection; the next `client()` opens a new one. */
  drop(): void {
    this.current?.end();
    this.current = undefined;
  }

  dispose(): void {
    this.controller.abort();
    this.drop();
    this.setState('disposed');
  }

  private async connectWithRetry(): Promise<C> {
    const { initialMs, maxMs, giveUpMs } = this.options.backoff ?? { initialMs: 500, maxMs: 8_000, giveUpMs: 30_000 };
    const now = this.options.now ?? Date.now;
    const signal = this.controller.signal;
    const started = now();
    let delay = initialMs;
    this.setState('connecting');
    for (;;) {
      try {
        const client = await this.options.open(signal);
        // Disposed while it was opening: nobody will end this one later.
        if (signal.aborted) {
          client.end();
          throw new CancelledError('The SSH connection');
        }
        this.adopt(client);
        return client;
      } catch (error) {
        if (signal.aborted) throw new CancelledError('The SSH connection');
        const propagating = isCosvmError(error) && error.code === 'ssh/auth-failed' && now() < (this.options.keyPropagationUntil?.() ?? 0);
        const wait = propagating ? (this.options.keyPollMs ?? 5_000) : delay;
        if (!(propagating || (isTransient(error) && now() - started + wait <= giveUpMs))) {
          this.setState('failed', error);
          throw error;
        }
        this.setState('connecting', error);
        await abortableSleep(wait, signal);
        if (signal.aborted) throw new CancelledError('The SSH connection');
        if (!propagating) delay = Math.min(maxMs, delay * 2);
      }
    }
  }

  private adopt(client: C): void {
    this.current = client;
    this.setState('ready');
    // ssh2 emits `error` (maybe more than once) and then `close`; the listener stays so no error goes unhandled.
    const onGone = (error?: Error) => {
      if (this.current !== client) return;
      this.current = undefined;
      if (this.stateValue !== 'disposed') this.setState('idle', error);
    };
    client.on('close', () => onGone());
    client.on('error', onGone);
  }

  private setState(state: SessionState, error?: unknown): void {
    this.stateValue = state;
    this.options.onState?.(state, error);
  }
}
