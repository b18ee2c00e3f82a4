import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseProfile, profileFileName, type DeployMode } from '../core/deploy/profile';
import { CancelledError, CosvmError } from '../core/errors';
import type { Ctx } from '../ctx';

async function ask(options: vscode.InputBoxOptions): Promise<string> {
  const answer = await vscode.window.showInputBox({ ignoreFocusOut: true, ...options });
  if (answer === undefined) throw new CancelledError();
  return answer.trim();
}

async function pick<T extends vscode.QuickPickItem>(items: T[], title: string): Promise<T> {
  const answer = await vscode.window.showQuickPick(items, { title, ignoreFocusOut: true });
  if (!answer) throw new CancelledError();
  return answer;
}

const namePattern = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** YAML for one scalar: quoted only when YAML would read it as something else. */
function yamlScalar(value: string): string {
  return /^[A-Za-z0-9_./@-][A-Za-z0-9_./@:-]*$/.test(value) && !/^(true|false|yes|no|on|off|null|~|\d+)$/i.test(value) ? value : JSON.stringify(value);
}

/** "COS: Create Deploy Profile…": a QuickPick wizard that writes `cosvm.yaml` at the workspace root and opens it. */
export async function createProfile(ctx: Ctx): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new CosvmError('input/invalid', vscode.l10n.t('Open a folder first: the deploy profile lives at its root.'));
  const profileUri = vscode.Uri.joinPath(folder.uri, profileFileName);
  const exists = await vscode.workspace.fs.stat(profileUri).then(
    () => true,
    () => false,
  );
  if (exists) {
    const open = vscode.l10n.t('Open It');
    if ((await vscode.window.showWarningMessage(vscode.l10n.t('{0} already exists.', profileFileName), open)) === open) await vscode.window.showTextDocument(profileUri);
    return;
  }
  const steps = 6;
  const title = (step: number, what: string) => vscode.l10n.t('Deploy profile ({0}/{1}): {2}', step, steps, what);

  const dockerfiles = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/Dockerfile'), '**/node_modules/**', 20);
  const context =
    dockerfiles.length === 0
      ? await ask({ title: title(1, vscode.l10n.t('build context')), prompt: vscode.l10n.t('Folder with the Dockerfile, relative to the workspace'), value: '.' })
      : (
          await pick(
            dockerfiles.map((uri) => {
              const relative = path.posix.dirname(vscode.workspace.asRelativePath(uri, false)) || '.';
              return { label: relative, description: 'Dockerfile', value: relative };
            }),
            title(1, vscode.l10n.t('build context')),
          )
        ).value;

  const image = await ask({
    title: title(2, vscode.l10n.t('image repository')),
    prompt: vscode.l10n.t('Where to push, without tag: REGION-docker.pkg.dev/PROJECT/REPO/IMAGE, gcr.io/PROJECT/IMAGE or any registry'),
    placeHolder: 'us-central1-docker.pkg.dev/my-project/apps/web',
    validateInput: (value) => (/^[a-z0-9]([a-z0-9._:/-]*[a-z0-9])?$/.test(value.trim()) && value.includes('/') ? undefined : vscode.l10n.t('A repository such as us-central1-docker.pkg.dev/PROJECT/REPO/IMAGE')),
  });

  const declarations = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/*.cosvm.yaml'), '**/node_modules/**', 50);
  const declaration = (
    await pick(
      [
        ...declarations.map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false), value: vscode.workspace.asRelativePath(uri, false), create: false })),
        { label: vscode.l10n.t('$(new-file) New declaration app.cosvm.yaml'), value: 'app.cosvm.yaml', create: true },
      ],
      title(3, vscode.l10n.t('container declaration')),
    )
  );

  const kind = (
    await pick(
      [
        { label: vscode.l10n.t('$(vm) One instance'), description: vscode.l10n.t('created on the first deploy, updated after'), value: 'instance' as const },
        { label: vscode.l10n.t('$(layers) A managed instance group'), description: vscode.l10n.t('a new template per deploy, rolled out to the group'), value: 'mig' as const },
      ],
      title(4, vscode.l10n.t('where it runs')),
    )
  ).value;

  const projects = ctx.config.projects;
  const project =
    projects.length > 0
      ? (await pick(projects.map((p) => ({ label: p })), title(5, vscode.l10n.t('project')))).label
      : await ask({ title: title(5, vscode.l10n.t('project')), prompt: vscode.l10n.t('Google Cloud project id'), validateInput: (v) => (/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(v.trim()) ? undefined : vscode.l10n.t('A project id: 6–30 lower-case letters, digits and dashes')) });
  const where = await ask({
    title: title(5, kind === 'instance' ? vscode.l10n.t('zone') : vscode.l10n.t('zone or region')),
    value: 'us-central1-a',
    validateInput: (v) => (/^[a-z]+-[a-z]+\d+(-[a-z])?$/.test(v.trim()) && (kind === 'mig' || /-[a-z]$/.test(v.trim())) ? undefined : vscode.l10n.t('A zone such as us-central1-a{0}', kind === 'mig' ? vscode.l10n.t(', or a region such as us-central1') : '')),
  });
  const name = await ask({
    title: title(6, kind === 'instance' ? vscode.l10n.t('instance name') : vscode.l10n.t('group name')),
    value: path.basename(image).replace(/[^a-z0-9-]/g, '-').replace(/^[^a-z]+/, '') || 'app',
    validateInput: (v) => (namePattern.test(v.trim()) ? undefined : vscode.l10n.t('Lower-case letters, digits and dashes, starting with a letter')),
  });
  const mode: DeployMode = kind === 'instance' ? ((await pick([{ label: 'cloud-init', description: vscode.l10n.t('recommended') }, { label: 'startup-script' }, { label: 'konlet', description: vscode.l10n.t('only for VMs that already run on it') }], title(6, vscode.l10n.t('deploy mode')))).label as DeployMode) : 'cloud-init';

  const placeKey = kind === 'mig' && !/-[a-z]$/.test(where) ? 'region' : 'zone';
  const text = [
    '# cosvm deploy profile: what "COS: Build, Push and Deploy" builds, pushes and deploys.',
    'build:',
    `  context: ${yamlScalar(context)}`,
    '  dockerfile: Dockerfile',
    `  image: ${yamlScalar(image)}`,
    `declaration: ${yamlScalar(declaration.value)}`,
    'targets:',
    `  - ${kind}:`,
    `      project: ${yamlScalar(project)}`,
    `      ${placeKey}: ${yamlScalar(where)}`,
    `      name: ${yamlScalar(name)}`,
    '      machineType: e2-small',
    `      mode: ${mode}`,
    ...(kind === 'mig' ? ['      size: 1'] : []),
    '',
  ].join('\n');
  const { problems } = parseProfile(text);
  if (problems.length > 0) throw new CosvmError('input/invalid', problems.map((p) => p.message).join(' '));

  const encoder = new TextEncoder();
  const declarationUri = vscode.Uri.joinPath(folder.uri, declaration.value);
  const declarationExists = await vscode.workspace.fs.stat(declarationUri).then(
    () => true,
    () => false,
  );
  if (declaration.create && !declarationExists) {
    const port = 8080;
    const starter = ['spec:', '  containers:', `    - name: ${name}`, `      image: ${image}`, '      env:', '        - name: PORT', `          value: "${port}"`, '  restartPolicy: Always', ''].join('\n');
    await vscode.workspace.fs.writeFile(declarationUri, encoder.encode(starter));
  }
  await vscode.workspace.fs.writeFile(profileUri, encoder.encode(text));
  ctx.log.info(`Created ${profileFileName}: ${kind} ${name} in ${project}/${where}, image ${image}`);
  await vscode.window.showTextDocument(profileUri);
}
