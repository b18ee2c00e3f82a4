/**
 * The `gce-container-declaration` metadata value exactly as gcloud writes it: the current DISCLAIMER
 * header (gcloud ≥ 540.0.0), then ruamel's safe_dump with sorted keys (reference/konlet-spec.md §2, §3.7).
 */
import type { Declaration } from '../model';
import { dumpCanonicalYaml, type YamlValue } from './canonicalYaml';

export const konletDisclaimer = [
  '# DISCLAIMER:',
  '# The option to deploy a container during VM creation using the container',
  '# startup agent is deprecated. Use alternative services to run containers on',
  '# your VMs. Learn more at https://cloud.google.com/compute/docs/containers/migrate-containers.',
  '',
  '',
].join('\n');

export const konletMetadataKey = 'gce-container-declaration';

export function renderKonlet(declaration: Declaration): string {
  // The typed declaration holds only plain data (strings, booleans, numbers, lists, maps).
  return konletDisclaimer + dumpCanonicalYaml(declaration as unknown as YamlValue);
}
