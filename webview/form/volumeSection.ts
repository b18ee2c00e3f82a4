/** One volume: its name and the fields of its kind (hostPath with COS hints, emptyDir, gcePersistentDisk). */
import type { FormPath } from '../../src/editor/protocol';
import { button, el, section, select, textField } from '../components';
import { hostPathHint } from '../cosPaths';
import { giveKind, partitionEdit, removeAt, setValue, volumesPath } from '../edits';
import { volumeKinds, type VolumeKind, type VolumeView } from '../model';
import { diagnosticSlot } from './diagnostics';
import { field } from './field';
import type { FormContext, Row } from './context';

const kindLabels: Record<VolumeKind, string> = { hostPath: 'Host path', emptyDir: 'Empty directory', gcePersistentDisk: 'Persistent disk' };

export function volumeSection(context: FormContext, index: number): Row<VolumeView> {
  const path = (...rest: (string | number)[]): FormPath => [...volumesPath, index, ...rest];
  const emitSet = (value: string, ...rest: (string | number)[]) => context.emit(setValue(path(...rest), value));
  const key = `volume:${index}`;
  const part = section({ heading: `Volume ${index + 1}`, open: context.isOpen(key, true), onToggle: (open) => context.setOpen(key, open) });
  const remove = button({ text: 'Remove volume', secondary: true, ariaLabel: `Remove volume ${index + 1}`, onClick: () => context.emit(removeAt(path())) });
  part.addAction(remove.el);

  const name = textField({ label: 'Volume name', monospace: true, onCommit: (value) => emitSet(value, 'name') });
  const nameField = field('Name', name.el, { onInvalid: (invalid) => name.setInvalid(invalid) });

  // With no kind, one button per kind gives it one (a single `set` creates the map).
  const chooser = el('div', 'kind-chooser');
  chooser.append(el('span', 'field-label', 'Kind:'), ...volumeKinds.map((kind) => button({ text: kindLabels[kind], secondary: true, ariaLabel: `Make volume ${index + 1} a ${kindLabels[kind].toLowerCase()}`, onClick: () => context.emit(giveKind(index, kind)) }).el));

  const kindBoxes = {} as Record<VolumeKind, HTMLElement>;
  const removeKind = {} as Record<VolumeKind, HTMLElement>;
  for (const kind of volumeKinds) {
    kindBoxes[kind] = el('fieldset', 'kind');
    const legend = el('legend', undefined, kindLabels[kind]);
    // Shown only when several kinds are present (konlet wants exactly one): removing the extra one is one edit.
    removeKind[kind] = button({ text: `Remove ${kindLabels[kind].toLowerCase()}`, secondary: true, onClick: () => context.emit(removeAt(path(kind))) }).el;
    kindBoxes[kind].append(legend, removeKind[kind]);
  }

  const hostPath = textField({ label: 'Host path', placeholder: '/var/app-data', monospace: true, onCommit: (value) => emitSet(value, 'hostPath', 'path') });
  const hint = el('div', 'hint');
  const hostPathField = field('Path on the VM', hostPath.el, { onInvalid: (invalid) => hostPath.setInvalid(invalid) });
  hostPathField.el.append(hint);
  kindBoxes.hostPath.append(hostPathField.el);

  const medium = select({ label: 'Medium', onChange: (value) => emitSet(value, 'emptyDir', 'medium') });
  const mediumField = field('Medium', medium.el);
  kindBoxes.emptyDir.append(mediumField.el, el('div', 'hint', 'konlet accepts only Memory (a tmpfs sized by the VM\'s memory).'));

  const pdName = textField({ label: 'Disk device name', monospace: true, onCommit: (value) => emitSet(value, 'gcePersistentDisk', 'pdName') });
  const fsType = select({ label: 'File system type', onChange: (value) => emitSet(value, 'gcePersistentDisk', 'fsType') });
  const partition = textField({ label: 'Partition (empty or 0 for the whole disk)', monospace: true, onCommit: (value) => context.emit(partitionEdit(index, value)) });
  const pdNameField = field('Device name (pdName)', pdName.el, { onInvalid: (invalid) => pdName.setInvalid(invalid) });
  const fsTypeField = field('File system', fsType.el);
  const partitionField = field('Partition', partition.el, { onInvalid: (invalid) => partition.setInvalid(invalid) });
  kindBoxes.gcePersistentDisk.append(pdNameField.el, fsTypeField.el, partitionField.el);

  const slot = diagnosticSlot();
  part.body.append(slot.el, nameField.el, chooser, ...volumeKinds.map((kind) => kindBoxes[kind]));

  return {
    el: part.el,
    update(volume) {
      part.setHeading(volume.name || `Volume ${index + 1}`, volume.kinds.map((kind) => kindLabels[kind]).join(', '));
      name.set(volume.name);
      chooser.hidden = volume.kinds.length > 0;
      for (const kind of volumeKinds) {
        kindBoxes[kind].hidden = !volume.kinds.includes(kind);
        removeKind[kind].hidden = volume.kinds.length < 2;
      }
      hostPath.set(volume.hostPath);
      const pathHint = hostPathHint(volume.hostPath);
      hint.textContent = pathHint?.text ?? 'COS: / is read-only; /var and /home persist (noexec); /tmp and /etc are lost at reboot; /mnt/stateful_partition persists.';
      hint.dataset.tone = pathHint?.tone ?? 'info';
      const mediums = [{ value: 'Memory', label: 'Memory' }, { value: '', label: '(empty: rejected by konlet)' }];
      if (!['', 'Memory'].includes(volume.medium)) mediums.push({ value: volume.medium, label: volume.medium });
      medium.set(mediums, volume.medium);
      pdName.set(volume.pdName);
      const fsTypes = [{ value: 'ext4', label: 'ext4' }, { value: '', label: '(default: ext4)' }];
      if (!['', 'ext4'].includes(volume.fsType)) fsTypes.push({ value: volume.fsType, label: volume.fsType });
      fsType.set(fsTypes, volume.fsType);
      partition.set(volume.partition);
      context.anchor(path(), slot);
      nameField.anchor(context, path('name'));
      hostPathField.anchor(context, path('hostPath'));
      mediumField.anchor(context, path('emptyDir'));
      pdNameField.anchor(context, path('gcePersistentDisk'));
      pdNameField.anchor(context, path('gcePersistentDisk', 'pdName'));
      fsTypeField.anchor(context, path('gcePersistentDisk', 'fsType'));
      partitionField.anchor(context, path('gcePersistentDisk', 'partition'));
    },
  };
}
