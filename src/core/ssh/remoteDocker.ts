/**
 * The VM's own Docker, reached through `docker` over SSH (COS has no Docker API port open, and konlet's
 * containers live only there). Commands are built from quoted words; container names are checked first.
 */
import type { Client } from 'ssh2';
import { CosvmError, SshError } from '../errors';
import { runCommand, type CommandResult } from './connection';

export interface RemoteContainer {
  /** Full 64-hex id (`--no-trunc`). */
  id: string;
  /** The first name, without Docker's leading slash. */
  name: string;
  image: string;
  /** `running`, `exited`, `restarting`, `paused`, `created`, `dead`, `removing`. */
  state: string;
  /** Docker's phrase: `Up 3 minutes`, `Exited (1) 2 hours ago`. */
  status: string;
  /** `0.0.0.0:80->80/tcp, …`; empty with host networking, as konlet uses. */
  ports: string;
  /** `2024-05-01 10:00:00 +0000 UTC`, as Docker prints it. */
  createdAt: string;
}

export const dockerPsCommand = "docker ps --all --no-trunc --format '{{json .}}'";

/** Docker's own rule for names (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`); ids (hex) fit it too. */
const containerName = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Returns `name` when Docker could have such a container; refuses anything else (input/invalid). */
export function checkContainerName(name: string): string {
  if (!containerName.test(name) || name.length > 255) {
    throw new CosvmError('input/invalid', `${JSON.stringify(name)} is not a container name: Docker names use only letters, digits, '_', '.' and '-'.`);
  }
  return name;
}

/** Every container on the VM, running or not. */
export async function listRemoteContainers(client: Client, signal?: AbortSignal): Promise<RemoteContainer[]> {
  const result = await runCommand(client, dockerPsCommand, signal);
  // No exit status at all: the connection went away under the command (a VM reset), which a retry can ride out.
  if (result.exitCode === null && result.signal === undefined) throw new SshError('ssh/disconnected', 'The SSH connection closed while docker ps ran on the VM.');
  if (result.exitCode !== 0) throw dockerCommandError('docker ps', result);
  return parseDockerPs(result.stdout);
}

/** `docker ps --format '{{json .}}'` output: one JSON object a line. */
export function parseDockerPs(stdout: string): RemoteContainer[] {
  const out: RemoteContainer[] = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      throw new SshError('ssh/command-failed', 'The VM answered docker ps with something other than JSON.', { cause: error, detail: stdout.slice(0, 2000) });
    }
    if (typeof raw !== 'object' || raw === null) continue;
    const field = (key: string): string => {
      const value = (raw as Record<string, unknown>)[key];
      return typeof value === 'string' ? value : '';
    };
    const id = field('ID');
    if (id === '') continue;
    const status = field('Status');
    out.push({
      id,
      name: field('Names').split(',')[0]?.replace(/^\//, '') ?? '',
      image: field('Image'),
      // Docker before 20.10 has no State in this format; its Status phrase says the same.
      state: field('State') || stateFromStatus(status),
      status,
      ports: field('Ports'),
      createdAt: field('CreatedAt'),
    });
  }
  return out;
}

function stateFromStatus(status: string): string {
  if (/^Up\b/.test(status)) return /\(Paused\)/.test(status) ? 'paused' : 'running';
  const word = /^(Exited|Created|Restarting|Removal|Dead)\b/.exec(status)?.[1];
  return word === 'Removal' ? 'removing' : (word?.toLowerCase() ?? 'unknown');
}

/**
 * One sentence for a failed `docker …` on the VM, with its stderr in `detail`. On COS, users the guest
 * agent creates are in the `docker` group; elsewhere the socket may refuse them.
 */
export function dockerCommandError(what: string, result: CommandResult): SshError {
  const stderr = result.stderr.trim();
  const detail = `${what} exited with ${result.exitCode ?? result.signal ?? 'no status'}\n${stderr}`;
  let message: string;
  if (result.exitCode === 127 || /docker: (command )?not found/i.test(stderr)) message = 'Docker is not installed on the VM (no docker command).';
  else if (/permission denied.*docker\.sock/i.test(stderr)) message = 'Your user on the VM may not use Docker (permission denied on /var/run/docker.sock).';
  else if (/Cannot connect to the Docker daemon|Is the docker daemon running/i.test(stderr)) message = 'Docker is not running on the VM.';
  else message = `${what} failed on the VM: ${stderr.split('\n')[0] || `exit status ${result.exitCode ?? result.signal ?? 'unknown'}`}.`;
  return new SshError('ssh/command-failed', message, { detail });
}
