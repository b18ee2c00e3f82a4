import { invalid, invalidField } from './apiError';
import { isRecord } from './json';
import type { MetadataItem } from './resources';

/** gcloud's limit per value (`MAX_METADATA_VALUE_SIZE_IN_BYTES`, gce-api-notes §2.4). */
export const MAX_VALUE_BYTES = 262_144;
/** Compute's limit for all of an instance's metadata together. */
export const MAX_TOTAL_BYTES = 512 * 1024;
const KEY = /^[a-zA-Z0-9-_]{1,128}$/;

/** `items` of a Metadata body: validated like Compute does (key shape, duplicates, sizes). */
export function parseMetadataItems(value: unknown, field: string): MetadataItem[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidField(field, JSON.stringify(value), 'Expected a list.');
  const items: MetadataItem[] = [];
  const seen = new Set<string>();
  let total = 0;
  (value as unknown[]).forEach((entry, index) => {
    const where = `${field}[${index}]`;
    if (!isRecord(entry) || typeof entry['key'] !== 'string') throw invalidField(`${where}.key`, '', 'Must be a match of regex [a-zA-Z0-9-_]{1,128}');
    const key = entry['key'];
    const raw = entry['value'];
    if (raw !== undefined && raw !== null && typeof raw !== 'string') throw invalidField(`${where}.value`, JSON.stringify(raw), 'Expected a string.');
    const itemValue = typeof raw === 'string' ? raw : '';
    if (!KEY.test(key)) throw invalidField(`${where}.key`, key, 'Must be a match of regex [a-zA-Z0-9-_]{1,128}');
    if (seen.has(key)) throw invalid(`Duplicate keys in metadata: '${key}'.`);
    seen.add(key);
    const bytes = Buffer.byteLength(itemValue, 'utf8');
    if (bytes > MAX_VALUE_BYTES) {
      throw invalid(`Value for field '${where}.value' is too large: maximum size ${MAX_VALUE_BYTES} character(s); actual size ${bytes}.`);
    }
    total += bytes + Buffer.byteLength(key, 'utf8');
    items.push({ key, value: itemValue });
  });
  if (total > MAX_TOTAL_BYTES) throw invalid(`Metadata total size ${total} exceeds the limit of ${MAX_TOTAL_BYTES} bytes.`);
  return items;
}

export function metadataValue(items: readonly MetadataItem[], key: string): string | undefined {
  return items.find((item) => item.key === key)?.value;
}

/** `TRUE`/`true`/`1`/`yes`: how the guest agent reads boolean metadata such as enable-guest-attributes. */
export function metadataFlag(items: readonly MetadataItem[], key: string): boolean | undefined {
  const value = metadataValue(items, key);
  if (value === undefined) return undefined;
  return /^(true|1|yes|y|on)$/i.test(value.trim());
}

const LABEL_KEY = /^[\p{Ll}\p{Lo}][\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u;
const LABEL_VALUE = /^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u;

/** Label rules from the Compute docs: at most 64, lower-case keys starting with a letter, short values. */
export function validateLabels(labels: Record<string, string>, field: string): Record<string, string> {
  const entries = Object.entries(labels);
  if (entries.length > 64) throw invalid(`Invalid value for field '${field}': at most 64 labels are allowed.`);
  for (const [key, value] of entries) {
    if (!LABEL_KEY.test(key)) throw invalidField(`${field}.${key}`, key, 'Label keys must start with a lowercase letter and contain only lowercase letters, digits, _ and -.');
    if (!LABEL_VALUE.test(value)) throw invalidField(`${field}.${key}`, value, 'Label values may contain only lowercase letters, digits, _ and -, up to 63 characters.');
  }
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
