/**
 * Hints for a hostPath on Container-Optimized OS (reference/konlet-spec.md §5), DOM-free. These are hints shown
 * under the field; the host's validator gives the authoritative diagnostics.
 */

export interface PathHint {
  tone: 'ok' | 'warning' | 'error';
  text: string;
}

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

export function hostPathHint(raw: string): PathHint | undefined {
  const path = raw.trim().replace(/\/+$/, '') || (raw.trim().startsWith('/') ? '/' : '');
  if (path === '') return undefined;
  if (!path.startsWith('/')) return { tone: 'error', text: 'Use an absolute path.' };
  if (under(path, '/mnt/stateful_partition')) return { tone: 'ok', text: 'Persistent: the stateful partition survives reboots.' };
  if (['/var/lib/google', '/var/lib/docker', '/var/lib/toolbox'].some((dir) => under(path, dir))) {
    return { tone: 'warning', text: 'A COS system working directory: do not bind-mount over it.' };
  }
  if (under(path, '/var/lib/cloud')) return { tone: 'warning', text: 'Lost at reboot (tmpfs): cloud-init working directory.' };
  if (under(path, '/var') || under(path, '/home')) return { tone: 'ok', text: 'Persistent and writable, but mounted noexec: binaries and scripts there cannot run.' };
  if (under(path, '/tmp')) return { tone: 'warning', text: 'Lost at reboot (tmpfs) and noexec: scratch only.' };
  if (under(path, '/etc')) return { tone: 'warning', text: 'Lost at reboot: /etc is rebuilt on each boot.' };
  if (under(path, '/mnt/disks')) return { tone: 'warning', text: 'tmpfs mount point: only a disk you mount there persists.' };
  return { tone: 'error', text: 'On the read-only root file system (except paths that already exist). Prefer /var/<app>, /home/<user>/<app> or /mnt/stateful_partition/<app>.' };
}
