import type { DeclarationMode } from './model';

const modeLine = /^#\s*cosvm-mode:\s*(konlet|cloud-init)\s*$/m;

/**
 * The mode a declaration asks for: a `# cosvm-mode: konlet` line wins; a gcloud DISCLAIMER header means
 * the file came from a konlet VM; otherwise undefined (the caller's default applies). The editor and the
 * CLI both use this, so they judge a file alike.
 */
export function detectMode(text: string): DeclarationMode | undefined {
  const explicit = modeLine.exec(text.slice(0, 2000))?.[1];
  if (explicit === 'konlet' || explicit === 'cloud-init') return explicit;
  if (text.startsWith('# DISCLAIMER:\n') || text.startsWith('# DISCLAIMER:\r\n')) return 'konlet';
  return undefined;
}
