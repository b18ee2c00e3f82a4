import type { FixedOrPercent, IgmVersion, UpdatePolicy } from './resources';
import { SortedStore } from './sortedStore';
import { computeTimestamp } from './time';
import { link, relativePath } from './urls';
import type { VmRecord } from './vm';

/** One managed instance: which instance, which version it runs, what the MIG is doing to it. */
export interface Member {
  name: string;
  zone: string;
  version: IgmVersion;
  /** NONE, CREATING, RECREATING, DELETING (the proto enum's values, §2.8). */
  currentAction: string;
  vm: VmRecord | undefined;
  lastError?: { code: string; message: string };
}

/** What a patch can change. */
export interface MigSpec {
  baseInstanceName: string;
  targetSize: number;
  versions: IgmVersion[];
  updatePolicy: UpdatePolicy;
  fingerprint: string;
  description?: string;
  namedPorts: unknown[];
  autoHealingPolicies: unknown[];
  /** PAGELESS (Compute's default: listManagedInstances ignores paging) or PAGINATED. */
  listManagedInstancesResults: string;
}

export interface MigPlace {
  project: string;
  /** `zones/<z>` or `regions/<r>`. */
  scope: string;
  /** Where members may go: the zone, or the regional distribution policy's zones. */
  zones: string[];
  name: string;
  id: string;
  createdMs: number;
}

const sameTemplate = (a: string, b: string) => relativePath(a) === relativePath(b);

/** `fixed` wins; a percent of the target size rounds down for surge/unavailable and up for versions. */
export function calculated(value: FixedOrPercent | undefined, targetSize: number, roundUp: boolean): number {
  if (!value) return 0;
  if (value.fixed !== undefined) return value.fixed;
  const exact = ((value.percent ?? 0) * targetSize) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** A managed instance group (zonal or regional); its JSON is computed from the members on every read. */
export class MigRecord {
  readonly members = new SortedStore<Member>();
  deleting = false;

  constructor(readonly place: MigPlace, public spec: MigSpec) {}

  get name(): string {
    return this.place.name;
  }

  get path(): string {
    return `projects/${this.place.project}/${this.place.scope}/instanceGroupManagers/${this.name}`;
  }

  usesTemplate(template: string): boolean {
    return this.spec.versions.some((version) => sameTemplate(version.instanceTemplate, template)) ||
      this.members.values().some((member) => sameTemplate(member.version.instanceTemplate, template));
  }

  /** How many members each version should have: explicit target sizes first, the rest to the open version. */
  desiredCounts(): number[] {
    let remaining = this.spec.targetSize;
    const counts = this.spec.versions.map((version) => {
      if (!version.targetSize) return 0;
      const count = Math.min(remaining, calculated(version.targetSize, this.spec.targetSize, true));
      remaining -= count;
      return count;
    });
    const open = this.spec.versions.findIndex((version) => !version.targetSize);
    counts[open >= 0 ? open : 0] = (counts[open >= 0 ? open : 0] ?? 0) + remaining;
    return counts;
  }

  /** The version each member should run: members already on a version keep it while it has room (name order). */
  assignment(): Map<string, IgmVersion> {
    const counts = this.desiredCounts();
    const result = new Map<string, IgmVersion>();
    const unassigned: Member[] = [];
    for (const member of this.members.values()) {
      const index = this.spec.versions.findIndex((version) => sameTemplate(version.instanceTemplate, member.version.instanceTemplate));
      if (index >= 0 && (counts[index] ?? 0) > 0) {
        counts[index] = (counts[index] ?? 0) - 1;
        result.set(member.name, this.spec.versions[index] as IgmVersion);
      } else {
        unassigned.push(member);
      }
    }
    for (const member of unassigned) {
      let index = counts.findIndex((count) => count > 0);
      if (index < 0) index = Math.max(0, this.spec.versions.findIndex((version) => !version.targetSize));
      counts[index] = (counts[index] ?? 0) - 1;
      result.set(member.name, this.spec.versions[index] as IgmVersion);
    }
    return result;
  }

  /** The version a new member should get: the one furthest below its desired count. */
  versionForNewMember(): IgmVersion {
    const counts = this.desiredCounts();
    for (const member of this.members.values()) {
      const index = this.spec.versions.findIndex((version) => sameTemplate(version.instanceTemplate, member.version.instanceTemplate));
      if (index >= 0) counts[index] = (counts[index] ?? 0) - 1;
    }
    let best = 0;
    counts.forEach((count, index) => {
      if (count > (counts[best] ?? 0)) best = index;
    });
    return this.spec.versions[best] as IgmVersion;
  }

  onTarget(member: Member, assignment: Map<string, IgmVersion>): boolean {
    const target = assignment.get(member.name);
    return target !== undefined && sameTemplate(target.instanceTemplate, member.version.instanceTemplate);
  }

  resource(): Record<string, unknown> {
    const actions: Record<string, number> = {
      abandoning: 0, creating: 0, creatingWithoutRetries: 0, deleting: 0, none: 0, recreating: 0, refreshing: 0,
      restarting: 0, resuming: 0, starting: 0, stopping: 0, suspending: 0, verifying: 0,
    };
    const assignment = this.assignment();
    let reached = true;
    for (const member of this.members.values()) {
      const key = member.currentAction.toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
      actions[key] = (actions[key] ?? 0) + 1;
      if (member.currentAction !== 'NONE' || !this.onTarget(member, assignment)) reached = false;
    }
    const stable = actions['none'] === this.members.size && this.members.size === this.spec.targetSize && !this.deleting;
    const scopeLink = link(`projects/${this.place.project}/${this.place.scope}`);
    const regional = this.place.scope.startsWith('regions/');
    return {
      kind: 'compute#instanceGroupManager', id: this.place.id, creationTimestamp: computeTimestamp(this.place.createdMs), name: this.name,
      ...(this.spec.description !== undefined ? { description: this.spec.description } : {}),
      ...(regional
        ? { region: scopeLink, distributionPolicy: { zones: this.place.zones.map((zone) => ({ zone: link(`projects/${this.place.project}/zones/${zone}`) })), targetShape: 'EVEN' } }
        : { zone: scopeLink }),
      ...(this.spec.versions.length === 1 ? { instanceTemplate: this.spec.versions[0]?.instanceTemplate } : {}),
      versions: this.spec.versions,
      instanceGroup: `${scopeLink}/instanceGroups/${this.name}`,
      baseInstanceName: this.spec.baseInstanceName, fingerprint: this.spec.fingerprint, currentActions: actions,
      status: {
        isStable: stable, allInstancesConfig: { effective: true }, versionTarget: { isReached: reached && this.members.size === this.spec.targetSize },
        stateful: { hasStatefulConfig: false, perInstanceConfigs: { allEffective: true } },
      },
      targetSize: this.spec.targetSize, targetStoppedSize: 0, targetSuspendedSize: 0,
      selfLink: link(this.path),
      updatePolicy: {
        ...this.spec.updatePolicy,
        maxSurge: { ...this.spec.updatePolicy.maxSurge, calculated: calculated(this.spec.updatePolicy.maxSurge, this.spec.targetSize, false) },
        maxUnavailable: { ...this.spec.updatePolicy.maxUnavailable, calculated: calculated(this.spec.updatePolicy.maxUnavailable, this.spec.targetSize, false) },
      },
      namedPorts: this.spec.namedPorts, autoHealingPolicies: this.spec.autoHealingPolicies,
      listManagedInstancesResults: this.spec.listManagedInstancesResults,
    };
  }

  managedInstance(member: Member): Record<string, unknown> {
    const vm = member.vm;
    return {
      instance: link(`projects/${this.place.project}/zones/${member.zone}/instances/${member.name}`),
      ...(vm && !vm.deleted ? { id: vm.resource.id, instanceStatus: vm.resource.status } : {}),
      currentAction: member.currentAction, name: member.name,
      version: { ...(member.version.name !== undefined ? { name: member.version.name } : {}), instanceTemplate: member.version.instanceTemplate },
      lastAttempt: member.lastError ? { errors: { errors: [member.lastError] } } : {},
    };
  }
}
