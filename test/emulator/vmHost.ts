/**
 * The seam between the Compute emulator (REST state machine) and what makes an emulated VM behave like a
 * small COS host (real sshd, journal, containers on the local Docker engine, serial output). The emulator
 * calls these hooks on lifecycle changes; a host implementation does the real work. Tests that only need
 * the REST shapes run the emulator without a host.
 */
import type { OsLoginAccount } from './osLogin';

export interface EmulatedMetadata {
  fingerprint: string;
  items: { key: string; value: string }[];
}

/** What a host needs to know about an instance (a view of the emulator's stored resource). */
export interface EmulatedInstance {
  project: string;
  zone: string;
  name: string;
  id: string;
  status: string;
  /** The 127.0.0.0/8 address the emulator gave this instance as `natIP`. */
  natIP: string;
  metadata: EmulatedMetadata;
  /** Project-wide metadata (project `ssh-keys`, `block-project-ssh-keys` is read from the instance). */
  projectMetadata: EmulatedMetadata;
  labels: Record<string, string>;
  /**
   * OS Login's POSIX users of the project and their keys: what the guest's AuthorizedKeysCommand would get
   * from the metadata server when `enable-oslogin` is on. Absent means none.
   */
  osLoginAccounts?: OsLoginAccount[];
}

export type { OsLoginAccount } from './osLogin';

/** What a host may write back into the emulated instance. */
export interface VmIo {
  /** Appends text to serial port 1 (bounded buffer; getSerialPortOutput serves it with start/next). */
  appendSerial(text: string): void;
  /** Sets a guest attribute, e.g. namespace `hostkeys`, key `ssh-ed25519`, value = base64 key blob. */
  setGuestAttribute(namespace: string, key: string, value: string): void;
  clearGuestAttributes(): void;
}

export interface VmHost {
  /** The instance became RUNNING (insert, start). Boot it: sshd, journal, containers, serial lines. */
  start(instance: EmulatedInstance, io: VmIo): Promise<void>;
  /** The instance is stopping: stop its containers and sshd. */
  stop(instance: EmulatedInstance, io: VmIo): Promise<void>;
  /** A reset: as stop then start, without changing natIP. */
  reset(instance: EmulatedInstance, io: VmIo): Promise<void>;
  /** The instance is being deleted: remove everything it had. */
  delete(instance: EmulatedInstance): Promise<void>;
  /** Instance or project metadata changed (e.g. ssh-keys), or the project's OS Login keys did, while RUNNING. */
  metadataChanged(instance: EmulatedInstance, io: VmIo): Promise<void>;
  /** Stops everything the host started (called when the emulator closes). */
  close(): Promise<void>;
}
