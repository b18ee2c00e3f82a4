/**
 * The build context we send must be the one the Docker CLI sends. Each scenario builds the same directory twice on
 * the real dockerd, once with `DOCKER_BUILDKIT=0 docker build` and once with our buildImage, each `FROM scratch` +
 * `COPY . /ctx/`, and compares what landed in /ctx/ (names, types, modes, sizes, link targets). Both builds go
 * through a recording proxy in front of the engine's socket, so the two tar streams are compared too, entry by
 * entry (order, headers, content digests).
 */
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type Dockerode from 'dockerode';
import { buildImage, connectDocker } from '../../../src/core/docker/engine';
import { run } from '../../support/processes';
import { tempDir } from '../../support/tempDir';
import { services } from '../hooks';

type Node = string | { link: string } | { hardlinkTo: string } | { dir: true; mode?: number } | { content: string; mode: number };

interface Scenario {
  name: string;
  ignore?: string;
  files: Record<string, Node>;
  /** Relative to the context; default `Dockerfile` at its root. */
  dockerfile?: string;
  /** Paths under /ctx/ that must (not) be in the image: proves the case is not trivial. */
  present: string[];
  absent: string[];
}

const dockerfile = 'FROM scratch\nCOPY . /ctx/\n';
const long = `${'long-directory-name-'.repeat(6)}/${'n'.repeat(90)}.txt`; // > 100 bytes: USTAR prefix split
const veryLong = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}/${'g'.repeat(60)}/${'h'.repeat(120)}.txt`; // PAX path

const scenarios: Scenario[] = [
  {
    name: 'negations: the last matching pattern wins',
    ignore: '*.log\n!keep.log\nkeep.log.old\n!*.md\nREADME.md\n',
    files: { 'a.log': 'a', 'keep.log': 'k', 'keep.log.old': 'o', 'notes.md': 'n', 'README.md': 'r', 'src/app.js': 'js', 'src/debug.log': 'd' },
    present: ['keep.log', 'notes.md', 'src/debug.log', 'src/app.js'],
    absent: ['a.log', 'keep.log.old', 'README.md'],
  },
  {
    name: '** across any number of folders',
    ignore: '**/*.tmp\ndocs/**/secret*\n**/node_modules\n',
    files: {
      'a.tmp': '1', 'x/y/z.tmp': '2', 'x/y/z.txt': '3', 'docs/secret.txt': 's', 'docs/a/b/secret-key': 'k', 'docs/public.txt': 'p',
      'web/node_modules/lib/index.js': 'i', 'node_modules/x': 'x', 'web/src/main.ts': 'm',
    },
    present: ['x/y/z.txt', 'docs/public.txt', 'web/src/main.ts'],
    absent: ['a.tmp', 'x/y/z.tmp', 'docs/secret.txt', 'docs/a/b/secret-key', 'web/node_modules', 'node_modules'],
  },
  {
    name: 're-includes inside excluded folders',
    ignore: 'vendor\n!vendor/keep\nnode_modules\n!node_modules/pkg/index.js\nbuild/**\n!build/out/app\n',
    files: {
      'vendor/keep/a.txt': 'a', 'vendor/keep/sub/b.txt': 'b', 'vendor/other/c.txt': 'c', 'vendor/top.txt': 't',
      'node_modules/pkg/index.js': 'i', 'node_modules/pkg/other.js': 'o', 'node_modules/zz/index.js': 'z',
      'build/out/app': 'app', 'build/out/tmp': 'tmp', 'build/log': 'log', 'main.go': 'package main',
    },
    present: ['vendor/keep/a.txt', 'vendor/keep/sub/b.txt', 'node_modules/pkg/index.js', 'build/out/app', 'main.go'],
    absent: ['vendor/other', 'vendor/top.txt', 'node_modules/pkg/other.js', 'node_modules/zz', 'build/out/tmp', 'build/log'],
  },
  {
    name: 'a re-include that does not name the excluded folder does not reach into it',
    ignore: 'cache\n!**/important.txt\n',
    files: { 'cache/important.txt': 'i', 'cache/x': 'x', 'other/important.txt': 'o', 'other/y': 'y' },
    present: ['other/important.txt', 'other/y'],
    absent: ['cache', 'cache/important.txt'],
  },
  {
    name: 'leading / and ./ are relative to the context root',
    ignore: '/build\n./tmp\n/a/../secrets/\n./docs/./internal\n',
    files: { 'build/x': 'x', 'sub/build/y': 'y', 'tmp/t': 't', 'sub/tmp/t2': 't2', 'secrets/k': 'k', 'docs/internal/i': 'i', 'docs/public/p': 'p' },
    present: ['sub/build/y', 'sub/tmp/t2', 'docs/public/p'],
    absent: ['build', 'tmp', 'secrets', 'docs/internal'],
  },
  {
    name: 'comments, blank lines, CRLF and surrounding whitespace',
    ignore: '# a comment\r\n#*.md\r\n # spaced\r\nsecret.txt   \r\n\tother.txt\t\r\n\r\n   \r\n',
    files: { 'a.md': 'md', 'secret.txt': 's', 'other.txt': 'o', '# spaced': 'not a comment', 'plain.txt': 'p', '# a comment': 'c' },
    present: ['a.md', 'plain.txt', '# a comment'],
    absent: ['secret.txt', 'other.txt', '# spaced'],
  },
  {
    name: 'an excluded Dockerfile and .dockerignore are still sent (the daemon drops them)',
    ignore: 'Dockerfile\n.dockerignore\n*.bak\n',
    files: { 'a.bak': 'b', 'app.txt': 'a' },
    present: ['app.txt'],
    absent: ['a.bak', 'Dockerfile', '.dockerignore'],
  },
  {
    name: 'everything excluded but one folder',
    ignore: '*\n!src\n',
    files: { 'src/a': 'a', 'src/b/c': 'c', 'other/d': 'd', 'top.txt': 't' },
    present: ['src/a', 'src/b/c'],
    absent: ['other', 'top.txt', 'Dockerfile'],
  },
  {
    name: 'folder patterns with a trailing slash and a trailing /*',
    ignore: 'logs/\ncache/*\n',
    files: { 'logs/a.log': 'a', 'logs/sub/b.log': 'b', 'cache/c': 'c', 'cache/d/e': 'e', 'logsx/f': 'f' },
    present: ['cache', 'logsx/f'],
    absent: ['logs', 'cache/c', 'cache/d'],
  },
  {
    name: 'deep, long and non-ASCII paths',
    ignore: 'a/*/c/**/g\n**/deep-ignored\n',
    files: {
      'a/b/c/d/e/f/g/file': 'g', 'a/b/c/g': 'g2', 'a/b/c/d/keep': 'k', 'a/x/c/gg': 'gg', 'x/y/z/w/v/u/t/s/r/q/deep-ignored/1': '1',
      'x/y/z/w/v/u/t/s/r/q/kept': 'kept', [long]: 'long', [veryLong]: 'very long', 'ünïcödé/файл.txt': 'u', '日本/😀.txt': 'e',
    },
    present: ['a/b/c/d/keep', 'a/x/c/gg', 'x/y/z/w/v/u/t/s/r/q/kept', long, veryLong, 'ünïcödé/файл.txt', '日本/😀.txt'],
    absent: ['a/b/c/d/e/f/g', 'a/b/c/g', 'x/y/z/w/v/u/t/s/r/q/deep-ignored'],
  },
  {
    name: 'a Dockerfile inside an excluded folder (-f)',
    ignore: 'ci\n',
    dockerfile: 'ci/Dockerfile.build',
    files: { 'ci/other': 'o', 'ci/nested/x': 'x', 'app.txt': 'a' },
    present: ['app.txt'],
    absent: ['ci/other', 'ci/nested', 'ci/Dockerfile.build'],
  },
  {
    name: 'symlinks, hard links, empty folders and modes',
    ignore: '*.ignored\n',
    files: {
      'target.txt': 'target', link: { link: 'target.txt' }, 'sub/inner.txt': 'inner', dirlink: { link: 'sub' }, dangling: { link: 'nowhere' },
      'hard1.txt': 'same inode', 'hard2.txt': { hardlinkTo: 'hard1.txt' }, 'z/hard3.txt': { hardlinkTo: 'hard1.txt' }, empty: { dir: true },
      'run.sh': { content: '#!/bin/sh\n', mode: 0o755 }, 'private.key': { content: 'k', mode: 0o600 }, 'shared': { dir: true, mode: 0o2775 },
      'x.ignored': 'i',
    },
    present: ['link', 'dirlink', 'dangling', 'hard2.txt', 'z/hard3.txt', 'empty', 'run.sh', 'private.key', 'shared'],
    absent: ['x.ignored'],
  },
  {
    name: 'classes, ? and escapes',
    ignore: 'file[0-9].txt\n?.tmp\ndata\\*.csv\n[!a]b\n',
    files: { 'file1.txt': '1', 'filea.txt': 'a', 'x.tmp': 'x', 'xy.tmp': 'xy', 'data*.csv': 'd', 'dataX.csv': 'X', '!b': '!', ab: 'ab', cb: 'cb' },
    present: ['filea.txt', 'xy.tmp', 'dataX.csv', 'cb'],
    absent: ['file1.txt', 'x.tmp', 'data*.csv', '!b', 'ab'],
  },
  {
    name: 'the CLI quirk: `|` and `{n}` reach its regexp unescaped',
    ignore: '*.js|*.ts\nv{2}*\n',
    files: { 'a.js': 'a', 'sub/b.ts': 'b', 'c.jsx': 'c', 'd.md': 'd', vvx: 'v', 'v{2}': 'w' },
    present: ['d.md', 'v{2}'],
    absent: ['a.js', 'sub/b.ts', 'c.jsx', 'vvx'],
  },
];

function writeContext(scenario: Scenario): string {
  const dir = tempDir('cosvm-ctx-');
  const write = (relative: string, node: Node) => {
    const file = path.join(dir, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    if (typeof node === 'string') writeFileSync(file, node);
    else if ('link' in node) symlinkSync(node.link, file);
    else if ('hardlinkTo' in node) linkSync(path.join(dir, node.hardlinkTo), file);
    else if ('dir' in node) {
      mkdirSync(file, { recursive: true });
      if (node.mode !== undefined) chmodSync(file, node.mode);
    } else {
      writeFileSync(file, node.content);
      chmodSync(file, node.mode);
    }
  };
  write(scenario.dockerfile ?? 'Dockerfile', dockerfile);
  if (scenario.ignore !== undefined) write('.dockerignore', scenario.ignore);
  // Hard links last: their targets must exist.
  const entries = Object.entries(scenario.files).sort(([, a], [, b]) => Number(typeof a === 'object' && 'hardlinkTo' in a) - Number(typeof b === 'object' && 'hardlinkTo' in b));
  for (const [relative, node] of entries) write(relative, node);
  return dir;
}

/** `ls -l`-like lines for everything under /ctx/ in the image, without dates (directories get the build's time). */
async function filesInImage(env: NodeJS.ProcessEnv, image: string): Promise<string[]> {
  const container = (await run('docker', ['create', image, '/none'], { env })).trim();
  const archive = path.join(tempDir('cosvm-export-'), 'rootfs.tar');
  try {
    await run('docker', ['export', '-o', archive, container], { env });
  } finally {
    await run('docker', ['rm', container], { env });
  }
  const listing = await run('tar', ['-tvf', archive, '--numeric-owner', '--quoting-style=escape'], { env: { ...process.env, LC_ALL: 'C.UTF-8' } });
  return listing
    .split('\n')
    .map((line) => /^(\S+)\s+(\S+)\s+(\d+)\s+\S+\s+\S+\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && (match[4] ?? '').startsWith('ctx/'))
    .map(([, mode, owner, size, name]) => `${mode} ${owner} ${mode?.startsWith('d') ? '-' : size} ${name}`)
    .sort();
}

/**
 * A unix-socket proxy to the engine that keeps the body of each `POST /build`: the build context as sent.
 */
async function recordingProxy(engineSocket: string): Promise<{ host: string; contexts: Buffer[]; close: () => Promise<void> }> {
  const socketPath = path.join(tempDir('cosvm-proxy-'), 'p.sock');
  const contexts: Buffer[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    const upstream = http.request({ socketPath: engineSocket, method: request.method, path: request.url, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    if (request.method === 'POST' && /\/build\b/.test(request.url ?? '')) {
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => contexts.push(Buffer.concat(chunks)));
    }
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  return {
    host: `unix://${socketPath}`,
    contexts,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** One line per tar entry (PAX path and linkpath applied): everything the daemon reads from a header, and a digest. */
function tarEntries(tar: Buffer): string[] {
  const entries: string[] = [];
  let pax: Record<string, string> = {};
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const text = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0[\s\S]*$/, '');
    const number = (start: number, length: number) => parseInt(text(start, length).trim() || '0', 8);
    const size = number(124, 12);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    const type = text(156, 1) || '0';
    if (type === 'x') {
      pax = Object.fromEntries([...body.toString('utf8').matchAll(/\d+ ([^=]+)=([^\n]*)\n/g)].map((m) => [m[1] ?? '', m[2] ?? '']));
      continue;
    }
    const prefix = text(345, 155);
    const name = pax['path'] ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
    const link = pax['linkpath'] ?? text(157, 100);
    const digest = createHash('sha256').update(body).digest('hex').slice(0, 16);
    entries.push([name, type, number(100, 8).toString(8), `${number(108, 8)}:${number(116, 8)}`, size, number(136, 12), link, number(329, 8), number(337, 8), digest].join(' '));
    pax = {};
  }
  return entries;
}

/** Whether the listing holds `relative` (a file, link or folder, or something inside it). */
const has = (files: readonly string[], relative: string) =>
  files.some((line) => {
    const name = line.split(' ').slice(3).join(' ');
    const at = `ctx/${relative}`;
    return name === at || [`${at}/`, `${at} -> `, `${at} link to `].some((prefix) => name.startsWith(prefix));
  });

describe('build context: the files the Docker CLI sends (real dockerd, classic builder)', function () {
  this.timeout(120_000);
  let docker: Dockerode;
  let env: NodeJS.ProcessEnv;

  let proxy: Awaited<ReturnType<typeof recordingProxy>>;

  before(async () => {
    proxy = await recordingProxy(services().docker.socketPath);
    docker = await connectDocker({ host: proxy.host });
    // Our own CLI config: no credential helpers or contexts of the machine's user.
    env = { ...process.env, DOCKER_HOST: proxy.host, DOCKER_BUILDKIT: '0', DOCKER_CONFIG: tempDir('cosvm-cli-') };
  });

  after(async () => {
    await proxy.close();
  });

  scenarios.forEach((scenario, index) => {
    it(scenario.name, async () => {
      const dir = writeContext(scenario);
      const cliImage = `cosvm-ctx/cli:${index}`;
      const ourImage = `cosvm-ctx/ours:${index}`;
      const dockerfileArgs = scenario.dockerfile ? ['-f', path.join(dir, scenario.dockerfile)] : [];
      proxy.contexts.length = 0;
      await run('docker', ['build', '--no-cache', '-q', '-t', cliImage, ...dockerfileArgs, dir], { env });
      const output: string[] = [];
      await buildImage(docker, {
        contextDir: dir,
        tag: ourImage,
        noCache: true,
        onOutput: (text) => output.push(text),
        ...(scenario.dockerfile ? { dockerfile: scenario.dockerfile } : {}),
      });
      const [cliTar, ourTar] = proxy.contexts;
      assert.ok(cliTar && ourTar, `expected two recorded contexts, got ${proxy.contexts.length}`);
      assert.deepEqual(tarEntries(ourTar), tarEntries(cliTar));
      assert.ok(tarEntries(cliTar).length > scenario.present.length, tarEntries(cliTar).join('\n'));
      const cli = await filesInImage(env, cliImage);
      const ours = await filesInImage(env, ourImage);
      assert.deepEqual(ours, cli);
      assert.ok(cli.length >= scenario.present.length + 1, cli.join('\n'));
      for (const relative of scenario.present) assert.ok(has(cli, relative), `${relative} should be in the image:\n${cli.join('\n')}`);
      for (const relative of scenario.absent) assert.ok(!has(cli, relative), `${relative} should not be in the image:\n${cli.join('\n')}`);
      assert.ok(output.some((line) => line.startsWith('Sending build context to Docker daemon')), output.join(''));
    });
  });
});
