/**
 * The only module that touches @vscode-elements/elements (pinned in package.json). It imports just the
 * components the form uses and hands out small handles, so swapping the library touches this file alone.
 * Handles never fire their callbacks for programmatic updates: only user input reaches `onCommit`/`onChange`.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export interface TextField {
  readonly el: HTMLElement;
  /**
   * Shows the document's value. It replaces what is in the box only when the document's value changed since the
   * last call, so an unrelated update never clobbers text being typed, and an unchanged value never moves the caret.
   */
  set(value: string): void;
  setInvalid(invalid: boolean): void;
  focus(): void;
}

/** A labelled text box that commits on `change` (blur or Enter), never per keystroke. */
export function textField(options: { label: string; placeholder?: string; monospace?: boolean; onCommit: (value: string) => void }): TextField {
  const field = el('vscode-textfield', options.monospace ? 'mono' : undefined);
  field.label = options.label; // the inner input's aria-label
  if (options.placeholder) field.placeholder = options.placeholder;
  let shown: string | undefined;
  field.addEventListener('change', () => {
    if (field.value !== shown) options.onCommit(field.value);
  });
  return {
    el: field,
    set(value) {
      if (value === shown) return;
      shown = value;
      if (field.value !== value) field.value = value;
    },
    setInvalid(invalid) {
      field.invalid = invalid;
    },
    focus() {
      field.focus();
    },
  };
}

export interface Checkbox {
  readonly el: HTMLElement;
  set(checked: boolean): void;
}

export function checkbox(options: { label: string; onChange: (checked: boolean) => void }): Checkbox {
  const box = el('vscode-checkbox');
  box.label = options.label;
  box.addEventListener('change', (event) => {
    if (event.target === box) options.onChange(box.checked);
  });
  return {
    el: box,
    set(checked) {
      if (box.checked !== checked) box.checked = checked;
    },
  };
}

export interface SelectOption {
  value: string;
  label: string;
}

export interface Select {
  readonly el: HTMLElement;
  /** Replaces the options only when they changed, then selects `value`. */
  set(options: readonly SelectOption[], value: string): void;
}

export function select(options: { label: string; onChange: (value: string) => void }): Select {
  const box = el('vscode-single-select');
  box.label = options.label;
  let signature = '';
  box.addEventListener('change', () => options.onChange(box.value));
  return {
    el: box,
    set(list, value) {
      const next = JSON.stringify(list);
      if (next !== signature) {
        signature = next;
        box.replaceChildren(...list.map((item) => {
          const option = el('vscode-option', undefined, item.label);
          option.value = item.value;
          option.selected = item.value === value;
          return option;
        }));
      }
      if (box.value !== value) box.value = value;
    },
  };
}

export interface Button {
  readonly el: HTMLElement;
  /** Disables the button; `reason` becomes its tooltip and accessible description. */
  setDisabled(disabled: boolean, reason?: string): void;
  setLabel(ariaLabel: string): void;
}

/** A button; Enter and Space work through the component. `ariaLabel` names icon-like or repeated buttons ("Remove env FOO"). */
export function button(options: { text: string; ariaLabel?: string; secondary?: boolean; onClick: () => void }): Button {
  const node = el('vscode-button', undefined, options.text);
  node.secondary = options.secondary ?? false;
  if (options.ariaLabel) node.setAttribute('aria-label', options.ariaLabel);
  node.addEventListener('click', () => {
    if (!node.disabled) options.onClick();
  });
  return {
    el: node,
    setDisabled(disabled, reason) {
      node.disabled = disabled;
      if (reason && disabled) node.title = reason;
      else node.removeAttribute('title');
    },
    setLabel(ariaLabel) {
      node.setAttribute('aria-label', ariaLabel);
    },
  };
}

export interface Badge {
  readonly el: HTMLElement;
  set(text: string, tone: 'ok' | 'warning'): void;
}

export function badge(): Badge {
  const node = el('vscode-badge');
  return {
    el: node,
    set(text, tone) {
      node.textContent = text;
      node.dataset.tone = tone;
    },
  };
}

export interface Section {
  readonly el: HTMLElement;
  /** Where the section's content goes. */
  readonly body: HTMLElement;
  setHeading(heading: string, description?: string): void;
  /** Slot for buttons in the header (shown on hover/focus by the component, always here). */
  addAction(action: HTMLElement): void;
}

/** A collapsible section; `onToggle` reports the user's open/close so the view state can keep it. */
export function section(options: { heading: string; open: boolean; onToggle: (open: boolean) => void }): Section {
  const node = el('vscode-collapsible');
  node.heading = options.heading;
  node.open = options.open;
  node.alwaysShowHeaderActions = true;
  node.addEventListener('vsc-collapsible-toggle', (event) => {
    if (event.target === node) options.onToggle(event.detail.open);
  });
  const body = el('div', 'section-body');
  node.append(body);
  return {
    el: node,
    body,
    setHeading(heading, description) {
      if (node.heading !== heading) node.heading = heading;
      const next = description ?? '';
      if (node.description !== next) node.description = next;
    },
    addAction(action) {
      action.slot = 'actions';
      node.append(action);
    },
  };
}

export interface Tabs {
  readonly el: HTMLElement;
  select(index: number): void;
}

export function tabs(options: { items: { title: string; panel: HTMLElement }[]; selected: number; onSelect: (index: number) => void }): Tabs {
  const node = el('vscode-tabs');
  for (const item of options.items) {
    const header = el('vscode-tab-header', undefined, item.title);
    header.slot = 'header';
    const panel = el('vscode-tab-panel');
    panel.append(item.panel);
    node.append(header, panel);
  }
  node.selectedIndex = options.selected;
  node.addEventListener('vsc-tabs-select', (event) => options.onSelect(event.detail.selectedIndex));
  return {
    el: node,
    select(index) {
      node.selectedIndex = index;
    },
  };
}
