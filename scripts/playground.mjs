// `npm start`: makes the machine ready (set-up output goes to stderr), then runs the playground, which
// prints exactly one line on stdout: `cosvm playground: http://127.0.0.1:PORT/`. Ctrl-C stops it all.
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (process.env.COSVM_SKIP_SETUP !== '1') {
  const setup = spawnSync('bash', ['scripts/setup.sh'], { cwd: root, stdio: ['ignore', process.stderr, 'inherit'] });
  if (setup.status !== 0) process.exit(setup.status ?? 1);
}
const playground = spawn(process.execPath, ['out/test/playground/main.js', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
// Pass Ctrl-C and TERM on: npm signals only its own child. In a terminal the playground may get Ctrl-C
// twice (the whole process group is signalled); its stop is idempotent.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => playground.kill(signal));
playground.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
