/**
 * `npm run test:electron`: the same host suite in desktop VS Code through @vscode/test-electron, for
 * machines that can download VS Code (this project's CI sandbox cannot; it runs the suite in code-server).
 */
import { cpSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from '../support/paths';

async function main(): Promise<void> {
  const workspace = mkdtempSync(path.join(os.tmpdir(), 'cosvm-electron-'));
  cpSync(path.join(repoRoot, 'examples'), workspace, { recursive: true });
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(__dirname, 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
