import * as assert from 'node:assert/strict';
import { parseDeclaration } from '../../../../src/core/declaration/parse';
import { dockerRunArgs } from '../../../../src/core/declaration/render/dockerRun';
import { containerCreateOptions, localRunLabel } from '../../../../src/core/docker/runLocal';
import { isCosvmError } from '../../../../src/core/errors';
import { gcloudCanonical } from '../../../fixtures/gcloudCanonical';

const declarationOf = (text: string) => parseDeclaration(text).declaration;
const one = (container: string, rest = '') => declarationOf(`spec:\n  containers:\n  - name: app\n    image: app:1\n${container}${rest}`);

describe('Run Locally: container create options', () => {
  it('maps every field of gcloud canonical YAML, with a stand-in directory for the disk', () => {
    const options = containerCreateOptions(declarationOf(gcloudCanonical), 0, { namePrefix: 'local-', diskDir: '/tmp/disks' });
    assert.deepEqual(options, {
      name: 'local-my-vm',
      Image: 'gcr.io/p/app:1',
      Env: ['A=1', 'B=two', 'PORT=8080'],
      Entrypoint: ['/bin/sh'],
      Cmd: ['-c', 'echo hi'],
      OpenStdin: true,
      Tty: true,
      Labels: { [localRunLabel]: 'local-my-vm' },
      HostConfig: {
        NetworkMode: 'host',
        RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 0 },
        Privileged: true,
        Binds: ['/var/data:/data:ro', '/tmp/disks/d1:/pd'],
        Tmpfs: { '/cache': '' },
      },
    });
  });

  it('refuses a persistent disk without a stand-in directory, with a clear DockerError', () => {
    assert.throws(
      () => containerCreateOptions(declarationOf(gcloudCanonical), 0),
      (error: unknown) => isCosvmError(error) && error.code === 'docker/run-failed' && /persistent disk "d1" mounted at \/pd exists only on the VM/.test(error.userMessage),
    );
  });

  it('binds a partition of a disk from its own stand-in directory, resolved to an absolute path', () => {
    const declaration = one('    volumeMounts:\n    - {name: pd, mountPath: /pd, readOnly: true}\n', '  volumes:\n  - name: pd\n    gcePersistentDisk: {pdName: d2, partition: 2}\n');
    const options = containerCreateOptions(declaration, 0, { diskDir: 'rel/disks' });
    assert.deepEqual(options.HostConfig?.Binds, [`${process.cwd()}/rel/disks/d2-part2:/pd:ro`]);
  });

  it('names containers as the VM units do, and labels them with the final name', () => {
    const declaration = declarationOf('spec:\n  containers:\n  - image: a:1\n  - name: second\n    image: b:1\n');
    assert.equal(containerCreateOptions(declaration, 0).name, 'container-0');
    assert.equal(containerCreateOptions(declaration, 1).name, 'second');
    assert.deepEqual(containerCreateOptions(declaration, 1, { namePrefix: 'x-' }).Labels, { [localRunLabel]: 'x-second' });
    assert.throws(() => containerCreateOptions(declaration, 2), /No container at index 2/);
  });

  for (const [policy, name] of [['Always', 'always'], ['OnFailure', 'on-failure'], ['Never', 'no'], [undefined, 'always']] as const) {
    it(`restart policy ${policy ?? '(absent)'} becomes Docker's ${name}`, () => {
      const declaration = one('', policy ? `  restartPolicy: ${policy}\n` : '');
      assert.deepEqual(containerCreateOptions(declaration, 0).HostConfig?.RestartPolicy, { Name: name, MaximumRetryCount: 0 });
    });
  }

  it('command replaces the ENTRYPOINT (its first word) and leads the CMD; args replace the CMD', () => {
    const cases: [string, Partial<Record<'Entrypoint' | 'Cmd', string[]>>][] = [
      ['', {}],
      ['    args: [-f, -p, "80"]\n', { Cmd: ['-f', '-p', '80'] }],
      ['    command: [/bin/busybox]\n', { Entrypoint: ['/bin/busybox'] }],
      ['    command: [/bin/busybox, httpd]\n', { Entrypoint: ['/bin/busybox'], Cmd: ['httpd'] }],
      ['    command: [/bin/busybox, httpd]\n    args: [-f]\n', { Entrypoint: ['/bin/busybox'], Cmd: ['httpd', '-f'] }],
      // An empty list keeps the image's own, as the rendered line does (no --entrypoint, nothing after the image).
      ['    command: []\n    args: []\n', {}],
      // Not split on spaces (konlet-spec §1.2): one word stays one word.
      ['    command: ["echo hi"]\n', { Entrypoint: ['echo hi'] }],
    ];
    for (const [yaml, expected] of cases) {
      const options = containerCreateOptions(one(yaml), 0);
      assert.deepEqual({ Entrypoint: options.Entrypoint, Cmd: options.Cmd }, { Entrypoint: expected.Entrypoint, Cmd: expected.Cmd }, yaml);
    }
  });

  it('env keeps order, raw text and empty values', () => {
    const options = containerCreateOptions(one('    env:\n    - {name: PORT, value: 0123}\n    - name: EMPTY\n    - {name: NIL, value: null}\n    - {name: SPACES, value: "a b=c"}\n'), 0);
    assert.deepEqual(options.Env, ['PORT=0123', 'EMPTY=', 'NIL=', 'SPACES=a b=c']);
  });

  it('privileged, stdin and tty default to off', () => {
    const off = containerCreateOptions(one(''), 0);
    assert.equal(off.HostConfig?.Privileged, false);
    assert.equal(off.OpenStdin, false);
    assert.equal(off.Tty, false);
    const on = containerCreateOptions(one('    securityContext: {privileged: true}\n    stdin: true\n    tty: yes\n'), 0);
    assert.deepEqual([on.HostConfig?.Privileged, on.OpenStdin, on.Tty], [true, true, true]);
  });

  it('hostPath binds keep the path, emptyDir becomes tmpfs (read-only too), unknown volumes are skipped, nothing means no Binds/Tmpfs', () => {
    const declaration = one(
      '    volumeMounts:\n    - {name: data, mountPath: /data}\n    - {name: data, mountPath: /data-ro, readOnly: true}\n    - {name: mem, mountPath: /mem, readOnly: true}\n    - {name: missing, mountPath: /x}\n',
      '  volumes:\n  - name: data\n    hostPath: {path: /var/lib/app}\n  - name: mem\n    emptyDir: {medium: Memory}\n',
    );
    const host = containerCreateOptions(declaration, 0).HostConfig;
    assert.deepEqual(host?.Binds, ['/var/lib/app:/data', '/var/lib/app:/data-ro:ro']);
    assert.deepEqual(host?.Tmpfs, { '/mem': 'ro' });
    const bare = containerCreateOptions(one(''), 0).HostConfig;
    assert.equal(bare?.Binds, undefined);
    assert.equal(bare?.Tmpfs, undefined);
    assert.equal(bare?.NetworkMode, 'host');
  });

  it('says the same as the rendered docker run line, flag for flag', () => {
    // The shared RunSpec: every CLI flag of the rendered line has its Engine API field here.
    const declaration = declarationOf(gcloudCanonical);
    const argv = dockerRunArgs(declaration.spec ?? {}, 0, 'detached');
    const options = containerCreateOptions(declaration, 0, { diskDir: '/mnt/disks' });
    const valuesOf = (flag: string) => argv.flatMap((word, index) => (word === flag ? [argv[index + 1] ?? ''] : []));
    assert.equal(valuesOf('--name')[0], options.name);
    assert.deepEqual(valuesOf('--env'), options.Env);
    assert.deepEqual(valuesOf('-v'), options.HostConfig?.Binds);
    assert.deepEqual(valuesOf('--tmpfs'), Object.keys(options.HostConfig?.Tmpfs ?? {}));
    assert.equal(valuesOf('--restart')[0], options.HostConfig?.RestartPolicy?.Name);
    assert.deepEqual(valuesOf('--entrypoint'), options.Entrypoint);
    assert.deepEqual(argv.slice(argv.indexOf(options.Image ?? '') + 1), options.Cmd);
  });
});
