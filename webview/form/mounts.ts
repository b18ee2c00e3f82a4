/** volumeMounts: the volume (a select of the defined volumes), the mount path and read-only. */
import type { FormPath } from '../../src/editor/protocol';
import { button, checkbox, el, select, textField, type SelectOption } from '../components';
import { removeAt, setValue } from '../edits';
import type { MountView } from '../model';
import { diagnosticSlot } from './diagnostics';
import { field } from './field';
import { RowList, type FormContext, type Row } from './context';

export class MountList {
  readonly el = el('div', 'mount-list');
  private readonly rows: RowList<MountView>;
  private readonly slot = diagnosticSlot();
  private path: FormPath = [];
  private volumeNames: readonly string[] = [];

  constructor(private readonly context: FormContext, onAdd: () => void) {
    this.el.setAttribute('role', 'group');
    this.el.setAttribute('aria-label', 'Volume mounts');
    const heading = el('div', 'field-label', 'Volume mounts');
    heading.setAttribute('aria-hidden', 'true');
    const items = el('div', 'mount-items');
    const add = button({ text: 'Add mount', secondary: true, onClick: onAdd });
    this.el.append(heading, items, this.slot.el, add.el);
    this.rows = new RowList(items, (index) => this.row(index));
  }

  update(path: FormPath, mounts: readonly MountView[], volumeNames: readonly string[]): void {
    this.path = path;
    this.volumeNames = volumeNames;
    this.context.anchor(path, this.slot);
    this.rows.update(mounts);
  }

  private options(current: string): SelectOption[] {
    const options = this.volumeNames.map((name) => ({ value: name, label: name || '(unnamed volume)' }));
    // A mount of a volume that does not exist stays visible (the validator flags it) instead of silently changing.
    if (!this.volumeNames.includes(current)) options.unshift({ value: current, label: `${current || '(none)'} — not defined` });
    return options;
  }

  private row(index: number): Row<MountView> {
    const node = el('div', 'mount-row');
    const name = select({ label: `Mount ${index + 1} volume`, onChange: (value) => this.context.emit(setValue([...this.path, index, 'name'], value)) });
    const mountPath = textField({ label: `Mount ${index + 1} path in the container`, placeholder: '/data', monospace: true, onCommit: (value) => this.context.emit(setValue([...this.path, index, 'mountPath'], value)) });
    const readOnly = checkbox({ label: 'Read-only', onChange: (checked) => this.context.emit(setValue([...this.path, index, 'readOnly'], checked)) });
    const remove = button({ text: 'Remove', secondary: true, ariaLabel: `Remove mount ${index + 1}`, onClick: () => this.context.emit(removeAt([...this.path, index])) });
    const nameField = field('Volume', name.el);
    const pathField = field('Mount path', mountPath.el, { onInvalid: (invalid) => mountPath.setInvalid(invalid) });
    const readOnlyField = field('', readOnly.el);
    const slot = diagnosticSlot();
    node.append(nameField.el, pathField.el, readOnlyField.el, remove.el, slot.el);
    return {
      el: node,
      update: (item, i) => {
        name.set(this.options(item.name), item.name);
        mountPath.set(item.mountPath);
        readOnly.set(item.readOnly);
        remove.setLabel(`Remove mount ${item.mountPath || i + 1}`);
        this.context.anchor([...this.path, i], slot);
        nameField.anchor(this.context, [...this.path, i, 'name']);
        pathField.anchor(this.context, [...this.path, i, 'mountPath']);
        readOnlyField.anchor(this.context, [...this.path, i, 'readOnly']);
      },
    };
  }
}
