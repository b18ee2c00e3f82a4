import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { until } from './until';

const folder = () => {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(root, 'the host tests need a workspace folder');
  return root;
};

describe('deploy profile and commands', () => {
  before(async () => {
    await vscode.extensions.getExtension('cosvm.cosvm')?.activate();
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('registers every deploy command, each in the palette', async () => {
    const commands = await vscode.commands.getCommands(true);
    const deploy = ['createProfile', 'build', 'push', 'buildAndPush', 'deploy', 'buildPushDeploy', 'rollback', 'runLocally', 'migrate'].map((verb) => `cosvm.deploy.${verb}`);
    assert.deepEqual(deploy.filter((id) => !commands.includes(id)), []);
  });

  it("marks cosvm.yaml's problems on their lines as you type, and clears them when fixed", async () => {
    const uri = vscode.Uri.joinPath(folder(), 'cosvm.yaml');
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    const profileProblems = () => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'cosvm');
    await until('the sample profile to be clean', () => (profileProblems().length === 0 ? true : undefined));
    const line = document.getText().split('\n').findIndex((text) => text.includes('mode: cloud-init'));
    await editor.edit((edit) => edit.replace(new vscode.Range(line, 0, line, document.lineAt(line).text.length), '      mode: cloud-init-ish'));
    const [problem] = await until('the mode problem', () => {
      const found = profileProblems();
      return found.length > 0 ? found : undefined;
    });
    assert.equal(problem?.range.start.line, line);
    assert.match(problem?.message ?? '', /mode must be one of cloud-init, startup-script, konlet/);
    await vscode.commands.executeCommand('undo');
    await until('the problem to clear', () => (profileProblems().length === 0 ? true : undefined));
    await document.save();
  });
});
