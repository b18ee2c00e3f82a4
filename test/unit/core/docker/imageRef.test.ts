import * as assert from 'node:assert/strict';
import { formatImageRef, parseImageRef } from '../../../../src/core/docker/imageRef';

describe('image references', () => {
  const digest = `sha256:${'c'.repeat(64)}`;
  const cases: [string, ReturnType<typeof parseImageRef>][] = [
    ['busybox', { registry: 'docker.io', repository: 'library/busybox', tag: undefined, digest: undefined }],
    ['me/app:1', { registry: 'docker.io', repository: 'me/app', tag: '1', digest: undefined }],
    ['localhost:5000/app', { registry: 'localhost:5000', repository: 'app', tag: undefined, digest: undefined }],
    [
      `europe-west1-docker.pkg.dev/p/repo/img:v2@${digest}`,
      { registry: 'europe-west1-docker.pkg.dev', repository: 'p/repo/img', tag: 'v2', digest },
    ],
    [`127.0.0.1:41000/a/b@${digest}`, { registry: '127.0.0.1:41000', repository: 'a/b', tag: undefined, digest }],
  ];
  for (const [input, expected] of cases) {
    it(`parses ${input}`, () => {
      assert.deepEqual(parseImageRef(input), expected);
      assert.equal(formatImageRef(parseImageRef(input)), input);
    });
  }
});
