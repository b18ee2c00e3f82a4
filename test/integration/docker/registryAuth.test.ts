import * as assert from 'node:assert/strict';
import { createSign, randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import { resolveRegistryAuth, type ResolvedRegistryAuth } from '../../../src/core/docker/credentials';
import { buildImage, connectDocker, pushImage } from '../../../src/core/docker/engine';
import { fetchManifestDigest, verifyPushedDigest } from '../../../src/core/docker/registry';
import { describeErrorChain, isCosvmError, type ErrorCode } from '../../../src/core/errors';
import { services } from '../hooks';
import { canConnect, freePort, ProcessGroup, run, waitFor } from '../../support/processes';
import { scratchContext } from '../../support/scratchContext';
import { tempDir } from '../../support/tempDir';

/** A Docker config dir holding `config`, and a bin dir with a credential helper that knows one server. */
function dockerConfig(config: unknown, helper?: { server: string; username: string; secret: string }) {
  const configDir = tempDir('cosvm-docker-');
  writeFileSync(path.join(configDir, 'config.json'), JSON.stringify(config));
  const bin = tempDir('cosvm-bin-');
  if (helper) {
    const answer = JSON.stringify({ ServerURL: helper.server, Username: helper.username, Secret: helper.secret });
    const script = `#!/bin/sh\nIFS= read -r url || true\nif [ "$1" = get ] && [ "$url" = '${helper.server}' ]; then\n  printf '%s\\n' '${answer}'\nelse\n  echo 'credentials not found in native keychain'; exit 1\nfi\n`;
    writeFileSync(path.join(bin, 'docker-credential-cosvmtest'), script);
    chmodSync(path.join(bin, 'docker-credential-cosvmtest'), 0o755);
  }
  return { configDir, env: { PATH: bin, HOME: tempDir('cosvm-home-') } };
}

const basic = (username: string, password: string) => Buffer.from(`${username}:${password}`).toString('base64');

/** Rejects with `code`, and the secret is nowhere: message, detail, cause chain, JSON, or output lines. */
function failsWith(code: ErrorCode, secret: string, output: string[] = [], pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(isCosvmError(error), String(error));
    assert.equal(error.code, code, error.userMessage);
    if (pattern) assert.match(error.userMessage, pattern);
    for (const text of [describeErrorChain(error), JSON.stringify(error), ...output]) assert.ok(!text.includes(secret), `secret leaked: ${text}`);
    return true;
  };
}

async function buildAndPush(docker: Dockerode, reference: string, auth: ResolvedRegistryAuth | undefined, output: string[] = []) {
  await buildImage(docker, { contextDir: scratchContext(), tag: reference });
  return pushImage(docker, { reference, ...(auth ? { auth } : {}), onOutput: (line) => output.push(line) });
}

describe('registry credentials and digest verification (real dockerd and registry)', function () {
  this.timeout(120_000);

  it('resolves auths from config.json, pushes with them and verifies the digest', async () => {
    const { docker: dockerService, registry } = services();
    const docker = await connectDocker({ host: dockerService.host });
    const { configDir, env } = dockerConfig({ auths: { [registry.address]: { auth: basic(registry.username, registry.password) } } });
    const auth = await resolveRegistryAuth(registry.address, { configDir, env });
    assert.deepEqual(auth, { username: registry.username, password: registry.password, serveraddress: registry.address });
    const reference = `${registry.address}/cosvm/auths:v1`;
    const pushed = await buildAndPush(docker, reference, auth);
    assert.deepEqual(await verifyPushedDigest(reference, pushed.digest, { auth }), { digest: pushed.digest, mediaType: 'application/vnd.docker.distribution.manifest.v2+json' });
    assert.equal((await verifyPushedDigest(`${reference}@${pushed.digest}`, pushed.digest, { auth })).digest, pushed.digest);
  });

  it('resolves credentials through a credHelper and verifies the push', async () => {
    const { docker: dockerService, registry } = services();
    const docker = await connectDocker({ host: dockerService.host });
    const helper = { server: registry.address, username: registry.username, secret: registry.password };
    const { configDir, env } = dockerConfig({ credsStore: 'missing-store', credHelpers: { [registry.address]: 'cosvmtest' } }, helper);
    const auth = await resolveRegistryAuth(`http://${registry.address}/v2/`, { configDir, env });
    assert.deepEqual(auth, { username: registry.username, password: registry.password, serveraddress: registry.address });
    const reference = `${registry.address}/cosvm/helper:v1`;
    const pushed = await buildAndPush(docker, reference, auth);
    assert.equal((await verifyPushedDigest(reference, pushed.digest, { auth })).digest, pushed.digest);
  });

  it('refuses a wrong password with docker/auth-failed, and the password shows nowhere', async () => {
    const { docker: dockerService, registry } = services();
    const docker = await connectDocker({ host: dockerService.host });
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const { configDir, env } = dockerConfig({ auths: { [registry.address]: { username: registry.username, password: wrong } } });
    const auth = await resolveRegistryAuth(registry.address, { configDir, env });
    assert.equal(auth?.password, wrong);
    const output: string[] = [];
    const reference = `${registry.address}/cosvm/denied:v1`;
    await assert.rejects(buildAndPush(docker, reference, auth, output), failsWith('docker/auth-failed', wrong, output));
    await assert.rejects(verifyPushedDigest(reference, `sha256:${'0'.repeat(64)}`, { auth }), failsWith('docker/auth-failed', wrong, [], /refused the credentials/));
    await assert.rejects(fetchManifestDigest(reference), failsWith('docker/auth-failed', registry.password, [], /requires credentials, and none were found/));
  });

  it('refuses a tampered captured digest, naming both digests', async () => {
    const { docker: dockerService, registry } = services();
    const docker = await connectDocker({ host: dockerService.host });
    const auth = { username: registry.username, password: registry.password, serveraddress: registry.address };
    const reference = `${registry.address}/cosvm/tampered:v1`;
    const pushed = await buildAndPush(docker, reference, auth);
    const tampered = `sha256:${[...pushed.digest.slice(7)].reverse().join('')}`;
    const names = (a: string, b: string) => new RegExp(`${a}.*${b}`);
    await assert.rejects(verifyPushedDigest(reference, tampered, { auth }), failsWith('docker/digest-mismatch', registry.password, [], names(pushed.digest, tampered)));
    await assert.rejects(verifyPushedDigest(`${reference}@${tampered}`, pushed.digest, { auth }), failsWith('docker/digest-mismatch', registry.password, [], names(tampered, pushed.digest)));
    await assert.rejects(verifyPushedDigest(reference, 'sha256:short', { auth }), failsWith('docker/no-digest', registry.password));
  });

  it('treats a child of the index the tag resolves to as a mismatch, and explains it', async () => {
    const { docker: dockerService, registry } = services();
    const docker = await connectDocker({ host: dockerService.host });
    const auth = { username: registry.username, password: registry.password, serveraddress: registry.address };
    const repository = `${registry.address}/cosvm/multi`;
    const child = await buildAndPush(docker, `${repository}:amd64`, auth);
    const authorization = `Basic ${basic(registry.username, registry.password)}`;
    const head = await fetch(`http://${registry.address}/v2/cosvm/multi/manifests/${child.digest}`, { method: 'HEAD', headers: { Authorization: authorization, Accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
    const descriptor = { mediaType: head.headers.get('content-type'), digest: child.digest, size: Number(head.headers.get('content-length')), platform: { architecture: 'amd64', os: 'linux' } };
    for (const mediaType of ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']) {
      const tag = mediaType.includes('oci') ? 'oci-index' : 'manifest-list';
      const put = await fetch(`http://${registry.address}/v2/cosvm/multi/manifests/${tag}`, {
        method: 'PUT',
        headers: { Authorization: authorization, 'Content-Type': mediaType },
        body: JSON.stringify({ schemaVersion: 2, mediaType, manifests: [descriptor] }),
      });
      assert.equal(put.status, 201, await put.text());
      const indexDigest = put.headers.get('docker-content-digest') ?? '';
      await assert.rejects(
        verifyPushedDigest(`${repository}:${tag}`, child.digest, { auth }),
        failsWith('docker/digest-mismatch', registry.password, [], new RegExp(`index ${indexDigest}, and the captured digest ${child.digest} is one of its platform manifests`)),
      );
      assert.deepEqual(await verifyPushedDigest(`${repository}:${tag}`, indexDigest, { auth }), { digest: indexDigest, mediaType });
    }
  });
});

describe('registry digest verification with Bearer tokens (real registry with token auth)', function () {
  this.timeout(120_000);
  const username = 'token-user';
  const password = randomBytes(12).toString('hex');
  const refreshToken = `refresh-${randomBytes(12).toString('hex')}`;
  const requests: { method: string; account: string | undefined; scopes: string[]; grant: string }[] = [];
  let group: ProcessGroup;
  let server: http.Server;
  let address: string;

  /** A token service issuing RS256 JWTs with the signing certificate in `x5c`, as distribution's token auth expects. */
  function startTokenServer(keyPem: string, certPem: string, service: string): Promise<number> {
    const x5c = certPem.replace(/-----[A-Z ]+-----|\s/g, '');
    const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://token');
        const form = new URLSearchParams(Buffer.concat(chunks).toString());
        const given = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
        const [user, pass] = given ? Buffer.from(given, 'base64').toString().split(':') : [];
        const grant = request.method === 'POST' ? (form.get('grant_type') ?? '') : given ? 'basic' : 'anonymous';
        const scopes = request.method === 'POST' ? (form.get('scope') ?? '').split(' ').filter(Boolean) : url.searchParams.getAll('scope');
        requests.push({ method: request.method ?? '', account: url.searchParams.get('account') ?? undefined, scopes, grant });
        const allowed = grant === 'refresh_token' ? form.get('refresh_token') === refreshToken : user === username && pass === password;
        if (!allowed) {
          response.writeHead(401, { 'Content-Type': 'application/json' }).end(JSON.stringify({ details: 'access denied' }));
          return;
        }
        const now = Math.floor(Date.now() / 1000);
        const access = scopes.map((scope) => {
          const [type, name, actions] = scope.split(':');
          return { type, name, actions: (actions ?? '').split(',') };
        });
        const claims = { iss: 'cosvm-test-issuer', sub: username, aud: service, exp: now + 300, nbf: now - 10, iat: now - 10, jti: randomBytes(8).toString('hex'), access };
        const signed = `${b64url({ typ: 'JWT', alg: 'RS256', x5c: [x5c] })}.${b64url(claims)}`;
        const token = `${signed}.${createSign('RSA-SHA256').update(signed).sign(keyPem).toString('base64url')}`;
        response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(grant === 'refresh_token' ? { access_token: token, expires_in: 300 } : { token, expires_in: 300 }));
      });
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  }

  before(async () => {
    group = new ProcessGroup('cosvm-tok-');
    const dir = group.runDir;
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=cosvm-token-issuer']);
    const service = 'cosvm-test-registry';
    const tokenPort = await startTokenServer(readFileSync(key, 'utf8'), readFileSync(cert, 'utf8'), service);
    const port = await freePort();
    address = `127.0.0.1:${port}`;
    const config = path.join(dir, 'config.yml');
    writeFileSync(config, [
      'version: 0.1',
      'log: { level: warn }',
      `storage: { filesystem: { rootdirectory: ${path.join(dir, 'storage')} } }`,
      `http: { addr: "${address}", secret: "${randomBytes(16).toString('hex')}" }`,
      `auth: { token: { realm: "http://127.0.0.1:${tokenPort}/token", service: ${service}, issuer: cosvm-test-issuer, rootcertbundle: ${cert} } }`,
      '',
    ].join('\n'));
    group.spawn('token-registry', 'docker-registry', ['serve', config]);
    await waitFor('the token registry', () => canConnect(port), 30_000, () => group.logOf('token-registry'));
  });

  after(async () => {
    server?.close();
    await group?.stopAll();
    await group?.removeRunDir();
  });

  it('fetches a token from the realm with Basic credentials, pushes and verifies', async () => {
    const docker = await connectDocker({ host: services().docker.host });
    const { configDir, env } = dockerConfig({ auths: { [address]: { auth: basic(username, password) } } });
    const auth = await resolveRegistryAuth(address, { configDir, env });
    const reference = `${address}/cosvm/tok:v1`;
    const pushed = await buildAndPush(docker, reference, auth);
    requests.length = 0;
    assert.equal((await verifyPushedDigest(reference, pushed.digest, { auth })).digest, pushed.digest);
    assert.deepEqual(requests, [{ method: 'GET', account: username, scopes: ['repository:cosvm/tok:pull'], grant: 'basic' }]);
  });

  it('trades a helper\'s identity token for an access token (OAuth2 refresh_token)', async () => {
    const docker = await connectDocker({ host: services().docker.host });
    const helper = { server: address, username: '<token>', secret: refreshToken };
    const { configDir, env } = dockerConfig({ credHelpers: { [address]: 'cosvmtest' } }, helper);
    const auth = await resolveRegistryAuth(address, { configDir, env });
    assert.deepEqual(auth, { username: '', password: '', serveraddress: address, identitytoken: refreshToken });
    const reference = `${address}/cosvm/idtoken:v1`;
    const pushed = await buildAndPush(docker, reference, auth);
    requests.length = 0;
    assert.equal(await fetchManifestDigest(reference, { auth }), pushed.digest);
    assert.deepEqual(requests, [{ method: 'POST', account: undefined, scopes: ['repository:cosvm/idtoken:pull'], grant: 'refresh_token' }]);
  });

  it('says the token service refused a wrong password or anonymous access, and shows no password', async () => {
    const reference = `${address}/cosvm/tok:v1`;
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const auth = { username, password: wrong, serveraddress: address };
    await assert.rejects(verifyPushedDigest(reference, `sha256:${'0'.repeat(64)}`, { auth }), failsWith('docker/auth-failed', wrong, [], /token service of 127\.0\.0\.1:\d+ refused the credentials/));
    await assert.rejects(fetchManifestDigest(reference), failsWith('docker/auth-failed', password, [], /refused anonymous access/));
  });
});
