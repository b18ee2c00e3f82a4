import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CosvmApi } from '../../../src/extension';
import { until } from './until';

const project = 'cosvm-playground';

/** The emulator's own view of an instance, read over REST, independent of the extension. */
async function emulatorInstance(zone: string, name: string): Promise<{ status?: string } | undefined> {
  const url = process.env['COSVM_TEST_EMULATOR_URL'];
  const response = await fetch(`${url}/compute/v1/projects/${project}/zones/${zone}/instances/${name}`);
  return response.ok ? ((await response.json()) as { status?: string }) : undefined;
}

describe('COS explorer on the emulated project', function () {
  this.timeout(120_000);
  let api: CosvmApi;

  before(async function () {
    if (!process.env['COSVM_TEST_EMULATOR_URL']) this.skip();
    // The endpoint is machine-scoped (a workspace must not redirect the user's token), so it goes to user settings.
    const configuration = vscode.workspace.getConfiguration('cosvm');
    await configuration.update('computeEndpoint', process.env['COSVM_TEST_EMULATOR_URL'], vscode.ConfigurationTarget.Global);
    await configuration.update('projects', [project], vscode.ConfigurationTarget.Workspace);
    api = (await vscode.extensions.getExtension<CosvmApi>('cosvm.cosvm')?.activate()) as CosvmApi;
  });

  after(async () => {
    const configuration = vscode.workspace.getConfiguration('cosvm');
    await configuration.update('computeEndpoint', undefined, vscode.ConfigurationTarget.Global);
    await configuration.update('projects', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('shows projects, instances by zone with status, mode, image and IP, templates and MIG members', async () => {
    const roots = await until('the project node', async () => {
      const r = await api.explorer.children();
      return r.some((n) => n.label === project) ? r : undefined;
    });
    assert.deepEqual(roots.map((r) => r.id), [`projects/${project}`]);
    const groups = await api.explorer.children(`projects/${project}`);
    assert.deepEqual(groups.map((g) => g.label), ['Instances', 'Instance templates', 'Managed instance groups']);
    const zones = await until('both zones', async () => {
      const z = await api.explorer.children(`projects/${project}/instances`);
      return z.filter((n) => n.id.includes('/zones/')).length === 2 ? z : undefined;
    });
    assert.deepEqual(zones.filter((z) => z.id.includes('/zones/')).map((z) => z.label), ['europe-west1-b', 'us-central1-a']);
    const zoneA = await api.explorer.children(`projects/${project}/zones/us-central1-a`);
    const web1 = zoneA.find((i) => i.label === 'web-1');
    assert.match(web1?.description ?? '', /^running · cloud-init · hello:1 · 127\.\d+\.\d+\.\d+$/);
    const legacy = zoneA.find((i) => i.label === 'legacy-1');
    assert.match(legacy?.description ?? '', /^running · konlet · hello:1 · /);
    const templates = await api.explorer.children(`projects/${project}/instanceTemplates`);
    assert.deepEqual(templates.map((t) => t.label), ['web-template-v1']);
    const migs = await api.explorer.children(`projects/${project}/instanceGroupManagers`);
    assert.equal(migs[0]?.label, 'web-mig');
    assert.match(migs[0]?.description ?? '', /size 3/);
    const members = await api.explorer.children(migs[0]?.id);
    assert.equal(members.length, 3);
  });

  it('stops and starts an instance, and the explorer follows', async () => {
    const ref = { project, zone: 'us-central1-a', name: 'web-1' };
    await vscode.commands.executeCommand('cosvm.instance.stop', ref, { confirmed: true });
    assert.equal((await emulatorInstance(ref.zone, ref.name))?.status, 'TERMINATED');
    await until('web-1 shown as terminated', async () => {
      const zone = await api.explorer.children(`projects/${project}/zones/us-central1-a`);
      return zone.find((i) => i.label === 'web-1')?.description.startsWith('terminated') ? true : undefined;
    });
    await vscode.commands.executeCommand('cosvm.instance.start', ref);
    assert.equal((await emulatorInstance(ref.zone, ref.name))?.status, 'RUNNING');
  });

  it("opens an instance's declaration as a read-only, validated document", async () => {
    await vscode.commands.executeCommand('cosvm.instance.openDeclaration', { project, zone: 'us-central1-a', name: 'legacy-1' });
    const editor = await until('the declaration editor', () => Promise.resolve(vscode.window.activeTextEditor?.document.uri.scheme === 'cosvm-instance' ? vscode.window.activeTextEditor : undefined));
    assert.match(editor.document.getText(), /^# DISCLAIMER:\n/);
    assert.match(editor.document.getText(), /name: legacy/);
    const diagnostics = await until('diagnostics on it', () => {
      const found = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'cosvm');
      return Promise.resolve(found.length > 0 ? found : undefined);
    });
    assert.ok(diagnostics.some((d) => d.code === 'image-unpinned'));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('deletes an instance and the explorer drops it', async () => {
    await vscode.commands.executeCommand('cosvm.instance.delete', { project, zone: 'europe-west1-b', name: 'web-2' }, { confirmed: true });
    assert.equal(await emulatorInstance('europe-west1-b', 'web-2'), undefined);
    await until('web-2 gone from the tree', async () => {
      const zone = await api.explorer.children(`projects/${project}/zones/europe-west1-b`).catch(() => []);
      return zone.some((i) => i.label === 'web-2') ? undefined : true;
    });
  });

  it('without credentials, says what to do inside the tree, with no error pop-ups', async () => {
    const configuration = vscode.workspace.getConfiguration('cosvm');
    await configuration.update('computeEndpoint', undefined, vscode.ConfigurationTarget.Global);
    await configuration.update('projects', ['cosvm-no-credentials'], vscode.ConfigurationTarget.Workspace);
    try {
      await until('the project without credentials', async () => ((await api.explorer.children()).some((n) => n.label === 'cosvm-no-credentials') ? true : undefined));
      await api.explorer.children('projects/cosvm-no-credentials');
      const shown = await api.explorer.children('projects/cosvm-no-credentials/instances');
      assert.deepEqual(shown.map((n) => n.label), ['No Google Cloud credentials. Click to sign in with gcloud.']);
    } finally {
      await configuration.update('computeEndpoint', process.env['COSVM_TEST_EMULATOR_URL'], vscode.ConfigurationTarget.Global);
      await configuration.update('projects', [project], vscode.ConfigurationTarget.Workspace);
    }
  });
});
