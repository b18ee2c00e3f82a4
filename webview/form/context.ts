/** What every part of the form gets from the form: a way to send an edit, to anchor diagnostics, and the view state. */
import type { FormDiagnostic, FormEdit, FormPath } from '../../src/editor/protocol';

export interface DiagnosticSlot {
  readonly el: HTMLElement;
  set(diagnostics: readonly FormDiagnostic[]): void;
}

export interface FormContext {
  /** Sends one edit; ignored while the form applies a host update or is read-only (no update loops). */
  emit(edit: FormEdit): void;
  /** Registers, for this render, where diagnostics under `path` are shown. */
  anchor(path: FormPath, slot: DiagnosticSlot, onInvalid?: (invalid: boolean) => void): void;
  /** Whether the section keyed `key` is open (view state), and a way to record the user's choice. */
  isOpen(key: string, fallback: boolean): boolean;
  setOpen(key: string, open: boolean): void;
}

/** A part of the form that is created once and then updated in place. */
export interface Row<T> {
  readonly el: HTMLElement;
  update(item: T, index: number): void;
}

/**
 * Rows keyed by index (the protocol's paths are index-based): the first rows are always reused and only the
 * tail grows or shrinks, so no element moves and the focused field keeps its focus and caret.
 */
export class RowList<T> {
  private readonly rows: Row<T>[] = [];
  constructor(private readonly parent: HTMLElement, private readonly create: (index: number) => Row<T>) {}

  update(items: readonly T[]): void {
    while (this.rows.length > items.length) this.rows.pop()?.el.remove();
    while (this.rows.length < items.length) {
      const row = this.create(this.rows.length);
      this.rows.push(row);
      this.parent.append(row.el);
    }
    items.forEach((item, index) => this.rows[index]?.update(item, index));
  }
}
