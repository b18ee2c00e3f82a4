import { ApiError, invalidField } from './apiError';

/** Request bodies are `unknown` until a guard accepts them (STYLE §5.8). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The client POSTs `""` (a JSON string) for body-less calls such as stop, wait and resize
 * (gce-api-notes §1.8), and nothing at all for GET/DELETE; both mean "no body".
 */
export function parseBody(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '""') return {};
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    throw new ApiError(400, 'parseError', 'Invalid JSON payload received.');
  }
}

export function asRecord(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isRecord(value)) throw invalidField(field, JSON.stringify(value), 'Expected an object.');
  return value;
}

export function optionalString(record: Record<string, unknown>, key: string, field: string): string | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidField(field, JSON.stringify(value), 'Expected a string.');
  return value;
}

export function optionalBoolean(record: Record<string, unknown>, key: string, field: string): boolean | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidField(field, JSON.stringify(value), 'Expected a boolean.');
  return value;
}

/** int32 fields arrive as numbers, int64 ones as strings; accept both. */
export function optionalInteger(record: Record<string, unknown>, key: string, field: string): number | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) throw invalidField(field, JSON.stringify(value), 'Expected an integer.');
  return number;
}

export function optionalArray(record: Record<string, unknown>, key: string, field: string): unknown[] | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidField(field, JSON.stringify(value), 'Expected a list.');
  return value as unknown[];
}

export function optionalStringMap(record: Record<string, unknown>, key: string, field: string): Record<string, string> | undefined {
  const value = record[key];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalidField(field, JSON.stringify(value), 'Expected a map.');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalidField(`${field}.${k}`, JSON.stringify(v), 'Expected a string.');
    out[k] = v;
  }
  return out;
}

/** A deep copy of plain JSON data, so stored resources never alias a request body. */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}
