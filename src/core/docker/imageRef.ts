/** Splits an image reference the way the Docker CLI does (`registry/repo:tag@digest`). */

export interface ImageRef {
  /** Registry host (and port); `docker.io` when the reference names none. */
  registry: string;
  /** Repository path inside the registry. */
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

export function parseImageRef(reference: string): ImageRef {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const firstSlash = rest.indexOf('/');
  const first = firstSlash >= 0 ? rest.slice(0, firstSlash) : '';
  // The first component is a registry only if it looks like a host (a dot, a port, or localhost).
  if (firstSlash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    return { registry: first, repository: rest.slice(firstSlash + 1), tag, digest };
  }
  const repository = firstSlash >= 0 ? rest : `library/${rest}`;
  return { registry: 'docker.io', repository, tag, digest };
}

export function formatImageRef(ref: ImageRef): string {
  const host = ref.registry === 'docker.io' ? '' : `${ref.registry}/`;
  const repo = ref.registry === 'docker.io' ? ref.repository.replace(/^library\//, '') : ref.repository;
  return `${host}${repo}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
