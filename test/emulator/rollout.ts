import { createVm } from './instanceFactory';
import { mergeSpecs, parseInstanceSpec, type InstanceSpec } from './instanceSpec';
import { calculated, type Member, type MigRecord } from './migModel';
import { parseTemplateRef, findTemplate } from './templateStore';
import type { MigOwner, VmRecord } from './vm';
import type { World } from './world';

/**
 * The MIG controller: brings each group to its target size and, for PROACTIVE update policies, moves
 * members to their target version in batches of maxSurge + maxUnavailable (at least one). Members are
 * recreated in place (same name and natIP), shown as RECREATING until they run again, then NONE.
 * Real MIGs with maxSurge create surge instances under new names; this one is deliberately simpler.
 */
export class Rollout {
  private readonly loops = new Map<MigRecord, Promise<void>>();
  private readonly dirty = new Set<MigRecord>();

  constructor(private readonly world: World) {}

  /**
   * Starts (or re-arms) the controller for a group. The first batch is marked synchronously, so the
   * response to the patch or resize that triggered it already shows the new current actions.
   */
  kick(mig: MigRecord): void {
    if (this.loops.has(mig)) {
      this.dirty.add(mig);
      return;
    }
    const loop = this.loop(mig).finally(() => this.loops.delete(mig));
    this.loops.set(mig, loop);
    this.world.scheduler.run(() => loop);
  }

  kickOwner(project: string, owner: MigOwner): void {
    const mig = this.world.projects.get(project).migs.get(owner.scope)?.get(owner.name);
    if (mig && !mig.deleting) this.kick(mig);
  }

  /** Deletes every member (DELETING), after any step in progress has finished. */
  async deleteAll(mig: MigRecord): Promise<void> {
    mig.deleting = true;
    await this.loops.get(mig);
    const members = mig.members.values();
    for (const member of members) member.currentAction = 'DELETING';
    await Promise.all(members.map(async (member) => {
      if (member.vm && !member.vm.deleted) await this.world.lifecycle.destroy(member.vm);
      mig.members.delete(member.name);
    }));
  }

  private async loop(mig: MigRecord): Promise<void> {
    for (;;) {
      if (mig.deleting) return;
      const step = this.nextStep(mig);
      if (step) {
        await step;
        continue;
      }
      if (!this.dirty.delete(mig)) return;
    }
  }

  /** Marks the next batch and returns the work to do, or undefined when the group is where it should be. */
  private nextStep(mig: MigRecord): Promise<void> | undefined {
    for (const member of mig.members.values()) {
      // Deleted behind the MIG's back (instances.delete): forget it; the size check below replaces it.
      if (member.currentAction === 'NONE' && (!member.vm || member.vm.deleted)) mig.members.delete(member.name);
    }
    const size = mig.members.size;
    if (size < mig.spec.targetSize) {
      const created = Array.from({ length: mig.spec.targetSize - size }, () => this.addMember(mig));
      return Promise.all(created.map((member) => this.run(member, () => this.provision(mig, member)))).then(() => undefined);
    }
    if (size > mig.spec.targetSize) {
      const assignment = mig.assignment();
      const extras = mig.members.values()
        .sort((a, b) => Number(mig.onTarget(a, assignment)) - Number(mig.onTarget(b, assignment)) || (a.name < b.name ? 1 : -1))
        .slice(0, size - mig.spec.targetSize);
      for (const member of extras) member.currentAction = 'DELETING';
      return Promise.all(extras.map(async (member) => {
        if (member.vm && !member.vm.deleted) await this.world.lifecycle.destroy(member.vm);
        mig.members.delete(member.name);
      })).then(() => undefined);
    }
    if (mig.spec.updatePolicy.type !== 'PROACTIVE') return undefined;
    const assignment = mig.assignment();
    const behind = mig.members.values().filter((member) => !mig.onTarget(member, assignment));
    if (behind.length === 0) return undefined;
    const { maxSurge, maxUnavailable } = mig.spec.updatePolicy;
    const batch = Math.max(1, calculated(maxSurge, mig.spec.targetSize, false) + calculated(maxUnavailable, mig.spec.targetSize, false));
    const members = behind.slice(0, batch);
    for (const member of members) {
      member.currentAction = 'RECREATING';
      // ManagedInstance.version is the *intended* version, so it shows the target while recreating.
      member.version = assignment.get(member.name) ?? member.version;
    }
    return Promise.all(members.map((member) => this.run(member, () => this.recreate(mig, member)))).then(() => undefined);
  }

  /** A member's work; a failure is kept as its lastAttempt instead of stopping the controller. */
  private async run(member: Member, work: () => Promise<void>): Promise<void> {
    try {
      await work();
      delete member.lastError;
    } catch (error) {
      member.lastError = { code: 'INTERNAL_ERROR', message: error instanceof Error ? error.message : String(error) };
    } finally {
      member.currentAction = 'NONE';
    }
  }

  private addMember(mig: MigRecord): Member {
    const zone = this.leastUsedZone(mig);
    let name: string;
    do name = `${mig.spec.baseInstanceName}-${this.world.ids.memberSuffix()}`;
    while (mig.members.has(name) || mig.place.zones.some((z) => this.world.projects.get(mig.place.project).instances.get(z)?.has(name)));
    const member: Member = { name, zone, version: mig.versionForNewMember(), currentAction: 'CREATING', vm: undefined };
    mig.members.set(name, member);
    return member;
  }

  /** Regional groups spread members EVENly over their zones. */
  private leastUsedZone(mig: MigRecord): string {
    const counts = new Map(mig.place.zones.map((zone) => [zone, 0]));
    for (const member of mig.members.values()) counts.set(member.zone, (counts.get(member.zone) ?? 0) + 1);
    return [...counts].sort(([za, a], [zb, b]) => a - b || (za < zb ? -1 : 1))[0]?.[0] ?? mig.place.zones[0] ?? '';
  }

  private async provision(mig: MigRecord, member: Member, natIP?: string): Promise<void> {
    const vm = this.createMemberVm(mig, member, natIP);
    member.vm = vm;
    this.world.projects.get(mig.place.project).zoneInstances(member.zone).set(member.name, vm);
    await this.world.lifecycle.provision(vm);
  }

  private async recreate(mig: MigRecord, member: Member): Promise<void> {
    const old = member.vm;
    if (old && !old.deleted) await this.world.lifecycle.destroy(old);
    await this.provision(mig, member, old?.natIP);
  }

  /** The member's instance from its version's template, with the metadata Compute adds to MIG members. */
  private createMemberVm(mig: MigRecord, member: Member, natIP: string | undefined): VmRecord {
    const { project } = mig.place;
    const template = findTemplate(this.world, project, member.version.instanceTemplate);
    const base = parseInstanceSpec(template.resource.properties, 'resource.properties');
    const number = this.world.projects.get(project).id;
    const ref = parseTemplateRef(project, member.version.instanceTemplate);
    const added = [
      { key: 'instance-template', value: `projects/${number}/${ref.scope}/instanceTemplates/${ref.name}` },
      { key: 'created-by', value: `projects/${number}/${mig.place.scope}/instanceGroupManagers/${mig.name}` },
    ];
    const items = [...(base.metadataItems ?? []).filter((item) => !added.some((a) => a.key === item.key)), ...added];
    const spec: InstanceSpec = mergeSpecs(base, { metadataItems: items });
    const owner: MigOwner = { scope: mig.place.scope, name: mig.name };
    return createVm(this.world, project, member.zone, member.name, spec, natIP ? { owner, natIP } : { owner });
  }
}
