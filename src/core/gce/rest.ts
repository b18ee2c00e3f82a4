/**
 * Plain JSON reads of the Compute REST API for the hot listing path. The client decodes every page
 * through protobuf messages, which made listing 5,000 instances ~2.9× slower than fetching the same pages
 * (bench/listing.ts); the JSON is the same, so for reads we skip the decoding. Auth is the client's own
 * token; 429 and 5xx are retried here, since that is what the client would do for idempotent reads.
 */
import { CancelledError, GceError } from '../errors';
import { messageOf } from './errors';

export interface RestContext {
  restBase: string;
  accessToken: () => Promise<string | undefined>;
}

const retryable = new Set([429, 500, 502, 503, 504]);

export async function getJson(context: RestContext, path: string, query: Record<string, string>, what: string, signal?: AbortSignal): Promise<unknown> {
  const url = `${context.restBase}${path}?${new URLSearchParams(query).toString()}`;
  for (let attempt = 0; ; attempt++) {
    const token = await context.accessToken();
    let response: Response;
    try {
      response = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {}, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (signal?.aborted) throw new CancelledError(what);
      throw new GceError('gce/request-failed', `${what}: the Compute API could not be reached.`, undefined, { cause: error });
    }
    if (response.ok) return (await response.json());
    const body = await response.text();
    if (retryable.has(response.status) && attempt < 4) {
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      continue;
    }
    const message = messageOf(body).slice(0, 500);
    const code = response.status === 401 ? 'gce/no-credentials' : response.status === 404 ? 'gce/not-found' : 'gce/request-failed';
    throw new GceError(code, `${what}: ${message}`, response.status, { detail: body.slice(0, 2000) });
  }
}
