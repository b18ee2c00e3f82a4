import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import { buildImage, connectDocker } from '../../../src/core/docker/engine';
import { isCosvmError } from '../../../src/core/errors';
import { tempDir } from '../../support/tempDir';
import { services } from '../hooks';

function context(files: Record<string, string | Buffer>): string {
  const dir = tempDir('cosvm-build-');
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

describe('buildImage options (real dockerd, classic builder)', function () {
  this.timeout(120_000);
  let docker: Dockerode;

  before(async () => {
    docker = await connectDocker({ host: services().docker.host });
  });

  it('passes build args, the target stage and a Dockerfile path inside the context', async () => {
    const dir = context({
      'Build.dockerfile': [
        'FROM scratch AS first',
        'ARG GREETING=default',
        'LABEL stage=first greeting=$GREETING',
        'FROM scratch AS second',
        'LABEL stage=second',
        '',
      ].join('\n'),
    });
    const { imageId } = await buildImage(docker, {
      contextDir: dir,
      dockerfile: 'Build.dockerfile',
      tag: 'cosvm-options/first:1',
      buildArgs: { GREETING: 'hello from a build arg' },
      target: 'first',
      platform: 'linux/amd64',
    });
    const image = await docker.getImage(imageId).inspect();
    assert.equal(image.Config.Labels?.['stage'], 'first');
    assert.equal(image.Config.Labels?.['greeting'], 'hello from a build arg');
    assert.equal(image.Architecture, 'amd64');
  });

  it('passes the platform (the classic builder keeps the host architecture for FROM scratch, but checks the OS)', async () => {
    await assert.rejects(
      buildImage(docker, { contextDir: context({ Dockerfile: 'FROM scratch\nLABEL a=b\n' }), tag: 'cosvm-options/windows:1', platform: 'windows/amd64' }),
      (error: unknown) => isCosvmError(error) && error.code === 'docker/build-failed' && /operating system is not supported/.test(error.userMessage),
    );
  });

  it('stops sending and reports a cancellation when the signal fires', async () => {
    // ~96 MiB of context: still being sent when the signal fires.
    const big = Buffer.alloc(8 * 1024 * 1024, 7);
    const files: Record<string, Buffer | string> = { Dockerfile: 'FROM scratch\nCOPY . /ctx/\n' };
    for (let i = 0; i < 12; i++) files[`blob-${i}.bin`] = big;
    const controller = new AbortController();
    const build = buildImage(docker, { contextDir: context(files), tag: 'cosvm-options/cancelled:1', signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    await assert.rejects(build, (error: unknown) => isCosvmError(error) && error.code === 'cancelled');
    await assert.rejects(docker.getImage('cosvm-options/cancelled:1').inspect());
  });

  it('refuses a malformed .dockerignore pattern and a Dockerfile outside the context before sending anything', async () => {
    await assert.rejects(
      buildImage(docker, { contextDir: context({ Dockerfile: 'FROM scratch\n', '.dockerignore': 'ok\n[a-\n' }), tag: 'cosvm-options/bad:1' }),
      (error: unknown) => isCosvmError(error) && error.code === 'docker/build-failed' && /\.dockerignore pattern "\[a-"/.test(error.userMessage),
    );
    await assert.rejects(
      buildImage(docker, { contextDir: context({ Dockerfile: 'FROM scratch\n' }), dockerfile: '../Dockerfile', tag: 'cosvm-options/outside:1' }),
      (error: unknown) => isCosvmError(error) && error.code === 'docker/build-failed' && /inside the build context|Cannot locate/.test(error.userMessage),
    );
  });

  it('names the failing step and streams the output as it comes', async () => {
    const output: string[] = [];
    await assert.rejects(
      buildImage(docker, {
        contextDir: context({ Dockerfile: 'FROM scratch\nCOPY present.txt /\nCOPY missing.txt /\n', 'present.txt': 'here' }),
        tag: 'cosvm-options/failing:1',
        onOutput: (text) => output.push(text),
      }),
      (error: unknown) => isCosvmError(error) && error.code === 'docker/build-failed' && /COPY missing\.txt/.test(error.userMessage),
    );
    const sending = output.findIndex((line) => /^Sending build context to Docker daemon {2}\d/.test(line));
    const step = output.findIndex((line) => line.startsWith('Step 1/3 : FROM scratch'));
    assert.ok(sending >= 0 && step > sending, output.join(''));
  });
});
