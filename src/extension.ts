import type * as vscode from 'vscode';
import { Ctx } from './ctx';
import * as declaration from './declaration';
import * as deploy from './deploy';
import * as editor from './editor';
import * as explorer from './explorer';
import * as log from './log';
import * as logs from './logs';
import * as setup from './setup';
import * as ssh from './ssh';
import * as tunnels from './tunnels';

/** What activate() returns: a small API other extensions and the host tests use. */
export interface CosvmApi {
  explorer: explorer.ExplorerApi;
  formEditor: editor.FormEditorApi;
  setup: setup.SetupApi;
}

/** Wiring only: build the context, then let each feature register itself (STYLE §5.2). */
export function activate(context: vscode.ExtensionContext): CosvmApi {
  const started = performance.now();
  const ctx = new Ctx(context);
  context.subscriptions.push(ctx);
  log.register(ctx);
  const explorerFeature = explorer.register(ctx);
  const connections = ssh.register(ctx, explorerFeature);
  logs.register(ctx, connections, explorerFeature);
  tunnels.register(ctx, connections, explorerFeature);
  declaration.register(ctx);
  const pipeline = deploy.register(ctx, connections, explorerFeature);
  const setupApi = setup.register(ctx, explorerFeature, connections, pipeline);
  const formEditor = editor.register(ctx);
  ctx.log.info(`COS Container VMs ${String((context.extension.packageJSON as { version?: unknown }).version)} activated in ${(performance.now() - started).toFixed(1)} ms`);
  return { explorer: explorerFeature.api, formEditor, setup: setupApi };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
