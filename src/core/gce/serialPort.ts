/**
 * instances.getSerialPortOutput, read with plain JSON like the listing path (rest.ts). Positions are byte
 * offsets since the instance booted, int64 sent as decimal strings; the API holds only the last 1 MB and
 * moves a discarded `start` up to the oldest byte it still has (gce-api-notes.md §2.5).
 */
import { GceError } from '../errors';
import type { InstanceRef } from './model';
import { getJson, type RestContext } from './rest';

export interface SerialPortOutput {
  contents: string;
  /** Where `contents` begins; larger than the requested start when bytes were discarded. */
  start: string;
  /** The position to ask for next (pass it as the next `start`). */
  next: string;
}

export interface SerialPortQuery {
  /** 1–4; 1 (the console) by default. */
  port?: number;
  /** Omitted or 0: the oldest byte held; negative: the last |start| bytes. */
  start?: string | number;
}

/** One read of an instance's serial port. */
export async function getSerialPortOutput(clients: RestContext, ref: InstanceRef, query: SerialPortQuery = {}, signal?: AbortSignal): Promise<SerialPortOutput> {
  const path = `/projects/${encodeURIComponent(ref.project)}/zones/${encodeURIComponent(ref.zone)}/instances/${encodeURIComponent(ref.name)}/serialPort`;
  const params: Record<string, string> = { port: String(query.port ?? 1) };
  if (query.start !== undefined) params['start'] = String(query.start);
  const what = `Reading the serial port of ${ref.name}`;
  const raw = (await getJson(clients, path, params, what, signal)) as Record<string, unknown> | null;
  const position = (value: unknown): string | undefined =>
    (typeof value === 'string' && /^\d+$/.test(value)) || (typeof value === 'number' && Number.isInteger(value) && value >= 0) ? String(value) : undefined;
  // An empty port may omit `contents` and `start` (proto3 defaults); `next` is what a follow cannot do without.
  const next = position(raw?.['next']);
  if (next === undefined) {
    throw new GceError('gce/request-failed', `${what}: the answer had no position to continue from.`, undefined, { detail: JSON.stringify(raw).slice(0, 2000) });
  }
  return {
    contents: typeof raw?.['contents'] === 'string' ? raw['contents'] : '',
    start: position(raw?.['start']) ?? '0',
    next,
  };
}
