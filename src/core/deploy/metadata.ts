/**
 * Which metadata a deploy writes, per mode (DESIGN §2), and how it lands on an instance that already has
 * metadata: our keys are written, every other key keeps its value and position byte for byte, and a key we
 * would overwrite but did not write (the user's own `user-data` or `startup-script`) stops the deploy.
 */
import { DeployError } from '../errors';
import { parseDeclaration } from '../declaration/parse';
import { renderCloudInit } from '../declaration/render/cloudInit';
import { renderKonlet } from '../declaration/render/konlet';
import { renderStartupScript } from '../declaration/render/startupScript';
import { cosvmDeclarationKey, konletKey } from '../gce/deployInfo';
import { mergeMetadata, type MetadataEntry } from '../gce/instanceMetadata';
import type { DeployMode } from './profile';

/** The first line of our startup-script rendering: how we know a `startup-script` is ours. */
const startupScriptMarker = '# Written by cosvm from a container declaration';

/** The metadata entries that make a VM run `declarationText` in `mode`. */
export function renderedMetadata(declarationText: string, mode: DeployMode): MetadataEntry[] {
  const { declaration } = parseDeclaration(declarationText);
  const spec = declaration.spec ?? {};
  switch (mode) {
    case 'cloud-init':
      return [
        { key: 'user-data', value: renderCloudInit(spec) },
        { key: cosvmDeclarationKey, value: declarationText },
      ];
    case 'startup-script':
      return [
        { key: 'startup-script', value: renderStartupScript(spec) },
        { key: cosvmDeclarationKey, value: declarationText },
      ];
    case 'konlet':
      // What gcloud's create-with-container writes (konlet-spec.md §3.1).
      return [
        { key: konletKey, value: renderKonlet(declaration) },
        { key: 'google-logging-enabled', value: 'true' },
      ];
  }
}

/** The keys each mode owns; a deploy in one mode removes the others' (only when we wrote them). */
const ownedKeys: Record<DeployMode, readonly string[]> = {
  'cloud-init': ['user-data', cosvmDeclarationKey],
  'startup-script': ['startup-script', cosvmDeclarationKey],
  konlet: [konletKey, 'google-logging-enabled'],
};

/**
 * The new metadata of an existing instance after a deploy of `declarationText` in `mode`. Refuses to
 * overwrite a `user-data` or `startup-script` cosvm did not write, and to switch a konlet VM to another mode
 * (that is Migrate, which shows its plan first).
 */
export function planDeployMetadata(items: readonly MetadataEntry[], declarationText: string, mode: DeployMode, instance: string): MetadataEntry[] {
  const value = (key: string) => items.find((item) => item.key === key)?.value;
  const ours = value(cosvmDeclarationKey) !== undefined;
  if (mode !== 'konlet' && value(konletKey) !== undefined) {
    throw new DeployError('deploy/conflict', `${instance} runs its container with konlet (gce-container-declaration). Run "COS: Migrate to cloud-init" first, or deploy with mode: konlet.`);
  }
  if (mode === 'cloud-init' && value('user-data') !== undefined && !ours) {
    throw new DeployError('deploy/conflict', `${instance} already has its own user-data, which a cloud-init deploy would replace. Remove it, or deploy with mode: startup-script.`);
  }
  const startupScript = value('startup-script');
  if (mode === 'startup-script' && startupScript !== undefined && !startupScript.includes(startupScriptMarker)) {
    throw new DeployError('deploy/conflict', `${instance} already has its own startup-script, which a startup-script deploy would replace. Remove it, or deploy with mode: cloud-init.`);
  }
  const set = renderedMetadata(declarationText, mode);
  // Keys of another mode that we wrote earlier go, so the VM does not run the containers twice.
  const stale = (Object.keys(ownedKeys) as DeployMode[])
    .filter((other) => other !== mode)
    .flatMap((other) => ownedKeys[other])
    .filter((key) => !set.some((entry) => entry.key === key))
    .filter((key) => (key === 'startup-script' ? startupScript?.includes(startupScriptMarker) === true : key === 'user-data' ? ours && value(key)?.startsWith('#cloud-config') === true : key !== konletKey && key !== 'google-logging-enabled'));
  return mergeMetadata(items, set, stale);
}

/** The declaration an instance's metadata says it runs (ours or konlet's), for history and rollback. */
export function deployedDeclaration(items: readonly MetadataEntry[]): string | undefined {
  return items.find((item) => item.key === cosvmDeclarationKey)?.value ?? items.find((item) => item.key === konletKey)?.value;
}
