/**
 * The playground: the extension installed in a real VS Code (code-server) on the sample workspace in
 * examples/, against an emulated Compute project (test/emulator) with running COS instances, a template
 * and a MIG. Prints one line with its URL and runs until Ctrl-C, then stops everything it started.
 * Options: --port N (default: a free port).
 */
import * as path from 'node:path';
import { createCosHost } from '../emulator/cosHost';
import { startEmulator } from '../emulator/server';
import { startCodeServer } from '../support/codeServer';
import { playgroundProject, sampleImage, seedPlaygroundProject } from '../support/playgroundProject';
import { buildSampleApp } from '../support/sampleApp';
import { startDocker } from '../support/services';
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
    const workspace = path.join(repoRoot, 'examples');
    // The emulated Compute project the extension opens on. Its VMs are small COS hosts: real sshd on
    // their natIP, a real journal, and their containers on our own dockerd (test/emulator/cosHost).
    const docker = await startDocker(group);
    await buildSampleApp(docker.host, sampleImage);
    const emulator = await startEmulator({ host: createCosHost({ group, dockerHost: docker.host }) });
    closeEmulator = () => emulator.close();
    await seedPlaygroundProject(new URL(emulator.url));
    await emulator.settle();
    const server = await startCodeServer(group, {
      name: 'playground',
      folder: workspace,
      settings: { 'cosvm.projects': [playgroundProject], 'cosvm.computeEndpoint': emulator.url },
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
