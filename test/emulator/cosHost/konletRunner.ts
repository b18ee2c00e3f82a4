/**
 * konlet-startup.service on an emulated COS host (reference/konlet-spec.md §4): reads the
 * `gce-container-declaration`, logs konlet's own lines (§4.2, Go `log` timestamps) to the journal under
 * konlet-startup.service and to the serial console (`StandardOutput=journal+console`), fails with
 * konlet's messages (§1.4) and is restarted by systemd after 30 s (`Restart=on-failure`). The user
 * container runs detached as `klt-<name>-<xxxx>` with json-file logging, so its output stays in
 * `docker logs` (§4.7), not in the journal.
 */
import type Dockerode from 'dockerode';
import { googleRegistryHost } from '../../../src/core/declaration/render/registryAuth';
import { dockerRunArgs } from '../../../src/core/declaration/render/dockerRun';
import { parseDeclaration } from '../../../src/core/declaration/parse';
import { konletVerdict, validateParsed } from '../../../src/core/declaration/validate';
import { rewriteRunArgs, type ArgsRewrite } from './dockerArgs';
import { Children, exitOf, imageExists, ownContainers } from './engine';
import type { GuestSystem } from './system';

export const konletUnit = 'konlet-startup.service';

export interface KonletContext {
  system: GuestSystem;
  docker: Dockerode;
  dockerHost: string;
  children: Children;
  rewrite: ArgsRewrite;
  stopSeconds: number;
  /** systemd's RestartSec= for konlet-startup (30 on COS). */
  restartSeconds: number;
}

class KonletFailure extends Error {}

/** Go's `log` prefix, `2024/04/21 09:20:17`, in the VM's time zone (UTC). */
function goTime(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

export class KonletRunner {
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private restarts = 0;
  private running: Promise<void> | undefined;
  /** konlet seeds its name suffix from the host name and boot time: the same for every run in one boot (§4.3). */
  private readonly suffix = Array.from({ length: 4 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');

  constructor(
    private readonly context: KonletContext,
    /** The metadata value, or undefined when the key is absent. */
    private readonly declarationText: string | undefined,
  ) {}

  /** Runs konlet once; resolves when this run has ended (container started, or failed and a restart scheduled). */
  start(): Promise<void> {
    this.stopping = false;
    this.running = this.run();
    return this.running;
  }

  private async run(): Promise<void> {
    const { system } = this.context;
    const pid = system.allocatePid();
    system.systemd(konletUnit, `Started ${konletUnit} - Containers on GCE Setup.`, this.restarts === 0 ? 'OK' : undefined);
    // Go's log prefixes the message once; journald splits it into one entry per line.
    const log = (message: string) => {
      for (const line of `${goTime()} ${message}`.split('\n')) {
        system.serviceLine(konletUnit, 'konlet-startup', pid, line);
        system.console('konlet-startup', pid, line);
      }
    };
    if (this.declarationText === undefined) {
      // The konlet-startup shell script itself says this, without a timestamp, and exits 0.
      system.serviceLine(konletUnit, 'konlet-startup', pid, 'No metadata present - not running containers');
      system.console('konlet-startup', pid, 'No metadata present - not running containers');
      system.systemd(konletUnit, `${konletUnit}: Deactivated successfully.`);
      return;
    }
    try {
      await this.launch(log);
      system.systemd(konletUnit, `${konletUnit}: Deactivated successfully.`);
    } catch (error) {
      if (this.stopping) return;
      log(`Error: ${error instanceof KonletFailure ? error.message : String(error)}`);
      system.systemd(konletUnit, `${konletUnit}: Main process exited, code=exited, status=1/FAILURE`);
      system.systemd(konletUnit, `${konletUnit}: Failed with result 'exit-code'.`);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (this.stopping) return;
        this.restarts += 1;
        system.systemd(konletUnit, `${konletUnit}: Scheduled restart job, restart counter is at ${this.restarts}.`);
        void this.start(); // the next run reports its own outcome in the journal
      }, this.context.restartSeconds * 1000);
    }
  }

  private async launch(log: (message: string) => void): Promise<void> {
    const { docker, rewrite } = this.context;
    const text = this.declarationText ?? '';
    log('Starting Konlet container startup agent');
    const parsed = parseDeclaration(text);
    const verdict = konletVerdict(validateParsed(parsed, { mode: 'konlet' }));
    const stage = verdict.verdict === 'rejected' ? (verdict.diagnostic.data?.['konletStage'] as number | undefined) ?? 2 : Infinity;
    const failAt = (from: number, to: number) => {
      if (verdict.verdict !== 'rejected' || stage < from || stage >= to) return;
      throw new KonletFailure(stage < 3 ? `Cannot parse container declaration '${text}': ${verdict.message}` : verdict.message);
    };
    failAt(0, 4);
    const spec = parsed.declaration.spec ?? {};
    const container = spec.containers?.[0] ?? {};
    const image = container.image ?? '';
    log(googleRegistryHost(image) ? 'Downloading credentials for default VM service account from metadata server' : 'Non-GCR registry used - Konlet will use empty auth');
    log('Determining the iptables version');
    log('Detected nf_tables on the host OS. Staying on the nf_tables.');
    for (const protocol of ['tcp', 'udp', 'icmp']) log(`Updating IPtables firewall rules - allowing ${protocol} traffic on all ports`);
    log(`Launching user container '${image}'`);
    const name = `klt-${container.name ?? ''}-${this.suffix}`;
    log(`Configured container '${container.name ?? ''}' will be started with name '${name}'.`);
    failAt(4, 7);
    log(`Pulling image: '${image}'`);
    log(`Received ImagePull response: (${await this.pull(image)}).`);
    const previous = await ownContainers(docker, rewrite.instance, 'klt-');
    if (previous.length === 0) log('No containers created by previous runs of Konlet found.');
    for (const old of previous) {
      log(`Removing a container created by a previous run of Konlet: '/${old.name}' (ID: ${old.id})`);
      await docker.getContainer(old.id).remove({ force: true });
    }
    failAt(7, Infinity);
    const mounts = container.volumeMounts?.length ?? 0;
    if (mounts > 0) log(`Found ${mounts} volume mounts in container ${container.name ?? ''} declaration.`);
    // konlet creates then starts through the API, with json-file logging capped at 3 × 500 MB (§4.4).
    const [, , ...flags] = dockerRunArgs(spec, 0, 'detached');
    const run = rewriteRunArgs(['create', '--log-driver', 'json-file', '--log-opt', 'max-size=500m', '--log-opt', 'max-file=3', ...flags], { ...rewrite, name: () => name });
    const id = (await this.docker(run.args)).trim();
    log(`Created a container with name '${name}' and ID: ${id}`);
    log(`Starting a container with ID: ${id}`);
    await this.docker(['start', id]);
    log('Saving welcome script to profile.d');
  }

  /** konlet always pulls (§4.8). Images here come from the local engine; only a missing one is really pulled. */
  private async pull(image: string): Promise<string> {
    const { docker } = this.context;
    if (await imageExists(docker, image)) return `{"status":"Status: Image is up to date for ${image}"}`;
    try {
      const stream = await docker.pull(image);
      const output: string[] = await new Promise((resolve, reject) => {
        docker.modem.followProgress(stream, (error: Error | null, messages: unknown[]) => (error ? reject(error) : resolve(messages.map((m) => JSON.stringify(m)))));
      });
      const failure = output.find((line) => line.includes('"error"'));
      if (failure) throw new Error(failure);
      return output.join('\n');
    } catch (error) {
      throw new KonletFailure(`Failed to start container: ${dockerMessage(error)}`);
    }
  }

  private async docker(args: string[]): Promise<string> {
    const child = this.context.children.spawn('docker', args, { env: { ...process.env, DOCKER_HOST: this.context.dockerHost } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    const { code } = await exitOf(child);
    if (code !== 0) throw new KonletFailure(`Failed to start container: ${Buffer.concat(err).toString().trim().replace(/^docker: /, '')}`);
    return Buffer.concat(out).toString();
  }

  /** Cancels a pending restart and waits for a run in progress; the host then removes the instance's containers. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    await this.running;
  }
}

/** Docker's own text for an Engine API error: `Error response from daemon: …` as the CLI and konlet print it. */
function dockerMessage(error: unknown): string {
  const json = (error as { json?: { message?: unknown } } | undefined)?.json;
  if (json && typeof json.message === 'string') return `Error response from daemon: ${json.message}`;
  const text = error instanceof Error ? error.message : String(error);
  // docker-modem's text for streamed calls such as pull: `(HTTP code 500) server error - <daemon message> `.
  const modem = /^\(HTTP code \d+\) .*? - ([\s\S]*?)\s*$/.exec(text);
  return modem?.[1] ? `Error response from daemon: ${modem[1]}` : text;
}
