/**
 * The playground: the extension installed in a real VS Code (code-server) on a copy of the sample workspace
 * in examples/ (kept in .run/playground-workspace, or COSVM_PLAYGROUND_WORKSPACE), against an emulated
 * Compute project (test/emulator) with running COS instances, a template and a MIG, our own dockerd and a
 * registry on 127.0.0.1:5000 that the workspace's cosvm.yaml pushes to. Prints one line with its URL and
 * runs until Ctrl-C, then stops everything it started. Options: --port N (default: a free port).
 */
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { isPortFree } from '../../src/core/ssh/tunnel';
import { createCosHost } from '../emulator/cosHost';
import { startEmulator } from '../emulator/server';
import { startCodeServer } from '../support/codeServer';
import { playgroundProject, sampleImage, seedPlaygroundProject } from '../support/playgroundProject';
import { buildSampleApp } from '../support/sampleApp';
import { startDocker, startRegistry } from '../support/services';
import { repoRoot } from '../support/paths';
import { ProcessGroup } from '../support/processes';
import { installExtension } from '../support/workbench';

async function main(): Promise<void> {
  const portArg = process.argv.indexOf('--port');
  const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : undefined;
  // Tests name the run directory, so they can check that nothing of this very run outlives it.
  const group = new ProcessGroup(process.env['COSVM_RUN_PREFIX'] ?? 'cosvm-playground-');
  let stopping = false;
  let closeEmulator: () => Promise<void> = () => Promise.resolve();
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Ctrl-C reaches every process of the terminal's group at once, dockerd included, so the emulated
    // VMs may not get to stop their containers cleanly: give them a few seconds, then stop everything.
    await Promise.race([closeEmulator().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 8_000))]);
    await group.stopAll();
    await group.removeRunDir();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  try {
    // A copy, so building, pinning digests and editing in the playground never touch the repository.
    const workspace = process.env['COSVM_PLAYGROUND_WORKSPACE'] ?? path.join(repoRoot, '.run', 'playground-workspace');
    // Files the examples gained since the copy was made are added; the user's edits are never overwritten.
    cpSync(path.join(repoRoot, 'examples'), workspace, { recursive: true, force: false, errorOnExist: false });
    // The sample app's whole userland is Debian's static busybox (FROM scratch: nothing to pull).
    copyFileSync('/bin/busybox', path.join(workspace, 'app', 'busybox'));
    // The emulated Compute project the extension opens on. Its VMs are small COS hosts: real sshd on
    // their natIP, a real journal, and their containers on our own dockerd (test/emulator/cosHost).
    const docker = await startDocker(group);
    // The workspace's cosvm.yaml pushes to 127.0.0.1:5000.
    if (!(await isPortFree(5000))) throw new Error('Port 5000 is in use: the playground runs its registry there (examples/cosvm.yaml pushes to 127.0.0.1:5000). Stop what listens on it and start again.');
    const registry = await startRegistry(group, { port: 5000 });
    // The user's Docker config, as `docker login 127.0.0.1:5000` would write it.
    const dockerConfig = path.join(group.runDir, 'docker-config');
    mkdirSync(dockerConfig, { recursive: true });
    writeFileSync(path.join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [registry.address]: { auth: Buffer.from(`${registry.username}:${registry.password}`).toString('base64') } } }, null, 2), { mode: 0o600 });
    await buildSampleApp(docker.host, sampleImage);
    const emulator = await startEmulator({ host: createCosHost({ group, dockerHost: docker.host }) });
    closeEmulator = () => emulator.close();
    await seedPlaygroundProject(new URL(emulator.url));
    await emulator.settle();
    const server = await startCodeServer(group, {
      name: 'playground',
      folder: workspace,
      settings: { 'cosvm.projects': [playgroundProject], 'cosvm.computeEndpoint': emulator.url },
      env: { DOCKER_HOST: docker.host, DOCKER_CONFIG: dockerConfig },
      ...(port ? { port } : {}),
    });
    installExtension(server);
    console.log(`cosvm playground: ${server.url}`);
  } catch (error) {
    console.error(error);
    await closeEmulator();
    await group.stopAll();
    process.exit(1);
  }
}

void main();
