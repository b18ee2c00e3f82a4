/** konlet authenticates only gcr.io, *.gcr.io and *.pkg.dev (reference/konlet-spec.md §4.5); so do we, with docker-credential-gcr. */
export function googleRegistryHost(image: string): string | undefined {
  const first = image.split('/')[0]?.toLowerCase() ?? '';
  if (!image.includes('/')) return undefined;
  return first === 'gcr.io' || first.endsWith('.gcr.io') || first.endsWith('.pkg.dev') ? first : undefined;
}
