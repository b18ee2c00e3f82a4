/**
 * The playground: the extension installed in a real VS Code (code-server) on the sample workspace in
 * examples/. Prints one line with its URL and runs until Ctrl-C, then stops everything it started.
 * Options: --port N (default: a free port).
 */
import * as path from 'node:path';
import { startCodeServer } from '../support/codeServer';
import { repoRoot } from '../support/paths';
import { ProcessGroup } from '../support/processes';
import { installExtension } from '../support/workbench';

async function main(): Promise<void> {
  const portArg = process.argv.indexOf('--port');
  const port = portArg >= 0 ? Number(process.argv[portArg + 1]) : undefined;
  const group = new ProcessGroup('cosvm-playground-');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await group.stopAll();
    await group.removeRunDir();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  try {
    const workspace = path.join(repoRoot, 'examples');
    const server = await startCodeServer(group, { name: 'playground', folder: workspace, ...(port ? { port } : {}) });
    installExtension(server);
    console.log(`cosvm playground: ${server.url}`);
  } catch (error) {
    console.error(error);
    await group.stopAll();
    process.exit(1);
  }
}

void main();
