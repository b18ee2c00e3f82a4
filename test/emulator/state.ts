import { notFound } from './apiError';
import { EMPTY_FINGERPRINT } from './ids';
import type { MigRecord } from './migModel';
import type { Metadata, InstanceTemplateResource } from './resources';
import { SortedStore } from './sortedStore';
import type { VmRecord } from './vm';

export interface TemplateRecord {
  resource: InstanceTemplateResource;
  /** `global` or `regions/<r>`. */
  scope: string;
}

/** One project's resources, each kind keyed by its scope so lists never scan other scopes. */
export class ProjectState {
  /** zone → instances */
  readonly instances = new Map<string, SortedStore<VmRecord>>();
  /** `global` | `regions/<r>` → templates */
  readonly templates = new Map<string, SortedStore<TemplateRecord>>();
  /** `zones/<z>` | `regions/<r>` → managed instance groups */
  readonly migs = new Map<string, SortedStore<MigRecord>>();
  commonMetadata: Metadata = { kind: 'compute#metadata', fingerprint: EMPTY_FINGERPRINT, items: [] };

  constructor(readonly name: string, readonly id: string, readonly creationTimestamp: string) {}

  zoneInstances(zone: string): SortedStore<VmRecord> {
    let store = this.instances.get(zone);
    if (!store) this.instances.set(zone, (store = new SortedStore()));
    return store;
  }

  templateStore(scope: string): SortedStore<TemplateRecord> {
    let store = this.templates.get(scope);
    if (!store) this.templates.set(scope, (store = new SortedStore()));
    return store;
  }

  migStore(scope: string): SortedStore<MigRecord> {
    let store = this.migs.get(scope);
    if (!store) this.migs.set(scope, (store = new SortedStore()));
    return store;
  }

  *allInstances(): Generator<VmRecord> {
    for (const store of this.instances.values()) yield* store.values();
  }
}

export class ProjectRegistry {
  private readonly projects = new Map<string, ProjectState>();

  /** With `strict`, unknown projects are 404; otherwise any project exists on first use, like one's own. */
  constructor(private readonly make: (name: string) => ProjectState, private readonly strict: boolean) {}

  /** Idempotent: an existing project is returned unchanged. */
  create(name: string): ProjectState {
    let project = this.projects.get(name);
    if (!project) this.projects.set(name, (project = this.make(name)));
    return project;
  }

  get(name: string): ProjectState {
    const project = this.projects.get(name);
    if (project) return project;
    if (this.strict) throw notFound(`projects/${name}`);
    return this.create(name);
  }

  all(): ProjectState[] {
    return [...this.projects.values()];
  }
}
