import * as vscode from 'vscode';
import type { DeclarationMode } from '../core/declaration/model';
import type { Config } from '../config';

/** `*.cosvm.yaml`, plus the files the user associated (setting `cosvm.declaration.files`). */
export function isDeclaration(document: vscode.TextDocument, config: Config): boolean {
  if (document.languageId !== 'yaml') return false;
  if (document.uri.path.endsWith('.cosvm.yaml')) return true;
  return config.declarationFiles.some((pattern) => vscode.languages.match({ language: 'yaml', pattern }, document) > 0);
}

const modeLine = /^#\s*cosvm-mode:\s*(konlet|cloud-init)\s*$/m;

/**
 * Which rules apply: a `# cosvm-mode: konlet` line wins; a gcloud DISCLAIMER header means the file came
 * from a konlet VM; otherwise the setting `cosvm.declaration.defaultMode`.
 */
export function declarationMode(text: string, config: Config): DeclarationMode {
  const explicit = modeLine.exec(text.slice(0, 2000))?.[1];
  if (explicit === 'konlet' || explicit === 'cloud-init') return explicit;
  if (text.startsWith('# DISCLAIMER:\n')) return 'konlet';
  return config.declarationMode;
}
