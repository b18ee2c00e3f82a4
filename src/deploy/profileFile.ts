import * as vscode from 'vscode';
import { CosvmError } from '../core/errors';
import { parseProfile, profileFileName, type DeployProfile } from '../core/deploy/profile';

/** The workspace's deploy profile, read from disk (or its open editor), with the files it names resolved. */
export interface LoadedProfile {
  profile: DeployProfile;
  uri: vscode.Uri;
  /** The profile's folder: relative paths start here. */
  folder: vscode.Uri;
  declarationUri: vscode.Uri;
}

/** `cosvm.yaml` in the first workspace folder that has one. */
export async function findProfile(): Promise<vscode.Uri | undefined> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const uri = vscode.Uri.joinPath(folder.uri, profileFileName);
    try {
      await vscode.workspace.fs.stat(uri);
      return uri;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Reads and checks the profile; a missing or broken one throws with the next step in its message. */
export async function loadProfile(): Promise<LoadedProfile> {
  const uri = await findProfile();
  if (!uri) {
    throw new CosvmError('config/invalid', vscode.l10n.t('No {0} in this workspace. Run "COS: Create Deploy Profile…" to make one.', profileFileName));
  }
  const document = await vscode.workspace.openTextDocument(uri);
  const { profile, problems } = parseProfile(document.getText());
  if (!profile) {
    const first = problems[0];
    throw new CosvmError('config/invalid', vscode.l10n.t('{0} line {1}: {2}', profileFileName, (first?.range.start.line ?? 0) + 1, first?.message ?? vscode.l10n.t('it cannot be read')));
  }
  const folder = vscode.Uri.joinPath(uri, '..');
  return { profile, uri, folder, declarationUri: vscode.Uri.joinPath(folder, profile.declaration) };
}

/** The text of a file, from its open editor when there is one (unsaved edits count, as for a build). */
export async function documentText(uri: vscode.Uri): Promise<string> {
  try {
    return (await vscode.workspace.openTextDocument(uri)).getText();
  } catch (error) {
    throw new CosvmError('config/invalid', vscode.l10n.t('Cannot read {0}: {1}', vscode.workspace.asRelativePath(uri), error instanceof Error ? error.message : String(error)));
  }
}
