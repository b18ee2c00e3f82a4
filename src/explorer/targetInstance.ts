import * as vscode from 'vscode';
import { CancelledError, CosvmError } from '../core/errors';
import type { InstanceRef, InstanceSummary } from '../core/gce/model';
import { getInstance } from '../core/gce/resources';
import type { Ctx } from '../ctx';
import type { ExplorerProvider } from './ExplorerProvider';
import { InstanceNode } from './nodes/InstanceNode';

/** Resolves the instance any instance command acts on. */
export type InstanceTarget = (node: unknown) => Promise<InstanceSummary>;

function isInstanceRef(value: unknown): value is InstanceRef {
  const v = value as Partial<InstanceRef> | undefined;
  return typeof v?.project === 'string' && typeof v.zone === 'string' && typeof v.name === 'string';
}

/**
 * The instance a command acts on: the clicked node; an `{project, zone, name}` from another command or
 * extension (re-read, so it is never stale); or one picked from every project (palette).
 */
export function instanceTarget(ctx: Ctx, provider: ExplorerProvider, projects: () => string[]): InstanceTarget {
  return async (node) => {
    if (node instanceof InstanceNode) return node.instance;
    if (isInstanceRef(node)) return getInstance(await ctx.gce(), node);
    const items = (await Promise.all(projects().map((p) => provider.inventory(p).allInstances()))).flat().map((instance) => ({
      label: instance.name,
      description: `${instance.project} · ${instance.zone}`,
      detail: [instance.status.toLowerCase(), instance.deployMode, instance.natIP].filter(Boolean).join(' · '),
      instance,
    }));
    if (items.length === 0) throw new CosvmError('input/invalid', vscode.l10n.t('No instances found in the configured projects.'));
    const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Pick an instance'), matchOnDescription: true });
    if (!picked) throw new CancelledError();
    return picked.instance;
  };
}
