/** Secret-looking env entries, DOM-free. The declaration is instance metadata, readable by anyone with compute.instances.get. */

const secretName = /PASS(WORD|WD)?($|[_-])|TOKEN|SECRET|(^|[_-])KEY($|[_-])|API_?KEY|PRIVATE|CREDENTIAL|AUTH($|[_-])/i;
/** Values shaped like well-known credentials (PEM keys, GitHub/Slack/Google tokens, JWTs). */
const secretValue = /-----BEGIN [A-Z ]*PRIVATE KEY-----|\bgh[pousr]_[A-Za-z0-9]{20,}|\bxox[abpr]-[A-Za-z0-9-]{10,}|\bAIza[0-9A-Za-z_-]{35}\b|\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./;

/** Why an env entry looks like a secret, or undefined. */
export function secretReason(name: string, value: string): string | undefined {
  if (secretValue.test(value)) return 'This value looks like a credential.';
  if (secretName.test(name) && value !== '') return `"${name}" looks like a secret name.`;
  return undefined;
}

export const secretAdvice = 'The declaration is stored as instance metadata, readable by anyone who can view the VM; prefer Secret Manager or a file fetched at start-up.';
