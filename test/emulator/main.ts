/**
 * CLI: `node out/test/emulator/main.js --port N [--seed N] [--zones K] [--project P] [--step-ms MS]
 * [--stopped] [--random-seed N]`. `--seed N` adds N instances spread over the first K known zones
 * (default 3). Prints one JSON line `{"url","port","project"}` and runs until SIGTERM/SIGINT.
 */
import { startEmulator } from './server';
import { DEFAULT_ZONES } from './zones';

interface CliOptions {
  port: number;
  seed: number;
  zones: number;
  project: string;
  stepMs: number;
  running: boolean;
  randomSeed: number | undefined;
}

function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = { port: 0, seed: 0, zones: 3, project: 'cosvm-emulated', stepMs: 100, running: true, randomSeed: undefined };
  const number = (flag: string, value: string | undefined): number => {
    const parsed = Number(value);
    if (value === undefined || !Number.isInteger(parsed) || parsed < 0) throw new Error(`${flag} needs a non-negative integer`);
    return parsed;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case '--port': options.port = number(flag, value); i++; break;
      case '--seed': options.seed = number(flag, value); i++; break;
      case '--zones': options.zones = Math.max(1, Math.min(number(flag, value), DEFAULT_ZONES.length)); i++; break;
      case '--step-ms': options.stepMs = number(flag, value); i++; break;
      case '--random-seed': options.randomSeed = number(flag, value); i++; break;
      case '--project':
        if (!value) throw new Error('--project needs a name');
        options.project = value;
        i++;
        break;
      case '--stopped': options.running = false; break;
      default: throw new Error(`unknown argument ${flag ?? ''}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const emulator = await startEmulator({ port: options.port, stepMs: options.stepMs, ...(options.randomSeed !== undefined ? { randomSeed: options.randomSeed } : {}) });
  emulator.createProject(options.project);
  const zones = DEFAULT_ZONES.slice(0, options.zones);
  // Spread exactly N instances: the first N mod K zones get one more.
  zones.forEach((zone, index) => {
    const count = Math.floor(options.seed / zones.length) + (index < options.seed % zones.length ? 1 : 0);
    if (count > 0) emulator.seed({ project: options.project, zones: [zone], instancesPerZone: count, running: options.running });
  });
  process.stdout.write(`${JSON.stringify({ url: emulator.url, port: emulator.port, project: options.project })}\n`);
  const stop = () => {
    emulator.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
