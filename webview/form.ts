/**
 * The form: a syntax-error banner, the problem summary, containers, volumes and the restart policy, plus the
 * Preview tab. Built once; every host `document` updates it in place (rows keyed by path), so the field being
 * edited keeps its focus and caret. Edits go out only from user events, never while a host update is applied.
 */
import type { FormDiagnostic, FormEdit, FormPath, HostToWebview } from '../src/editor/protocol';
import { button, el, section, select, tabs, type Button } from './components';
import { addContainer, addVolume, containersPath, removeAt, setValue, volumesPath } from './edits';
import { readDeclaration, restartPolicies, volumeKinds, type DeclarationView } from './model';
import { pathKey, placeDiagnostics } from './paths';
import type { ViewState } from './state';
import { containerSection, type ContainerItem } from './form/containerSection';
import { RowList, type DiagnosticSlot, type FormContext } from './form/context';
import { diagnosticSlot, Summary } from './form/diagnostics';
import { field } from './form/field';
import { Preview } from './form/preview';
import { volumeSection } from './form/volumeSection';
import type { VolumeView } from './model';

type DocumentMessage = HostToWebview;

export interface FormHost {
  post(edit: FormEdit, version: number): void;
  showSource(path?: FormPath): void;
  readonly state: ViewState;
  saveState(): void;
}

interface Anchor {
  path: FormPath;
  slots: Set<DiagnosticSlot>;
  onInvalid: ((invalid: boolean) => void)[];
}

const kindButtonText = { hostPath: 'Add host path volume', emptyDir: 'Add in-memory volume', gcePersistentDisk: 'Add persistent disk volume' } as const;

export class Form implements FormContext {
  readonly el = el('div', 'form-root');
  private readonly banner = el('div', 'banner');
  private readonly bannerText = el('span');
  private readonly body = el('div', 'form-body');
  private readonly summary: Summary;
  private readonly preview = new Preview();
  private readonly containers: RowList<ContainerItem>;
  private readonly volumes: RowList<VolumeView>;
  private readonly addContainerButton: Button;
  private readonly addContainerReason = el('span', 'reason');
  private readonly modeNote = el('p', 'mode-note');
  private readonly restart = select({ label: 'Restart policy', onChange: (value) => this.emit(value === '' ? removeAt(['spec', 'restartPolicy']) : setValue(['spec', 'restartPolicy'], value)) });
  private readonly restartField = field('Restart policy', this.restart.el);
  private readonly containersSlot = diagnosticSlot();
  private readonly volumesSlot = diagnosticSlot();
  private anchors = new Map<string, Anchor>();
  private view: DeclarationView = { containers: [], volumes: [], restartPolicy: '' };
  private version = -1;
  private applying = false;
  private readOnly = true;

  constructor(private readonly host: FormHost) {
    this.summary = new Summary((path) => host.showSource(path));
    this.banner.setAttribute('role', 'alert');
    this.banner.hidden = true;
    this.banner.append(this.bannerText, button({ text: 'Show in YAML', onClick: () => host.showSource() }).el);

    const containersPart = section({ heading: 'Containers', open: this.isOpen('section:containers', true), onToggle: (open) => this.setOpen('section:containers', open) });
    const containerList = el('div', 'rows');
    this.addContainerButton = button({ text: 'Add container', onClick: () => this.emit(addContainer(this.view)) });
    const addRow = el('div', 'add-row');
    addRow.append(this.addContainerButton.el, this.addContainerReason);
    containersPart.body.append(this.modeNote, this.containersSlot.el, containerList, addRow);
    this.containers = new RowList(containerList, (index) => containerSection(this, index, () => this.view));

    const volumesPart = section({ heading: 'Volumes', open: this.isOpen('section:volumes', true), onToggle: (open) => this.setOpen('section:volumes', open) });
    const volumeList = el('div', 'rows');
    const addVolumes = el('div', 'add-row');
    addVolumes.append(...volumeKinds.map((kind) => button({ text: kindButtonText[kind], secondary: true, onClick: () => this.emit(addVolume(this.view, kind)) }).el));
    volumesPart.body.append(this.volumesSlot.el, volumeList, addVolumes);
    this.volumes = new RowList(volumeList, (index) => volumeSection(this, index));

    const generalPart = section({ heading: 'Restart', open: this.isOpen('section:general', true), onToggle: (open) => this.setOpen('section:general', open) });
    generalPart.body.append(this.restartField.el);

    this.body.append(this.summary.el, containersPart.el, volumesPart.el, generalPart.el);
    const tabBar = tabs({
      items: [{ title: 'Form', panel: this.body }, { title: 'Preview', panel: this.preview.el }],
      selected: host.state.tab,
      onSelect: (index) => {
        host.state.tab = index;
        host.saveState();
      },
    });
    this.el.append(this.banner, tabBar.el);
  }

  update(message: DocumentMessage): void {
    this.applying = true;
    try {
      this.version = message.version;
      this.readOnly = message.syntaxError !== undefined;
      this.banner.hidden = !message.syntaxError;
      if (message.syntaxError) {
        const { line, column, message: text } = message.syntaxError;
        this.bannerText.textContent = `The YAML cannot be parsed (line ${line}, column ${column}): ${text}. The form is read-only until the text is fixed.`;
      } else {
        // A broken document keeps showing the last good form (read-only) rather than an empty one.
        this.view = readDeclaration(message.declaration);
      }
      this.body.inert = this.readOnly;
      this.body.classList.toggle('read-only', this.readOnly);
      this.render(message.mode, message.diagnostics);
      this.preview.update(message.previews);
    } finally {
      this.applying = false;
    }
  }

  private render(mode: DocumentMessage['mode'], diagnostics: readonly FormDiagnostic[]): void {
    this.anchors = new Map();
    const konlet = mode === 'konlet';
    const count = this.view.containers.length;
    this.modeNote.textContent = konlet
      ? 'konlet mode: the VM runs exactly one container.'
      : 'cloud-init mode: each container runs as its own systemd service.';
    const blocked = konlet && count >= 1;
    const reason = 'konlet runs exactly one container; switch the declaration to cloud-init mode for more.';
    this.addContainerButton.setDisabled(blocked, reason);
    this.addContainerReason.textContent = blocked ? reason : '';
    this.anchor(containersPath, this.containersSlot);
    this.containers.update(this.view.containers.map((container) => ({ container, view: this.view, removable: !konlet || count > 1 })));
    this.anchor(volumesPath, this.volumesSlot);
    this.volumes.update(this.view.volumes);
    const policies: { value: string; label: string }[] = restartPolicies.map((policy) => ({ value: policy, label: policy }));
    policies.unshift({ value: '', label: '(not set: Always)' });
    if (!policies.some((p) => p.value === this.view.restartPolicy)) policies.push({ value: this.view.restartPolicy, label: `${this.view.restartPolicy} (invalid)` });
    this.restart.set(policies, this.view.restartPolicy);
    this.restartField.anchor(this, ['spec', 'restartPolicy']);
    this.summary.update(diagnostics);
    this.placeDiagnostics(diagnostics);
  }

  private placeDiagnostics(diagnostics: readonly FormDiagnostic[]): void {
    const placed = placeDiagnostics(diagnostics, [...this.anchors.values()].map((anchor) => anchor.path));
    const perSlot = new Map<DiagnosticSlot, FormDiagnostic[]>();
    const perInvalid = new Map<(invalid: boolean) => void, boolean>();
    for (const [key, anchor] of this.anchors) {
      const here = placed.get(key) ?? [];
      for (const slot of anchor.slots) perSlot.set(slot, [...(perSlot.get(slot) ?? []), ...here]);
      for (const callback of anchor.onInvalid) perInvalid.set(callback, (perInvalid.get(callback) ?? false) || here.some((d) => d.severity === 'error'));
    }
    for (const [slot, list] of perSlot) slot.set(list);
    for (const [callback, invalid] of perInvalid) callback(invalid);
  }

  emit(edit: FormEdit): void {
    if (this.applying || this.readOnly) return;
    this.host.post(edit, this.version);
  }

  anchor(path: FormPath, slot: DiagnosticSlot, onInvalid?: (invalid: boolean) => void): void {
    const key = pathKey(path);
    const anchor = this.anchors.get(key) ?? { path, slots: new Set(), onInvalid: [] };
    anchor.slots.add(slot);
    if (onInvalid) anchor.onInvalid.push(onInvalid);
    this.anchors.set(key, anchor);
  }

  isOpen(key: string, fallback: boolean): boolean {
    return this.host.state.closed.includes(key) ? false : fallback;
  }

  setOpen(key: string, open: boolean): void {
    const closed = this.host.state.closed.filter((item) => item !== key);
    if (!open) closed.push(key);
    this.host.state.closed = closed;
    this.host.saveState();
  }
}
