/**
 * The one place that reads the Compute client's error shapes. With compute 7.x / gax 6 a failed call is a
 * GoogleError whose `code` is the gRPC code mapped from the HTTP status and whose `message` is Google's
 * error text (gce-api-notes.md §1.5); older stacks give a GaxiosError with the HTTP status and the raw body.
 */
import { CancelledError, GceError } from '../errors';

/** gRPC code → the HTTP status Compute answered (google-gax status.js, inverted for the codes it maps). */
const httpByGrpc: Record<number, number> = { 3: 400, 16: 401, 7: 403, 5: 404, 10: 409, 9: 412, 8: 429, 1: 499, 12: 501, 14: 503, 4: 504, 13: 500 };

/** Google's `error.message` from a JSON error body, else the text as it is. */
export function messageOf(raw: string): string {
  // A GaxiosError carries the JSON body as its message.
  if (raw.startsWith('{')) {
    try {
      const body = JSON.parse(raw) as { error?: { message?: unknown } };
      if (typeof body.error?.message === 'string') return body.error.message;
    } catch {
      // not JSON after all
    }
  }
  return raw;
}

/** `read()`, or undefined when Compute answers 404; any other failure is normalised and thrown. */
export async function unlessNotFound<T>(read: () => Promise<T>, what: string, signal?: AbortSignal): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    const normalised = normaliseGceError(error, what, signal);
    if (normalised instanceof GceError && normalised.code === 'gce/not-found') return undefined;
    throw normalised;
  }
}

export function normaliseGceError(error: unknown, what: string, signal?: AbortSignal): Error {
  if (signal?.aborted) return new CancelledError(what);
  if (error instanceof GceError || error instanceof CancelledError) return error;
  const e = (error ?? {}) as { code?: unknown; status?: unknown; message?: unknown; details?: unknown };
  const rawMessage = typeof e.message === 'string' ? e.message : String(error);
  const message = messageOf(rawMessage);
  if (/Could not load the default credentials|invalid_grant|reauth/i.test(message)) {
    return new GceError(
      'gce/no-credentials',
      'No Google Cloud credentials: run "gcloud auth application-default login", or set GOOGLE_APPLICATION_CREDENTIALS.',
      undefined,
      { cause: error },
    );
  }
  const status =
    typeof e.status === 'number' ? e.status : typeof e.code === 'number' ? (e.code >= 100 ? e.code : httpByGrpc[e.code]) : undefined;
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) {
    return new GceError('gce/request-failed', `${what}: the Compute API could not be reached (${e.code}).`, undefined, { cause: error });
  }
  if (status === 401) return new GceError('gce/no-credentials', `${what}: the credentials were refused (${message}). Run "gcloud auth application-default login".`, status, { cause: error });
  if (status === 404) return new GceError('gce/not-found', `${what}: ${message}`, status, { cause: error });
  if (status === 412) return new GceError('gce/stale-fingerprint', `${what}: ${message}`, status, { cause: error });
  return new GceError('gce/request-failed', `${what}: ${message}`, status, { cause: error });
}
