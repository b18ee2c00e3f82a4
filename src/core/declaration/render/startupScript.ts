/** The same as the cloud-init rendering, as a `startup-script` for users who prefer one. */
import type { DeclarationSpec } from '../model';
import { hostPreparation, renderUnit } from './systemdUnit';

/** The comment that says a `startup-script` is ours (a deploy replaces only a startup-script carrying it). */
export const startupScriptMarker = '# Written by cosvm from a container declaration';

export function renderStartupScript(spec: DeclarationSpec): string {
  const units = (spec.containers ?? []).map((_container, index) => renderUnit(spec, index));
  const lines = ['#!/bin/bash', `${startupScriptMarker}; runs at every boot.`, 'set -euo pipefail', '', ...hostPreparation(spec), ''];
  for (const unit of units) {
    // A quoted heredoc delimiter: the shell expands nothing inside the unit text.
    lines.push(`cat > /etc/systemd/system/${unit.name} <<'COSVM_UNIT'`, unit.content.replace(/\n$/, ''), 'COSVM_UNIT', '');
  }
  lines.push('systemctl daemon-reload', ...units.map((unit) => `systemctl restart ${unit.name}`), '');
  return lines.join('\n');
}
