/**
 * COS file-system rules for hostPath volumes (reference/konlet-spec.md §5): the root is read-only
 * (dm-verity), /var and /home persist but are noexec, /tmp, /etc and /mnt/disks are lost at reboot.
 */
import type { Rule } from './context';

/** Top-level directories that exist on COS; a path under any other one must be created, which fails. */
const existingTopLevel = new Set(['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib64', 'mnt', 'proc', 'root', 'run', 'sbin', 'sys', 'tmp', 'usr', 'var']);
const execDirs = ['/var/lib/google', '/var/lib/docker', '/var/lib/toolbox'];

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

type Finding = { severity: 'error' | 'warning' | 'info'; code: string; message: string };

/** What COS does with a bind source at `path`; undefined when it is a good, persistent place. */
export function classifyHostPath(rawPath: string): Finding | undefined {
  const path = rawPath.replace(/\/+$/, '') || '/';
  if (!path.startsWith('/')) {
    return { severity: 'warning', code: 'cosvm/host-path-relative', message: `"${rawPath}" is not absolute: Docker treats it as a named volume, not a host directory.` };
  }
  const top = path.split('/')[1] ?? '';
  const readOnly = (why: string): Finding => ({
    severity: 'error',
    code: 'cosvm/host-path-read-only',
    message: `"${path}" is on COS's read-only root${why}: Docker cannot create it ("mkdir …: read-only file system"). Use /var/${path.split('/').pop() ?? 'app'} or /mnt/stateful_partition/… to persist data.`,
  });
  if (path === '/') return readOnly('');
  if (!existingTopLevel.has(top)) return readOnly(` (/${top} does not exist there)`);
  if (under(path, '/mnt/disks/gce-containers-mounts')) {
    return { severity: 'warning', code: 'cosvm/host-path-konlet-mounts', message: `konlet unmounts everything under /mnt/disks/gce-containers-mounts each time it runs.` };
  }
  if (under(path, '/mnt/disks')) return { severity: 'warning', code: 'cosvm/host-path-not-persistent', message: `/mnt/disks is a tmpfs: "${path}" is lost at reboot unless a disk is mounted there.` };
  if (under(path, '/mnt/stateful_partition')) return undefined;
  if (under(path, '/mnt')) return readOnly(' (only /mnt/disks and /mnt/stateful_partition are writable)');
  if (under(path, '/usr/local')) return readOnly('');
  if (under(path, '/var/lib/cloud') || under(path, '/etc') || under(path, '/tmp') || under(path, '/run')) {
    return { severity: 'warning', code: 'cosvm/host-path-not-persistent', message: `"${path}" is on a tmpfs on COS: its contents are lost at reboot.` };
  }
  if (execDirs.some((dir) => under(path, dir))) {
    return { severity: 'warning', code: 'cosvm/host-path-system', message: `"${path}" is a COS system working directory; binding it can break the host.` };
  }
  if (under(path, '/var') || under(path, '/home')) {
    return path.split('/').length <= 2
      ? { severity: 'warning', code: 'cosvm/host-path-system', message: `Binding all of "${path}" exposes the host's state; use a subdirectory such as ${path}/<app>.` }
      : { severity: 'info', code: 'cosvm/host-path-noexec', message: `"${path}" persists, but COS mounts ${path.startsWith('/home') ? '/home' : '/var'} noexec: binaries and scripts there cannot run.` };
  }
  if (['dev', 'proc', 'sys'].includes(top)) return undefined;
  return { severity: 'warning', code: 'cosvm/host-path-read-only', message: `"${path}" is on COS's read-only root: it works only if it already exists (e.g. /usr/share/…), and it is read-only.` };
}

export const cosHostPaths: Rule = ({ parsed, at, report }) => {
  (parsed.declaration.spec?.volumes ?? []).forEach((volume, index) => {
    const path = volume.hostPath?.path;
    if (!path) return;
    const finding = classifyHostPath(path);
    if (finding) report({ ...finding, range: at(`spec.volumes[${index}].hostPath.path`), data: { path } });
  });
};
