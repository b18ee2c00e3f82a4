import * as vscode from 'vscode';
import type { DeclarationDiagnostic, Range } from '../core/declaration/model';
import { parseDeclaration, type ParsedDeclaration } from '../core/declaration/parse';
import { validateParsed } from '../core/declaration/validate';
import type { Ctx } from '../ctx';
import { declarationMode, isDeclaration } from './documents';

const debounceMs = 150;

export interface ValidatedDocument {
  version: number;
  parsed: ParsedDeclaration;
  diagnostics: DeclarationDiagnostic[];
}

export function shortCode(code: string): string {
  return code.replace(/^cosvm\//, '');
}

export function toVsRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

const severities: Record<DeclarationDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/**
 * Validates declarations as they are typed (debounced per document) and keeps the last result, so quick
 * fixes read the diagnostic's `data` instead of validating again.
 */
export class DeclarationDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('cosvm');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly results = new Map<string, ValidatedDocument>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)),
      vscode.workspace.onDidChangeTextDocument((event) => this.schedule(event.document, debounceMs)),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
      ctx.config.onDidChange((keys) => {
        if (keys.has('declaration.files') || keys.has('declaration.defaultMode')) this.revalidateAll();
      }),
    );
    this.revalidateAll();
  }

  /** The validation of this exact document version, computing it now if needed. */
  current(document: vscode.TextDocument): ValidatedDocument | undefined {
    if (!isDeclaration(document, this.ctx.config)) return undefined;
    const known = this.results.get(document.uri.toString());
    return known?.version === document.version ? known : this.validate(document);
  }

  revalidateAll(): void {
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    if (!isDeclaration(document, this.ctx.config)) {
      this.forget(document.uri);
      return;
    }
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!document.isClosed) this.validate(document);
      }, delay),
    );
  }

  private validate(document: vscode.TextDocument): ValidatedDocument {
    const text = document.getText();
    const parsed = parseDeclaration(text);
    const diagnostics = validateParsed(parsed, { mode: declarationMode(text, this.ctx.config) });
    const result = { version: document.version, parsed, diagnostics };
    this.results.set(document.uri.toString(), result);
    if (document.uri.scheme === 'file' || document.uri.scheme === 'vscode-remote') this.ctx.milestones.reach('declarationOpened');
    this.collection.set(
      document.uri,
      diagnostics.map((d) => {
        const diagnostic = new vscode.Diagnostic(toVsRange(d.range), d.message, severities[d.severity]);
        diagnostic.source = 'cosvm';
        // Shown as "cosvm(restart-policy)": the source already says cosvm.
        diagnostic.code = shortCode(d.code);
        return diagnostic;
      }),
    );
    return result;
  }

  private forget(uri: vscode.Uri): void {
    clearTimeout(this.timers.get(uri.toString()));
    this.timers.delete(uri.toString());
    this.results.delete(uri.toString());
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const disposable of this.disposables) disposable.dispose();
    this.collection.dispose();
  }
}
