/**
 * Everything `gcloud compute ssh` does before it runs ssh (gce-api-notes.md §3): read the instance, find
 * its external IP, put our key where the VM looks for it (OS Login or `ssh-keys`), and decide which host
 * keys to trust (guest attributes, then our known_hosts, else ask). The result is a ready `SshTarget`.
 */
import { SshError } from '../errors';
import type { ComputeClients } from '../gce/computeClients';
import { getHostKeys } from '../gce/guestAttributes';
import type { InstanceRef } from '../gce/model';
import { ensureOsLoginKey, osLoginEnabled } from '../gce/osLogin';
import { getJson } from '../gce/rest';
import { addInstanceSshKey } from '../gce/sshKeys';
import type { PresentedHostKey, SshTarget } from './connection';
import { expiringKeyEntry, type KeyPair } from './keys';
import { hostKeyAlias, resolveHostTrust, type KnownHosts } from './knownHosts';

type MetadataItems = { key?: string | null; value?: string | null }[];

export interface AccessOptions {
  clients: ComputeClients;
  keyPair: KeyPair;
  knownHosts: KnownHosts;
  /** The login name for `ssh-keys` (gcloud: the local user name). */
  user: string;
  /** The Google account, needed only when the VM uses OS Login. */
  accountEmail: () => Promise<string | undefined>;
  /** Trust on first use: asked when neither the guest agent nor our known_hosts knows the VM's key. */
  confirmHostKey: (instance: InstanceRef, presented: PresentedHostKey) => Promise<boolean>;
  /** How long a key we add stays in `ssh-keys` (gcloud's --ssh-key-expire-after). */
  keyLifetimeMs?: number;
  /** sshd's port on the VM; 22 on Compute Engine. */
  port?: number;
  now?: () => number;
}

export interface InstanceAccess {
  target: SshTarget;
  /** Call once connected: a host key accepted on first use is remembered only after the server proved it holds it. */
  remember: () => Promise<void>;
  /** When we just wrote our key to the VM's metadata (or OS Login): refusals until ~60 s later mean "not there yet". */
  keyAddedAt: number | undefined;
  via: 'ssh-keys' | 'os-login';
  /** The VM's name in our known_hosts (`compute.<id>`), for OpenSSH's `HostKeyAlias`. */
  hostKeyAlias: string;
}

interface RawInstance {
  id?: string;
  status?: string;
  metadata?: { items?: MetadataItems };
  networkInterfaces?: { accessConfigs?: { natIP?: string }[] }[];
}

const day = 24 * 60 * 60 * 1000;

function metadataValue(items: MetadataItems | undefined, key: string): string | undefined {
  return items?.find((item) => item.key === key)?.value ?? undefined;
}

/** Whether `ssh-keys` (the VM's effective set, §3.3) already holds our key for `user`, unexpired for a while. */
function hasKey(instanceItems: MetadataItems | undefined, projectItems: MetadataItems | undefined, user: string, publicKey: string, now: number): boolean {
  const blocked = metadataValue(instanceItems, 'block-project-ssh-keys')?.trim().toLowerCase() === 'true';
  const lines = [metadataValue(instanceItems, 'ssh-keys'), blocked ? undefined : metadataValue(projectItems, 'ssh-keys')].join('\n').split('\n');
  const blob = publicKey.split(/\s+/)[1];
  return lines.some((line) => {
    const match = /^([^:\s]+):\s*(\S+)\s+(\S+)(.*)$/.exec(line.trim());
    if (!match || match[1] !== user || match[3] !== blob) return false;
    const expireOn = /"expireOn":"([^"]+)"/.exec(match[4] ?? '')?.[1];
    // Renew an expiring key an hour before it lapses, so a session does not die mid-way.
    return expireOn === undefined || new Date(expireOn.replace(/\+0000$/, 'Z')).getTime() - now > 60 * 60 * 1000;
  });
}

export async function prepareInstanceAccess(options: AccessOptions, ref: InstanceRef, signal?: AbortSignal): Promise<InstanceAccess> {
  const now = options.now ?? Date.now;
  const { clients } = options;
  const [raw, project] = await Promise.all([
    getJson(clients, `/projects/${encodeURIComponent(ref.project)}/zones/${encodeURIComponent(ref.zone)}/instances/${encodeURIComponent(ref.name)}`, {}, `Reading ${ref.name}`, signal) as Promise<RawInstance>,
    // Without permission to read the project, act as if it set nothing (gcloud falls back the same way);
    // if the API itself is down, reading the instance fails and says so.
    (getJson(clients, `/projects/${encodeURIComponent(ref.project)}`, {}, `Reading project ${ref.project}`, signal) as Promise<{ commonInstanceMetadata?: { items?: MetadataItems } }>).catch((): { commonInstanceMetadata?: undefined } => ({})),
  ]);
  if (raw.status !== 'RUNNING') {
    throw new SshError('ssh/connect-failed', `${ref.name} is ${raw.status?.toLowerCase() ?? 'not running'}: start it before connecting.`);
  }
  const host = raw.networkInterfaces?.flatMap((nic) => nic.accessConfigs ?? []).find((config) => config.natIP)?.natIP;
  if (!host) {
    throw new SshError('ssh/no-external-ip', `${ref.name} has no external IP address, so SSH cannot reach it. Give it an access config (an external IP), or connect from a machine in its VPC.`);
  }
  const instanceItems = raw.metadata?.items;
  const projectItems = project.commonInstanceMetadata?.items;
  const { keyPair } = options;

  let username = options.user;
  let keyAddedAt: number | undefined;
  const via = osLoginEnabled(instanceItems, projectItems) ? 'os-login' : 'ssh-keys';
  if (via === 'os-login') {
    const email = await options.accountEmail();
    if (!email) {
      throw new SshError('ssh/oslogin-failed', `${ref.name} uses OS Login, which needs your Google account: run "gcloud config set account YOUR_EMAIL" (or "gcloud auth login").`);
    }
    const expireOnUsec = BigInt(now() + (options.keyLifetimeMs ?? day)) * 1000n;
    ({ username } = await ensureOsLoginKey(clients, { email, project: ref.project, publicKey: keyPair.publicKey, expireOnUsec, preferredUser: options.user }, signal));
  } else if (!hasKey(instanceItems, projectItems, username, keyPair.publicKey, now())) {
    await addInstanceSshKey(clients, ref, expiringKeyEntry(username, keyPair.publicKey, new Date(now() + (options.keyLifetimeMs ?? day))), signal);
    keyAddedAt = now();
  }

  const alias = hostKeyAlias(raw.id ?? `${ref.project}/${ref.zone}/${ref.name}`);
  const [pinned, known] = await Promise.all([getHostKeys(clients, ref, signal), options.knownHosts.keysFor(alias)]);
  const trust = resolveHostTrust({ pinned, known });
  if (trust.kind === 'pinned') await options.knownHosts.remember(alias, pinned);
  let acceptedKey: PresentedHostKey | undefined;
  const target: SshTarget = {
    host,
    port: options.port ?? 22,
    username,
    privateKey: keyPair.privateKey,
    trustedHostKeys: trust.kind === 'unknown' ? [] : trust.fingerprints,
    onUnknownHostKey: async (presented) => {
      const accepted = await options.confirmHostKey(ref, presented);
      if (accepted) acceptedKey = presented;
      return accepted;
    },
  };
  const remember = async () => {
    if (acceptedKey) await options.knownHosts.remember(alias, [{ type: acceptedKey.type, blob: acceptedKey.blob.toString('base64') }]);
  };
  return { target, remember, keyAddedAt, via, hostKeyAlias: alias };
}
