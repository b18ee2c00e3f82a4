import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveRegistryAuth } from '../../../src/core/docker/credentials';
import { connectDocker } from '../../../src/core/docker/engine';
import { resolveDockerEndpoint } from '../../../src/core/docker/endpoint';
import { createComputeClients } from '../../../src/core/gce/computeClients';
import { checkCompute, checkCosImage, checkDockerEngine, checkRegistry, type SetupCheckResult } from '../../../src/core/setup/checks';
import { startEmulator, type Emulator } from '../../emulator/server';
import { tempDir } from '../../support/tempDir';
import { services } from '../hooks';

function dockerCheck(host: string, env: NodeJS.ProcessEnv = {}, configDir = tempDir('cosvm-docker-config-')): Promise<SetupCheckResult> {
  return checkDockerEngine({
    endpoint: () => resolveDockerEndpoint({ host, env, configDir }),
    connect: (endpoint) => connectDocker({ host: endpoint.host }),
  });
}

/** A Docker config whose `auths` holds these credentials for the registry. */
function dockerConfigFor(address: string, username: string, password: string): string {
  const dir = tempDir('cosvm-docker-config-');
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { [address]: { auth: Buffer.from(`${username}:${password}`).toString('base64') } } }));
  return dir;
}

describe('setup checks against the real services', function () {
  this.timeout(60_000);

  it('Docker engine: answers at the real dockerd, also through a Docker context; a missing socket says what to do', async () => {
    const docker = services().docker;
    const ok = await dockerCheck(docker.host);
    assert.equal(ok.status, 'passed', ok.summary);
    assert.match(ok.summary, new RegExp(`^Docker \\S+ \\(API \\S+\\) answers at ${docker.host.replace(/[/.]/g, '\\$&')}, from the setting cosvm.docker.host\\.$`));

    // The CLI's own context store: currentContext names it, its meta.json holds the endpoint.
    const configDir = tempDir('cosvm-docker-config-');
    writeFileSync(path.join(configDir, 'config.json'), JSON.stringify({ currentContext: 'ci' }));
    const meta = path.join(configDir, 'contexts', 'meta', createHash('sha256').update('ci').digest('hex'));
    mkdirSync(meta, { recursive: true });
    writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: 'ci', Endpoints: { docker: { Host: docker.host } } }));
    const viaContext = await checkDockerEngine({ endpoint: () => resolveDockerEndpoint({ env: {}, configDir }), connect: (endpoint) => connectDocker({ host: endpoint.host }) });
    assert.equal(viaContext.status, 'passed', viaContext.summary);
    assert.match(viaContext.summary, /from the Docker context "ci"\.$/);

    const missing = `unix://${path.join(tempDir('cosvm-no-docker-'), 'docker.sock')}`;
    const failed = await dockerCheck('', { DOCKER_HOST: missing });
    assert.equal(failed.status, 'failed');
    assert.equal(failed.summary, `No Docker engine answers at ${missing} (from DOCKER_HOST).`);
    assert.match(failed.instruction ?? '', /Start Docker .* or set cosvm\.docker\.host/);
    assert.deepEqual(failed.fix, { kind: 'command', title: 'Set the Docker Host', command: 'workbench.action.openSettings', args: ['cosvm.docker.host'] });
  });

  it('Registry credentials: the right login passes, a wrong one fails without showing it, none says how to log in', async () => {
    const registry = services().registry;
    const repository = `${registry.address}/cosvm/setup-check`;
    const check = (configDir: string) =>
      checkRegistry({ repository, resolveAuth: (host, signal) => resolveRegistryAuth(host, { configDir, env: { HOME: configDir, PATH: process.env['PATH'] ?? '' }, signal }) });

    const ok = await check(dockerConfigFor(registry.address, registry.username, registry.password));
    assert.equal(ok.status, 'passed', ok.summary);
    assert.equal(ok.summary, `${registry.address} lets you in as ${registry.username}; ${repository} has no images yet.`);

    const wrongPassword = 'not-the-password-4242';
    const refused = await check(dockerConfigFor(registry.address, registry.username, wrongPassword));
    assert.equal(refused.status, 'failed');
    assert.match(refused.summary, /refused the credentials/);
    assert.ok(!JSON.stringify(refused).includes(wrongPassword), JSON.stringify(refused));
    assert.deepEqual(refused.fix, { kind: 'terminal', title: `Log In to ${registry.address}`, commandLine: `docker login ${registry.address}` });

    const anonymous = await check(tempDir('cosvm-docker-config-'));
    assert.equal(anonymous.status, 'failed');
    assert.match(anonymous.summary, /requires credentials, and none were found/);

    const noProfile = await checkRegistry({ repository: undefined, resolveAuth: () => Promise.resolve(undefined) });
    assert.equal(noProfile.status, 'skipped');
    assert.equal(noProfile.fix?.kind === 'command' && noProfile.fix.command, 'cosvm.deploy.createProfile');
  });

  describe('on the Compute emulator', () => {
    let emulator: Emulator;
    before(async () => {
      // Strict: a project that was never created answers 404, as Google does.
      emulator = await startEmulator({ stepMs: 5, randomSeed: 8, strictProjects: true });
      emulator.createProject('setup-project');
      emulator.createProject('cos-cloud');
      emulator.seed({ project: 'setup-project', zones: ['us-east1-b'], instancesPerZone: 1 });
    });
    after(async () => {
      await emulator.close();
    });

    it('Compute API: answers for a real project; a missing one is named, with the fix', async () => {
      const clients = createComputeClients({ endpoint: new URL(emulator.url) });
      const ok = await checkCompute({ clients: () => Promise.resolve(clients), projects: ['setup-project'] });
      assert.deepEqual(ok, { id: 'compute', status: 'passed', summary: 'Credentials work, and the Compute API answers for setup-project.' });
      const missing = await checkCompute({ clients: () => Promise.resolve(clients), projects: ['no-such-project-1'] });
      assert.equal(missing.status, 'failed');
      assert.equal(missing.summary, 'The project no-such-project-1 was not found.');
      assert.equal(missing.fix?.kind === 'command' && missing.fix.command, 'cosvm.explorer.addProject');
      const none = await checkCompute({ clients: () => Promise.resolve(clients), projects: [] });
      assert.equal(none.summary, 'Credentials are present, but no project is chosen.');
    });

    it('COS image family: cos-cloud/cos-stable resolves to an image', async () => {
      const clients = createComputeClients({ endpoint: new URL(emulator.url) });
      const result = await checkCosImage({ clients: () => Promise.resolve(clients) });
      assert.equal(result.status, 'passed', result.summary);
      assert.match(result.summary, /^cos-cloud\/cos-stable resolves to cos-stable-\d+-[\d.-]+\.$/);
      const missing = await checkCosImage({ clients: () => Promise.resolve(clients), family: 'cos-no-such-family' });
      assert.equal(missing.status, 'failed');
      assert.match(missing.summary, /cos-no-such-family/);
    });
  });

  it('Google credentials: without any, Compute and the image check say to sign in', async () => {
    const saved = { adc: process.env['GOOGLE_APPLICATION_CREDENTIALS'], detection: process.env['METADATA_SERVER_DETECTION'], config: process.env['CLOUDSDK_CONFIG'] };
    delete process.env['GOOGLE_APPLICATION_CREDENTIALS'];
    process.env['METADATA_SERVER_DETECTION'] = 'none';
    process.env['CLOUDSDK_CONFIG'] = tempDir('cosvm-gcloud-');
    const home = process.env['HOME'];
    process.env['HOME'] = tempDir('cosvm-home-');
    try {
      // Google's own endpoint: the auth library fails before any request leaves the machine.
      const clients = createComputeClients({});
      const compute = await checkCompute({ clients: () => Promise.resolve(clients), projects: ['my-project-123'] });
      assert.equal(compute.status, 'failed');
      assert.equal(compute.summary, 'No usable Google Cloud credentials (Application Default Credentials).');
      assert.deepEqual(compute.fix, { kind: 'command', title: 'Sign In with gcloud', command: 'cosvm.explorer.signIn' });
      const image = await checkCosImage({ clients: () => Promise.resolve(clients) });
      assert.equal(image.status, 'failed');
      assert.equal(image.fix?.kind === 'command' && image.fix.command, 'cosvm.explorer.signIn');
    } finally {
      process.env['HOME'] = home;
      for (const [key, value] of Object.entries({ GOOGLE_APPLICATION_CREDENTIALS: saved.adc, METADATA_SERVER_DETECTION: saved.detection, CLOUDSDK_CONFIG: saved.config })) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});
