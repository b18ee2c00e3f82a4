/**
 * What makes an env entry look like a secret: its name, or a value shaped like a well-known credential.
 * Imports nothing, so the validator and the form's webview share the one rule.
 */

/** Names are read as words (`DB_PASSWORD`, `clientSecret`, `api-key`), so `PASSENGER_COUNT` is not a password. */
const secretWords = new Set(['pass', 'passwd', 'password', 'passphrase', 'secret', 'token', 'credential', 'credentials', 'apikey']);
const secretPairs: readonly (readonly [string, string])[] = [['api', 'key'], ['private', 'key'], ['access', 'key']];

function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .map((word) => word.toLowerCase())
    .filter((word) => word !== '');
  return words.some((word, index) => secretWords.has(word) || secretPairs.some(([first, second]) => word === first && words[index + 1] === second));
}
const secretValues = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^ya29\.[\w.-]+$/, // Google OAuth access token
  /^AKIA[0-9A-Z]{16}$/, // AWS access key id
  /^gh[pousr]_[A-Za-z0-9]{30,}$/, // GitHub tokens
  /^xox[abpr]-[A-Za-z0-9-]{10,}$/, // Slack tokens
  /^sk_(live|test)_[A-Za-z0-9]{16,}$/, // Stripe keys
  /^AIza[0-9A-Za-z_-]{35}$/, // Google API key
  /^eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*$/, // a JWT
];

/** Why `name=value` looks like a secret in plain text, or undefined; `${VAR}` references and empty values never do. */
export function secretKind(name: string | undefined, value: string | null | undefined): 'value' | 'name' | undefined {
  const text = value ?? '';
  if (text === '' || /^\$\{?[A-Z_]+\}?$/.test(text)) return undefined;
  if (secretValues.some((pattern) => pattern.test(text))) return 'value';
  return name !== undefined && isSecretName(name) ? 'name' : undefined;
}
