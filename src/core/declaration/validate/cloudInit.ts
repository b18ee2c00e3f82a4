/** Rules of our cloud-init rendering: each container becomes the systemd unit `cosvm-<name>.service`. */
import type { Rule } from './context';

/** Valid both as a systemd unit name part and as a Docker container name. */
const unitName = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

export const cloudInitUnits: Rule = ({ parsed, mode, at, report }) => {
  if (mode !== 'cloud-init') return;
  const seen = new Set<string>();
  (parsed.declaration.spec?.containers ?? []).forEach((container, index) => {
    const path = `spec.containers[${index}]`;
    const name = container.name;
    if (!name) {
      report({ severity: 'error', code: 'cosvm/unit-name-missing', message: 'In cloud-init mode each container needs a name: it becomes the systemd unit cosvm-<name>.service.', range: at(`${path}.name`, name === undefined ? 'key' : 'value') });
      return;
    }
    if (!unitName.test(name)) {
      report({ severity: 'error', code: 'cosvm/unit-name', message: `"${name}" cannot name a systemd unit and container: use 1–63 letters, digits, "_", "." or "-", starting with a letter or digit.`, range: at(`${path}.name`) });
    }
    if (seen.has(name)) report({ severity: 'error', code: 'cosvm/duplicate-container', message: `Two containers are named "${name}"; unit names must be unique.`, range: at(`${path}.name`) });
    seen.add(name);
    if (container.stdin && container.tty) {
      report({ severity: 'warning', code: 'cosvm/tty-under-systemd', message: 'A systemd unit has no terminal: stdin together with tty makes `docker run -it` fail ("the input device is not a TTY"). Drop one of them.', range: at(`${path}.tty`, 'key') });
    }
  });
};
