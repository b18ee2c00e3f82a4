import * as assert from 'node:assert/strict';
import { classifyHostPath } from '../../../../src/core/declaration/validate/cosPaths';
import { validateDeclaration } from '../../../../src/core/declaration/validate';
import type { DeclarationMode } from '../../../../src/core/declaration/model';

const digest = `sha256:${'b'.repeat(64)}`;
const codes = (text: string, mode: DeclarationMode = 'cloud-init') => validateDeclaration(text, { mode }).map((d) => d.code);
const one = (extra: string, name = 'app') => `spec:\n  containers:\n  - name: ${name}\n    image: gcr.io/p/app@${digest}\n${extra}`;

describe('declaration validation', () => {
  it('accepts a clean declaration in both modes', () => {
    const text = one('    volumeMounts:\n    - name: data\n      mountPath: /data\n  volumes:\n  - name: data\n    hostPath:\n      path: /mnt/stateful_partition/app\n  restartPolicy: OnFailure\n');
    assert.deepEqual(codes(text, 'konlet'), []);
    assert.deepEqual(codes(text, 'cloud-init'), []);
  });

  it('reads scalars like konlet: YAML 1.1 booleans, raw strings, quoted booleans rejected', () => {
    assert.deepEqual(codes(one('    stdin: yes\n    tty: on\n    env:\n    - name: A\n      value: 0123\n    - name: B\n      value: yes\n'), 'konlet'), []);
    const diagnostics = validateDeclaration(one('    tty: "true"\n'), { mode: 'konlet' });
    assert.equal(diagnostics[0]?.code, 'cosvm/type-mismatch');
    assert.equal(diagnostics[0]?.data?.['konletMessage'], 'line 5: cannot unmarshal !!str `true` into bool');
    assert.deepEqual(diagnostics[0]?.range, { start: { line: 4, character: 9 }, end: { line: 4, character: 15 } });
  });

  it('shortens long values in typing messages the way yaml.v2 does', () => {
    const [d] = validateDeclaration(one('    command: /bin/my-long-command\n'), { mode: 'konlet' });
    assert.equal(d?.data?.['konletMessage'], 'line 5: cannot unmarshal !!str `/bin/my...` into []string');
  });

  it('allows several containers only in cloud-init mode, and needs unique unit names there', () => {
    const two = `spec:\n  containers:\n  - name: a\n    image: x@${digest}\n  - name: a\n    image: y@${digest}\n`;
    assert.ok(codes(two, 'konlet').includes('cosvm/container-count'));
    assert.deepEqual(codes(two, 'cloud-init'), ['cosvm/duplicate-container']);
    assert.deepEqual(codes(`spec:\n  containers:\n  - image: x@${digest}\n`, 'cloud-init'), ['cosvm/unit-name-missing']);
  });

  it('warns about unknown and wrongly cased keys as ignored by konlet', () => {
    const diagnostics = validateDeclaration(one('    ports:\n    - 8080\n    StdIn: true\n'), { mode: 'konlet' });
    assert.deepEqual(diagnostics.map((d) => [d.code, d.severity]), [['cosvm/unknown-key', 'warning'], ['cosvm/wrong-case-key', 'warning']]);
    assert.match(diagnostics[0]?.message ?? '', /ignored by konlet/);
    assert.equal(diagnostics[1]?.data?.['replacement'], 'stdin');
  });

  it('flags unpinned images, secrets in env, duplicates and bad mount paths', () => {
    const text = `spec:\n  containers:\n  - name: app\n    image: nginx:1.27\n    env:\n    - name: DB_PASSWORD\n      value: hunter22\n    - name: TOKEN\n      value: ya29.abcdef\n    volumeMounts:\n    - name: v\n      mountPath: data\n    - name: v\n      mountPath: data\n  volumes:\n  - name: v\n    emptyDir:\n      medium: Memory\n  - name: v\n    emptyDir:\n      medium: Memory\n`;
    const found = codes(text);
    for (const code of ['cosvm/image-unpinned', 'cosvm/secret-in-env', 'cosvm/mount-path', 'cosvm/duplicate-mount-path', 'cosvm/duplicate-volume']) assert.ok(found.includes(code), `${code} missing from ${found.join(', ')}`);
    assert.equal(found.filter((c) => c === 'cosvm/secret-in-env').length, 2);
  });

  it('classifies COS host paths', () => {
    const cases: [string, string | undefined][] = [
      ['/mnt/stateful_partition/app', undefined],
      ['/var/lib/app', 'cosvm/host-path-noexec'],
      ['/opt/app', 'cosvm/host-path-read-only'],
      ['/data', 'cosvm/host-path-read-only'],
      ['/usr/local/bin', 'cosvm/host-path-read-only'],
      ['/mnt/data', 'cosvm/host-path-read-only'],
      ['/tmp/cache', 'cosvm/host-path-not-persistent'],
      ['/etc/app', 'cosvm/host-path-not-persistent'],
      ['/mnt/disks/ssd', 'cosvm/host-path-not-persistent'],
      ['/mnt/disks/gce-containers-mounts/x', 'cosvm/host-path-konlet-mounts'],
      ['/var/lib/docker', 'cosvm/host-path-system'],
      ['relative/dir', 'cosvm/host-path-relative'],
      ['/dev/fuse', undefined],
    ];
    for (const [path, code] of cases) assert.equal(classifyHostPath(path)?.code, code, path);
    assert.equal(classifyHostPath('/opt/app')?.severity, 'error');
  });

  it('rejects host paths that Docker\'s bind syntax cannot carry', () => {
    const text = one('    volumeMounts:\n    - name: v\n      mountPath: /v\n  volumes:\n  - name: v\n    hostPath:\n      path: /var/a,mode=rw:b\n');
    assert.ok(codes(text).includes('cosvm/host-path-chars'));
  });

  it('rejects a declaration over the 256 KiB metadata limit', () => {
    const env = Array.from({ length: 4000 }, (_, i) => `    - name: VAR_${i}\n      value: ${'x'.repeat(60)}\n`).join('');
    assert.ok(codes(one(`    env:\n${env}`)).includes('cosvm/metadata-too-large'));
  });

  it('reports syntax errors as diagnostics with a non-empty range', () => {
    const [d] = validateDeclaration('spec:\n  containers:\n\t- name: a\n');
    assert.equal(d?.code, 'cosvm/yaml-syntax');
    assert.ok(d && (d.range.end.line > d.range.start.line || d.range.end.character > d.range.start.character));
  });
});
