import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { until } from './until';

const folder = () => {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(root, 'the host tests need a workspace folder');
  return root;
};

const cosvmDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'cosvm');

async function openNew(name: string, text: string): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(folder(), name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document);
}

describe('declaration editor', () => {
  before(async () => {
    await vscode.extensions.getExtension('cosvm.cosvm')?.activate();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows diagnostics with codes and exact ranges as you type', async () => {
    const editor = await openNew('typing.cosvm.yaml', 'spec:\n  containers:\n  - name: web\n    image: nginx@sha256:' + 'a'.repeat(64) + '\n');
    const uri = editor.document.uri;
    await until('a clean document', () => (cosvmDiagnostics(uri).length === 0 ? true : undefined));
    await editor.edit((edit) => edit.insert(new vscode.Position(4, 0), '  restartPolicy: always\n'));
    const [diagnostic] = await until('the restart-policy error', () => {
      const found = cosvmDiagnostics(uri).filter((d) => d.code === 'restart-policy');
      return found.length > 0 ? found : undefined;
    });
    assert.equal(diagnostic?.severity, vscode.DiagnosticSeverity.Error);
    assert.deepEqual([diagnostic?.range.start.line, diagnostic?.range.start.character, diagnostic?.range.end.character], [4, 17, 23]);
  });

  it('completes keys and enum values', async () => {
    const editor = await openNew('complete.cosvm.yaml', 'spec:\n  containers:\n  - name: web\n    \n  restartPolicy: \n');
    const keys = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(3, 4));
    const labels = keys.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const key of ['image', 'command', 'volumeMounts', 'securityContext']) assert.ok(labels.includes(key), labels.join(','));
    assert.ok(!labels.includes('name'), 'name is already there');
    const values = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', editor.document.uri, new vscode.Position(4, 17));
    const valueLabels = values.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    for (const value of ['Always', 'OnFailure', 'Never']) assert.ok(valueLabels.includes(value), valueLabels.join(','));
  });

  it('explains a field on hover, with what konlet and cloud-init do', async () => {
    const editor = await openNew('hover.cosvm.yaml', 'spec:\n  containers:\n  - name: web\n    command:\n    - /bin/sh\n');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(3, 6));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /\*\*command\*\*/);
    assert.match(text, /konlet:\*\* Not split on spaces/);
    assert.match(text, /cloud-init:\*\*/);
  });

  it('offers quick fixes that edit only the broken node, and undo restores the text', async () => {
    const original = '# keep this comment\nspec:\n  containers:\n  - name: web\n    image: nginx@sha256:' + 'a'.repeat(64) + '\n    volumeMounts:\n    - name: data\n      mountPath: /data\n  restartPolicy: always  # trailing\n';
    const editor = await openNew('fix.cosvm.yaml', original);
    const uri = editor.document.uri;
    const diagnostic = await until('the restart-policy error', () => cosvmDiagnostics(uri).find((d) => d.code === 'restart-policy'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Change to "Always"');
    assert.ok(fix?.edit, actions.map((a) => a.title).join(' | '));
    await vscode.workspace.applyEdit(fix.edit);
    assert.equal(editor.document.getText(), original.replace('restartPolicy: always', 'restartPolicy: Always'));

    const missing = await until('the volume-not-found error', () => cosvmDiagnostics(uri).find((d) => d.code === 'volume-not-found'));
    const volumeActions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, missing.range, vscode.CodeActionKind.QuickFix.value);
    const addVolume = volumeActions.find((a) => a.title.startsWith('Add a hostPath volume "data"'));
    assert.ok(addVolume?.edit);
    await vscode.workspace.applyEdit(addVolume.edit);
    assert.match(editor.document.getText(), /  restartPolicy: Always  # trailing\n  volumes:\n  - name: data\n    hostPath:\n      path: \/mnt\/stateful_partition\/data\n$/);
    await until('no errors left', () => (cosvmDiagnostics(uri).some((d) => d.severity === vscode.DiagnosticSeverity.Error) ? undefined : true));

    await vscode.commands.executeCommand('undo');
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), original);
  });

  it('associates a plain YAML file, and leaves other YAML files alone', async () => {
    const editor = await openNew('plain.yaml', 'spec:\n  containers:\n  - name: web\n    image: nginx\n    tty: "true"\n');
    const other = await vscode.workspace.openTextDocument({ language: 'yaml', content: 'tty: "true"\nspec: 1\n' });
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.deepEqual(cosvmDiagnostics(editor.document.uri), []);
    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('cosvm.declaration.associate');
    const files = vscode.workspace.getConfiguration('cosvm').get<string[]>('declaration.files');
    assert.deepEqual(files, ['**/plain.yaml']);
    await until('diagnostics on the associated file', () => (cosvmDiagnostics(editor.document.uri).some((d) => d.code === 'type-mismatch') ? true : undefined));
    assert.deepEqual(cosvmDiagnostics(other.uri), []);
    await vscode.workspace.getConfiguration('cosvm').update('declaration.files', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('previews a rendering beside the declaration', async () => {
    const uri = vscode.Uri.joinPath(folder(), 'hello.cosvm.yaml');
    await vscode.commands.executeCommand('cosvm.declaration.render', uri, 'docker-run');
    // The preview is an untitled document opened beside; find it among the open documents.
    const preview = await until('the preview document', () =>
      vscode.workspace.textDocuments.map((d) => d.getText()).find((text) => text.startsWith('docker run')),
    );
    assert.match(preview, /^docker run -d --name hello --network host --restart always /);
    assert.equal(path.basename(uri.fsPath), 'hello.cosvm.yaml');
  });
});
