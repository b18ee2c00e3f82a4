/**
 * Secrets in plain env values: the declaration is instance metadata (or user-data), readable by anyone
 * with compute.instances.get and by every process on the VM (reference/konlet-spec.md §7.6).
 */
import { secretKind } from '../secretPatterns';
import type { Rule } from './context';

export const secretsInEnv: Rule = ({ parsed, at, report }) => {
  (parsed.declaration.spec?.containers ?? []).forEach((container, containerIndex) => {
    (container.env ?? []).forEach((variable, envIndex) => {
      if (!secretKind(variable.name, variable.value)) return;
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
