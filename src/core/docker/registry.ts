/**
 * Reads a manifest digest straight from a registry (distribution v2 API), to check a digest captured from
 * a push against the registry's own answer.
 */
import { CancelledError, DockerError } from '../errors';
import { parseImageRef } from './imageRef';
import type { RegistryAuth } from './engine';

/** Every manifest kind a registry may hold for a tag, including OCI indexes of multi-platform pushes. */
const manifestAccept = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

export interface ManifestDigestOptions {
  auth?: Pick<RegistryAuth, 'username' | 'password'>;
  /** `http` only for registries on loopback; default `https`. */
  scheme?: 'http' | 'https';
  signal?: AbortSignal;
}

/** HEAD /v2/<repo>/manifests/<tag>: the `Docker-Content-Digest` header is the registry's truth. */
export async function fetchManifestDigest(reference: string, options: ManifestDigestOptions = {}): Promise<string> {
  const ref = parseImageRef(reference);
  const scheme = options.scheme ?? (/^(localhost|127\.)/.test(ref.registry) ? 'http' : 'https');
  const url = `${scheme}://${ref.registry}/v2/${ref.repository}/manifests/${ref.digest ?? ref.tag ?? 'latest'}`;
  const headers: Record<string, string> = { Accept: manifestAccept };
  if (options.auth) {
    headers['Authorization'] = `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}`;
  }
  let response: Response;
  try {
    response = await fetch(url, { method: 'HEAD', headers, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError('Reading the digest');
    throw new DockerError('docker/push-failed', `The registry ${ref.registry} could not be reached.`, { cause: error });
  }
  if (response.status === 401 || response.status === 403) {
    throw new DockerError('docker/auth-failed', `The registry ${ref.registry} refused the credentials (HTTP ${response.status}).`);
  }
  if (!response.ok) {
    throw new DockerError('docker/push-failed', `The registry has no manifest for ${reference} (HTTP ${response.status}).`);
  }
  const digest = response.headers.get('docker-content-digest');
  if (!digest) throw new DockerError('docker/no-digest', `The registry answered for ${reference} without a Docker-Content-Digest header.`);
  return digest;
}
