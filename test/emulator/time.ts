/**
 * Compute writes RFC 3339 times with a -07:00 offset (its servers' Pacific time); clients only parse them,
 * but matching the shape keeps parsers honest.
 */
export function computeTimestamp(ms: number): string {
  const offsetMs = -7 * 3600_000;
  const shifted = new Date(ms + offsetMs).toISOString();
  return `${shifted.slice(0, -1)}-07:00`;
}
