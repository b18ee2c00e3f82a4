/** Secret-looking env entries for the form: the validator's own rule (core/declaration/secretPatterns.ts). */
import { secretKind } from '../src/core/declaration/secretPatterns';

/** Why an env entry looks like a secret, or undefined. */
export function secretReason(name: string, value: string): string | undefined {
  const kind = secretKind(name, value);
  if (kind === 'value') return 'This value looks like a credential.';
  if (kind === 'name') return `"${name}" looks like a secret name.`;
  return undefined;
}

export const secretAdvice = 'The declaration is stored as instance metadata, readable by anyone who can view the VM; prefer Secret Manager or a file fetched at start-up.';
