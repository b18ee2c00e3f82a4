import type { Random } from './random';

/**
 * The fingerprint Compute reports for an empty metadata or label set (seen on real instances); starting
 * from it makes fresh resources look like Google's.
 */
export const EMPTY_FINGERPRINT = '42WmSpB8rSM=';

/** Unique ids, fingerprints and operation names for one emulator. */
export class Ids {
  private counter = 0n;
  private readonly base: bigint;

  constructor(private readonly random: Random) {
    // 19 digits like real resource ids, and far enough below 2^64 that a million ids still fit.
    this.base = 1_000_000_000_000_000_000n + BigInt(random.int(4_000_000)) * 1_000_000_000_000n;
  }

  /** A uint64 resource id as a decimal string: the client decodes int64 fields as strings (gce-api-notes §1.8). */
  resourceId(): string {
    this.counter += 1n;
    return (this.base + this.counter * 7_919n).toString();
  }

  /**
   * A fresh fingerprint for every change. Google derives it from the content; a fresh one per write is
   * stricter (two writers with the same content still conflict), which is what tests of 412 handling want.
   */
  fingerprint(): string {
    return this.random.bytes(8).toString('base64');
  }

  /** `operation-<ms>-<hex>-<hex>-<hex>`, the shape real operation names have. */
  operationName(nowMs: number): string {
    return `operation-${nowMs}-${this.random.hex(13)}-${this.random.hex(8)}-${this.random.hex(8)}`;
  }

  /** A MIG member suffix: four characters from [a-z0-9], as Compute names them (`web-x7kq`). */
  memberSuffix(): string {
    return this.random.chars(4, 'abcdefghijklmnopqrstuvwxyz0123456789');
  }
}
