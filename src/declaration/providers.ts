import * as vscode from 'vscode';
import { completionsAt, documentation, fieldAt } from '../core/declaration/cursor';
import { quickFixes } from '../core/declaration/fixes';
import type { Ctx } from '../ctx';
import { shortCode, toVsRange, type DeclarationDiagnostics } from './DeclarationDiagnostics';
import { isDeclaration } from './documents';

/** Completion of keys and enum values, from the field table. */
export function completionProvider(ctx: Ctx): vscode.CompletionItemProvider {
  return {
    provideCompletionItems(document, position) {
      if (!isDeclaration(document, ctx.config)) return [];
      return completionsAt(document.getText(), position).map((entry) => {
        const item = new vscode.CompletionItem(entry.label, entry.kind === 'key' ? vscode.CompletionItemKind.Property : vscode.CompletionItemKind.EnumMember);
        item.insertText = entry.insertText;
        // The text already carries the right indentation for the lines it adds.
        item.keepWhitespace = true;
        item.detail = entry.detail;
        item.documentation = new vscode.MarkdownString(entry.documentation);
        if (entry.kind === 'key') item.command = { command: 'editor.action.triggerSuggest', title: 'Suggest values' };
        return item;
      });
    },
  };
}

/** Field documentation, with what konlet and cloud-init do with the field. */
export function hoverProvider(ctx: Ctx): vscode.HoverProvider {
  return {
    provideHover(document, position) {
      if (!isDeclaration(document, ctx.config)) return undefined;
      const field = fieldAt(document.getText(), position);
      if (!field) return undefined;
      const markdown = new vscode.MarkdownString(`**${field.key}**\n\n${documentation(field.spec)}`);
      return new vscode.Hover(markdown, new vscode.Range(position.line, field.start, position.line, field.end));
    },
  };
}

/** Quick fixes matched on the diagnostic code; their edits come from the core (minimal, comment-preserving). */
export function codeActionProvider(ctx: Ctx, diagnostics: DeclarationDiagnostics): vscode.CodeActionProvider {
  return {
    provideCodeActions(document, _range, context) {
      const validated = diagnostics.current(document);
      if (!validated) return [];
      const actions: vscode.CodeAction[] = [];
      for (const shown of context.diagnostics) {
        if (shown.source !== 'cosvm') continue;
        const diagnostic = validated.diagnostics.find((d) => shortCode(d.code) === shown.code && toVsRange(d.range).isEqual(shown.range));
        if (!diagnostic) continue;
        for (const fix of quickFixes(validated.parsed, diagnostic)) {
          const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
          action.diagnostics = [shown];
          action.isPreferred = fix.preferred ?? false;
          action.edit = new vscode.WorkspaceEdit();
          for (const edit of fix.edits) action.edit.replace(document.uri, toVsRange(edit.range), edit.newText);
          actions.push(action);
        }
        if (diagnostic.code === 'cosvm/image-unpinned' && typeof diagnostic.data?.['image'] === 'string') {
          const action = new vscode.CodeAction(vscode.l10n.t('Pin {0} to its current digest from the registry', diagnostic.data['image']), vscode.CodeActionKind.QuickFix);
          action.diagnostics = [shown];
          action.command = { command: 'cosvm.declaration.pinDigest', title: action.title, arguments: [document.uri, shown.range, diagnostic.data['image']] };
          actions.push(action);
        }
      }
      return actions;
    },
  };
}
