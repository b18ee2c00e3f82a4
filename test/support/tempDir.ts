import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const created: string[] = [];

/** A fresh temp directory, removed when the test process exits. */
export function tempDir(prefix = 'cosvm-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

process.once('exit', () => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});
