/**
 * The playground: the extension installed in a real VS Code (code-server) on the sample workspace in
 * examples/, against an emulated Compute project (test/emulator) with running COS instances, a template
 * and a MIG. Prints one line with its URL and runs until Ctrl-C, then stops everything it started.
 * Options: --port N (default: a free port).
 */
import * as path from 'node:path';
import { startEmulator } from '../emulator/server';
import { startCodeServer } from '../support/codeServer';
import { playgroundProject, seedPlaygroundProject } from '../support/playgroundProject';
import { repoRoot } from '../support/paths';
import { ProcessGroup } from '../support/processes';
import { installExtension } from '../support/workbench';

async function main(): Promise<void> {
  const portArg = process.argv.indexOf('--port');
  const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : undefined;
  const group = new ProcessGroup('cosvm-playground-');
  let stopping = false;
  let closeEmulator: () => Promise<void> = () => Promise.resolve();
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await closeEmulator();
    await group.stopAll();
    await group.removeRunDir();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  try {
    const workspace = path.join(repoRoot, 'examples');
    // The emulated Compute project the extension opens on.
    const emulator = await startEmulator();
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
