import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const extensionId = 'cosvm.cosvm';

interface Manifest {
  activationEvents?: string[];
  contributes: { commands: { command: string; category?: string }[] };
}

function manifest(): Manifest {
  const extension = vscode.extensions.getExtension(extensionId);
  assert.ok(extension, `${extensionId} is not loaded`);
  return extension.packageJSON as Manifest;
}

describe('extension in the real VS Code host', () => {
  before(async () => {
    await vscode.extensions.getExtension(extensionId)?.activate();
  });

  it('runs in VS Code 1.100 as an extension under development', () => {
    assert.equal(vscode.version, '1.100.3');
    assert.ok(vscode.extensions.getExtension(extensionId)?.isActive);
  });

  it('activates only through contributions', () => {
    const events = manifest().activationEvents ?? [];
    assert.ok(!events.includes('*') && !events.includes('onStartupFinished'), JSON.stringify(events));
  });

  it('registers exactly the contributed commands, all in the COS category', async () => {
    const contributed = manifest().contributes.commands;
    for (const command of contributed) assert.equal(command.category, 'COS', command.command);
    // VS Code adds `<view id>.focus` and friends for every contributed view; those are not ours to register.
    const registered = (await vscode.commands.getCommands(true)).filter((id) => id.startsWith('cosvm.') && !id.startsWith('cosvm.views.'));
    assert.deepEqual(new Set(registered), new Set(contributed.map((c) => c.command)));
  });

  describe('cosvm.explorer.addProject', () => {
    const projects = () => vscode.workspace.getConfiguration('cosvm').get<string[]>('projects') ?? [];

    afterEach(async () => {
      await vscode.workspace.getConfiguration('cosvm').update('projects', undefined, vscode.ConfigurationTarget.Workspace);
    });

    it('adds a project id to the workspace setting once', async () => {
      await vscode.commands.executeCommand('cosvm.explorer.addProject', 'cosvm-test-project');
      await vscode.commands.executeCommand('cosvm.explorer.addProject', 'cosvm-test-project');
      assert.deepEqual(projects(), ['cosvm-test-project']);
      const inspected = vscode.workspace.getConfiguration('cosvm').inspect<string[]>('projects');
      assert.deepEqual(inspected?.workspaceValue, ['cosvm-test-project']);
    });

    it('refuses an invalid id and leaves the setting alone', async () => {
      await vscode.commands.executeCommand('cosvm.explorer.addProject', 'Not_A_Project');
      assert.deepEqual(projects(), []);
    });
  });

  it('shows the COS log channel', async () => {
    await vscode.commands.executeCommand('cosvm.log.show');
    await waitUntil(() => vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'output' && /COS/.test(d.uri.path)));
  });

  it('opens the COS view container', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.cosvm');
    await vscode.commands.executeCommand('cosvm.explorer.refresh');
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
