/**
 * The setup checks behind "COS: Diagnose Setup" and the quiet re-check after a failure: is the Docker engine
 * reachable, are there Google credentials and does the Compute API answer for the project, do the registry
 * credentials open the profile's repository, does SSH reach an instance, does the COS image family resolve.
 * Each check turns what it finds into one result with the next step: a one-click fix or an exact instruction.
 */
import type Dockerode from 'dockerode';
import { CancelledError, isCancelled, isCosvmError, userMessageOf, type ErrorSubject } from '../errors';
import type { ResolvedRegistryAuth } from '../docker/credentials';
import type { DockerEndpoint } from '../docker/endpoint';
import { parseImageRef } from '../docker/imageRef';
import { probeRepositoryAccess } from '../docker/registry';
import type { ComputeClients } from '../gce/computeClients';
import { normaliseGceError } from '../gce/errors';
import type { InstanceRef, InstanceSummary } from '../gce/model';
import { getJson } from '../gce/rest';
import { shellQuote } from '../shell';

export type SetupCheckId = 'docker' | 'compute' | 'registry' | 'ssh' | 'cosImage';

export const setupCheckTitles: Readonly<Record<SetupCheckId, string>> = {
  docker: 'Docker engine',
  compute: 'Google credentials and Compute API',
  registry: 'Registry credentials',
  ssh: 'SSH to an instance',
  cosImage: 'COS image family',
};

/** A one-click fix: a VS Code command (with arguments), or a command line to run in a terminal. */
export type SetupFix =
  | { kind: 'command'; title: string; command: string; args?: unknown[] }
  | { kind: 'terminal'; title: string; commandLine: string };

export interface SetupCheckResult {
  id: SetupCheckId;
  status: 'passed' | 'failed' | 'skipped';
  /** One sentence: what was found. */
  summary: string;
  /** The next step when it did not pass, exact enough to follow by hand. */
  instruction?: string;
  fix?: SetupFix;
  /** For the log only. */
  detail?: string;
}

const passed = (id: SetupCheckId, summary: string): SetupCheckResult => ({ id, status: 'passed', summary });

/** Runs a check's work under its own time limit, so a hung engine or host never hangs Diagnose Setup. */
async function withinTime<T>(ms: number, signal: AbortSignal | undefined, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`${what} did not answer within ${Math.round(ms / 1000)} s.`)), ms);
  const onAbort = () => controller.abort(new CancelledError());
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([
      work(controller.signal),
      new Promise<never>((_, reject) => controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true })),
    ]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

function rethrowCancel(error: unknown, signal: AbortSignal | undefined): void {
  if (signal?.aborted || isCancelled(error)) throw error instanceof Error ? error : new CancelledError();
}

// ---- Docker engine ------------------------------------------------------------------------------------------

export interface DockerCheckInput {
  /** Resolves the endpoint (endpoint.ts); its failure (a broken context) is the check's failure. */
  endpoint: () => Promise<DockerEndpoint>;
  connect: (endpoint: DockerEndpoint) => Promise<Dockerode>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export async function checkDockerEngine(input: DockerCheckInput): Promise<SetupCheckResult> {
  let endpoint: DockerEndpoint | undefined;
  try {
    endpoint = await input.endpoint();
    const resolved = endpoint;
    const version = await withinTime(input.timeoutMs ?? 5000, input.signal, `The Docker engine at ${resolved.host}`, async () => (await input.connect(resolved)).version());
    return passed('docker', `Docker ${version.Version} (API ${version.ApiVersion}) answers at ${resolved.host}, from ${resolved.source}.`);
  } catch (error) {
    rethrowCancel(error, input.signal);
    const where = endpoint ? `${endpoint.host} (from ${endpoint.source})` : 'the configured endpoint';
    const code = (error as { code?: unknown }).code;
    const settingFix: SetupFix = { kind: 'command', title: 'Set the Docker Host', command: 'workbench.action.openSettings', args: ['cosvm.docker.host'] };
    if (code === 'EACCES') {
      return {
        id: 'docker',
        status: 'failed',
        summary: `Permission denied on ${where}.`,
        instruction: 'Add your user to the docker group ("sudo usermod -aG docker $USER"), then log in again; or point cosvm.docker.host at an engine you may use.',
        fix: settingFix,
        detail: userMessageOf(error),
      };
    }
    if (isCosvmError(error)) {
      return { id: 'docker', status: 'failed', summary: error.userMessage, instruction: 'Fix the Docker context, or set cosvm.docker.host.', fix: settingFix };
    }
    return {
      id: 'docker',
      status: 'failed',
      summary: `No Docker engine answers at ${where}.`,
      instruction: 'Start Docker (Docker Desktop, or "sudo systemctl start docker"), or set cosvm.docker.host (or DOCKER_HOST) to a running engine.',
      fix: settingFix,
      detail: userMessageOf(error),
    };
  }
}

// ---- Credentials and the Compute API ---------------------------------------------------------------------------

export interface ComputeCheckInput {
  clients: () => Promise<Pick<ComputeClients, 'restBase' | 'accessToken'>>;
  /** The projects the explorer shows; the first is checked. */
  projects: readonly string[];
  signal?: AbortSignal;
  timeoutMs?: number;
}

const noCredentialsSummary = 'No usable Google Cloud credentials (Application Default Credentials).';
const addProjectFix: SetupFix = { kind: 'command', title: 'Add Project', command: 'cosvm.explorer.addProject' };
const signInFix: SetupFix = { kind: 'command', title: 'Sign In with gcloud', command: 'cosvm.explorer.signIn' };

export async function checkCompute(input: ComputeCheckInput): Promise<SetupCheckResult> {
  const project = input.projects[0];
  try {
    return await withinTime(input.timeoutMs ?? 15_000, input.signal, 'The Compute API', async (signal) => {
      const clients = await input.clients();
      if (!project) {
        // Credentials can still be checked without a project.
        await clients.accessToken();
        return {
          id: 'compute',
          status: 'failed',
          summary: 'Credentials are present, but no project is chosen.',
          instruction: 'Add a project: set cosvm.projects, or run "gcloud config set project PROJECT_ID".',
          fix: addProjectFix,
        } satisfies SetupCheckResult;
      }
      await getJson(clients, `/projects/${encodeURIComponent(project)}`, { fields: 'name' }, `Reading project ${project}`, signal);
      return passed('compute', `Credentials work, and the Compute API answers for ${project}.`);
    });
  } catch (error) {
    rethrowCancel(error, input.signal);
    const gce = normaliseGceError(error, project ? `Reading project ${project}` : 'Reading credentials');
    const status = (gce as { status?: number }).status;
    if (isCosvmError(gce) && gce.code === 'gce/no-credentials') {
      return {
        id: 'compute',
        status: 'failed',
        summary: noCredentialsSummary,
        instruction: 'Run "gcloud auth application-default login", or set GOOGLE_APPLICATION_CREDENTIALS to a key file.',
        fix: signInFix,
        detail: userMessageOf(gce),
      };
    }
    if (project && (status === 404 || status === 403)) {
      const notEnabled = /has not been used|is disabled|SERVICE_DISABLED|accessNotConfigured/i.test(userMessageOf(gce));
      return {
        id: 'compute',
        status: 'failed',
        summary: notEnabled
          ? `The Compute Engine API is not enabled for ${project}.`
          : status === 404
            ? `The project ${project} was not found.`
            : `Your credentials may not read ${project} (HTTP 403).`,
        instruction: notEnabled
          ? `Enable it: gcloud services enable compute.googleapis.com --project ${project}`
          : `Check the project ID in cosvm.projects, and that your account has at least roles/compute.viewer on ${project}.`,
        ...(notEnabled
          ? { fix: { kind: 'terminal', title: 'Enable the Compute API', commandLine: `gcloud services enable compute.googleapis.com --project ${shellQuote(project)}` } satisfies SetupFix }
          : { fix: addProjectFix }),
        detail: userMessageOf(gce),
      };
    }
    return {
      id: 'compute',
      status: 'failed',
      summary: userMessageOf(gce),
      instruction: 'Check your network and proxy, and cosvm.computeEndpoint if you set it.',
      fix: { kind: 'command', title: 'Open Settings', command: 'workbench.action.openSettings', args: ['cosvm.computeEndpoint'] },
    };
  }
}

// ---- Registry credentials -----------------------------------------------------------------------------------

export interface RegistryCheckInput {
  /** The profile's image repository; undefined when there is no deploy profile. */
  repository: string | undefined;
  resolveAuth: (registryHost: string, signal: AbortSignal) => Promise<ResolvedRegistryAuth | undefined>;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** The command line that stores credentials for a registry the way its owner documents. */
function loginCommandLine(registry: string): string {
  if (registry.endsWith('-docker.pkg.dev') || registry === 'gcr.io' || registry.endsWith('.gcr.io')) return `gcloud auth configure-docker ${shellQuote(registry)}`;
  return `docker login ${shellQuote(registry)}`;
}

export async function checkRegistry(input: RegistryCheckInput): Promise<SetupCheckResult> {
  if (!input.repository) {
    return {
      id: 'registry',
      status: 'skipped',
      summary: 'No deploy profile (cosvm.yaml) names an image repository yet.',
      instruction: 'Create a deploy profile; this check then tries its repository.',
      fix: { kind: 'command', title: 'Create Deploy Profile', command: 'cosvm.deploy.createProfile' },
    };
  }
  const repository = input.repository;
  let registry = repository;
  try {
    registry = parseImageRef(repository).registry;
    return await withinTime(input.timeoutMs ?? 20_000, input.signal, `The registry ${registry}`, async (signal) => {
      const auth = await input.resolveAuth(registry, signal);
      const { status } = await probeRepositoryAccess(repository, { ...(auth ? { auth } : {}), signal });
      const who = auth ? `as ${auth.username === 'oauth2accesstoken' ? 'your Google account' : auth.username || 'your token'}` : 'anonymously';
      return passed('registry', `${registry} lets you in ${who}${status === 404 ? `; ${repository} has no images yet` : ''}.`);
    });
  } catch (error) {
    rethrowCancel(error, input.signal);
    const code = isCosvmError(error) ? error.code : undefined;
    if (code !== 'docker/auth-failed' && code !== 'docker/no-credentials') {
      // Not a login problem: logging in again would not help.
      return {
        id: 'registry',
        status: 'failed',
        summary: userMessageOf(error),
        instruction: `Check the image repository in cosvm.yaml (${repository}), that ${registry} runs, and your network or proxy.`,
      };
    }
    const fix: SetupFix = { kind: 'terminal', title: `Log In to ${registry}`, commandLine: loginCommandLine(registry) };
    return {
      id: 'registry',
      status: 'failed',
      summary: userMessageOf(error),
      instruction: `Store credentials for ${registry}: ${fix.commandLine}`,
      fix,
    };
  }
}

// ---- SSH ----------------------------------------------------------------------------------------------------

export interface SshCheckInput {
  instance: InstanceRef | undefined;
  /** Reads the instance as it is now. */
  read: (ref: InstanceRef, signal: AbortSignal) => Promise<InstanceSummary>;
  /** Connects (keys, host-key trust) and runs a no-op command. */
  connect: (ref: InstanceRef, signal: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** Room for gcloud's minute of key propagation on a first connection. */
  timeoutMs?: number;
}

export async function checkSsh(input: SshCheckInput): Promise<SetupCheckResult> {
  const ref = input.instance;
  if (!ref) {
    return {
      id: 'ssh',
      status: 'skipped',
      summary: 'No instance was chosen.',
      instruction: 'Choose an instance to check, or run Diagnose Setup from an instance in the COS explorer.',
      fix: { kind: 'command', title: 'Choose an Instance', command: 'cosvm.setup.diagnose', args: [{ chooseInstance: true }] },
    };
  }
  const name = `${ref.name} (${ref.zone})`;
  try {
    return await withinTime(input.timeoutMs ?? 90_000, input.signal, `SSH to ${name}`, async (signal) => {
      const instance = await input.read(ref, signal);
      if (instance.status !== 'RUNNING') {
        return {
          id: 'ssh',
          status: 'failed',
          summary: `${name} is ${instance.status.toLowerCase()}, so SSH cannot reach it.`,
          instruction: 'Start the instance, then check again.',
          fix: { kind: 'command', title: 'Start Instance', command: 'cosvm.instance.start', args: [{ project: ref.project, zone: ref.zone, name: ref.name }] },
        } satisfies SetupCheckResult;
      }
      await input.connect(ref, signal);
      return passed('ssh', `SSH reaches ${name} at ${instance.natIP ?? '?'} as your user.`);
    });
  } catch (error) {
    rethrowCancel(error, input.signal);
    return { id: 'ssh', status: 'failed', summary: userMessageOf(error), ...sshAdvice(error, ref) };
  }
}

function sshAdvice(error: unknown, ref: InstanceRef): Pick<SetupCheckResult, 'instruction' | 'fix'> {
  const code = isCosvmError(error) ? error.code : undefined;
  const project = shellQuote(ref.project);
  switch (code) {
    case 'ssh/no-external-ip':
      return { instruction: 'cosvm reaches VMs on their external IP; IAP tunnelling is not supported yet. Give the VM an external IP, or connect from inside its network.' };
    case 'ssh/port-closed':
      return {
        instruction: `Allow SSH from your address in the VM's network: gcloud compute firewall-rules create allow-ssh --project ${project} --allow tcp:22 --source-ranges YOUR_IP/32`,
      };
    case 'ssh/auth-failed':
    case 'ssh/oslogin-failed':
      return {
        instruction: 'The VM refused your key. With OS Login, your account needs roles/compute.osAdminLogin or osLogin; without it, the project may block project-wide keys or the key has not reached the VM yet.',
      };
    case 'ssh/host-key-mismatch':
      return { instruction: 'The VM presented a different host key than before. If it was recreated, remove its line from cosvm\'s known_hosts; otherwise do not connect.' };
    case 'gce/no-credentials':
      return { instruction: 'Sign in first: SSH keys are added through the Compute API.', fix: signInFix };
    case 'gce/not-found':
      return { instruction: `The instance ${ref.name} is not in ${ref.zone} of ${ref.project} any more. Refresh the explorer.` };
    default:
      return { instruction: 'See the COS log for the full error, and check that the VM\'s sshd runs (serial output: "Follow Logs… → serial").' };
  }
}

// ---- COS image family -----------------------------------------------------------------------------------------

export interface CosImageCheckInput {
  clients: () => Promise<Pick<ComputeClients, 'images'>>;
  family?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export async function checkCosImage(input: CosImageCheckInput): Promise<SetupCheckResult> {
  const family = input.family ?? 'cos-stable';
  try {
    return await withinTime(input.timeoutMs ?? 15_000, input.signal, 'The image lookup', async () => {
      const clients = await input.clients();
      const [image] = await clients.images.getFromFamily({ project: 'cos-cloud', family });
      return passed('cosImage', `cos-cloud/${family} resolves to ${image.name ?? '?'}.`);
    });
  } catch (error) {
    rethrowCancel(error, input.signal);
    const gce = normaliseGceError(error, `Resolving cos-cloud/${family}`);
    const noCredentials = isCosvmError(gce) && gce.code === 'gce/no-credentials';
    return {
      id: 'cosImage',
      status: 'failed',
      summary: noCredentials ? noCredentialsSummary : userMessageOf(gce),
      instruction: noCredentials
        ? 'Sign in first: the image family is read through the Compute API.'
        : 'New VMs boot from cos-cloud/cos-stable. Your account needs to read public images (roles/compute.imageUser on cos-cloud is granted to everyone by default); check an organisation policy such as constraints/compute.trustedImageProjects.',
      ...(noCredentials ? { fix: signInFix } : {}),
    };
  }
}

// ---- Which check explains a failure ----------------------------------------------------------------------------

/** The check that can tell why an error happened, and what it should look at; undefined when none can. */
export function checkForFailure(error: unknown): { id: SetupCheckId; subject: ErrorSubject } | undefined {
  if (!isCosvmError(error)) return undefined;
  const subject = error.subject ?? {};
  const status = (error as { status?: unknown }).status;
  switch (error.code) {
    case 'docker/unreachable':
      return { id: 'docker', subject };
    case 'docker/auth-failed':
    case 'docker/no-credentials':
      return { id: 'registry', subject };
    case 'gce/no-credentials':
      return { id: 'compute', subject };
    case 'gce/request-failed':
      return status === 403 || status === undefined ? { id: 'compute', subject } : undefined;
    case 'ssh/connect-failed':
    case 'ssh/no-external-ip':
    case 'ssh/port-closed':
    case 'ssh/auth-failed':
    case 'ssh/oslogin-failed':
    case 'ssh/disconnected':
      return subject.instance ? { id: 'ssh', subject } : undefined;
    default:
      return undefined;
  }
}
