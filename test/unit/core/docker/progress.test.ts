import * as assert from 'node:assert/strict';
import { builtImageId, failingStep, JsonLineSplitter, pushedDigest } from '../../../../src/core/docker/progress';

const digest = `sha256:${'a'.repeat(64)}`;
const other = `sha256:${'b'.repeat(64)}`;

describe('docker progress streams', () => {
  it('splits JSON lines across chunk boundaries', () => {
    const splitter = new JsonLineSplitter();
    assert.deepEqual(splitter.push('{"stream":"Step 1/2 : FROM scr'), []);
    assert.deepEqual(splitter.push('atch\\n"}\n{"status":"x"}\n{"aux"'), [{ stream: 'Step 1/2 : FROM scratch\n' }, { status: 'x' }]);
    assert.deepEqual(splitter.end(), [{ stream: '{"aux"\n' }]);
  });

  it('takes the pushed digest when aux and status agree', () => {
    const messages = [
      { status: 'The push refers to repository [127.0.0.1:5000/app]' },
      { status: `v1: digest: ${digest} size: 527` },
      { aux: { Tag: 'v1', Digest: digest, Size: 527 } },
    ];
    assert.equal(pushedDigest(messages, 'v1'), digest);
  });

  it('refuses to guess when the stream reports two digests or none', () => {
    assert.equal(pushedDigest([{ status: `v1: digest: ${digest} size: 1` }, { aux: { Tag: 'v1', Digest: other } }], 'v1'), undefined);
    assert.equal(pushedDigest([{ status: 'Pushed' }], 'v1'), undefined);
  });

  it('ignores digests of other tags and malformed digests', () => {
    assert.equal(pushedDigest([{ aux: { Tag: 'v2', Digest: other } }, { aux: { Tag: 'v1', Digest: digest } }], 'v1'), digest);
    assert.equal(pushedDigest([{ aux: { Tag: 'v1', Digest: 'sha256:zz' } }], 'v1'), undefined);
  });

  it('reads the image id and the failing step of a build', () => {
    assert.equal(builtImageId([{ stream: 'Step 1/1 : FROM scratch\n' }, { aux: { ID: digest } }]), digest);
    assert.equal(builtImageId([{ stream: 'Successfully built 0123456789ab\n' }]), '0123456789ab');
    const failed = [
      { stream: 'Step 1/3 : FROM scratch\n' },
      { stream: 'Step 2/3 : COPY missing /x\n' },
      { errorDetail: { message: 'COPY failed: file not found' }, error: 'COPY failed: file not found' },
    ];
    assert.equal(failingStep(failed), 'Step 2/3 : COPY missing /x');
    assert.equal(failingStep(failed.slice(0, 2)), undefined);
  });
});
