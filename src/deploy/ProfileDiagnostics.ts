import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseProfile, profileFileName } from '../core/deploy/profile';
import { toVsRange } from '../declaration/DeclarationDiagnostics';

/** Problems of `cosvm.yaml` as it is typed; the profile is small, so each change is checked at once. */
export function profileDiagnostics(): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection('cosvm-profile');
  const check = (document: vscode.TextDocument) => {
    if (path.basename(document.uri.path) !== profileFileName || document.uri.scheme === 'git') return;
    const { problems } = parseProfile(document.getText());
    collection.set(
      document.uri,
      problems.map((problem) => {
        const diagnostic = new vscode.Diagnostic(toVsRange(problem.range), problem.message, vscode.DiagnosticSeverity.Error);
        diagnostic.source = 'cosvm';
        return diagnostic;
      }),
    );
  };
  for (const document of vscode.workspace.textDocuments) check(document);
  return vscode.Disposable.from(
    collection,
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((event) => check(event.document)),
    vscode.workspace.onDidCloseTextDocument((document) => collection.delete(document.uri)),
  );
}
