import { GuestAttributes } from './guestAttributes';
import type { ImageInfo } from './images';
import type { InstanceResource } from './resources';
import { SerialBuffer } from './serial';
import { zonePath } from './urls';

/** The MIG that created an instance (real members carry the same in `created-by` metadata). */
export interface MigOwner {
  /** `zones/<z>` or `regions/<r>`. */
  scope: string;
  name: string;
}

/** An instance: the served JSON plus what only the emulator knows (serial port, guest attributes, host state). */
export class VmRecord {
  readonly serial = new SerialBuffer();
  readonly guest = new GuestAttributes();
  /** The lifecycle operation in flight (`stop`, `delete`, …); another one is refused as not ready. */
  busy: string | undefined;
  /** `VmHost.start` succeeded and `stop` has not been called since. */
  hostRunning = false;
  /** The host has seen this instance, so it must hear about its deletion. */
  hostKnown = false;
  /** Seeded as RUNNING without booting: boot lines are written on the first serial read. */
  bootPending = false;
  deleted = false;

  constructor(
    readonly project: string,
    readonly zone: string,
    public resource: InstanceResource,
    public image: ImageInfo,
    readonly natIP: string,
    readonly owner?: MigOwner,
  ) {}

  get name(): string {
    return this.resource.name;
  }

  get path(): string {
    return `${zonePath(this.project, this.zone)}/instances/${this.resource.name}`;
  }
}
