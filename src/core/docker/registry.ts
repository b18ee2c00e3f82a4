/**
 * Reads manifests straight from a registry (distribution v2 API), to check a digest captured from a push
 * against the registry's own answer. Authenticates as Docker's registry client does (distribution
 * `internal/client/auth/session.go`, `challenge/authchallenge.go`): ask without credentials, then answer the
 * registry's WWW-Authenticate challenge, with a Bearer token from its realm or with Basic.
 */
import { createHash } from 'node:crypto';
import { CancelledError, DockerError } from '../errors';
import { Redactor } from '../redact';
import type { ResolvedRegistryAuth } from './credentials';
import { parseImageRef, type ImageRef } from './imageRef';

const indexTypes = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];
/** Every manifest kind a registry may hold for a tag, including OCI indexes of multi-platform pushes. */
const manifestAccept = [
  ...indexTypes,
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');
const digestPattern = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

export interface ManifestDigestOptions {
  /** From resolveRegistryAuth; an identity token is a refresh token for the realm, a registry token is sent as is. */
  auth?: Pick<ResolvedRegistryAuth, 'username' | 'password' | 'identitytoken' | 'registrytoken'>;
  /** `http` only for registries on loopback; default `https`. */
  scheme?: 'http' | 'https';
  signal?: AbortSignal;
}

export interface AuthChallenge {
  /** Lower case: `bearer`, `basic`. */
  scheme: string;
  /** Parameter names in lower case (`realm`, `service`, `scope`), values unquoted. */
  params: Record<string, string>;
}

/**
 * Parses a WWW-Authenticate value (RFC 7235): one or more challenges, comma-separated, as fetch joins
 * several headers. `Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a:pull"`.
 */
export function parseAuthChallenges(header: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;
  let rest = header;
  const skip = (pattern: RegExp) => (rest = rest.replace(pattern, ''));
  for (;;) {
    skip(/^[\s,]+/);
    const scheme = token.exec(rest)?.[0];
    if (!scheme) break;
    rest = rest.slice(scheme.length);
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    for (;;) {
      skip(/^[\s,]+/);
      const param = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*=\s*/.exec(rest);
      if (!param?.[1]) break; // the next challenge's scheme, or the end
      rest = rest.slice(param[0].length);
      const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
      const value = quoted ? (quoted[1] ?? '').replace(/\\(.)/g, '$1') : (token.exec(rest)?.[0] ?? '');
      rest = rest.slice(quoted ? quoted[0].length : value.length);
      challenge.params[param[1].toLowerCase()] = value;
    }
  }
  return challenges;
}

/** One registry conversation: the challenge answer is kept for the requests that follow. */
interface Session {
  ref: ImageRef;
  base: string;
  options: ManifestDigestOptions;
  authorization: string | undefined;
  redactor: Redactor;
}

/**
 * The base URL of a repository's API. Docker Hub's API lives on registry-1.docker.io, not docker.io (the
 * Docker daemon's default endpoint); registries on loopback speak plain HTTP unless told otherwise.
 */
export function repositoryEndpoint(ref: Pick<ImageRef, 'registry' | 'repository'>, scheme?: 'http' | 'https'): string {
  const host = ref.registry === 'docker.io' || ref.registry === 'index.docker.io' ? 'registry-1.docker.io' : ref.registry;
  const chosen = scheme ?? (/^(localhost|127\.|\[::1\])/.test(host) ? 'http' : 'https');
  return `${chosen}://${host}/v2/${ref.repository}`;
}

function openSession(reference: string, options: ManifestDigestOptions): Session {
  const ref = parseImageRef(reference);
  const redactor = new Redactor();
  for (const secret of [options.auth?.password, options.auth?.identitytoken, options.auth?.registrytoken]) redactor.addSecret(secret);
  const registryToken = options.auth?.registrytoken;
  return { ref, base: repositoryEndpoint(ref, options.scheme), options, authorization: registryToken ? `Bearer ${registryToken}` : undefined, redactor };
}

async function send(session: Session, url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, ...(session.options.signal ? { signal: session.options.signal } : {}) });
  } catch (error) {
    if (session.options.signal?.aborted) throw new CancelledError(what);
    throw new DockerError('docker/push-failed', `The registry ${session.ref.registry} could not be reached (${new URL(url).host}).`, { cause: error });
  }
}

/** GET/HEAD below `/v2/<repo>/`, answering one authentication challenge if the registry sends one. */
async function registryRequest(session: Session, method: 'GET' | 'HEAD', path: string): Promise<Response> {
  const url = `${session.base}/${path}`;
  const request = () => {
    const headers: Record<string, string> = { Accept: manifestAccept };
    if (session.authorization) headers['Authorization'] = session.authorization;
    return send(session, url, { method, headers }, 'Reading the manifest');
  };
  let response = await request();
  if (response.status === 401 && !session.options.auth?.registrytoken) {
    const sent = session.authorization;
    await response.body?.cancel();
    session.authorization = await answerChallenge(session, parseAuthChallenges(response.headers.get('www-authenticate') ?? ''));
    if (session.authorization !== sent) response = await request();
  }
  if (response.status === 401 || response.status === 403) {
    await response.body?.cancel();
    const who = session.options.auth ? 'refused the credentials' : 'requires credentials, and none were found';
    throw new DockerError('docker/auth-failed', `The registry ${session.ref.registry} ${who} for ${session.ref.repository} (HTTP ${response.status}).`);
  }
  return response;
}

/** The Authorization header for a challenge: Bearer (preferred, as Docker's handlers are ordered) or Basic. */
async function answerChallenge(session: Session, challenges: AuthChallenge[]): Promise<string | undefined> {
  const auth = session.options.auth;
  const bearer = challenges.find((c) => c.scheme === 'bearer');
  if (bearer) return `Bearer ${await fetchBearerToken(session, bearer.params)}`;
  if (challenges.some((c) => c.scheme === 'basic') && auth?.username && auth.password) {
    return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }
  return session.authorization;
}

/** A token from the challenge's realm: OAuth2 refresh_token POST for identity tokens, else GET with Basic. */
async function fetchBearerToken(session: Session, params: Record<string, string>): Promise<string> {
  const { ref, options } = session;
  const fail = (why: string, code: 'docker/auth-failed' | 'docker/push-failed' = 'docker/auth-failed', detail?: string) =>
    new DockerError(code, `The token service of ${ref.registry} ${why}.`, detail ? { detail: session.redactor.redact(detail) } : {});
  let realm: URL;
  try {
    realm = new URL(params['realm'] ?? '');
  } catch {
    throw fail(`sent a Bearer challenge without a usable realm ("${params['realm'] ?? ''}")`);
  }
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw fail(`has a realm that is not http(s): ${realm.protocol}`);
  const scopes = (params['scope'] ?? `repository:${ref.repository}:pull`).split(' ').filter(Boolean);
  const service = params['service'];
  const auth = options.auth;
  let response: Response;
  if (auth?.identitytoken) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: auth.identitytoken, client_id: 'cosvm', scope: scopes.join(' ') });
    if (service) form.set('service', service);
    response = await send(session, realm.href, { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, 'Reading the manifest');
  } else {
    if (service) realm.searchParams.append('service', service);
    for (const scope of scopes) realm.searchParams.append('scope', scope);
    const headers: Record<string, string> = {};
    if (auth?.username && auth.password) {
      realm.searchParams.append('account', auth.username);
      headers['Authorization'] = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    }
    response = await send(session, realm.href, { method: 'GET', headers }, 'Reading the manifest');
  }
  const body = await response.text().catch(() => '');
  if (response.status === 401 || response.status === 403) {
    throw fail(`refused ${auth ? 'the credentials' : 'anonymous access'} for ${ref.repository} (HTTP ${response.status})`, 'docker/auth-failed', body);
  }
  if (!response.ok) throw fail(`answered HTTP ${response.status}`, 'docker/push-failed', body);
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    answer = undefined;
  }
  const fields = typeof answer === 'object' && answer !== null ? (answer as Record<string, unknown>) : {};
  // `access_token` and `token` are the same thing; Docker prefers access_token when both are present.
  const token = [fields['access_token'], fields['token']].find((t): t is string => typeof t === 'string' && t !== '');
  if (!token) throw fail('answered without a token');
  session.redactor.addSecret(token);
  return token;
}

function readDigest(response: Response, what: string): string {
  const digest = response.headers.get('docker-content-digest');
  if (!digest) throw new DockerError('docker/no-digest', `The registry answered for ${what} without a Docker-Content-Digest header.`);
  return digest;
}

/** HEAD /v2/<repo>/manifests/<tag or digest>: the `Docker-Content-Digest` header is the registry's truth. */
export async function fetchManifestDigest(reference: string, options: ManifestDigestOptions = {}): Promise<string> {
  const session = openSession(reference, options);
  const response = await registryRequest(session, 'HEAD', `manifests/${session.ref.digest ?? session.ref.tag ?? 'latest'}`);
  if (!response.ok) throw new DockerError('docker/push-failed', `The registry has no manifest for ${reference} (HTTP ${response.status}).`);
  return readDigest(response, reference);
}

/**
 * Whether the credentials open the repository: `GET /v2/<repo>/tags/list` through the same challenge answer a
 * push uses. 200, or 404 for a repository not pushed yet, means yes; a refusal throws `docker/auth-failed`.
 */
export async function probeRepositoryAccess(repository: string, options: ManifestDigestOptions = {}): Promise<{ status: number }> {
  const session = openSession(repository, options);
  const response = await registryRequest(session, 'GET', 'tags/list');
  await response.body?.cancel();
  if (response.ok || response.status === 404) return { status: response.status };
  throw new DockerError('docker/push-failed', `The registry ${session.ref.registry} answered HTTP ${response.status} for ${session.ref.repository}.`);
}

export interface VerifiedDigest {
  digest: string;
  /** The manifest's media type as the registry serves it, when it says. */
  mediaType: string | undefined;
}

/**
 * Checks that the registry resolves the reference's tag to the digest captured from the push. The reference
 * is `repo:tag` or `repo:tag@digest` (then that digest must be the captured one too); without a tag and a
 * digest the tag is `latest`, as in Docker. The tag may hold a single manifest, an OCI index or a manifest
 * list: only its own digest counts. When the tag holds an index and the captured digest is one of its
 * platform manifests, that is a mismatch too, explained as such: the captured digest would not pin what the
 * tag serves. Throws `docker/digest-mismatch` naming both digests, or `docker/no-digest`.
 */
export async function verifyPushedDigest(pinnedOrReference: string, capturedDigest: string, options: ManifestDigestOptions = {}): Promise<VerifiedDigest> {
  const ref = parseImageRef(pinnedOrReference);
  const tag = ref.tag ?? (ref.digest ? undefined : 'latest');
  const repoTag = `${ref.registry}/${ref.repository}:${tag ?? ''}`;
  if (!digestPattern.test(capturedDigest)) {
    throw new DockerError('docker/no-digest', `No valid digest was captured for ${repoTag} ("${capturedDigest}"), so the push cannot be verified.`);
  }
  if (!tag) {
    throw new DockerError('input/invalid', `${pinnedOrReference} names no tag, so there is nothing to check the pushed digest against.`);
  }
  if (ref.digest && ref.digest !== capturedDigest) {
    throw new DockerError('docker/digest-mismatch', `${pinnedOrReference} pins ${ref.digest}, but the push captured ${capturedDigest}.`);
  }
  const session = openSession(pinnedOrReference, options);
  const head = await registryRequest(session, 'HEAD', `manifests/${tag}`);
  if (!head.ok) throw new DockerError('docker/push-failed', `The registry has no manifest for ${repoTag} (HTTP ${head.status}).`);
  const digest = readDigest(head, repoTag);
  const mediaType = head.headers.get('content-type')?.split(';')[0]?.trim() || undefined;
  if (digest === capturedDigest) return { digest, mediaType };

  const children = await indexChildren(session, digest);
  if (children?.includes(capturedDigest)) {
    throw new DockerError(
      'docker/digest-mismatch',
      `The registry resolves ${repoTag} to the multi-platform index ${digest}, and the captured digest ${capturedDigest} is one of its platform manifests, not the tag's own digest; pin ${digest} or push a single-platform image.`,
    );
  }
  throw new DockerError(
    'docker/digest-mismatch',
    `The registry resolves ${repoTag} to ${digest}, but the push captured ${capturedDigest}; the tag may have been pushed again since.`,
  );
}

/** The child manifest digests when `digest` is an index or manifest list; undefined otherwise or unreadable. */
async function indexChildren(session: Session, digest: string): Promise<string[] | undefined> {
  let response: Response;
  try {
    response = await registryRequest(session, 'GET', `manifests/${digest}`);
  } catch (error) {
    if (session.options.signal?.aborted) throw error;
    return undefined; // the mismatch stands without the explanation
  }
  if (!response.ok) {
    await response.body?.cancel();
    return undefined;
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  // Read only the bytes the registry vouches for: they must hash to the digest we asked for.
  const [algorithm, hex] = digest.split(':');
  if (algorithm !== 'sha256' || createHash('sha256').update(bytes).digest('hex') !== hex) return undefined;
  let manifest: unknown;
  try {
    manifest = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof manifest !== 'object' || manifest === null) return undefined;
  const { mediaType, manifests } = manifest as { mediaType?: unknown; manifests?: unknown };
  const contentType = response.headers.get('content-type')?.split(';')[0]?.trim();
  const declared = typeof mediaType === 'string' ? mediaType : contentType;
  // An OCI index may omit mediaType; its `manifests` array then says what it is.
  const isIndex = (declared !== undefined && indexTypes.includes(declared)) || (mediaType === undefined && Array.isArray(manifests));
  if (!isIndex || !Array.isArray(manifests)) return undefined;
  return manifests.flatMap((child: unknown) => {
    const childDigest = typeof child === 'object' && child !== null ? (child as { digest?: unknown }).digest : undefined;
    return typeof childDigest === 'string' ? [childDigest] : [];
  });
}
