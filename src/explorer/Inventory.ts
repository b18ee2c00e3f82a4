import * as vscode from 'vscode';
import { abortableSleep } from '../core/abortableSleep';
import type { ComputeClients } from '../core/gce/computeClients';
import type { InstanceSummary, MigSummary, TemplateSummary } from '../core/gce/model';
import { listInstances, listMigs, listTemplates } from '../core/gce/resources';

/** How long the first page may wait for the listing to finish before the tree shows it as partial. */
const completionGraceMs = 150;

type Loaded<T> = { state: 'idle' } | { state: 'loading'; partial: T; done: Promise<T> } | { state: 'done'; value: T } | { state: 'error'; error: unknown };

/**
 * One project's resources, loaded once and kept until a refresh. Instances stream in page by page
 * (aggregatedList), so the first zones show while the rest load.
 */
export class ProjectInventory implements vscode.Disposable {
  private instances: Loaded<InstanceSummary[]> = { state: 'idle' };
  private templates: Loaded<TemplateSummary[]> = { state: 'idle' };
  private migs: Loaded<MigSummary[]> = { state: 'idle' };
  private controller = new AbortController();
  /** Bumped when instances arrive; `deliveredVersion` is what the tree last read. */
  private version = 0;
  private deliveredVersion = 0;
  private changeTimer: NodeJS.Timeout | undefined;
  private readonly changed = new vscode.EventEmitter<'instances'>();
  /** Fires as more instances arrive. */
  readonly onDidChange = this.changed.event;

  constructor(
    readonly project: string,
    private readonly clients: () => Promise<ComputeClients>,
  ) {}

  /** What the tree shows: instances loaded so far, and whether more are coming; the first call starts the listing. */
  instancesSoFar(): Promise<{ instances: InstanceSummary[]; complete: boolean }> {
    return this.snapshot(true);
  }

  /** One zone's instances loaded so far (a zone node's children; the Instances group hears of new ones). */
  async instancesIn(zone: string): Promise<InstanceSummary[]> {
    return (await this.snapshot()).instances.filter((i) => i.zone === zone);
  }

  private async snapshot(forTree = false): Promise<{ instances: InstanceSummary[]; complete: boolean }> {
    if (this.instances.state === 'idle') {
      const partial: InstanceSummary[] = [];
      let firstBatch: () => void = () => undefined;
      const first = new Promise<void>((resolve) => (firstBatch = resolve));
      const signal = this.controller.signal;
      const done = (async () => {
        const clients = await this.clients();
        return listInstances(clients, this.project, {
          signal,
          onBatch: (batch) => {
            partial.push(...batch);
            firstBatch();
            this.instancesChanged();
          },
        });
      })();
      this.instances = { state: 'loading', partial, done };
      done.then(
        (value) => {
          if (this.instances.state === 'loading' && this.instances.done === done) this.instances = { state: 'done', value };
          this.instancesChanged();
        },
        (error: unknown) => {
          if (this.instances.state === 'loading' && this.instances.done === done) this.instances = { state: 'error', error };
          this.instancesChanged();
        },
      );
      await Promise.race([first, done.catch(() => undefined)]);
      // A small project lists in one page: wait a moment for the end, so the tree draws once, not twice.
      if (this.instances.state === 'loading') await Promise.race([done.catch(() => undefined), abortableSleep(completionGraceMs)]);
    }
    const current = this.instances;
    // The tree now has everything that arrived so far; a change event for it would be redundant.
    if (forTree) this.deliveredVersion = this.version;
    if (current.state === 'error') throw current.error;
    if (current.state === 'done') return { instances: current.value, complete: true };
    if (current.state === 'loading') return { instances: current.partial, complete: false };
    return { instances: [], complete: false };
  }

  /**
   * Tells the tree that more instances arrived, at most every 50 ms and only when it has not read them yet:
   * a redraw that overlaps the tree's own read of the same node is wasted work and can lose an expansion.
   */
  private instancesChanged(): void {
    this.version++;
    if (this.changeTimer) return;
    this.changeTimer = setTimeout(() => {
      this.changeTimer = undefined;
      if (this.version !== this.deliveredVersion) this.changed.fire('instances');
    }, 50);
  }

  /** Every instance, waiting for the listing to finish. */
  async allInstances(): Promise<InstanceSummary[]> {
    const { instances, complete } = await this.snapshot();
    const current = this.instances;
    if (!complete && current.state === 'loading') return current.done;
    return instances;
  }

  async templatesList(): Promise<TemplateSummary[]> {
    return this.load('templates', async (clients, signal) => listTemplates(clients, this.project, signal));
  }

  async migsList(): Promise<MigSummary[]> {
    return this.load('migs', async (clients, signal) => listMigs(clients, this.project, signal));
  }

  private async load<K extends 'templates' | 'migs'>(key: K, fetch: (clients: ComputeClients, signal: AbortSignal) => Promise<K extends 'templates' ? TemplateSummary[] : MigSummary[]>) {
    const slot = this[key] as Loaded<K extends 'templates' ? TemplateSummary[] : MigSummary[]>;
    if (slot.state === 'done') return slot.value;
    if (slot.state === 'loading') return slot.done;
    const signal = this.controller.signal;
    const done = this.clients().then((clients) => fetch(clients, signal));
    const loading = { state: 'loading', partial: [], done };
    (this[key] as unknown) = loading;
    // A refresh may have replaced this load meanwhile; only the load that still owns the slot may settle it.
    const owns = () => (this[key] as unknown) === loading;
    try {
      const value = await done;
      if (owns()) (this[key] as unknown) = { state: 'done', value };
      return value;
    } catch (error) {
      if (owns()) (this[key] as unknown) = { state: 'idle' };
      throw error;
    }
  }

  /** Forgets what it knows (only the instances, for the minute poll); the next read lists again. */
  reset(what: 'all' | 'instances' = 'all'): void {
    this.controller.abort();
    this.controller = new AbortController();
    this.instances = { state: 'idle' };
    if (what === 'instances') return;
    this.templates = { state: 'idle' };
    this.migs = { state: 'idle' };
  }

  dispose(): void {
    this.controller.abort();
    clearTimeout(this.changeTimer);
    this.changed.dispose();
  }
}
