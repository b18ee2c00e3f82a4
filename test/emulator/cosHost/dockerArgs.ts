/**
 * Turns a `docker run` / `docker create` argument list written for a real VM into one for the shared
 * test engine. Everything stays as the VM would run it (host network included: two emulated VMs that
 * bind the same port clash, as two processes on one machine would; that is the user's problem) except:
 *
 * - the container name gets the instance as a prefix, so instances never collide on names;
 * - a label `cosvm.emulator.instance=<project/zone/name>` marks whose container it is (`docker ps` on the
 *   instance, stop and delete only ever act on containers carrying it);
 * - host paths of bind mounts live under the instance's own root directory instead of the test
 *   machine's `/` (a VM has its own disk; a test must not create /var/lib/app on the machine), except the
 *   Docker socket, which becomes the test engine's.
 */
import * as path from 'node:path';

export const instanceLabelKey = 'cosvm.emulator.instance';

export interface ArgsRewrite {
  /** `<project>/<zone>/<name>` */
  instance: string;
  name: (original: string | undefined) => string;
  /** The instance's root directory: host path `/x` becomes `<root>/x`. */
  rootDir: string;
  /** The test engine's socket path. */
  dockerSocket: string;
}

export interface RewrittenRun {
  args: string[];
  name: string;
  image: string;
  /** Directories to create before the run (bind sources, as Docker would on the VM). */
  bindSources: string[];
}

/** Options of `docker run` that take a value (the ones our renderers and konlet's flags use, and common others). */
const valued = new Set(
  [
    'a', 'attach', 'add-host', 'blkio-weight', 'c', 'cap-add', 'cap-drop', 'cgroup-parent', 'cgroupns', 'cidfile', 'cpu-period', 'cpu-quota', 'cpu-shares',
    'cpus', 'cpuset-cpus', 'cpuset-mems', 'device', 'dns', 'dns-option', 'dns-search', 'e', 'entrypoint', 'env', 'env-file', 'expose', 'gpus',
    'group-add', 'h', 'health-cmd', 'health-interval', 'health-retries', 'health-start-period', 'health-timeout', 'hostname', 'ip', 'ip6', 'ipc',
    'isolation', 'l', 'label', 'label-file', 'link', 'log-driver', 'log-opt', 'm', 'mac-address', 'memory', 'memory-reservation', 'memory-swap',
    'mount', 'name', 'net', 'network', 'network-alias', 'p', 'pid', 'pids-limit', 'platform', 'publish', 'pull', 'restart', 'runtime',
    'security-opt', 'shm-size', 'stop-signal', 'stop-timeout', 'storage-opt', 'sysctl', 'tmpfs', 'u', 'ulimit', 'user', 'userns', 'uts', 'v',
    'volume', 'volume-driver', 'volumes-from', 'w', 'workdir',
  ].map((flag) => (flag.length === 1 ? `-${flag}` : `--${flag}`)),
);

const dockerSockets = new Set(['/var/run/docker.sock', '/run/docker.sock']);

export function rewriteRunArgs(args: readonly string[], rewrite: ArgsRewrite): RewrittenRun {
  const [verb, ...rest] = args;
  if (verb !== 'run' && verb !== 'create') throw new Error(`Not a docker run/create command: docker ${args.join(' ')}`);
  const out: string[] = [verb, '--label', `${instanceLabelKey}=${rewrite.instance}`];
  const bindSources: string[] = [];
  let name: string | undefined;
  let index = 0;
  const mapBind = (spec: string): string => {
    const [source = '', ...tail] = spec.split(':');
    if (!source.startsWith('/')) return spec;
    const mapped = dockerSockets.has(path.posix.normalize(source)) ? rewrite.dockerSocket : path.join(rewrite.rootDir, path.posix.normalize(source));
    if (!dockerSockets.has(path.posix.normalize(source))) bindSources.push(mapped);
    return [mapped, ...tail].join(':');
  };
  for (; index < rest.length; index++) {
    const arg = rest[index] ?? '';
    if (arg === '--') {
      index++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (!valued.has(flag)) {
      out.push(arg);
      continue;
    }
    let value: string;
    if (flag !== arg) value = arg.slice(eq + 1);
    else {
      index++;
      value = rest[index] ?? '';
    }
    if (flag === '--name') name = value;
    else if (flag === '-v' || flag === '--volume') out.push(flag, mapBind(value));
    else out.push(flag, value);
  }
  const image = rest[index] ?? '';
  const finalName = rewrite.name(name);
  out.splice(1, 0, '--name', finalName);
  out.push(...rest.slice(index));
  return { args: out, name: finalName, image, bindSources };
}
