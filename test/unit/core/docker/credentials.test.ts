import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveRegistryAuth, type RegistryCredentialOptions } from '../../../../src/core/docker/credentials';
import {
  authConfigKey,
  convertToHostname,
  dockerHubAuthKey,
  isGoogleRegistry,
  parseDockerConfig,
  parseEnvAuthConfig,
  parseHelperOutput,
} from '../../../../src/core/docker/dockerConfig';
import { describeErrorChain, isCosvmError } from '../../../../src/core/errors';
import { tempDir } from '../../../support/tempDir';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const helperSecret = 'helper-secret-5b1f';
const identityToken = 'identity-token-8c2e';

/**
 * A real credential helper speaking the docker-credential-helpers protocol, in POSIX sh builtins only (so
 * PATH can hold nothing but its directory). It logs each server URL it is asked about.
 */
const helperScript = `#!/bin/sh
[ "$1" = get ] || { echo "unknown action: $1"; exit 1; }
IFS= read -r url || true
[ -n "$COSVM_HELPER_LOG" ] && printf '%s\\n' "$url" >> "$COSVM_HELPER_LOG"
case "$url" in
  registry.example.com|gcr.io|https://index.docker.io/v1/)
    printf '{"ServerURL":"%s","Username":"helper-user","Secret":"${helperSecret}"}\\n' "$url" ;;
  token.example.com) printf '{"ServerURL":"%s","Username":"<token>","Secret":"${identityToken}"}\\n' "$url" ;;
  broken.example.com) echo "keychain is locked"; echo "more on stderr" >&2; exit 3 ;;
  garbage.example.com) echo "not json ${helperSecret}"; exit 0 ;;
  hang.example.com) while :; do :; done ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;

function writeExecutable(dir: string, name: string, text: string): void {
  writeFileSync(path.join(dir, name), text);
  chmodSync(path.join(dir, name), 0o755);
}

/** A bin dir with the helper under the given names, a config dir, and options wired to both. */
function setup(config: unknown, helperNames: string[] = ['cosvmtest'], extraEnv: NodeJS.ProcessEnv = {}) {
  const bin = tempDir('cosvm-bin-');
  for (const name of helperNames) writeExecutable(bin, `docker-credential-${name}`, helperScript);
  const configDir = tempDir('cosvm-docker-');
  if (config !== undefined) writeFileSync(path.join(configDir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  const log = path.join(bin, 'asked.log');
  const options: RegistryCredentialOptions = {
    configDir,
    env: { PATH: bin, HOME: tempDir('cosvm-home-'), COSVM_HELPER_LOG: log, ...extraEnv },
    googleAccessToken: () => Promise.reject(new Error('ADC must not be asked')),
  };
  return { bin, configDir, options, asked: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** Asserts a `docker/no-credentials` error whose message matches and that no secret leaked anywhere in it. */
function noCredentials(pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(isCosvmError(error), String(error));
    assert.equal(error.code, 'docker/no-credentials', error.userMessage);
    assert.match(error.userMessage, pattern);
    const everything = `${describeErrorChain(error)}\n${JSON.stringify(error)}`;
    for (const secret of [helperSecret, identityToken, 's3cret-pw']) assert.ok(!everything.includes(secret), everything);
    return true;
  };
}

describe('docker registry credentials: hosts and config.json', () => {
  // Expected values from docker/cli's ConvertToHostname run under Go (net/url keeps case and :443).
  const hosts: [string, string][] = [
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['http://localhost:5000/v2/', 'localhost:5000'],
    ['localhost:5000/v2/', 'localhost:5000'],
    ['https://Registry.Example.COM/v1/', 'Registry.Example.COM'],
    ['https://registry.example.com:443/', 'registry.example.com:443'],
    ['registry.example.com/path/more', 'registry.example.com'],
    ['https://user:pw@registry.example.com:5000/x', 'registry.example.com:5000'],
    ['https://[::1]:5000/v2/', '[::1]:5000'],
    ['https://[::1]/v2/', '::1'],
    ['http://::1:5000/', '[::1]:5000'],
    ['https://gcr.io?x=y', 'gcr.io'],
    ['https://host:abc/', 'host:abc'],
    ['127.0.0.1:5000', '127.0.0.1:5000'],
  ];
  for (const [input, expected] of hosts) {
    it(`normalises ${input} to ${expected}`, () => assert.equal(convertToHostname(input), expected));
  }

  it('keys Docker Hub by its historical URL and everything else by host', () => {
    for (const hub of ['docker.io', 'index.docker.io', 'https://index.docker.io/v1/']) assert.equal(authConfigKey(hub), dockerHubAuthKey);
    assert.equal(authConfigKey('registry-1.docker.io'), 'registry-1.docker.io');
    assert.equal(authConfigKey('https://europe-docker.pkg.dev/v2/'), 'europe-docker.pkg.dev');
  });

  it('knows the Google registries', () => {
    for (const host of ['europe-west1-docker.pkg.dev', 'us-docker.pkg.dev', 'gcr.io', 'eu.gcr.io', 'https://gcr.io/v2/']) assert.ok(isGoogleRegistry(host), host);
    for (const host of ['pkg.dev', 'notgcr.io', 'registry.example.com', 'gcr.io.example.com']) assert.ok(!isGoogleRegistry(host), host);
  });

  it('decodes auths as the CLI does: auth wins, colons stay in the password, NULs are trimmed, names fold case', () => {
    const config = parseDockerConfig(
      JSON.stringify({
        Auths: {
          'a.example': { auth: b64('alice:pa:ss:word\0'), username: 'ignored', password: 'ignored' },
          'b.example': { Username: 'bob', Password: 'pw' },
          'c.example': { identitytoken: 'idt', registrytoken: 'rgt' },
          'd.example': null,
        },
        credsStore: 'desktop',
        CREDHELPERS: { 'gcr.io': 'gcloud', 'e.example': null },
      }),
      'config.json',
    );
    assert.deepEqual(config.auths.get('a.example'), { username: 'alice', password: 'pa:ss:word', identitytoken: '', registrytoken: '' });
    assert.deepEqual(config.auths.get('b.example'), { username: 'bob', password: 'pw', identitytoken: '', registrytoken: '' });
    assert.deepEqual(config.auths.get('c.example'), { username: '', password: '', identitytoken: 'idt', registrytoken: 'rgt' });
    assert.deepEqual(config.auths.get('d.example'), { username: '', password: '', identitytoken: '', registrytoken: '' });
    assert.equal(config.credsStore, 'desktop');
    assert.deepEqual([...config.credHelpers], [['gcr.io', 'gcloud'], ['e.example', '']]);
    assert.equal(parseDockerConfig('  \n', 'config.json').auths.size, 0);
  });

  const invalid: [string, string, RegExp][] = [
    ['not JSON', '{"auths": ', /not JSON/],
    ['an array', '[]', /not a JSON object/],
    ['bad base64', JSON.stringify({ auths: { 'x.example': { auth: 'not base64!' } } }), /auths\["x\.example"\]: its "auth" is not base64/],
    ['no colon', JSON.stringify({ auths: { 'x.example': { auth: b64('s3cret-pw') } } }), /not "username:password"/],
    ['empty user', JSON.stringify({ auths: { 'x.example': { auth: b64(':s3cret-pw') } } }), /not "username:password"/],
    ['a number', JSON.stringify({ credsStore: 1 }), /"credsStore" is not a string/],
    ['a helper list', JSON.stringify({ credHelpers: ['x'] }), /"credHelpers" is not an object/],
  ];
  for (const [what, text, pattern] of invalid) {
    it(`refuses a config.json with ${what}, naming the file and no secret`, () => {
      assert.throws(() => parseDockerConfig(text, '/home/u/.docker/config.json'), (error: unknown) => {
        noCredentials(/\/home\/u\/\.docker\/config\.json is not valid/)(error);
        assert.match((error as Error).message, pattern);
        return true;
      });
    });
  }

  it('reads DOCKER_AUTH_CONFIG with only auths/auth, as the CLI does', () => {
    assert.deepEqual(parseEnvAuthConfig(JSON.stringify({ auths: { 'x.example': { auth: b64('u:p') } } })).get('x.example'), {
      username: 'u',
      password: 'p',
      identitytoken: '',
      registrytoken: '',
    });
    assert.throws(() => parseEnvAuthConfig(JSON.stringify({ auths: {}, credsStore: 'x' })), /unknown field "credsStore"/);
    assert.throws(() => parseEnvAuthConfig(JSON.stringify({ auths: { x: { username: 'u' } } })), /unknown field "username"/);
    assert.throws(() => parseEnvAuthConfig(JSON.stringify({ auths: { x: { auth: '' } } })), /missing key `auth`/);
  });

  it('reads a helper answer and never quotes it when it is wrong', () => {
    assert.deepEqual(parseHelperOutput('{"ServerURL":"x","Username":"u","Secret":"s"}\n'), { username: 'u', secret: 's' });
    assert.deepEqual(parseHelperOutput('{"username":"u","secret":"s"}'), { username: 'u', secret: 's' });
    assert.throws(() => parseHelperOutput(`oops ${helperSecret}`), (error: Error) => !error.message.includes(helperSecret));
  });
});

describe('docker registry credentials: resolving like docker push', () => {
  it('uses auths by exact key, then a legacy key with scheme and path', async () => {
    const { options } = setup({
      auths: { 'registry.example.com': { auth: b64('u1:p1') }, 'https://legacy.example.com/v1/': { auth: b64('u2:p2') } },
    });
    assert.deepEqual(await resolveRegistryAuth('registry.example.com', options), { username: 'u1', password: 'p1', serveraddress: 'registry.example.com' });
    assert.deepEqual(await resolveRegistryAuth('https://registry.example.com/v2/', options), { username: 'u1', password: 'p1', serveraddress: 'registry.example.com' });
    assert.deepEqual(await resolveRegistryAuth('legacy.example.com', options), { username: 'u2', password: 'p2', serveraddress: 'https://legacy.example.com/v1/' });
    assert.equal(await resolveRegistryAuth('other.example.com', options), undefined);
  });

  it('finds Docker Hub under https://index.docker.io/v1/ only', async () => {
    const { options } = setup({ auths: { [dockerHubAuthKey]: { auth: b64('hubuser:hubpw') }, 'docker.io': { auth: b64('no:no') } } });
    assert.deepEqual(await resolveRegistryAuth('docker.io', options), { username: 'hubuser', password: 'hubpw', serveraddress: dockerHubAuthKey });
  });

  it('passes identity and registry tokens from auths through', async () => {
    const { options } = setup({ auths: { 'r.example': { identitytoken: 'idt-1234' }, 's.example': { registrytoken: 'rgt-1234' } } });
    assert.deepEqual(await resolveRegistryAuth('r.example', options), { username: '', password: '', serveraddress: 'r.example', identitytoken: 'idt-1234' });
    assert.deepEqual(await resolveRegistryAuth('s.example', options), { username: '', password: '', serveraddress: 's.example', registrytoken: 'rgt-1234' });
  });

  it('finds config.json in $DOCKER_CONFIG, else in $HOME/.docker', async () => {
    const dockerConfig = tempDir('cosvm-dc-');
    writeFileSync(path.join(dockerConfig, 'config.json'), JSON.stringify({ auths: { 'r.example': { auth: b64('env:1') } } }));
    const home = tempDir('cosvm-home-');
    mkdirSync(path.join(home, '.docker'));
    writeFileSync(path.join(home, '.docker', 'config.json'), JSON.stringify({ auths: { 'r.example': { auth: b64('home:2') } } }));
    assert.equal((await resolveRegistryAuth('r.example', { env: { HOME: home, DOCKER_CONFIG: dockerConfig, PATH: '' } }))?.username, 'env');
    assert.equal((await resolveRegistryAuth('r.example', { env: { HOME: home, PATH: '' } }))?.username, 'home');
  });

  it('asks credHelpers[host] first, then credsStore, and an empty helper name means config.json', async () => {
    const { options, asked } = setup({
      credsStore: 'cosvmtest',
      credHelpers: { 'registry.example.com': 'cosvmtest', 'plain.example.com': '' },
      auths: { 'registry.example.com': { auth: b64('file:1') }, 'plain.example.com': { auth: b64('plain:2') } },
    });
    assert.deepEqual(await resolveRegistryAuth('registry.example.com', options), { username: 'helper-user', password: helperSecret, serveraddress: 'registry.example.com' });
    assert.deepEqual(await resolveRegistryAuth('plain.example.com', options), { username: 'plain', password: '2', serveraddress: 'plain.example.com' });
    assert.deepEqual(await resolveRegistryAuth('docker.io', options), { username: 'helper-user', password: helperSecret, serveraddress: dockerHubAuthKey });
    assert.deepEqual(asked(), ['registry.example.com', dockerHubAuthKey]);
  });

  it('reads a helper\'s <token> user as an identity token', async () => {
    const { options } = setup({ credHelpers: { 'token.example.com': 'cosvmtest' } });
    assert.deepEqual(await resolveRegistryAuth('token.example.com', options), { username: '', password: '', serveraddress: 'token.example.com', identitytoken: identityToken });
  });

  it('names a helper that is not installed', async () => {
    const { options } = setup({ credHelpers: { 'registry.example.com': 'missing' } });
    await assert.rejects(resolveRegistryAuth('registry.example.com', options), noCredentials(/docker-credential-missing \(credHelpers\["registry\.example\.com"\] in .*config\.json\) is not installed or not on PATH/));
  });

  it('names a failing helper with what it said, and keeps its stderr for the log', async () => {
    const { options } = setup({ credsStore: 'cosvmtest' });
    await assert.rejects(resolveRegistryAuth('broken.example.com', options), (error: unknown) => {
      noCredentials(/docker-credential-cosvmtest \("credsStore" in .*\) failed for broken\.example\.com \(exit 3\): keychain is locked/)(error);
      assert.match((error as { detail?: string }).detail ?? '', /more on stderr/);
      return true;
    });
    await assert.rejects(resolveRegistryAuth('garbage.example.com', options), noCredentials(/answered garbage\.example\.com with not \{"ServerURL"/));
  });

  it('kills a helper that does not answer in time', async () => {
    const { options } = setup({ credsStore: 'cosvmtest' });
    await assert.rejects(resolveRegistryAuth('hang.example.com', { ...options, helperTimeoutMs: 300 }), noCredentials(/did not answer within 0.3 s/));
  });

  it('says which helper has no credentials, instead of going on anonymously', async () => {
    const { options } = setup({ credsStore: 'cosvmtest', auths: { 'unknown.example.com': { auth: b64('file:s3cret-pw') } } });
    await assert.rejects(resolveRegistryAuth('unknown.example.com', options), noCredentials(/docker-credential-cosvmtest has no credentials for unknown\.example\.com; log in/));
  });

  it('detects the platform default store only when config.json holds no auth, as the CLI does', async function () {
    if (process.platform !== 'linux') this.skip();
    // No `pass` on PATH: the CLI picks secretservice, if its helper is installed.
    const { options } = setup(undefined, ['secretservice']);
    assert.equal((await resolveRegistryAuth('registry.example.com', options))?.username, 'helper-user');
    // The detected store saying "not found" is no error, as in the CLI.
    assert.equal(await resolveRegistryAuth('unknown.example.com', options), undefined);
    // With `pass` on PATH the CLI wants docker-credential-pass, which is missing: no store at all.
    const withPass = setup({}, ['secretservice']);
    writeExecutable(withPass.bin, 'pass', '#!/bin/sh\nexit 0\n');
    assert.equal(await resolveRegistryAuth('registry.example.com', withPass.options), undefined);
    // Any auth in config.json turns detection off.
    const configured = setup({ auths: { 'other.example': { auth: b64('a:b') } } }, ['secretservice']);
    assert.equal(await resolveRegistryAuth('registry.example.com', configured.options), undefined);
  });

  it('takes DOCKER_AUTH_CONFIG first, and ignores it with a warning when it is malformed', async () => {
    const envAuth = JSON.stringify({ auths: { 'registry.example.com': { auth: b64('envuser:envpw') } } });
    const { options } = setup({ credsStore: 'cosvmtest' }, ['cosvmtest'], { DOCKER_AUTH_CONFIG: envAuth });
    assert.deepEqual(await resolveRegistryAuth('registry.example.com', options), { username: 'envuser', password: 'envpw', serveraddress: 'registry.example.com' });
    const warnings: string[] = [];
    const bad = setup({ credsStore: 'cosvmtest' }, ['cosvmtest'], { DOCKER_AUTH_CONFIG: '{"auths":{"registry.example.com":{"password":"s3cret-pw"}}}' });
    const auth = await resolveRegistryAuth('registry.example.com', { ...bad.options, onWarning: (w) => warnings.push(w) });
    assert.equal(auth?.username, 'helper-user');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /Ignoring DOCKER_AUTH_CONFIG.*unknown field "password"/);
    assert.ok(!warnings[0]?.includes('s3cret-pw'));
  });

  describe('Google registries', () => {
    const adc = (token: string | undefined) => {
      const calls: number[] = [];
      return { calls, source: () => (calls.push(1), Promise.resolve(token)) };
    };

    it('use an Application Default Credentials token when Docker has nothing', async () => {
      const { options } = setup(undefined);
      const token = adc('ya29.test-token');
      assert.deepEqual(await resolveRegistryAuth('europe-west1-docker.pkg.dev', { ...options, googleAccessToken: token.source }), {
        username: 'oauth2accesstoken',
        password: 'ya29.test-token',
        serveraddress: 'europe-west1-docker.pkg.dev',
      });
      assert.equal(token.calls.length, 1);
    });

    it('prefer what Docker has, and fall back to ADC when a helper has nothing', async () => {
      const { options } = setup({ credHelpers: { 'gcr.io': 'cosvmtest', 'eu.gcr.io': 'cosvmtest' } });
      const token = adc('ya29.fallback');
      assert.equal((await resolveRegistryAuth('gcr.io', { ...options, googleAccessToken: token.source }))?.username, 'helper-user');
      assert.equal(token.calls.length, 0);
      assert.equal((await resolveRegistryAuth('eu.gcr.io', { ...options, googleAccessToken: token.source }))?.password, 'ya29.fallback');
    });

    it('say what to run when ADC has no token either', async () => {
      const { options } = setup({ credsStore: 'cosvmtest' });
      const failing = () => Promise.reject(new Error('Could not load the default credentials.'));
      await assert.rejects(
        resolveRegistryAuth('us-docker.pkg.dev', { ...options, googleAccessToken: failing }),
        noCredentials(/docker-credential-cosvmtest has no credentials for us-docker\.pkg\.dev, and Application Default Credentials gave no access token; run "gcloud auth application-default login"/),
      );
      await assert.rejects(resolveRegistryAuth('gcr.io', { ...setup(undefined).options, googleAccessToken: adc(undefined).source }), noCredentials(/^No Docker credentials are configured for gcr\.io/));
    });
  });
});
