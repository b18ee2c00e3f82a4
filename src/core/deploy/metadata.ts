/**
 * Which metadata a deploy writes, per mode (DESIGN §2), and how it lands on an instance that already has
 * metadata: our keys are written, every other key keeps its value and position byte for byte, and a key we
 * would overwrite but did not write (the user's own `user-data` or `startup-script`) stops the deploy.
 */
import { DeployError } from '../errors';
import { parseDeclaration } from '../declaration/parse';
import { cloudInitMarker, renderCloudInit } from '../declaration/render/cloudInit';
import { renderKonlet } from '../declaration/render/konlet';
import { renderStartupScript, startupScriptMarker } from '../declaration/render/startupScript';
import { cosvmDeclarationKey, konletKey } from '../gce/deployInfo';
import { mergeMetadata, type MetadataEntry } from '../gce/instanceMetadata';
import type { DeployMode } from './profile';

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

/**
 * The new metadata of an existing instance after a deploy of `declarationText` in `mode`. Refuses to
 * overwrite a `user-data` or `startup-script` cosvm did not write, and to switch a konlet VM to another mode
 * (that is Migrate, which shows its plan first).
 */
export function planDeployMetadata(items: readonly MetadataEntry[], declarationText: string, mode: DeployMode, instance: string): MetadataEntry[] {
  const value = (key: string) => items.find((item) => item.key === key)?.value;
  // Ours only when our rendering's marker is in it: a user's own cloud-config or script is never replaced or removed.
  const userData = value('user-data');
  const startupScript = value('startup-script');
  const ourUserData = userData?.includes(cloudInitMarker) === true;
  const ourStartupScript = startupScript?.includes(startupScriptMarker) === true;
  if (mode !== 'konlet' && value(konletKey) !== undefined) {
    throw new DeployError('deploy/conflict', `${instance} runs its container with konlet (gce-container-declaration). Run "COS: Migrate to cloud-init" first, or deploy with mode: konlet.`);
  }
  if (mode === 'cloud-init' && userData !== undefined && !ourUserData) {
    throw new DeployError('deploy/conflict', `${instance} already has its own user-data, which a cloud-init deploy would replace. Remove it, or deploy with mode: startup-script.`);
  }
  if (mode === 'startup-script' && startupScript !== undefined && !ourStartupScript) {
    throw new DeployError('deploy/conflict', `${instance} already has its own startup-script, which a startup-script deploy would replace. Remove it, or deploy with mode: cloud-init.`);
  }
  const set = renderedMetadata(declarationText, mode);
  // What another mode of ours wrote goes, so the VM does not run the containers twice; konlet's keys go only
  // through Migrate (which shows its plan), and `cosvm-declaration` is rewritten or dropped with our rendering.
  const stale = [
    ...(mode !== 'cloud-init' && ourUserData ? ['user-data'] : []),
    ...(mode !== 'startup-script' && ourStartupScript ? ['startup-script'] : []),
    ...(mode === 'konlet' ? [cosvmDeclarationKey] : []),
  ];
  return mergeMetadata(items, set, stale);
}

/** The declaration an instance's metadata says it runs (ours or konlet's), for history and rollback. */
export function deployedDeclaration(items: readonly MetadataEntry[]): string | undefined {
  return items.find((item) => item.key === cosvmDeclarationKey)?.value ?? items.find((item) => item.key === konletKey)?.value;
}
