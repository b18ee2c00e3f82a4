import * as assert from 'node:assert/strict';
import { parseDeclaration } from '../../../../src/core/declaration/parse';
import { renderDeclaration } from '../../../../src/core/declaration/render';
import { dockerRunArgs } from '../../../../src/core/declaration/render/dockerRun';
import { systemdQuote } from '../../../../src/core/declaration/render/systemdUnit';
import { validateDeclaration } from '../../../../src/core/declaration/validate';
import { gcloudCanonical } from '../../../fixtures/gcloudCanonical';

const minimal = `# DISCLAIMER:
# The option to deploy a container during VM creation using the container
# startup agent is deprecated. Use alternative services to run containers on
# your VMs. Learn more at https://cloud.google.com/compute/docs/containers/migrate-containers.

spec:
  containers:
  - image: nginx
    name: vm-1
    securityContext:
      privileged: false
    stdin: false
    tty: false
    volumeMounts: []
  restartPolicy: Always
  volumes: []
`;

describe('declaration renderers', () => {
  it('round-trips gcloud canonical YAML to the konlet value byte for byte', () => {
    for (const text of [gcloudCanonical, minimal]) {
      assert.deepEqual(validateDeclaration(text, { mode: 'konlet' }).filter((d) => d.severity === 'error'), []);
      assert.equal(renderDeclaration(parseDeclaration(text).declaration, 'konlet'), text);
    }
  });

  it('renders hand-written YAML to canonical konlet form, keeping raw string text', () => {
    const text = '# mine\nspec:\n  restartPolicy: Never\n  containers:\n  - name: web\n    image: nginx@sha256:' + 'c'.repeat(64) + '\n    env:\n    - {name: PORT, value: 8080}\n    - name: YES_WORD\n      value: yes\n';
    const out = renderDeclaration(parseDeclaration(text).declaration, 'konlet');
    assert.ok(out.endsWith(`spec:\n  containers:\n  - env:\n    - name: PORT\n      value: '8080'\n    - name: YES_WORD\n      value: yes\n    image: nginx@sha256:${'c'.repeat(64)}\n    name: web\n  restartPolicy: Never\n`), out);
  });

  it('builds the docker run line konlet would run (§4.4)', () => {
    const { declaration } = parseDeclaration(gcloudCanonical);
    assert.deepEqual(dockerRunArgs(declaration.spec ?? {}, 0, 'detached'), [
      'run', '-d', '--name', 'my-vm', '--network', 'host', '--restart', 'on-failure', '--privileged', '-i', '-t',
      '--env', 'A=1', '--env', 'B=two', '--env', 'PORT=8080',
      '-v', '/var/data:/data:ro', '--tmpfs', '/cache', '-v', '/mnt/disks/d1:/pd',
      '--entrypoint', '/bin/sh', 'gcr.io/p/app:1', '-c', 'echo hi',
    ]);
  });

  it('quotes ExecStart words for systemd', () => {
    assert.equal(systemdQuote('plain/word'), 'plain/word');
    assert.equal(systemdQuote('a b'), '"a b"');
    assert.equal(systemdQuote('50% of $HOME "x"\\'), '"50%% of $$HOME \\"x\\"\\\\"');
    // systemd ends a line at CR and NUL too: no raw control character may reach a unit file.
    assert.equal(systemdQuote('a\rExecStartPre=/bin/sh\u0000'), '"a\\x0dExecStartPre=/bin/sh\\x00"');
  });

  it('renders one unit per container in cloud-init, with registry auth only for Google registries', () => {
    const text = `spec:\n  containers:\n  - name: web\n    image: europe-west1-docker.pkg.dev/p/r/web@sha256:${'d'.repeat(64)}\n  - name: cache\n    image: redis@sha256:${'e'.repeat(64)}\n  restartPolicy: OnFailure\n`;
    const out = renderDeclaration(parseDeclaration(text).declaration, 'cloud-init');
    assert.match(out, /^#cloud-config\n/);
    assert.match(out, /path: \/etc\/systemd\/system\/cosvm-web\.service/);
    assert.match(out, /path: \/etc\/systemd\/system\/cosvm-cache\.service/);
    assert.equal(out.match(/docker-credential-gcr configure-docker --registries=europe-west1-docker\.pkg\.dev/g)?.length, 1);
    assert.equal(out.match(/Restart=on-failure/g)?.length, 2);
    assert.match(out, /systemctl start cosvm-web\.service/);
  });

  it('renders a Deployment and the gcloud command', () => {
    const { declaration } = parseDeclaration(gcloudCanonical);
    const k8s = renderDeclaration(declaration, 'kubernetes');
    assert.match(k8s, /^# restartPolicy OnFailure has no Deployment equivalent/);
    assert.match(k8s, /kind: Deployment/);
    assert.match(k8s, /hostNetwork: true/);
    const gcloud = renderDeclaration(declaration, 'gcloud');
    assert.equal(
      gcloud,
      "gcloud compute instances create-with-container my-vm --container-image=gcr.io/p/app:1 --container-command=/bin/sh --container-arg=-c '--container-arg=echo hi' --container-env=A=1 --container-env=B=two --container-env=PORT=8080 --container-mount-host-path=host-path=/var/data,mount-path=/data,mode=ro --container-mount-tmpfs=mount-path=/cache --container-mount-disk=name=d1,mount-path=/pd,mode=rw --container-restart-policy=on-failure --container-privileged --container-stdin --container-tty\n",
    );
  });
});
