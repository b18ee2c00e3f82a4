/** The Preview tab: what deploy would write, in read-only code blocks. */
import type { HostToWebview } from '../../src/editor/protocol';
import { el } from '../components';

type Previews = HostToWebview['previews'];
const blocks: { key: keyof Previews; title: string }[] = [
  { key: 'cloudInit', title: 'cloud-init (user-data)' },
  { key: 'konlet', title: 'konlet (gce-container-declaration)' },
  { key: 'dockerRun', title: 'docker run' },
  { key: 'kubernetes', title: 'Kubernetes' },
];

export class Preview {
  readonly el = el('div', 'preview');
  private readonly codes = new Map<keyof Previews, HTMLElement>();

  constructor() {
    for (const block of blocks) {
      const figure = el('section', 'preview-block');
      const heading = el('h3', undefined, block.title);
      const pre = el('pre');
      const code = el('code');
      pre.tabIndex = 0; // scrollable by keyboard
      pre.setAttribute('aria-label', block.title);
      pre.append(code);
      figure.append(heading, pre);
      this.el.append(figure);
      this.codes.set(block.key, code);
    }
  }

  update(previews: Previews): void {
    for (const block of blocks) {
      const code = this.codes.get(block.key);
      const text = previews[block.key] ?? '(not available for this declaration)';
      if (code && code.textContent !== text) code.textContent = text;
    }
  }
}
