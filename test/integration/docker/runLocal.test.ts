import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import { parseDeclaration } from '../../../src/core/declaration/parse';
import { renderDeclaration } from '../../../src/core/declaration/render';
import { buildImage, connectDocker } from '../../../src/core/docker/engine';
import { localRunLabel, runDeclarationLocally, stopLocalRun } from '../../../src/core/docker/runLocal';
import { isCosvmError } from '../../../src/core/errors';
import { freePort, run, waitFor } from '../../support/processes';
import { tempDir } from '../../support/tempDir';
import { services } from '../hooks';

const image = 'cosvm/run-local:1';

/**
 * Serves the hostPath directory (so a fetch proves the bind) on the host network. Not privileged: this
 * machine's engine may not grant all capabilities ("unable to apply caps"); the unit tests cover it.
 */
const declarationFor = (port: number, dataDir: string) => `spec:
  containers:
  - name: web-${port}
    image: ${image}
    command: [/bin/busybox, httpd]
    args: [-f, -p, "${port}", -h, /data]
    env:
    - name: GREETING
      value: hello from COS
    - name: EMPTY
    volumeMounts:
    - name: data
      mountPath: /data
      readOnly: true
    - name: scratch
      mountPath: /scratch
    stdin: true
  volumes:
  - name: data
    hostPath:
      path: ${dataDir}
  - name: scratch
    emptyDir:
      medium: Memory
  restartPolicy: OnFailure
`;

/** The inspect fields a declaration decides (everything else is Docker's or the engine's own). */
function decided(info: Dockerode.ContainerInspectInfo) {
  return {
    Env: info.Config.Env,
    Entrypoint: info.Config.Entrypoint,
    Cmd: info.Config.Cmd,
    OpenStdin: info.Config.OpenStdin,
    Tty: info.Config.Tty,
    Binds: info.HostConfig.Binds,
    Mounts: info.Mounts.map(({ Type, Source, Destination, RW }) => ({ Type, Source, Destination, RW })),
    Tmpfs: info.HostConfig.Tmpfs,
    RestartPolicy: info.HostConfig.RestartPolicy,
    NetworkMode: info.HostConfig.NetworkMode,
    Privileged: info.HostConfig.Privileged,
  };
}

async function serves(port: number, expected: string): Promise<void> {
  const url = `http://127.0.0.1:${port}/index.html`;
  await waitFor(`the container to serve on ${port}`, async () => (await fetch(url).catch(() => undefined))?.ok === true, 15_000);
  assert.equal(await (await fetch(url)).text(), expected);
}

describe('Run Locally on the real dockerd', function () {
  this.timeout(120_000);
  let docker: Dockerode;
  const made: string[] = [];

  before(async () => {
    docker = await connectDocker({ host: services().docker.host });
    const context = tempDir('cosvm-runlocal-');
    copyFileSync('/bin/busybox', path.join(context, 'busybox'));
    // The image's own ENTRYPOINT and CMD, which the declaration's command and args must replace.
    writeFileSync(path.join(context, 'Dockerfile'), 'FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT ["/bin/busybox"]\nCMD ["sleep", "1000"]\n');
    await buildImage(docker, { contextDir: context, tag: image });
  });

  after(async () => {
    for (const name of made) await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
  });

  function dataDirWith(text: string): string {
    const dir = tempDir('cosvm-data-');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), text);
    return dir;
  }

  it('creates what the rendered docker run line creates: env, binds, tmpfs, restart policy, host network, command/args', async () => {
    const port = await freePort();
    const dataDir = dataDirWith('served from the hostPath\n');
    const { declaration } = parseDeclaration(declarationFor(port, dataDir));
    const localName = `local-web-${port}`;
    const cliName = `web-${port}`;
    made.push(localName, cliName);

    const output: string[] = [];
    const result = await runDeclarationLocally(docker, declaration, { namePrefix: 'local-', onOutput: (text) => output.push(text) });
    assert.deepEqual(result.containers.map((c) => c.name), [localName]);
    const local = await docker.getContainer(localName).inspect();
    assert.equal(local.Id, result.containers[0]?.id);
    assert.equal(local.State.Running, true);
    assert.deepEqual(local.Config.Labels, { [localRunLabel]: localName });
    assert.deepEqual(decided(local), {
      // The engine adds its default PATH to an image (FROM scratch) that sets none.
      Env: ['GREETING=hello from COS', 'EMPTY=', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Entrypoint: ['/bin/busybox'],
      Cmd: ['httpd', '-f', '-p', String(port), '-h', '/data'],
      OpenStdin: true,
      Tty: false,
      Binds: [`${dataDir}:/data:ro`],
      Mounts: [{ Type: 'bind', Source: dataDir, Destination: '/data', RW: false }],
      Tmpfs: { '/scratch': '' },
      RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 0 },
      NetworkMode: 'host',
      Privileged: false,
    });
    // Host network and the bind: the host's port answers with the host directory's file.
    await serves(port, 'served from the hostPath\n');
    assert.ok(output.some((line) => line.startsWith(`Started ${localName}`)), output.join(''));

    // The port is the host's: stop ours before the CLI's container binds it.
    assert.deepEqual(await stopLocalRun(docker, [localName], { timeoutSeconds: 1 }), [localName]);
    await assert.rejects(docker.getContainer(localName).inspect(), (error: { statusCode?: number }) => error.statusCode === 404);

    const line = renderDeclaration(declaration, 'docker-run');
    await run('sh', ['-c', line], { env: { ...process.env, DOCKER_HOST: services().docker.host } });
    const cli = await docker.getContainer(cliName).inspect();
    // The docker CLI does not keep --env order (seen: EMPTY= before GREETING= in one run of three); ours is
    // checked in order above, so compare the variables as a set here.
    const sortedEnv = (info: Dockerode.ContainerInspectInfo) => ({ ...decided(info), Env: [...(info.Config.Env ?? [])].sort() });
    assert.deepEqual(sortedEnv(local), sortedEnv(cli), line);
    await serves(port, 'served from the hostPath\n');
    await docker.getContainer(cliName).remove({ force: true });
  });

  it('replaces only its own earlier run: a same-named container it did not start is refused and left alone', async () => {
    const port = await freePort();
    const { declaration } = parseDeclaration(declarationFor(port, dataDirWith('second\n')));
    const name = `web-${port}`;
    made.push(name);
    const foreign = await docker.createContainer({ name, Image: image, Cmd: ['true'] });
    await assert.rejects(
      runDeclarationLocally(docker, declaration),
      (error: unknown) => isCosvmError(error) && error.code === 'docker/run-failed' && error.userMessage.includes(`A container named ${name} already exists`),
    );
    assert.equal((await foreign.inspect()).Id, foreign.id);
    assert.deepEqual(await stopLocalRun(docker, [name]), [], 'not ours to stop');
    await foreign.remove({ force: true });

    const first = await runDeclarationLocally(docker, declaration);
    const second = await runDeclarationLocally(docker, declaration);
    assert.notEqual(second.containers[0]?.id, first.containers[0]?.id);
    await assert.rejects(docker.getContainer(first.containers[0]?.id ?? '').inspect(), (error: { statusCode?: number }) => error.statusCode === 404);
    await serves(port, 'second\n');
    assert.deepEqual(await stopLocalRun(docker, [name], { timeoutSeconds: 1 }), [name]);
  });

  it('is all or nothing: when one container cannot start, the ones this run started are removed', async () => {
    const suffix = await freePort();
    const text = `spec:
  containers:
  - name: good-${suffix}
    image: ${image}
  - name: bad-${suffix}
    image: ${image}
    command: [/no/such/program]
  restartPolicy: Never
`;
    made.push(`good-${suffix}`, `bad-${suffix}`);
    await assert.rejects(
      runDeclarationLocally(docker, parseDeclaration(text).declaration),
      (error: unknown) => isCosvmError(error) && error.code === 'docker/run-failed' && error.userMessage.startsWith(`Starting container bad-${suffix} failed: `),
    );
    for (const name of [`good-${suffix}`, `bad-${suffix}`]) {
      assert.deepEqual(await docker.listContainers({ all: true, filters: { label: [`${localRunLabel}=${name}`] } }), [], name);
    }
  });

  it('says to build or pull an image that is missing and cannot be pulled, before touching any container', async () => {
    const port = await freePort();
    // Nothing listens on port 1: the pull fails at once, as any pull does on this machine.
    const missing = '127.0.0.1:1/cosvm/never-built:1';
    const text = declarationFor(port, dataDirWith('x\n')).replace(`image: ${image}`, `image: ${missing}`);
    await assert.rejects(runDeclarationLocally(docker, parseDeclaration(text).declaration), (error: unknown) => {
      assert.ok(isCosvmError(error), String(error));
      assert.equal(error.code, 'docker/image-missing', error.userMessage);
      assert.match(error.userMessage, new RegExp(`The image ${missing.replace(/\./g, '\\.')} is not on the local Docker engine, and pulling it failed: .+\\. Build it, or pull it with docker pull, first\\.`));
      return true;
    });
    assert.deepEqual(await docker.listContainers({ all: true, filters: { label: [`${localRunLabel}=web-${port}`] } }), []);
  });
});
