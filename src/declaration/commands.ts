import * as path from 'node:path';
import * as vscode from 'vscode';
import { registerCommands } from '../common/action';
import { withCancellation } from '../common/cancellation';
import { parseDeclaration } from '../core/declaration/parse';
import { renderDeclaration, renderTargets, type RenderTarget } from '../core/declaration/render';
import { validateParsed } from '../core/declaration/validate';
import { fetchManifestDigest } from '../core/docker/registry';
import { parseImageRef, formatImageRef } from '../core/docker/imageRef';
import { CancelledError, DeclarationError } from '../core/errors';
import type { Ctx } from '../ctx';
import type { DeclarationDiagnostics } from './DeclarationDiagnostics';
import type { RenderPreviews } from './RenderPreviews';
import { declarationMode, isDeclaration } from './documents';

/** File extensions of previews, which pick their language (YAML or shell). */
const renderExtensions: Record<RenderTarget, string> = {
  konlet: 'yaml',
  'cloud-init': 'yaml',
  'startup-script': 'sh',
  'docker-run': 'sh',
  kubernetes: 'yaml',
  gcloud: 'sh',
};

function activeYamlDocument(uri: unknown): Thenable<vscode.TextDocument> | vscode.TextDocument {
  if (uri instanceof vscode.Uri) return vscode.workspace.openTextDocument(uri);
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'yaml') {
    throw new DeclarationError('input/invalid', vscode.l10n.t('Open a YAML file first.'));
  }
  return editor.document;
}

/** What "New Container Declaration" writes: one container, a port in env, and the default restart policy spelled out. */
function declarationTemplate(name: string): string {
  return [
    '# A container declaration: cosvm deploys it to COS VMs with cloud-init (or konlet on VMs that still run it).',
    'spec:',
    '  containers:',
    `    - name: ${name}`,
    '      # Build, push and deploy writes the pushed image here as repository@sha256:…',
    '      image: us-docker.pkg.dev/cloudrun/container/hello',
    '      env:',
    '        - name: PORT',
    '          value: "8080"',
    '  restartPolicy: Always',
    '',
  ].join('\n');
}

export function registerDeclarationCommands(ctx: Ctx, diagnostics: DeclarationDiagnostics, previews: RenderPreviews): void {
  registerCommands(ctx, {
    'cosvm.declaration.create': {
      title: vscode.l10n.t('New Container Declaration'),
      run: async () => {
        const folder = vscode.workspace.workspaceFolders?.[0];
        if (!folder) throw new DeclarationError('input/invalid', vscode.l10n.t('Open a folder first: the declaration is saved in it.'));
        const name = await vscode.window.showInputBox({
          title: vscode.l10n.t('New Container Declaration'),
          prompt: vscode.l10n.t('Container name; the file is NAME.cosvm.yaml in {0}', folder.name),
          value: 'web',
          validateInput: (value) => (/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(value) ? undefined : vscode.l10n.t('Lower-case letters, digits and hyphens, starting with a letter.')),
        });
        if (name === undefined) throw new CancelledError();
        const uri = vscode.Uri.joinPath(folder.uri, `${name}.cosvm.yaml`);
        const exists = await vscode.workspace.fs.stat(uri).then(
          () => true,
          () => false,
        );
        // An existing file is opened as it is, never overwritten.
        if (!exists) await vscode.workspace.fs.writeFile(uri, Buffer.from(declarationTemplate(name)));
        await vscode.window.showTextDocument(uri);
      },
    },
    'cosvm.declaration.associate': {
      title: vscode.l10n.t('Treat File as Container Declaration'),
      run: async (_action, uri?: unknown) => {
        const document = await activeYamlDocument(uri);
        if (isDeclaration(document, ctx.config)) {
          void vscode.window.showInformationMessage(vscode.l10n.t('{0} is already a container declaration.', path.basename(document.uri.fsPath)));
          return;
        }
        const folder = vscode.workspace.getWorkspaceFolder(document.uri);
        const pattern = folder ? `**/${path.relative(folder.uri.fsPath, document.uri.fsPath).split(path.sep).join('/')}` : document.uri.fsPath;
        await ctx.config.addDeclarationFile(pattern);
        ctx.log.info(`Associated ${pattern} with container declarations`);
        diagnostics.revalidateAll();
      },
    },
    'cosvm.declaration.render': {
      title: vscode.l10n.t('Preview Rendering'),
      run: async (_action, uri?: unknown, target?: unknown) => {
        const document = await activeYamlDocument(uri);
        const chosen =
          typeof target === 'string' && (renderTargets as readonly string[]).includes(target)
            ? (target as RenderTarget)
            : (
                await vscode.window.showQuickPick(
                  renderTargets.map((t) => ({ label: t, description: renderDescriptions()[t], target: t })),
                  { title: vscode.l10n.t('Render the declaration as…') },
                )
              )?.target;
        if (!chosen) throw new CancelledError();
        const text = document.getText();
        const parsed = parseDeclaration(text);
        const errors = validateParsed(parsed, { mode: chosen === 'konlet' ? 'konlet' : declarationMode(text, ctx.config) }).filter((d) => d.severity === 'error');
        if (errors.length > 0) {
          throw new DeclarationError('declaration/invalid', vscode.l10n.t('The declaration has {0} error(s); fix them before rendering (see the Problems panel).', errors.length));
        }
        const name = path.basename(document.uri.path).replace(/\.cosvm\.yaml$|\.ya?ml$/, '');
        const rendered = renderDeclaration(parsed.declaration, chosen, { name });
        const preview = await vscode.workspace.openTextDocument(previews.show(name, chosen, renderExtensions[chosen], rendered));
        await vscode.window.showTextDocument(preview, { viewColumn: vscode.ViewColumn.Beside, preview: true });
      },
    },
    'cosvm.declaration.pinDigest': {
      title: vscode.l10n.t('Pin Image to Digest'),
      run: async (action, uri?: unknown, range?: unknown, image?: unknown) => {
        if (!(uri instanceof vscode.Uri) || !(range instanceof vscode.Range) || typeof image !== 'string') {
          throw new DeclarationError('input/invalid', vscode.l10n.t('Use the quick fix on an image without a digest.'));
        }
        const digest = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Asking the registry for the digest of {0}…', image), cancellable: true },
          (_progress, token) => withCancellation(token, action.signal, (signal) => fetchManifestDigest(image, { signal })),
        );
        const ref = parseImageRef(image);
        const edit = new vscode.WorkspaceEdit();
        edit.replace(uri, range, formatImageRef({ ...ref, digest }));
        await vscode.workspace.applyEdit(edit);
        ctx.log.info(`Pinned ${image} to ${digest}`);
      },
    },
  });
}

function renderDescriptions(): Record<RenderTarget, string> {
  return {
    konlet: vscode.l10n.t('gce-container-declaration metadata, as gcloud writes it'),
    'cloud-init': vscode.l10n.t('#cloud-config user-data: one systemd unit per container'),
    'startup-script': vscode.l10n.t('the same as a startup-script'),
    'docker-run': vscode.l10n.t('the docker run line the VM runs'),
    kubernetes: vscode.l10n.t('a Kubernetes Deployment'),
    gcloud: vscode.l10n.t('gcloud compute instances create-with-container'),
  };
}
