import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CosvmApi } from '../../../src/extension';
import { until } from './until';

const original = `# The web tier: keep the digest pinned.
spec:
  containers:
  - name: web # served on 8080
    image: nginx:1.27
    env:
    # the greeting shown on /
    - name: GREETING
      value: hello
  restartPolicy: Always # never OnFailure here
`;

describe('declaration form editor (custom text editor)', function () {
  this.timeout(60_000);
  let api: CosvmApi;
  let uri: vscode.Uri;
  let document: vscode.TextDocument;

  before(async () => {
    api = (await vscode.extensions.getExtension<CosvmApi>('cosvm.cosvm')?.activate()) as CosvmApi;
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(root, 'the host tests need a workspace folder');
    uri = vscode.Uri.joinPath(root, 'form.cosvm.yaml');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(original));
    document = await vscode.workspace.openTextDocument(uri);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('is an option for *.cosvm.yaml, not the default, and opens with the title-bar command', async () => {
    const manifest = vscode.extensions.getExtension('cosvm.cosvm')?.packageJSON as { contributes: { customEditors: { viewType: string; priority: string; selector: { filenamePattern: string }[] }[] } };
    assert.deepEqual(manifest.contributes.customEditors.map((e) => [e.viewType, e.priority, e.selector[0]?.filenamePattern]), [['cosvm.declarationForm', 'option', '*.cosvm.yaml']]);
    await vscode.commands.executeCommand('cosvm.declaration.openForm', uri);
    await until('the form to open', async () => ((await api.formEditor.send(uri, { type: 'ready' })) ? true : undefined));
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputCustom && input.viewType === 'cosvm.declarationForm');
  });

  it('turns a field change into a minimal text edit, and undo restores the text', async () => {
    const sent = await api.formEditor.send(uri, { type: 'edit', version: document.version, edit: { kind: 'set', path: ['spec', 'containers', 0, 'image'], value: 'nginx:1.28' } });
    assert.equal(sent, true);
    await until('the new image', () => (document.getText().includes('nginx:1.28') ? true : undefined));
    assert.equal(document.getText(), original.replace('nginx:1.27', 'nginx:1.28'));
    await api.formEditor.send(uri, { type: 'edit', version: document.version, edit: { kind: 'insert', path: ['spec', 'containers', 0, 'env'], value: { name: 'PORT', value: '8080' } } });
    await until('the new env entry', () => (document.getText().includes('PORT') ? true : undefined));
    assert.equal(document.getText(), original.replace('nginx:1.27', 'nginx:1.28').replace('      value: hello\n', '      value: hello\n    - name: PORT\n      value: "8080"\n'));
    await vscode.commands.executeCommand('undo');
    await until('undo of the insert', () => (document.getText().includes('PORT') ? undefined : true));
    await vscode.commands.executeCommand('undo');
    await until('undo of the image change', () => (document.getText() === original ? true : undefined));
  });

  it('applies external edits and drops a form edit made on an older text', async () => {
    const stale = document.version;
    const edit = new vscode.WorkspaceEdit();
    const at = document.getText().indexOf('Always');
    edit.replace(uri, new vscode.Range(document.positionAt(at), document.positionAt(at + 'Always'.length)), 'Never');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const afterExternal = document.getText();
    assert.match(afterExternal, /restartPolicy: Never # never OnFailure here/);
    await api.formEditor.send(uri, { type: 'edit', version: stale, edit: { kind: 'set', path: ['spec', 'restartPolicy'], value: 'OnFailure' } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(document.getText(), afterExternal);
    await api.formEditor.send(uri, { type: 'edit', version: document.version, edit: { kind: 'set', path: ['spec', 'restartPolicy'], value: 'OnFailure' } });
    await until('the restart policy from the form', () => (document.getText().includes('restartPolicy: OnFailure # never OnFailure here') ? true : undefined));
  });

  it('applies two quick edits made on the same text, one after the other', async () => {
    const seen = document.version;
    const first = api.formEditor.send(uri, { type: 'edit', version: seen, edit: { kind: 'set', path: ['spec', 'containers', 0, 'name'], value: 'api' } });
    const second = api.formEditor.send(uri, { type: 'edit', version: seen, edit: { kind: 'set', path: ['spec', 'containers', 0, 'image'], value: 'nginx:1.29' } });
    await Promise.all([first, second]);
    await until('both edits', () => (document.getText().includes('- name: api # served on 8080') && document.getText().includes('image: nginx:1.29') ? true : undefined));
  });

  it('refuses messages outside the protocol', async () => {
    assert.equal(await api.formEditor.send(uri, { type: 'edit', version: document.version, edit: { kind: 'set', path: [], value: 'x' } }), false);
    assert.equal(await api.formEditor.send(uri, { type: 'eval', code: 'alert(1)' }), false);
  });
});
