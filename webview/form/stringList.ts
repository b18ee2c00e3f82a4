/** command and args: an editable list of strings (edit, add at the end, remove any item). */
import type { FormPath } from '../../src/editor/protocol';
import { button, el, textField } from '../components';
import { removeAt, setValue } from '../edits';
import { diagnosticSlot } from './diagnostics';
import { RowList, type FormContext, type Row } from './context';

export class StringList {
  readonly el = el('div', 'string-list');
  private readonly rows: RowList<string>;
  private readonly slot = diagnosticSlot();
  private path: FormPath = [];

  constructor(private readonly context: FormContext, private readonly label: string, onAdd: () => void) {
    const items = el('div', 'string-list-items');
    this.el.setAttribute('role', 'group');
    this.el.setAttribute('aria-label', label);
    const heading = el('div', 'field-label', label);
    heading.setAttribute('aria-hidden', 'true');
    const add = button({ text: `Add ${label.toLowerCase()} item`, secondary: true, onClick: onAdd });
    this.el.append(heading, items, this.slot.el, add.el);
    this.rows = new RowList(items, (index) => this.row(index));
  }

  update(path: FormPath, items: readonly string[]): void {
    this.path = path;
    this.context.anchor(path, this.slot);
    this.rows.update(items);
  }

  private row(index: number): Row<string> {
    const node = el('div', 'list-row');
    const text = textField({ label: `${this.label} item ${index + 1}`, monospace: true, onCommit: (value) => this.context.emit(setValue([...this.path, index], value)) });
    const remove = button({ text: 'Remove', secondary: true, ariaLabel: `Remove ${this.label.toLowerCase()} item ${index + 1}`, onClick: () => this.context.emit(removeAt([...this.path, index])) });
    const slot = diagnosticSlot();
    node.append(text.el, remove.el, slot.el);
    return {
      el: node,
      update: (item, i) => {
        text.set(item);
        this.context.anchor([...this.path, i], slot, (invalid) => text.setInvalid(invalid));
      },
    };
  }
}
