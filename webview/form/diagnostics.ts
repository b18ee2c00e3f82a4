/** Diagnostics next to their fields, and the summary at the top of the form. */
import type { FormDiagnostic, FormPath } from '../../src/editor/protocol';
import { button, el } from '../components';
import { sortDiagnostics, summarize } from '../paths';
import type { DiagnosticSlot } from './context';

function line(diagnostic: FormDiagnostic): HTMLElement {
  const item = el('div', `diagnostic ${diagnostic.severity}`);
  item.append(el('span', 'diagnostic-severity', diagnostic.severity === 'error' ? 'Error' : diagnostic.severity === 'warning' ? 'Warning' : 'Info'));
  item.append(el('span', 'diagnostic-message', diagnostic.message));
  item.append(el('span', 'diagnostic-code', diagnostic.code));
  return item;
}

/** A slot under a field; rebuilt only when its diagnostics change. */
export function diagnosticSlot(): DiagnosticSlot {
  const node = el('div', 'diagnostics');
  node.setAttribute('role', 'group');
  node.setAttribute('aria-label', 'Problems');
  node.hidden = true;
  let signature = '[]';
  return {
    el: node,
    set(diagnostics) {
      const next = JSON.stringify(diagnostics);
      if (next === signature) return;
      signature = next;
      node.replaceChildren(...sortDiagnostics(diagnostics).map(line));
      node.hidden = diagnostics.length === 0;
    },
  };
}

/** The summary: counts (announced politely) and one line per diagnostic with a "Show in YAML" button. */
export class Summary {
  readonly el = el('section', 'summary');
  private readonly heading = el('h2', 'summary-heading');
  private readonly list = el('div', 'summary-list');
  private signature = '';

  constructor(private readonly showSource: (path: FormPath) => void) {
    this.heading.setAttribute('aria-live', 'polite');
    this.el.setAttribute('aria-label', 'Problems in this declaration');
    this.el.append(this.heading, this.list);
  }

  update(diagnostics: readonly FormDiagnostic[]): void {
    const next = JSON.stringify(diagnostics);
    if (next === this.signature) return;
    this.signature = next;
    this.heading.textContent = summarize(diagnostics);
    this.list.replaceChildren(...sortDiagnostics(diagnostics).map((diagnostic) => {
      const row = line(diagnostic);
      row.append(el('span', 'diagnostic-path', diagnostic.path.join('.')));
      const show = button({ text: 'Show in YAML', secondary: true, ariaLabel: `Show in YAML: ${diagnostic.message}`, onClick: () => this.showSource(diagnostic.path) });
      row.append(show.el);
      return row;
    }));
  }
}
