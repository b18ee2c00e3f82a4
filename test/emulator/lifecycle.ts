import { bootLines, shutdownLines } from './bootLines';
import { generateHostKeys } from './hostKeys';
import { metadataFlag } from './metadata';
import { OperationFailure } from './operations';
import { computeTimestamp } from './time';
import type { EmulatedInstance, VmIo } from './vmHost';
import type { VmRecord } from './vm';
import type { World } from './world';

/**
 * Instance status transitions and the VmHost hooks that go with them. Each method is the asynchronous
 * body of an operation: it steps through the intermediate statuses a client can observe (STAGING,
 * STOPPING) and calls the host at the moment the real VM would change: `start` once RUNNING, `stop`
 * while STOPPING (before TERMINATED), `delete` before the record disappears. Without a host it writes
 * plausible COS console output itself.
 */
export class Lifecycle {
  constructor(private readonly world: World) {}

  view(vm: VmRecord): EmulatedInstance {
    const project = this.world.projects.get(vm.project);
    const { metadata, labels } = vm.resource;
    return {
      project: vm.project, zone: vm.zone, name: vm.name, id: vm.resource.id, status: vm.resource.status, natIP: vm.natIP,
      metadata: { fingerprint: metadata.fingerprint, items: metadata.items.map((item) => ({ ...item })) },
      projectMetadata: { fingerprint: project.commonMetadata.fingerprint, items: project.commonMetadata.items.map((item) => ({ ...item })) },
      labels: { ...labels },
      osLoginAccounts: this.world.osLogin.accounts(vm.project),
    };
  }

  io(vm: VmRecord): VmIo {
    return {
      appendSerial: (text) => vm.serial.append(text),
      // The guest agent can write guest attributes only where they are enabled (§2.6).
      setGuestAttribute: (namespace, key, value) => this.guestAttributesEnabled(vm) && vm.guest.set(namespace, key, value),
      clearGuestAttributes: () => vm.guest.clear(),
    };
  }

  /** insert: PROVISIONING → STAGING → RUNNING, then boot. */
  async provision(vm: VmRecord): Promise<void> {
    await this.world.scheduler.delay();
    this.setStatus(vm, 'STAGING');
    await this.world.scheduler.delay();
    await this.boot(vm);
  }

  /** start: TERMINATED → STAGING → RUNNING, then boot. */
  async start(vm: VmRecord): Promise<void> {
    this.setStatus(vm, 'STAGING');
    await this.world.scheduler.delay();
    await this.boot(vm);
  }

  /** stop: RUNNING → STOPPING (host stops the VM) → TERMINATED. */
  async stop(vm: VmRecord): Promise<void> {
    this.setStatus(vm, 'STOPPING');
    await this.world.scheduler.delay();
    await this.shutDown(vm, false);
    this.setStatus(vm, 'TERMINATED');
    vm.resource.lastStopTimestamp = computeTimestamp(this.world.now());
  }

  /** reset: stays RUNNING; the host restarts the VM in place (same natIP). */
  async reset(vm: VmRecord): Promise<void> {
    await this.world.scheduler.delay();
    this.bootIfPending(vm);
    const host = this.world.host;
    if (host && vm.hostRunning) {
      await this.callHost('reset', vm, () => host.reset(this.view(vm), this.io(vm)));
    } else if (host) {
      await this.boot(vm);
    } else {
      vm.serial.append(shutdownLines(vm.name, this.world.now(), true));
      this.writeBoot(vm);
    }
    vm.resource.lastStartTimestamp = computeTimestamp(this.world.now());
  }

  /** delete: STOPPING (if it was up) → host delete → gone from the project. */
  async destroy(vm: VmRecord): Promise<void> {
    if (vm.resource.status !== 'TERMINATED' && vm.resource.status !== 'STOPPED') {
      this.setStatus(vm, 'STOPPING');
      await this.world.scheduler.delay();
      await this.shutDown(vm, false);
    }
    const host = this.world.host;
    if (host && vm.hostKnown) {
      vm.hostKnown = false;
      await this.callHost('delete', vm, () => host.delete(this.view(vm)));
    }
    await this.world.scheduler.delay();
    vm.deleted = true;
    const store = this.world.projects.get(vm.project).zoneInstances(vm.zone);
    if (store.get(vm.name) === vm) store.delete(vm.name);
  }

  /** Metadata (instance or project) changed: tell a host that runs the VM, or publish host keys ourselves. */
  async metadataChanged(vm: VmRecord): Promise<void> {
    const host = this.world.host;
    if (host) {
      if (vm.hostRunning) await this.callHost('metadataChanged', vm, () => host.metadataChanged(this.view(vm), this.io(vm)));
      return;
    }
    if (vm.resource.status === 'RUNNING') this.publishHostKeys(vm);
  }

  /** OS Login keys of the project changed: running VMs of a host re-read them, as the guest does at each login. */
  async osLoginChanged(project: string): Promise<void> {
    const host = this.world.host;
    if (!host) return;
    const vms = [...this.world.projects.get(project).allInstances()].filter((vm) => vm.hostRunning);
    await Promise.all(vms.map((vm) => this.callHost('metadataChanged', vm, () => host.metadataChanged(this.view(vm), this.io(vm)))));
  }

  /** Boot lines for a seeded RUNNING instance, written when someone first reads its console. */
  bootIfPending(vm: VmRecord): void {
    if (!vm.bootPending) return;
    vm.bootPending = false;
    if (!this.world.host) this.writeBoot(vm);
  }

  private setStatus(vm: VmRecord, status: string): void {
    vm.resource.status = status;
  }

  private async boot(vm: VmRecord): Promise<void> {
    this.setStatus(vm, 'RUNNING');
    vm.resource.lastStartTimestamp = computeTimestamp(this.world.now());
    vm.bootPending = false;
    const host = this.world.host;
    if (!host) {
      this.writeBoot(vm);
      return;
    }
    vm.hostKnown = true;
    await this.callHost('start', vm, () => host.start(this.view(vm), this.io(vm)));
    vm.hostRunning = true;
  }

  private async shutDown(vm: VmRecord, reboot: boolean): Promise<void> {
    // A seeded VM that nobody looked at yet still booted before it shuts down.
    this.bootIfPending(vm);
    const host = this.world.host;
    if (host && vm.hostRunning) {
      vm.hostRunning = false;
      await this.callHost('stop', vm, () => host.stop(this.view(vm), this.io(vm)));
    } else if (!host) {
      vm.serial.append(shutdownLines(vm.name, this.world.now(), reboot));
    }
  }

  private writeBoot(vm: VmRecord): void {
    vm.serial.append(bootLines({ name: vm.name, image: vm.image, items: vm.resource.metadata.items, nowMs: this.world.now() }));
    this.publishHostKeys(vm);
  }

  private guestAttributesEnabled(vm: VmRecord): boolean {
    const project = this.world.projects.get(vm.project);
    return metadataFlag(vm.resource.metadata.items, 'enable-guest-attributes') ?? metadataFlag(project.commonMetadata.items, 'enable-guest-attributes') ?? false;
  }

  /** The guest agent writes host keys only where guest attributes are enabled (instance value, else project). */
  private publishHostKeys(vm: VmRecord): void {
    if (!this.guestAttributesEnabled(vm) || vm.guest.query('hostkeys/').length > 0) return;
    for (const key of generateHostKeys()) vm.guest.set('hostkeys', key.type, key.blob);
  }

  /** A host failure ends the operation with an error a test can read, and is reported once. */
  private async callHost(hook: string, vm: VmRecord, call: () => Promise<void>): Promise<void> {
    try {
      await call();
    } catch (error) {
      this.world.reportHostError(error);
      const message = error instanceof Error ? error.message : String(error);
      throw new OperationFailure('INTERNAL_ERROR', `The emulated VM host failed to ${hook} instance '${vm.name}': ${message}`);
    }
  }
}
