import * as vscode from 'vscode';
import type { DeclarationMode } from '../core/declaration/model';
import type { Config } from '../config';
import { detectMode } from '../core/declaration/mode';

/** `*.cosvm.yaml`, plus the files the user associated (setting `cosvm.declaration.files`). */
export function isDeclaration(document: vscode.TextDocument, config: Config): boolean {
  if (document.languageId !== 'yaml') return false;
  if (document.uri.path.endsWith('.cosvm.yaml')) return true;
  return config.declarationFiles.some((pattern) => vscode.languages.match({ language: 'yaml', pattern }, document) > 0);
}

/** Which rules apply: what the file asks for (core detectMode), else `cosvm.declaration.defaultMode`. */
export function declarationMode(text: string, config: Config): DeclarationMode {
  return detectMode(text) ?? config.declarationMode;
}
