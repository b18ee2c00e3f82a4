import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from 'ssh2';
import * as vscode from 'vscode';
import { registerCommands } from '../common/action';
import { withCancellation } from '../common/cancellation';
import { CancelledError, SshError } from '../core/errors';
import type { InstanceRef } from '../core/gce/model';
import { downloadFile, uploadFile } from '../core/ssh/files';
import type { Ctx } from '../ctx';
import type { InstanceTarget } from '../explorer/targetInstance';
import type { SshConnections } from './connections';

/** `1.5 MiB`, `312 bytes`. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? ''}`;
}

/** The login user's home on the VM (SFTP starts there; `realpath .` names it). */
function remoteHome(client: Client, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    client.sftp((error, sftp) => {
      if (error) {
        reject(new SshError('ssh/command-failed', `The VM refused an SFTP session (${error.message}).`, { cause: error }));
        return;
      }
      const onAbort = () => sftp.end();
      signal.addEventListener('abort', onAbort, { once: true });
      sftp.realpath('.', (failed, home) => {
        signal.removeEventListener('abort', onAbort);
        sftp.end();
        if (signal.aborted) reject(new CancelledError());
        else if (failed) reject(new SshError('ssh/command-failed', `Could not find your home folder on the VM (${failed.message}).`, { cause: failed }));
        else resolve(home);
      });
    });
  });
}

/** `~` and `~/x` mean the home folder; SFTP itself reads relative paths from there too. */
function expandHome(remotePath: string, home: string): string {
  if (remotePath === '~') return home;
  if (remotePath.startsWith('~/')) return path.posix.join(home, remotePath.slice(2));
  return remotePath;
}

async function askRemotePath(prompt: string, value: string, selectBaseName: boolean): Promise<string> {
  const base = path.posix.basename(value);
  const answer = await vscode.window.showInputBox({
    title: prompt,
    prompt: vscode.l10n.t('A path on the VM; ~ is your home folder there.'),
    value,
    valueSelection: selectBaseName && base ? [value.length - base.length, value.length] : undefined,
    validateInput: (text) => (text.trim() === '' ? vscode.l10n.t('Enter a path.') : text.trim().endsWith('/') ? vscode.l10n.t('Enter a file name after the folder.') : undefined),
  });
  if (answer === undefined) throw new CancelledError();
  return answer.trim();
}

/** Runs a copy under a cancellable notification that advances by whole percents. */
function withTransferProgress(title: string, actionSignal: AbortSignal, copy: (onProgress: (done: number, total: number) => void, signal: AbortSignal) => Promise<void>): Thenable<void> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) =>
    withCancellation(token, actionSignal, (signal) => {
      let shown = 0;
      return copy((done, total) => {
        const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
        if (percent <= shown) return;
        progress.report({ increment: percent - shown, message: `${percent}% · ${formatSize(done)} of ${formatSize(total)}` });
        shown = percent;
      }, signal);
    }),
  );
}

/** Upload and download over SFTP on the instance's shared connection. */
export function registerFileCommands(ctx: Ctx, connections: SshConnections, targetInstance: InstanceTarget): void {
  const connect = async (instance: InstanceRef, signal: AbortSignal) => {
    const client = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Connecting to {0}…', instance.name) }, () => connections.client(instance, signal));
    return { client, home: await remoteHome(client, signal) };
  };
  registerCommands(ctx, {
    'cosvm.instance.uploadFile': {
      title: vscode.l10n.t('Upload File to VM'),
      requiresTrust: true,
      run: async (action, node?: unknown) => {
        const instance = await targetInstance(node);
        const files = await vscode.window.showOpenDialog({ canSelectMany: false, canSelectFiles: true, canSelectFolders: false, title: vscode.l10n.t('Upload to {0}', instance.name), openLabel: vscode.l10n.t('Upload') });
        const local = files?.[0];
        if (!local) throw new CancelledError();
        const { client, home } = await connect(instance, action.signal);
        const remote = expandHome(await askRemotePath(vscode.l10n.t('Upload {0} to {1} as', path.basename(local.fsPath), instance.name), path.posix.join(home, path.basename(local.fsPath)), true), home);
        let size = 0;
        await withTransferProgress(vscode.l10n.t('Uploading {0} to {1}', path.basename(local.fsPath), instance.name), action.signal, (onProgress, signal) =>
          uploadFile(client, local.fsPath, remote, { signal, onProgress: (done, total) => ((size = total), onProgress(done, total)) }),
        );
        ctx.log.info(`Uploaded ${local.fsPath} to ${instance.name}:${remote} (${size} bytes)`);
        void vscode.window.showInformationMessage(vscode.l10n.t('Uploaded {0} ({1}) to {2}:{3}.', path.basename(local.fsPath), formatSize(size), instance.name, remote));
      },
    },
    'cosvm.instance.downloadFile': {
      title: vscode.l10n.t('Download File from VM'),
      run: async (action, node?: unknown) => {
        const instance = await targetInstance(node);
        const { client, home } = await connect(instance, action.signal);
        const remote = expandHome(await askRemotePath(vscode.l10n.t('Download from {0}', instance.name), `${home}/`, false), home);
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
        const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(folder, path.posix.basename(remote) || 'download'), title: vscode.l10n.t('Save {0} as', remote), saveLabel: vscode.l10n.t('Download') });
        if (!target) throw new CancelledError();
        let size = 0;
        await withTransferProgress(vscode.l10n.t('Downloading {0} from {1}', path.posix.basename(remote), instance.name), action.signal, (onProgress, signal) =>
          downloadFile(client, remote, target.fsPath, { signal, onProgress: (done, total) => ((size = total), onProgress(done, total)) }),
        );
        ctx.log.info(`Downloaded ${instance.name}:${remote} to ${target.fsPath} (${size} bytes)`);
        const open = vscode.l10n.t('Open');
        void vscode.window.showInformationMessage(vscode.l10n.t('Downloaded {0} ({1}) to {2}.', remote, formatSize(size), target.fsPath), open).then((choice) => {
          if (choice === open) void vscode.commands.executeCommand('vscode.open', target);
        });
      },
    },
  });
}
