import * as assert from 'node:assert/strict';
import { parseProfile, targetKey } from '../../../../src/core/deploy/profile';

const valid = [
  '# comment',
  'build:',
  '  context: app',
  '  image: us-central1-docker.pkg.dev/my-project/apps/web',
  '  args: { VERSION: 3, DEBUG: true }',
  'declaration: web.cosvm.yaml',
  'targets:',
  '  - instance: { project: my-project, zone: us-central1-a, name: web-1 }',
  '  - label: prod',
  '    mig:',
  '      project: my-project',
  '      region: europe-west1',
  '      name: web',
  '      size: 3',
  '',
].join('\n');

describe('deploy profile (cosvm.yaml)', () => {
  it('reads build, declaration and both kinds of target, with defaults', () => {
    const { profile, problems } = parseProfile(valid);
    assert.deepEqual(problems, []);
    assert.deepEqual(profile?.build, { context: 'app', dockerfile: 'Dockerfile', args: { VERSION: '3', DEBUG: 'true' }, target: undefined, platform: undefined, image: 'us-central1-docker.pkg.dev/my-project/apps/web' });
    assert.equal(profile?.declaration, 'web.cosvm.yaml');
    assert.deepEqual(profile?.targets[0], { kind: 'instance', label: 'web-1', project: 'my-project', zone: 'us-central1-a', name: 'web-1', machineType: 'e2-small', mode: 'cloud-init' });
    assert.deepEqual(profile?.targets[1], { kind: 'mig', label: 'prod', project: 'my-project', location: 'regions/europe-west1', name: 'web', templatePrefix: 'web', size: 3, machineType: 'e2-small', mode: 'cloud-init' });
    assert.equal(targetKey(profile.targets[1]), 'mig:my-project/regions/europe-west1/web');
  });

  it('points each problem at its line, with the next step in the message', () => {
    const text = valid
      .replace('  image: us-central1-docker.pkg.dev/my-project/apps/web', '  image: us-central1-docker.pkg.dev/my-project/apps/web:v1')
      .replace('zone: us-central1-a, name: web-1', 'zone: us-central1-a, name: Web_1, mode: konlet-ish')
      .replace('      size: 3', '      size: -1\n      zone: europe-west1-b')
      .replace('declaration:', 'declarations:');
    const { profile, problems } = parseProfile(text);
    assert.equal(profile, undefined);
    const at = (pattern: RegExp) => problems.find((p) => pattern.test(p.message));
    assert.equal(at(/repository only/)?.range.start.line, 3);
    assert.equal(at(/"Web_1" is not a valid name/)?.range.start.line, 7);
    assert.match(at(/mode must be one of/)?.message ?? '', /cloud-init, startup-script, konlet/);
    assert.ok(at(/size must be a whole number/));
    assert.ok(at(/exactly one of "zone" or "region"/));
    assert.ok(at(/Unknown key "declarations"/));
    assert.ok(at(/needs "declaration"/));
  });

  it('refuses konlet for a MIG (no new konlet VMs since 2026-07-31) and reports broken YAML', () => {
    const konlet = parseProfile(valid.replace('      size: 3', '      size: 3\n      mode: konlet'));
    assert.match(konlet.problems[0]?.message ?? '', /2026-07-31/);
    const broken = parseProfile('build: [\n');
    assert.equal(broken.profile, undefined);
    assert.match(broken.problems[0]?.message ?? '', /^YAML: /);
  });
});
