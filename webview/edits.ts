/**
 * Builds the one minimal FormEdit each form action sends, DOM-free. New items get defaults that are valid
 * enough to keep editing (a unique name, the kind's required keys) and leave out optional keys.
 */
import type { FormEdit, FormPath, FormValue } from '../src/editor/protocol';
import type { DeclarationView, VolumeKind } from './model';

export const containersPath: FormPath = ['spec', 'containers'];
export const volumesPath: FormPath = ['spec', 'volumes'];

export const setValue = (path: FormPath, value: string | number | boolean | null): FormEdit => ({ kind: 'set', path, value });
export const removeAt = (path: FormPath): FormEdit => ({ kind: 'remove', path });
/** Appends (no index), so the host can write the item after the last one without renumbering anything. */
export const append = (path: FormPath, value: FormValue): FormEdit => ({ kind: 'insert', path, value });

/** The first `base-N` not taken. */
export function uniqueName(base: string, taken: readonly string[]): string {
  for (let n = taken.length + 1; ; n++) {
    if (!taken.includes(`${base}-${n}`)) return `${base}-${n}`;
  }
}

export function addContainer(view: DeclarationView): FormEdit {
  return append(containersPath, { name: uniqueName('container', view.containers.map((c) => c.name)), image: '' });
}

export function addEnv(container: number): FormEdit {
  return append([...containersPath, container, 'env'], { name: '', value: '' });
}

export function addListItem(container: number, field: 'command' | 'args'): FormEdit {
  return append([...containersPath, container, field], '');
}

/** A mount of the first volume no mount of this container uses yet (or the first volume, or none). */
export function addMount(view: DeclarationView, container: number): FormEdit {
  const used = view.containers[container]?.volumeMounts.map((m) => m.name) ?? [];
  const name = view.volumes.find((v) => !used.includes(v.name))?.name ?? view.volumes[0]?.name ?? '';
  return append([...containersPath, container, 'volumeMounts'], { name, mountPath: '' });
}

/** The body of a new volume of `kind`: konlet needs `medium: Memory` and a pdName (reference/konlet-spec.md §1.2). */
export function kindDefaults(kind: VolumeKind): { [key: string]: FormValue } {
  switch (kind) {
    case 'hostPath': return { path: '' };
    case 'emptyDir': return { medium: 'Memory' };
    case 'gcePersistentDisk': return { pdName: '', fsType: 'ext4' };
  }
}

export function addVolume(view: DeclarationView, kind: VolumeKind): FormEdit {
  return append(volumesPath, { name: uniqueName('volume', view.volumes.map((v) => v.name)), [kind]: kindDefaults(kind) });
}

/** Gives a volume with no kind its first one: one `set` of the kind's required key creates the map. */
export function giveKind(volume: number, kind: VolumeKind): FormEdit {
  const [key, value] = Object.entries(kindDefaults(kind))[0] as [string, string];
  return setValue([...volumesPath, volume, kind, key], value);
}

/** A partition field: empty removes the key; digits set a number; anything else is written as typed, for the validator to flag. */
export function partitionEdit(volume: number, raw: string): FormEdit {
  const path: FormPath = [...volumesPath, volume, 'gcePersistentDisk', 'partition'];
  const trimmed = raw.trim();
  if (trimmed === '') return removeAt(path);
  return /^\d{1,9}$/.test(trimmed) ? setValue(path, Number(trimmed)) : setValue(path, trimmed);
}
