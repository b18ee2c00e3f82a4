/**
 * Google's synchronous error bodies (gce-api-notes §2.3). Handlers throw an ApiError; the server turns it
 * into `{"error":{"code","message","errors":[{message,domain,reason,…}]}}` with the HTTP status.
 */
export interface ErrorItem {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
}

export interface ErrorBody {
  error: { code: number; message: string; errors: ErrorItem[] };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly extra: { domain?: string; location?: string; locationType?: string } = {},
  ) {
    super(message);
  }

  body(): ErrorBody {
    const item: ErrorItem = { message: this.message, domain: this.extra.domain ?? 'global', reason: this.reason };
    if (this.extra.locationType !== undefined) item.locationType = this.extra.locationType;
    if (this.extra.location !== undefined) item.location = this.extra.location;
    return { error: { code: this.status, message: this.message, errors: [item] } };
  }
}

export function notFound(resourcePath: string): ApiError {
  return new ApiError(404, 'notFound', `The resource '${resourcePath}' was not found`);
}

export function alreadyExists(resourcePath: string): ApiError {
  return new ApiError(409, 'alreadyExists', `The resource '${resourcePath}' already exists`);
}

export function invalid(message: string): ApiError {
  return new ApiError(400, 'invalid', message);
}

export function invalidField(field: string, value: string, why: string): ApiError {
  return invalid(`Invalid value for field '${field}': '${value}'. ${why}`);
}

export function resourceNotReady(resourcePath: string): ApiError {
  return new ApiError(400, 'resourceNotReady', `The resource '${resourcePath}' is not ready`);
}

/** The exact 412 body of a stale metadata fingerprint (kubernetes/autoscaler fixture, terraform's retry list). */
export function staleMetadataFingerprint(): ApiError {
  return new ApiError(412, 'conditionNotMet', 'Supplied fingerprint does not match current metadata fingerprint.', {
    locationType: 'header',
    location: 'If-Match',
  });
}

/** Label text as terraform users quote it; same shape as the metadata one. */
export function staleLabelFingerprint(): ApiError {
  return new ApiError(412, 'conditionNotMet', 'Labels fingerprint either invalid or resource labels have changed', {
    locationType: 'header',
    location: 'If-Match',
  });
}

export function staleFingerprint(): ApiError {
  return new ApiError(412, 'conditionNotMet', 'Invalid fingerprint.', { locationType: 'header', location: 'If-Match' });
}

/** Injected by the fault knobs: what Google sends under load. */
export function injected(status: 429 | 503): ApiError {
  return status === 429
    ? new ApiError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', { domain: 'usageLimits' })
    : new ApiError(503, 'backendError', 'The service is currently unavailable.');
}

/** gcloud matches this exact text to mean "no host keys" (gce-api-notes §2.3, §2.6). */
export function guestAttributeNotFound(path: string): ApiError {
  return new ApiError(404, 'notFound', `The resource '${path}' of type 'Guest Attribute' was not found.`);
}
