import * as vscode from 'vscode';
import type { SetupCheckId, SetupCheckResult, SetupFix } from '../core/setup/checks';
import type { InstanceRef } from '../core/gce/model';
import { checkOrder, checkTitle, type SetupChecks } from './SetupChecks';

interface CheckItem extends vscode.QuickPickItem {
  id: SetupCheckId;
  result: SetupCheckResult | undefined;
}

const statusIcons: Record<SetupCheckResult['status'], string> = { passed: '$(pass-filled)', failed: '$(error)', skipped: '$(circle-slash)' };

function itemFor(id: SetupCheckId, result: SetupCheckResult | undefined): CheckItem {
  if (!result) return { id, result, label: `$(loading~spin) ${checkTitle(id)}`, description: vscode.l10n.t('checking…') };
  const next = result.status === 'passed' ? undefined : result.fix ? `${result.fix.title}: ${result.instruction ?? ''}` : result.instruction;
  return {
    id,
    result,
    label: `${statusIcons[result.status]} ${checkTitle(id)}`,
    description: result.summary,
    ...(next ? { detail: next } : {}),
    ...(result.status !== 'passed' && result.fix ? { buttons: [{ iconPath: new vscode.ThemeIcon('wrench'), tooltip: result.fix.title }] } : {}),
  };
}

/** Runs a check's fix: its command, or its command line in a terminal the user sees. */
export async function runSetupFix(fix: SetupFix): Promise<void> {
  if (fix.kind === 'command') {
    await vscode.commands.executeCommand(fix.command, ...(fix.args ?? []));
    return;
  }
  const terminal = vscode.window.createTerminal({ name: vscode.l10n.t('COS setup'), iconPath: new vscode.ThemeIcon('tools') });
  terminal.show();
  terminal.sendText(fix.commandLine);
}

/**
 * "COS: Diagnose Setup": every check at once in a quick pick that fills in as each answers. Enter (or the
 * wrench) on a check that did not pass runs its fix; the title bar's refresh runs them again. Resolves with
 * the results once all have answered; the pick stays open for the user.
 */
export function showDiagnosis(checks: SetupChecks, instance: InstanceRef | undefined): Promise<SetupCheckResult[]> {
  // The pick outlives the command: its checks stop when it closes, not when the command returns.
  const controller = new AbortController();
  const signal = controller.signal;
  const pick = vscode.window.createQuickPick<CheckItem>();
  pick.title = vscode.l10n.t('COS: Diagnose Setup');
  pick.placeholder = vscode.l10n.t('Select a check that did not pass to fix it');
  pick.ignoreFocusOut = true;
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  const rerun: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('refresh'), tooltip: vscode.l10n.t('Check Again') };
  pick.buttons = [rerun];
  const results = new Map<SetupCheckId, SetupCheckResult>();
  let round = 0;

  const render = () => {
    const active = pick.activeItems[0]?.id;
    pick.items = checkOrder.map((id) => itemFor(id, results.get(id)));
    const again = pick.items.find((item) => item.id === active);
    if (again) pick.activeItems = [again];
  };

  const runAll = async (): Promise<SetupCheckResult[]> => {
    const mine = ++round;
    results.clear();
    pick.busy = true;
    render();
    const settled = await Promise.all(
      checkOrder.map(async (id) => {
        const result = await checks.run(id, { ...(instance ? { subject: { project: instance.project, zone: instance.zone, instance: instance.name } } : {}), signal });
        if (mine === round) {
          results.set(id, result);
          render();
        }
        return result;
      }),
    );
    if (mine === round) pick.busy = false;
    return settled;
  };

  const act = async (item: CheckItem | undefined) => {
    const fix = item?.result?.status !== 'passed' ? item?.result?.fix : undefined;
    if (!fix) return;
    pick.hide();
    await runSetupFix(fix);
  };

  const subscriptions = [
    pick.onDidAccept(() => void act(pick.selectedItems[0])),
    pick.onDidTriggerItemButton((event) => void act(event.item)),
    pick.onDidTriggerButton((button) => button === rerun && void runAll().catch(() => undefined)),
    pick.onDidHide(() => {
      controller.abort();
      for (const subscription of subscriptions) subscription.dispose();
      pick.dispose();
    }),
  ];
  pick.show();
  return runAll();
}
