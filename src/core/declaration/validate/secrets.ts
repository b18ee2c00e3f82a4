/**
 * Secrets in plain env values: the declaration is instance metadata (or user-data), readable by anyone
 * with compute.instances.get and by every process on the VM (reference/konlet-spec.md §7.6).
 */
import type { Rule } from './context';

const secretName = /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|access[_-]?key)/i;
const secretValue = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /^ya29\.[\w.-]+$/, // Google OAuth access token
  /^AKIA[0-9A-Z]{16}$/, // AWS access key id
  /^gh[pousr]_[A-Za-z0-9]{30,}$/, // GitHub tokens
  /^xox[abpr]-[A-Za-z0-9-]{10,}$/, // Slack tokens
  /^sk_(live|test)_[A-Za-z0-9]{16,}$/, // Stripe keys
  /^AIza[0-9A-Za-z_-]{35}$/, // Google API key
];

export const secretsInEnv: Rule = ({ parsed, at, report }) => {
  (parsed.declaration.spec?.containers ?? []).forEach((container, containerIndex) => {
    (container.env ?? []).forEach((variable, envIndex) => {
      const value = variable.value ?? '';
      if (value === '' || /^\$\{?[A-Z_]+\}?$/.test(value)) return;
      const byName = variable.name !== undefined && secretName.test(variable.name);
      if (!byName && !secretValue.some((pattern) => pattern.test(value))) return;
      report({
        severity: 'warning',
        code: 'cosvm/secret-in-env',
        message: `${variable.name ?? 'This variable'} looks like a secret in plain text: instance metadata is readable by anyone who can view the VM and by every process on it. Fetch it at run time (Secret Manager) instead.`,
        range: at(`spec.containers[${containerIndex}].env[${envIndex}].value`),
        data: { name: variable.name },
      });
    });
  });
};
