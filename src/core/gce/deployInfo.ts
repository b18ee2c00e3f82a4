/** How an instance or template runs its containers, read from its metadata (pure; unit-tested). */
import { parseDeclaration } from '../declaration/parse';
import type { DeployMode } from './model';

export interface MetadataItem {
  key?: string | null;
  value?: string | null;
}

export interface DeployInfo {
  mode: DeployMode;
  images: string[];
  declaration: string | undefined;
}

/** Metadata key where cosvm keeps the declaration it deployed, next to the rendering. */
export const cosvmDeclarationKey = 'cosvm-declaration';
export const konletKey = 'gce-container-declaration';

/** MIG members and copies share one declaration text; parse each text once (bounded). */
const imagesCache = new Map<string, string[]>();

function imagesOf(declaration: string): string[] {
  const known = imagesCache.get(declaration);
  if (known) return known;
  const images = (parseDeclaration(declaration).declaration.spec?.containers ?? []).map((c) => c.image ?? '').filter((image) => image !== '');
  if (imagesCache.size >= 256) imagesCache.clear();
  imagesCache.set(declaration, images);
  return images;
}

export function deployInfo(items: readonly MetadataItem[] | null | undefined): DeployInfo {
  const value = (key: string) => items?.find((item) => item.key === key)?.value ?? undefined;
  const konlet = value(konletKey);
  if (konlet !== undefined) return { mode: 'konlet', images: imagesOf(konlet), declaration: konlet };
  const ours = value(cosvmDeclarationKey);
  const userData = value('user-data');
  const startupScript = value('startup-script');
  const mode: DeployMode = userData?.startsWith('#cloud-config') ? 'cloud-init' : startupScript?.includes('docker run') || startupScript?.includes('cosvm-') ? 'startup-script' : 'none';
  if (ours !== undefined) return { mode: mode === 'none' ? 'cloud-init' : mode, images: imagesOf(ours), declaration: ours };
  return { mode, images: [], declaration: undefined };
}
