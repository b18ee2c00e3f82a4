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

/** Images by declaration text: MIG members and copies share one text, so a listing parses each once. */
export type ImagesMemo = Map<string, string[]>;

function imagesOf(declaration: string, memo: ImagesMemo | undefined): string[] {
  const known = memo?.get(declaration);
  if (known) return [...known];
  const images = (parseDeclaration(declaration).declaration.spec?.containers ?? []).map((c) => c.image ?? '').filter((image) => image !== '');
  memo?.set(declaration, images);
  return [...images];
}

export function deployInfo(items: readonly MetadataItem[] | null | undefined, memo?: ImagesMemo): DeployInfo {
  const value = (key: string) => items?.find((item) => item.key === key)?.value ?? undefined;
  const konlet = value(konletKey);
  if (konlet !== undefined) return { mode: 'konlet', images: imagesOf(konlet, memo), declaration: konlet };
  const ours = value(cosvmDeclarationKey);
  const userData = value('user-data');
  const startupScript = value('startup-script');
  const mode: DeployMode = userData?.startsWith('#cloud-config') ? 'cloud-init' : startupScript?.includes('docker run') || startupScript?.includes('cosvm-') ? 'startup-script' : 'none';
  if (ours !== undefined) return { mode: mode === 'none' ? 'cloud-init' : mode, images: imagesOf(ours, memo), declaration: ours };
  return { mode, images: [], declaration: undefined };
}
