import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import { registerDeclarationCommands } from './commands';
import { DeclarationDiagnostics } from './DeclarationDiagnostics';
import { codeActionProvider, completionProvider, hoverProvider } from './providers';
import { RenderPreviews, renderScheme } from './RenderPreviews';

/** The declaration editor: diagnostics as you type, completion, hovers, quick fixes, render preview. */
export function register(ctx: Ctx): void {
  const diagnostics = ctx.own(new DeclarationDiagnostics(ctx));
  // All YAML: each provider checks isDeclaration itself, so associating a file needs no re-registration.
  const selector: vscode.DocumentSelector = { language: 'yaml' };
  ctx.own(vscode.languages.registerCompletionItemProvider(selector, completionProvider(ctx), ':', ' '));
  ctx.own(vscode.languages.registerHoverProvider(selector, hoverProvider(ctx)));
  ctx.own(vscode.languages.registerCodeActionsProvider(selector, codeActionProvider(ctx, diagnostics), { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }));
  const previews = ctx.own(new RenderPreviews());
  ctx.own(vscode.workspace.registerTextDocumentContentProvider(renderScheme, previews));
  registerDeclarationCommands(ctx, diagnostics, previews);
}
