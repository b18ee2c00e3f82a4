/**
 * The hint under a hostPath field: the validator's own COS file-system rule (core/declaration/validate/cosPaths.ts,
 * reference/konlet-spec.md §5), in the form's terms. DOM-free.
 */
import { classifyHostPath } from '../src/core/declaration/validate/cosPaths';

export interface PathHint {
  tone: 'ok' | 'warning' | 'error';
  text: string;
}


export function hostPathHint(raw: string): PathHint | undefined {
  const path = raw.trim();
  if (path === '') return undefined;
  const finding = classifyHostPath(path);
  if (!finding) {
    const stateful = path === '/mnt/stateful_partition' || path.startsWith('/mnt/stateful_partition/');
    return { tone: 'ok', text: stateful ? 'Persistent: the stateful partition survives reboots.' : 'No COS file-system problem with this path.' };
  }
  return { tone: finding.severity === 'info' ? 'ok' : finding.severity, text: finding.message };
}
