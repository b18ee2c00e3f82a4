/**
 * A VmHost that makes each emulated instance a small COS host (DESIGN §5): real sshd on natIP, a real
 * journal, containers on the shared test engine as its cloud-init user-data or konlet declaration says,
 * and serial console lines. Lifecycle calls for one instance run one after another.
 */
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import { connectDocker } from '../../../src/core/docker/engine';
import type { ProcessGroup } from '../../support/processes';
import type { EmulatedInstance, VmHost, VmIo } from '../vmHost';
import { cloudConfigUnits } from './cloudConfig';
import { Children, ownContainers, removeOwnContainer } from './engine';
import { InstanceJournal } from './journal';
import { KonletRunner } from './konletRunner';
import { InstanceSshd } from './sshd';
import { authorizedKeys, metadataValue } from './sshKeys';
import { GuestSystem } from './system';
import { UnitRunner } from './unitRunner';
import { instanceLabelKey } from './dockerArgs';

export interface CosHostOptions {
  group: ProcessGroup;
  /** `unix:///…/docker.sock` of the test dockerd. */
  dockerHost: string;
  /** Port sshd listens on at each instance's natIP (default 22); a function when instances share an address. */
  sshPort?: number | ((instance: EmulatedInstance) => number);
  /** Where instance directories (host keys, journal, homes, bind-mount sources) live; default RUN/cos. */
  stateDir?: string;
  /** `docker stop -t` when an instance stops (default 2: busybox-style PID 1s ignore SIGTERM). */
  stopTimeoutSeconds?: number;
  /** konlet-startup's RestartSec= after a failure (30 on COS). */
  konletRestartSeconds?: number;
}

interface InstanceState {
  key: string;
  dir: string;
  system: GuestSystem;
  sshd: InstanceSshd;
  units: UnitRunner[];
  konlet: KonletRunner | undefined;
  running: boolean;
  /** Lifecycle calls of this instance, one after another. */
  queue: Promise<void>;
}

const safe = (part: string) => part.replace(/[^A-Za-z0-9._-]/g, '_');

export class CosHost implements VmHost {
  private readonly instances = new Map<string, InstanceState>();
  private readonly children = new Children();
  private dockerClient: Promise<Dockerode> | undefined;
  private readonly stateDir: string;

  constructor(private readonly options: CosHostOptions) {
    this.stateDir = options.stateDir ?? path.join(options.group.runDir, 'cos');
  }

  private docker(): Promise<Dockerode> {
    this.dockerClient ??= connectDocker({ host: this.options.dockerHost });
    return this.dockerClient;
  }

  private get dockerSocket(): string {
    return this.options.dockerHost.replace(/^unix:\/\//, '');
  }

  /** The instance's directory (host keys, `journal/`, `root/` for bind mounts, `home/`). */
  instanceDir(instance: Pick<EmulatedInstance, 'project' | 'zone' | 'name'>): string {
    return path.join(this.stateDir, safe(instance.project), safe(instance.zone), safe(instance.name));
  }

  private stateOf(instance: EmulatedInstance): InstanceState {
    const key = `${instance.project}/${instance.zone}/${instance.name}`;
    let state = this.instances.get(key);
    if (state) return state;
    const dir = this.instanceDir(instance);
    const processName = `cos-${safe(instance.name)}-${createHash('sha256').update(key).digest('hex').slice(0, 6)}`;
    const machineId = createHash('sha256').update(`machine-id ${instance.id} ${key}`).digest('hex').slice(0, 32);
    const journal = new InstanceJournal(path.join(dir, 'journal'), this.options.group, `${processName}-journal`, machineId, instance.name);
    state = {
      key,
      dir,
      system: new GuestSystem(journal, instance.name),
      sshd: new InstanceSshd({
        group: this.options.group,
        dir,
        journalDir: journal.directory,
        dockerHost: this.options.dockerHost,
        instanceLabel: `${instanceLabelKey}=${key}`,
        processName: `${processName}-sshd`,
        hostname: instance.name,
        domain: `${instance.zone}.c.${instance.project}.internal`,
      }),
      units: [],
      konlet: undefined,
      running: false,
      queue: Promise.resolve(),
    };
    this.instances.set(key, state);
    return state;
  }

  private serially(state: InstanceState, step: () => Promise<void>): Promise<void> {
    const next = state.queue.then(step);
    state.queue = next.catch(() => undefined);
    return next;
  }

  start(instance: EmulatedInstance, io: VmIo): Promise<void> {
    const state = this.stateOf(instance);
    return this.serially(state, () => this.boot(state, instance, io));
  }

  stop(instance: EmulatedInstance, io: VmIo): Promise<void> {
    const state = this.stateOf(instance);
    return this.serially(state, () => this.powerOff(state, io));
  }

  reset(instance: EmulatedInstance, io: VmIo): Promise<void> {
    const state = this.stateOf(instance);
    return this.serially(state, async () => {
      await this.powerOff(state, io);
      await this.boot(state, instance, io);
    });
  }

  delete(instance: EmulatedInstance): Promise<void> {
    const state = this.stateOf(instance);
    return this.serially(state, async () => {
      await this.powerOff(state, undefined);
      this.instances.delete(state.key);
      rmSync(state.dir, { recursive: true, force: true });
    });
  }

  metadataChanged(instance: EmulatedInstance, io: VmIo): Promise<void> {
    const state = this.stateOf(instance);
    return this.serially(state, () => {
      // The guest agent installs keys as soon as metadata changes; containers wait for the next boot
      // (konlet and cloud-init read metadata only at startup, konlet-spec.md §4.1).
      if (state.running) state.system.io = io;
      this.installKeys(state, instance);
      return Promise.resolve();
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.instances.values()].map((state) => this.serially(state, () => this.powerOff(state, undefined)).catch(() => undefined)));
    await this.children.stopAll();
  }

  private installKeys(state: InstanceState, instance: EmulatedInstance): void {
    const keys = authorizedKeys(instance);
    state.sshd.writeKeys(keys);
    if (!state.running) return;
    for (const user of new Set(keys.map((key) => key.user))) {
      state.system.serviceLine('google-guest-agent.service', 'google_guest_agent', 300, `Updating keys for user ${user}.`);
    }
  }

  private async boot(state: InstanceState, instance: EmulatedInstance, io: VmIo): Promise<void> {
    if (state.running) return;
    const { system, sshd } = state;
    system.io = io;
    system.journal.open();
    state.running = true;
    try {
      system.boot();
      // The guest agent: accounts and keys from metadata, host keys published as guest attributes (gce-api-notes §3.5).
      this.installKeys(state, instance);
      for (const key of await sshd.hostKeys()) io.setGuestAttribute('hostkeys', key.type, key.blob);
      const port = this.options.sshPort;
      await sshd.start(instance.natIP, typeof port === 'function' ? port(instance) : (port ?? 22));
      await this.startContainers(state, instance);
      system.loginPrompt();
    } catch (error) {
      await this.powerOff(state, io);
      throw error;
    }
  }

  private async startContainers(state: InstanceState, instance: EmulatedInstance): Promise<void> {
    const docker = await this.docker();
    const rewrite = { instance: state.key, name: (name: string | undefined) => `${safe(instance.name)}--${name ?? 'container'}`, rootDir: path.join(state.dir, 'root'), dockerSocket: this.dockerSocket };
    const common = { system: state.system, docker, dockerHost: this.options.dockerHost, children: this.children, rewrite, stopSeconds: this.options.stopTimeoutSeconds ?? 2 };
    const userData = metadataValue(instance.metadata, 'user-data');
    const units = userData === undefined ? undefined : cloudConfigUnits(userData);
    if (units) {
      const pid = state.system.allocatePid();
      const say = (message: string) => {
        state.system.serviceLine('cloud-final.service', 'cloud-init', pid, message);
        state.system.console('cloud-init', pid, message);
      };
      say(`Cloud-init v. 24.1 running 'modules:final' at ${new Date().toUTCString()}. Up ${this.uptime(state)} seconds.`);
      state.units = units.map((unit) => new UnitRunner({ ...common, home: path.join(rewrite.rootDir, 'var/lib/cosvm') }, unit));
      await Promise.all(state.units.map((runner) => runner.start()));
      say(`Cloud-init v. 24.1 finished at ${new Date().toUTCString()}. Datasource DataSourceGCELocal.  Up ${this.uptime(state)} seconds`);
    }
    // konlet-startup runs on every COS boot; without a declaration it only says so (konlet-spec.md §4.1).
    state.konlet = new KonletRunner({ ...common, restartSeconds: this.options.konletRestartSeconds ?? 30 }, metadataValue(instance.metadata, 'gce-container-declaration'));
    await state.konlet.start();
  }

  private uptime(state: InstanceState): string {
    return (Number(state.system.journal.uptimeUsec()) / 1e6).toFixed(2);
  }

  /** Stops containers (ours only), sshd and the journal; keeps the instance directory. */
  private async powerOff(state: InstanceState, io: VmIo | undefined): Promise<void> {
    if (!state.running) return;
    const { system } = state;
    system.io = io;
    const units = state.units;
    state.units = [];
    const konlet = state.konlet;
    state.konlet = undefined;
    await Promise.all([...units.map((unit) => unit.stop()), konlet?.stop()]);
    const docker = await this.docker();
    const stopSeconds = this.options.stopTimeoutSeconds ?? 2;
    // Whatever else runs on this instance (konlet's klt-…, containers started over SSH) goes too.
    await Promise.all((await ownContainers(docker, state.key)).map((container) => removeOwnContainer(docker, state.key, container.id, stopSeconds)));
    await state.sshd.stop();
    system.shutdown();
    await system.journal.close();
    system.io = undefined;
    state.running = false;
  }
}
