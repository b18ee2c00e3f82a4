/** One container: name, image (with its digest badge), command, args, env, mounts, privileged, stdin, tty. */
import type { FormPath } from '../../src/editor/protocol';
import { badge, button, checkbox, el, section, textField } from '../components';
import { addEnv, addListItem, addMount, containersPath, removeAt, setValue } from '../edits';
import { isPinned, type ContainerView, type DeclarationView } from '../model';
import { diagnosticSlot } from './diagnostics';
import { EnvTable } from './envTable';
import { field } from './field';
import { MountList } from './mounts';
import { StringList } from './stringList';
import type { FormContext, Row } from './context';

export interface ContainerItem {
  container: ContainerView;
  view: DeclarationView;
  /** Whether the container may be removed (konlet needs exactly one, so its last one cannot go). */
  removable: boolean;
}

export function containerSection(context: FormContext, index: number, latest: () => DeclarationView): Row<ContainerItem> {
  const path = (...rest: (string | number)[]): FormPath => [...containersPath, index, ...rest];
  const emitSet = (value: string | boolean, ...rest: (string | number)[]) => context.emit(setValue(path(...rest), value));
  const key = `container:${index}`;
  const part = section({ heading: `Container ${index + 1}`, open: context.isOpen(key, true), onToggle: (open) => context.setOpen(key, open) });
  const remove = button({ text: 'Remove container', secondary: true, ariaLabel: `Remove container ${index + 1}`, onClick: () => context.emit(removeAt(path())) });
  part.addAction(remove.el);

  const name = textField({ label: 'Container name', monospace: true, onCommit: (value) => emitSet(value, 'name') });
  const image = textField({ label: 'Image', placeholder: 'us-docker.pkg.dev/project/repo/app:tag', monospace: true, onCommit: (value) => emitSet(value, 'image') });
  const digest = badge();
  const nameField = field('Name', name.el, { onInvalid: (invalid) => name.setInvalid(invalid) });
  const imageField = field('Image', image.el, { extra: [digest.el], onInvalid: (invalid) => image.setInvalid(invalid) });
  const command = new StringList(context, 'Command', () => context.emit(addListItem(index, 'command')));
  const args = new StringList(context, 'Arguments', () => context.emit(addListItem(index, 'args')));
  const env = new EnvTable(context, () => context.emit(addEnv(index)));
  const mounts = new MountList(context, () => context.emit(addMount(latest(), index)));
  const privileged = checkbox({ label: 'Privileged', onChange: (checked) => emitSet(checked, 'securityContext', 'privileged') });
  const stdin = checkbox({ label: 'Keep stdin open (stdin)', onChange: (checked) => emitSet(checked, 'stdin') });
  const tty = checkbox({ label: 'Allocate a TTY (tty)', onChange: (checked) => emitSet(checked, 'tty') });
  const flags = el('div', 'flags');
  const privilegedField = field('', privileged.el);
  const stdinField = field('', stdin.el);
  const ttyField = field('', tty.el);
  flags.append(privilegedField.el, stdinField.el, ttyField.el);
  const slot = diagnosticSlot();
  part.body.append(slot.el, nameField.el, imageField.el, command.el, args.el, env.el, mounts.el, flags);

  return {
    el: part.el,
    update({ container, view, removable }) {
      part.setHeading(container.name || `Container ${index + 1}`, container.image);
      remove.setDisabled(!removable, 'konlet runs exactly one container.');
      name.set(container.name);
      image.set(container.image);
      const pinned = isPinned(container.image);
      digest.set(pinned ? 'pinned' : 'not pinned', pinned ? 'ok' : 'warning');
      digest.el.title = pinned ? 'The image names a digest: every VM runs the same bits.' : 'No @sha256 digest: the tag may move and each VM pulls what it points to at boot.';
      privileged.set(container.privileged);
      stdin.set(container.stdin);
      tty.set(container.tty);
      context.anchor(path(), slot);
      nameField.anchor(context, path('name'));
      imageField.anchor(context, path('image'));
      command.update(path('command'), container.command);
      args.update(path('args'), container.args);
      env.update(path('env'), container.env);
      mounts.update(path('volumeMounts'), container.volumeMounts, view.volumes.map((v) => v.name));
      privilegedField.anchor(context, path('securityContext'));
      stdinField.anchor(context, path('stdin'));
      ttyField.anchor(context, path('tty'));
    },
  };
}
