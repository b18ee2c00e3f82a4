/**
 * Everything that reaches an output channel, a notification or an error message passes through here
 * (STYLE §5.17). Two layers: exact values registered at run time (a registry password, a token), and
 * patterns for secrets whose value we never saw (private keys, bearer tokens, basic-auth URLs).
 */

const MASK = '****';

const patterns: readonly RegExp[] = [
  // PEM and OpenSSH private keys, whole block.
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g,
  // Google OAuth access tokens.
  /\bya29\.[A-Za-z0-9_\-.]+/g,
];

/** key=value / "key": "value" pairs whose key names a secret. */
const secretAssignment =
  /\b([A-Za-z0-9_]*?(?:password|passwd|secret|token|api[_-]?key)[A-Za-z0-9_]*)("?\s*[:=]\s*"?)([^\s"',}]+)/gi;
const bearer = /\b(Bearer|Basic)\s+[A-Za-z0-9+/=._~-]{8,}/g;
const urlCredentials = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+):([^/\s@]+)@/gi;

export class Redactor {
  private readonly values = new Set<string>();

  /** Masks this exact value wherever it appears from now on. Values shorter than 4 characters are ignored. */
  addSecret(value: string | undefined): void {
    if (value && value.length >= 4) this.values.add(value);
  }

  redact(text: string): string {
    let out = text;
    for (const value of this.values) out = out.split(value).join(MASK);
    for (const pattern of patterns) out = out.replace(pattern, MASK);
    out = out.replace(bearer, (_m, scheme: string) => `${scheme} ${MASK}`);
    out = out.replace(urlCredentials, (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`);
    out = out.replace(secretAssignment, (_m, key: string, sep: string) => `${key}${sep}${MASK}`);
    return out;
  }
}
