import * as vscode from 'vscode';
import { registerCommands } from '../common/action';
import { CancelledError } from '../core/errors';
import type { Ctx } from '../ctx';
import type { InstanceTarget } from '../explorer/targetInstance';
import { streamDescription, streamKey, streamsFor, type StreamSource } from './format';
import type { LogStreams } from './streams';

const icons: Record<StreamSource['kind'], string> = { journal: '$(book)', docker: '$(package)', serial: '$(plug)' };

export function registerLogCommands(ctx: Ctx, streams: LogStreams, targetInstance: InstanceTarget): void {
  registerCommands(ctx, {
    'cosvm.instance.followLogs': {
      title: vscode.l10n.t('Follow Logs'),
      run: async (action, node?: unknown) => {
        const instance = await targetInstance(node);
        const following = new Set(streams.list().map((s) => s.key));
        const items = streamsFor(instance).map((spec) => ({
          label: `${icons[spec.source.kind]} ${spec.label}`,
          description: streamDescription(spec.source),
          detail: following.has(streamKey(spec)) ? vscode.l10n.t('Following: shows its channel') : undefined,
          spec,
        }));
        const picked = await vscode.window.showQuickPick(items, {
          title: vscode.l10n.t('Follow logs of {0} ({1})', instance.name, instance.deployMode),
          placeHolder: vscode.l10n.t('Pick a log stream; it opens in its own output channel'),
          matchOnDescription: true,
        });
        if (!picked) throw new CancelledError();
        await streams.start(picked.spec, action.signal);
      },
    },
    'cosvm.logs.stop': {
      title: vscode.l10n.t('Stop Log Stream'),
      run: async () => {
        const active = streams.list();
        if (active.length === 0) {
          void vscode.window.showInformationMessage(vscode.l10n.t('No log stream is being followed.'));
          return;
        }
        const picked = await vscode.window.showQuickPick(
          active.map((s) => ({ label: `${icons[s.spec.source.kind]} ${s.name}`, description: streamDescription(s.spec.source), key: s.key })),
          { title: vscode.l10n.t('Stop a log stream'), canPickMany: true },
        );
        if (!picked || picked.length === 0) throw new CancelledError();
        for (const item of picked) streams.stop(item.key);
      },
    },
    'cosvm.logs.stopAll': {
      title: vscode.l10n.t('Stop All Log Streams'),
      run: () => streams.stopAll(),
    },
  });
}
