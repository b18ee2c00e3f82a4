/** One labelled field with its diagnostics underneath. */
import { el } from '../components';
import type { FormPath } from '../../src/editor/protocol';
import type { DiagnosticSlot, FormContext } from './context';
import { diagnosticSlot } from './diagnostics';

export interface Field {
  readonly el: HTMLElement;
  /** Anchors the field's diagnostics at `path` for this render. */
  anchor(context: FormContext, path: FormPath): void;
}

export function field(label: string, control: HTMLElement, options: { extra?: HTMLElement[]; onInvalid?: (invalid: boolean) => void } = {}): Field {
  const node = el('div', 'field');
  const caption = el('span', 'field-label', label);
  caption.setAttribute('aria-hidden', 'true'); // the control carries the same text as its aria-label
  const controlRow = el('div', 'field-control');
  controlRow.append(control, ...(options.extra ?? []));
  const slot: DiagnosticSlot = diagnosticSlot();
  node.append(caption, controlRow, slot.el);
  return {
    el: node,
    anchor(context, path) {
      context.anchor(path, slot, options.onInvalid);
    },
  };
}
