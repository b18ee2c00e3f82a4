import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { registerExplorerCommands } from './commands';
import { declarationDocuments, declarationScheme } from './declarationDocuments';
import { ExplorerProvider } from './ExplorerProvider';
import { ProjectSource } from './projects';
import { RefreshManager } from './RefreshManager';
import { instanceTarget, type InstanceTarget } from './targetInstance';

/** The COS explorer view: projects → instances by zone, instance templates, MIGs and their members. */
export interface ExplorerApi {
  /** The explorer's children of a node id (the root when omitted): what a user sees in the view. */
  children(id?: string): Promise<{ id: string; label: string; description: string }[]>;
}

/** What other features use: the explorer's API, and how an instance command finds its instance. */
export interface Explorer {
  api: ExplorerApi;
  targetInstance: InstanceTarget;
  /** The projects the explorer shows (the setting, else gcloud's project). */
  projects: () => string[];
}

export function register(ctx: Ctx): Explorer {
  const projects = new ProjectSource(ctx.config);
  const provider = ctx.own(new ExplorerProvider(ctx, () => projects.projects()));
  const view = ctx.own(vscode.window.createTreeView('cosvm.views.explorer', { treeDataProvider: provider, showCollapseAll: true }));
  const refresh = ctx.own(
    new RefreshManager(
      view,
      (node, reload) => provider.refresh(node, reload),
      () => provider.refreshInstances(),
    ),
  );
  const documents = ctx.own(declarationDocuments(ctx));
  ctx.own(vscode.workspace.registerTextDocumentContentProvider(declarationScheme, documents));
  ctx.own(ctx.config.onDidChange((keys) => (keys.has('projects') || keys.has('computeEndpoint')) && refresh.now()));
  const targetInstance = instanceTarget(ctx, provider, () => projects.projects());
  registerExplorerCommands(ctx, provider, refresh, targetInstance, documents);
  // Reading the gcloud config is a small file read; redraw once it is known.
  void projects.init().then(() => provider.refresh(undefined, false));
  const api: ExplorerApi = {
    async children(id) {
      const parent = id === undefined ? undefined : provider.node(id);
      if (id !== undefined && !parent) throw new Error(`No explorer node ${id} has been shown yet`);
      const children = await provider.getChildren(parent);
      return children.map((child) => {
        const item = child.toTreeItem();
        const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
        return { id: child.id, label, description: typeof item.description === 'string' ? item.description : '' };
      });
    },
  };
  return { api, targetInstance, projects: () => projects.projects() };
}
