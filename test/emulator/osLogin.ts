/**
 * The OS Login API (`https://oslogin.googleapis.com/v1/…`, gce-api-notes §3.4), served at `/v1/` of the
 * emulator's own origin: `users/{email}/loginProfile`, `users/{email}:importSshPublicKey` and
 * `users/{email}/sshPublicKeys/{fingerprint}` (get, delete). Profiles are kept per emulator; an import
 * with `projectId` gives the user a POSIX account there (`alice@example.com` → `alice_example_com`), and
 * running VMs of that project hear about it like a metadata change, so a COS host can install the keys.
 * IAM is not emulated: every caller may manage every profile.
 */
import { createHash } from 'node:crypto';
import { ApiError, type ErrorBody } from './apiError';
import { asRecord } from './json';
import { Router } from './router';
import type { World } from './world';

/** One-platform APIs add the canonical `status` to Google's error body. */
class OsLoginError extends ApiError {
  constructor(status: number, private readonly grpcStatus: string, message: string) {
    super(status, grpcStatus === 'NOT_FOUND' ? 'notFound' : grpcStatus === 'INVALID_ARGUMENT' ? 'badRequest' : 'failedPrecondition', message);
  }

  override body(): ErrorBody {
    const body = super.body();
    const error = { ...body.error, status: this.grpcStatus };
    return { error };
  }
}

const invalidArgument = (message: string) => new OsLoginError(400, 'INVALID_ARGUMENT', message);

interface StoredKey {
  key: string;
  fingerprint: string;
  expirationTimeUsec?: string;
  name: string;
}

interface OsLoginUser {
  email: string;
  id: string;
  username: string;
  uid: string;
  keys: Map<string, StoredKey>;
  /** Projects the user has a POSIX account in. */
  projects: Set<string>;
}

/** The login name OS Login derives from an email: lower case, anything but [a-z0-9_] as `_`, at most 32 characters. */
export function osLoginUsername(email: string): string {
  return email.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 32);
}

/** What an emulated VM's guest sees of OS Login: POSIX users of its project and their keys. */
export interface OsLoginAccount {
  username: string;
  keys: { line: string; expiresAt?: number }[];
}

const keyTypes = /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)$/;

export class OsLoginDirectory {
  private readonly users = new Map<string, OsLoginUser>();
  private nextUid = 0;

  constructor(private readonly uidBase = 1_000_000) {}

  private user(email: string, create: boolean): OsLoginUser | undefined {
    if (!/^[^@\s/]+@[^@\s/]+\.[^@\s/]+$/.test(email)) throw invalidArgument(`Invalid user: '${email}' is not an email address.`);
    let user = this.users.get(email.toLowerCase());
    if (!user && create) {
      user = {
        email,
        id: BigInt(`0x${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 15)}`).toString(),
        username: osLoginUsername(email),
        uid: String(this.uidBase + ++this.nextUid),
        keys: new Map(),
        projects: new Set(),
      };
      this.users.set(email.toLowerCase(), user);
    }
    return user;
  }

  /** The LoginProfile JSON; an unknown user has an empty profile, as a fresh Google account does. */
  profile(email: string, project: string | undefined): Record<string, unknown> {
    const user = this.user(email, false);
    if (!user) return { name: email };
    const posixAccounts = [...user.projects]
      .filter((accountId) => project === undefined || accountId === project)
      .map((accountId) => ({
        primary: true,
        username: user.username,
        uid: user.uid,
        gid: user.uid,
        homeDirectory: `/home/${user.username}`,
        operatingSystemType: 'LINUX',
        accountId,
        name: `users/${user.email}/projects/${accountId}`,
      }));
    const sshPublicKeys = Object.fromEntries([...user.keys.values()].map((key) => [key.fingerprint, { ...key }]));
    return { name: user.id, ...(posixAccounts.length ? { posixAccounts } : {}), ...(user.keys.size ? { sshPublicKeys } : {}) };
  }

  importKey(email: string, project: string | undefined, body: unknown): Record<string, unknown> {
    const record = asRecord(body, 'sshPublicKey');
    const key = record['key'];
    if (typeof key !== 'string') throw invalidArgument('Invalid SSH public key: the key field is required.');
    const [type, blob] = key.trim().split(/\s+/);
    if (!type || !blob || !keyTypes.test(type) || !/^[A-Za-z0-9+/]+={0,2}$/.test(blob)) throw invalidArgument('Invalid SSH public key: the key is not in OpenSSH format.');
    const expiry = record['expirationTimeUsec'];
    let expirationTimeUsec: string | undefined;
    if (expiry !== undefined && expiry !== null) {
      if ((typeof expiry !== 'string' || !/^\d+$/.test(expiry)) && !(typeof expiry === 'number' && Number.isSafeInteger(expiry) && expiry >= 0)) {
        throw invalidArgument(`Invalid value at 'ssh_public_key.expiration_time_usec' (TYPE_INT64), ${JSON.stringify(expiry)}`);
      }
      expirationTimeUsec = String(expiry);
    }
    const user = this.user(email, true)!;
    const fingerprint = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('hex');
    // Importing a key the profile has updates it (its expiry) rather than adding a second one.
    user.keys.set(fingerprint, { key: key.trim(), fingerprint, ...(expirationTimeUsec !== undefined ? { expirationTimeUsec } : {}), name: `users/${user.email}/sshPublicKeys/${fingerprint}` });
    if (project !== undefined) user.projects.add(project);
    return { loginProfile: this.profile(email, project) };
  }

  getKey(email: string, fingerprint: string): StoredKey {
    const key = this.user(email, false)?.keys.get(fingerprint);
    if (!key) throw new OsLoginError(404, 'NOT_FOUND', `Requested entity was not found.`);
    return { ...key };
  }

  deleteKey(email: string, fingerprint: string): void {
    this.getKey(email, fingerprint);
    this.user(email, false)?.keys.delete(fingerprint);
  }

  /** Projects whose VMs must hear about a change to this user's keys. */
  projectsOf(email: string): string[] {
    return [...(this.user(email, false)?.projects ?? [])];
  }

  /** The POSIX users of a project with their keys, for the VmHost. */
  accounts(project: string): OsLoginAccount[] {
    return [...this.users.values()]
      .filter((user) => user.projects.has(project))
      .map((user) => ({
        username: user.username,
        keys: [...user.keys.values()].map((key) => ({ line: key.key, ...(key.expirationTimeUsec !== undefined ? { expiresAt: Number(BigInt(key.expirationTimeUsec) / 1000n) } : {}) })),
      }));
  }
}

/** `/v1/…` of the emulator: the OS Login routes. */
export function osLoginRouter(world: World): Router {
  const router = new Router();
  const project = (query: URLSearchParams) => query.get('projectId') ?? undefined;
  const notify = async (email: string) => {
    await Promise.all(world.osLogin.projectsOf(email).map((name) => world.lifecycle.osLoginChanged(name)));
  };

  router.add('GET', 'users/{user}/loginProfile', (request) => world.osLogin.profile(request.param('user'), project(request.query)));

  // `users/alice@example.com:importSshPublicKey` is one path segment: the custom verb follows a colon.
  router.add('POST', 'users/{userVerb}', async (request) => {
    const segment = request.param('userVerb');
    const colon = segment.lastIndexOf(':');
    const verb = colon < 0 ? '' : segment.slice(colon + 1);
    if (verb !== 'importSshPublicKey') throw new OsLoginError(404, 'NOT_FOUND', `Method not found: ${verb || segment}.`);
    const email = segment.slice(0, colon);
    const answer = world.osLogin.importKey(email, project(request.query), request.body);
    await notify(email);
    return answer;
  });

  router.add('GET', 'users/{user}/sshPublicKeys/{fingerprint}', (request) => world.osLogin.getKey(request.param('user'), request.param('fingerprint')));

  router.add('DELETE', 'users/{user}/sshPublicKeys/{fingerprint}', async (request) => {
    world.osLogin.deleteKey(request.param('user'), request.param('fingerprint'));
    await notify(request.param('user'));
    return {};
  });
  return router;
}
