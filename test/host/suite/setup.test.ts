import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { DockerError } from '../../../src/core/errors';
import type { CosvmApi } from '../../../src/extension';
import { until } from './until';

const project = 'cosvm-playground';
const zone = 'us-central1-a';

/** The emulator's REST API, used the way another tool (gcloud, Terraform) would change the project. */
async function emulator(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(`${process.env['COSVM_TEST_EMULATOR_URL']}/compute/v1/projects/${project}/zones/${zone}/${path}`, {
    method,
    ...(body ? { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } } : {}),
  });
  return response.ok ? ((await response.json()) as Record<string, unknown>) : undefined;
}

async function instanceStatus(name: string): Promise<unknown> {
  return (await emulator('GET', `instances/${name}`))?.['status'];
}

describe('first run: setup checks and the guidance they give', function () {
  this.timeout(120_000);
  let api: CosvmApi;
  const configuration = () => vscode.workspace.getConfiguration('cosvm');

  before(async function () {
    if (!process.env['COSVM_TEST_EMULATOR_URL']) this.skip();
    api = (await vscode.extensions.getExtension<CosvmApi>('cosvm.cosvm')?.activate()) as CosvmApi;
    await configuration().update('computeEndpoint', process.env['COSVM_TEST_EMULATOR_URL'], vscode.ConfigurationTarget.Global);
    await configuration().update('projects', [project], vscode.ConfigurationTarget.Workspace);
  });

  after(async () => {
    await configuration().update('docker.host', undefined, vscode.ConfigurationTarget.Global);
    await configuration().update('computeEndpoint', undefined, vscode.ConfigurationTarget.Global);
    await configuration().update('projects', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('no Docker: the check names the endpoint and where it came from, and explains a Docker failure with a fix', async () => {
    const socket = 'unix:///nonexistent-cosvm/docker.sock';
    await configuration().update('docker.host', socket, vscode.ConfigurationTarget.Global);
    const result = await api.setup.check('docker');
    assert.equal(result.status, 'failed');
    assert.equal(result.summary, `No Docker engine answers at ${socket} (from the setting cosvm.docker.host).`);
    const advice = await api.setup.explain(new DockerError('docker/unreachable', 'The Docker engine is not reachable (ENOENT).'));
    assert.deepEqual(advice, {
      message: `Setup check "Docker engine" failed: No Docker engine answers at ${socket} (from the setting cosvm.docker.host).`,
      actions: ['Set the Docker Host', 'Diagnose Setup'],
    });
  });

  it('no credentials: the Compute and COS image checks say to sign in, with the sign-in command', async () => {
    await configuration().update('computeEndpoint', undefined, vscode.ConfigurationTarget.Global);
    await configuration().update('projects', ['cosvm-no-credentials'], vscode.ConfigurationTarget.Workspace);
    try {
      const compute = await api.setup.check('compute');
      assert.equal(compute.status, 'failed');
      assert.equal(compute.summary, 'No usable Google Cloud credentials (Application Default Credentials).');
      assert.match(compute.instruction ?? '', /gcloud auth application-default login/);
      assert.deepEqual(compute.fix, { kind: 'command', title: 'Sign In with gcloud', command: 'cosvm.explorer.signIn' });
      const image = await api.setup.check('cosImage');
      assert.equal(image.status, 'failed');
      assert.deepEqual(image.fix, compute.fix);
    } finally {
      await configuration().update('computeEndpoint', process.env['COSVM_TEST_EMULATOR_URL'], vscode.ConfigurationTarget.Global);
      await configuration().update('projects', [project], vscode.ConfigurationTarget.Workspace);
    }
    const compute = await api.setup.check('compute');
    assert.equal(compute.status, 'passed', compute.summary);
  });

  it('unreachable instance: no external IP says why and what to do; a stopped one offers to start it', async () => {
    const name = 'private-1';
    await emulator('POST', 'instances', {
      name,
      machineType: `zones/${zone}/machineTypes/e2-small`,
      disks: [{ boot: true, autoDelete: true, initializeParams: { sourceImage: 'projects/cos-cloud/global/images/family/cos-stable' } }],
      // No access config: no external IP, as on a VM behind Cloud NAT.
      networkInterfaces: [{ network: 'global/networks/default' }],
    });
    await until('private-1 to run', async () => ((await instanceStatus(name)) === 'RUNNING' ? true : undefined));
    const subject = { project, zone, instance: name };
    const unreachable = await api.setup.check('ssh', subject);
    assert.equal(unreachable.status, 'failed');
    assert.match(unreachable.summary, /^private-1 has no external IP address, so SSH cannot reach it\./);
    assert.match(unreachable.instruction ?? '', /IAP tunnelling is not supported yet\. Give the VM an external IP/);

    await emulator('POST', `instances/${name}/stop`);
    await until('private-1 to stop', async () => ((await instanceStatus(name)) === 'TERMINATED' ? true : undefined));
    const stopped = await api.setup.check('ssh', subject);
    assert.equal(stopped.status, 'failed');
    assert.equal(stopped.summary, 'private-1 (us-central1-a) is terminated, so SSH cannot reach it.');
    assert.deepEqual(stopped.fix, { kind: 'command', title: 'Start Instance', command: 'cosvm.instance.start', args: [{ project, zone, name }] });
  });

  it('Diagnose Setup runs every check in one pick and returns what each found', async () => {
    const results = await vscode.commands.executeCommand<{ id: string; status: string }[]>('cosvm.setup.diagnose');
    assert.deepEqual(
      results.map((r) => r.id),
      ['docker', 'compute', 'registry', 'ssh', 'cosImage'],
    );
    const byId = Object.fromEntries(results.map((r) => [r.id, r.status]));
    // docker.host still points nowhere; the emulator answers for the project and the image family.
    assert.deepEqual({ docker: byId['docker'], compute: byId['compute'], cosImage: byId['cosImage'] }, { docker: 'failed', compute: 'passed', cosImage: 'passed' });
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });
});
