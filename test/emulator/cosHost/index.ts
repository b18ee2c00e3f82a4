/**
 * The COS host behind the Compute emulator (DESIGN §5): `createCosHost({ group, dockerHost })` gives the
 * VmHost that turns each RUNNING emulated instance into a small COS machine:
 *
 * - OpenSSH sshd on `natIP:sshPort` with the instance's own ed25519 and ecdsa host keys (published as
 *   `hostkeys/<type>` guest attributes, kept across stop/start/reset, gone with delete), accepting the
 *   keys the guest agent would install from `ssh-keys` (sshd.ts, sshKeys.ts), or, with `enable-oslogin`,
 *   only the keys of the project's OS Login users (emulator `/v1/users/…`) under their POSIX user names;
 * - a real journal per instance (systemd-journal-remote), read by the instance's own `journalctl`, and
 *   a `docker` that talks to the test engine and lists only the instance's containers;
 * - containers from `#cloud-config` user-data (our renderer's systemd units, run with the real
 *   `docker run`; output in the journal under the unit) and from `gce-container-declaration` (konlet's
 *   steps, names and messages; output in `docker logs`), plus serial console lines for both.
 *
 * Requires root (port 22, `unshare`, bind mounts), as the test machines run. Known differences from a VM:
 * - every SSH user is the uid the tests run as (root): `$USER`/`$HOME` are the user's, `id` says root;
 * - bind-mount host paths live under the instance directory (`root/…`); `bootcmd`, persistent-disk
 *   mounts, konlet's emptyDir host tmpfs and iptables changes are not performed (the lines are logged);
 * - `startup-script` and non-cloud-config user-data are not run;
 * - images come from the local engine; a missing one is pulled anonymously (no internet here), which
 *   fails like on a VM;
 * - only `docker ps` / `docker container ls` are scoped to the instance; other docker commands reach
 *   every container on the shared engine by name;
 * - host networking is shared: two instances that bind the same port clash.
 */
import type { VmHost } from '../vmHost';
import { CosHost, type CosHostOptions } from './CosHost';

export { CosHost, type CosHostOptions } from './CosHost';
export { instanceLabelKey } from './dockerArgs';
export { authorizedKeys, effectiveSshKeys, osLoginEnabled, parseSshKeyLine, type AuthorizedKey } from './sshKeys';

export function createCosHost(options: CosHostOptions): VmHost & Pick<CosHost, 'instanceDir'> {
  return new CosHost(options);
}
