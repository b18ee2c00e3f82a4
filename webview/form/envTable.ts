/** env as a table of name and value, with a warning on secret-looking entries. */
import type { FormPath } from '../../src/editor/protocol';
import { button, el, textField } from '../components';
import { removeAt, setValue } from '../edits';
import type { EnvView } from '../model';
import { secretAdvice, secretReason } from '../secrets';
import { diagnosticSlot } from './diagnostics';
import { RowList, type FormContext, type Row } from './context';

export class EnvTable {
  readonly el = el('div', 'env-table');
  private readonly rows: RowList<EnvView>;
  private readonly slot = diagnosticSlot();
  private path: FormPath = [];

  constructor(private readonly context: FormContext, onAdd: () => void) {
    this.el.setAttribute('role', 'table');
    this.el.setAttribute('aria-label', 'Environment variables');
    const head = el('div', 'env-row env-head');
    head.setAttribute('role', 'row');
    for (const title of ['Name', 'Value', '']) {
      const cell = el('span', 'env-cell', title);
      cell.setAttribute('role', 'columnheader');
      head.append(cell);
    }
    const body = el('div', 'env-body');
    body.setAttribute('role', 'rowgroup');
    const add = button({ text: 'Add variable', secondary: true, onClick: onAdd });
    this.el.append(head, body, this.slot.el, add.el);
    this.rows = new RowList(body, (index) => this.row(index));
  }

  update(path: FormPath, env: readonly EnvView[]): void {
    this.path = path;
    this.context.anchor(path, this.slot);
    this.rows.update(env);
  }

  private row(index: number): Row<EnvView> {
    const node = el('div', 'env-row');
    node.setAttribute('role', 'row');
    const name = textField({ label: `Variable ${index + 1} name`, monospace: true, onCommit: (value) => this.context.emit(setValue([...this.path, index, 'name'], value)) });
    const value = textField({ label: `Variable ${index + 1} value`, monospace: true, onCommit: (text) => this.context.emit(setValue([...this.path, index, 'value'], text)) });
    const warning = el('span', 'secret-warning', '⚠');
    warning.setAttribute('role', 'img');
    warning.tabIndex = 0; // so keyboard users reach the explanation in the tooltip and the aria-label
    const remove = button({ text: 'Remove', secondary: true, ariaLabel: `Remove variable ${index + 1}`, onClick: () => this.context.emit(removeAt([...this.path, index])) });
    const nameSlot = diagnosticSlot();
    const valueSlot = diagnosticSlot();
    const rowSlot = diagnosticSlot();
    const nameCell = el('div', 'env-cell');
    nameCell.setAttribute('role', 'cell');
    nameCell.append(name.el, nameSlot.el);
    const valueCell = el('div', 'env-cell env-value');
    valueCell.setAttribute('role', 'cell');
    valueCell.append(value.el, warning, valueSlot.el);
    const actions = el('div', 'env-cell');
    actions.setAttribute('role', 'cell');
    actions.append(remove.el);
    node.append(nameCell, valueCell, actions, rowSlot.el);
    return {
      el: node,
      update: (item, i) => {
        name.set(item.name);
        value.set(item.value);
        const reason = secretReason(item.name, item.value);
        warning.hidden = !reason;
        if (reason) {
          warning.title = `${reason} ${secretAdvice}`;
          warning.setAttribute('aria-label', `Possible secret. ${reason} ${secretAdvice}`);
        }
        remove.setLabel(`Remove variable ${item.name || i + 1}`);
        this.context.anchor([...this.path, i], rowSlot);
        this.context.anchor([...this.path, i, 'name'], nameSlot, (invalid) => name.setInvalid(invalid));
        this.context.anchor([...this.path, i, 'value'], valueSlot, (invalid) => value.setInvalid(invalid));
      },
    };
  }
}
