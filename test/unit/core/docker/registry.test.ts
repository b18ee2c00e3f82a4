import * as assert from 'node:assert/strict';
import { parseImageRef } from '../../../../src/core/docker/imageRef';
import { parseAuthChallenges, repositoryEndpoint } from '../../../../src/core/docker/registry';

describe('registry auth challenges', () => {
  const cases: [string, ReturnType<typeof parseAuthChallenges>][] = [
    ['Basic realm="cosvm"', [{ scheme: 'basic', params: { realm: 'cosvm' } }]],
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } }],
    ],
    [
      'bearer Realm="https://europe-docker.pkg.dev/v2/token", Service = "europe-docker.pkg.dev" , scope="repository:p/r/app:pull,push"',
      [{ scheme: 'bearer', params: { realm: 'https://europe-docker.pkg.dev/v2/token', service: 'europe-docker.pkg.dev', scope: 'repository:p/r/app:pull,push' } }],
    ],
    [
      // Two headers, joined by fetch with ", "; an escaped quote and a bare token value.
      'Bearer realm="https://a.example/token",error=insufficient_scope, Basic realm="say \\"hi\\""',
      [
        { scheme: 'bearer', params: { realm: 'https://a.example/token', error: 'insufficient_scope' } },
        { scheme: 'basic', params: { realm: 'say "hi"' } },
      ],
    ],
    ['Negotiate', [{ scheme: 'negotiate', params: {} }]],
    ['', []],
  ];
  for (const [header, expected] of cases) {
    it(`parses ${header || 'an empty header'}`, () => assert.deepEqual(parseAuthChallenges(header), expected));
  }
});

describe('registry endpoints', () => {
  const cases: [string, string][] = [
    ['busybox:1.36', 'https://registry-1.docker.io/v2/library/busybox'],
    ['index.docker.io/me/app', 'https://registry-1.docker.io/v2/me/app'],
    ['europe-west1-docker.pkg.dev/p/r/app:v1', 'https://europe-west1-docker.pkg.dev/v2/p/r/app'],
    ['127.0.0.1:5000/cosvm/app:v1', 'http://127.0.0.1:5000/v2/cosvm/app'],
    ['localhost:5000/app', 'http://localhost:5000/v2/app'],
  ];
  for (const [reference, expected] of cases) {
    it(`reads ${reference} from ${expected}`, () => assert.equal(repositoryEndpoint(parseImageRef(reference)), expected));
  }
  it('uses the scheme it is given', () => assert.equal(repositoryEndpoint(parseImageRef('127.0.0.1:5000/a'), 'https'), 'https://127.0.0.1:5000/v2/a'));
});
