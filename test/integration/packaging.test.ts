import * as assert from 'node:assert/strict';
import { repoRoot } from '../support/paths';
import { run } from '../support/processes';

describe('the VSIX', function () {
  this.timeout(60_000);

  it('holds the bundles, media, README, CHANGELOG and LICENSE, and nothing from test/, the emulator or code-server', async () => {
    const listing = await run('npx', ['vsce', 'ls', '--no-dependencies'], { cwd: repoRoot });
    const files = listing.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('npm warn'));
    for (const required of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist/extension.js', 'dist/webview/main.js', 'media/cos.svg', 'media/walkthrough/signIn.md']) {
      assert.ok(files.includes(required), `${required} missing from:\n${files.join('\n')}`);
    }
    const allowed = /^(package\.json|package\.nls\.json|README\.md|CHANGELOG\.md|LICENSE|media\/[^/]+|media\/walkthrough\/[a-zA-Z]+\.md|dist\/(extension|compute|lazy\/[a-z0-9-]+)\.js|dist\/webview\/[^/]+\.js|dist\/schemas\/[^/]+\.json)$/;
    assert.deepEqual(files.filter((file) => !allowed.test(file)), []);
  });
});
