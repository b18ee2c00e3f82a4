import * as assert from 'node:assert/strict';
import { goClean, isValidGlob, parseDockerignore, PatternMatcher, trimBuildFilesFromExcludes, type MatchInfo } from '../../../../src/core/docker/dockerignore';
import { goRegexp, GoRegexpError } from '../../../../src/core/docker/goRegexp';
import { isCosvmError } from '../../../../src/core/errors';

/** What the CLI's tar walk decides for `file`, with the parents' results handed down as the walk does. */
function walkVerdict(matcher: PatternMatcher, file: string): boolean {
  const dirs = file.split('/').slice(0, -1);
  let info: MatchInfo = [];
  for (let i = 1; i <= dirs.length; i++) info = matcher.matchesUsingParentResults(dirs.slice(0, i).join('/'), info).info;
  return matcher.matchesUsingParentResults(file, info).matched;
}

/** patternmatcher.Matches (the deprecated top-level one), with its error. */
function deprecatedMatches(file: string, patterns: string[]): boolean {
  const cleaned = goClean(file);
  return cleaned !== '.' && PatternMatcher.create(patterns).matchesDeprecated(cleaned);
}

const isBadPattern = (error: unknown) => isCosvmError(error) && error.code === 'docker/build-failed' && /not valid/.test(error.userMessage);

describe('dockerignore: reading the file (ignorefile.ReadAll)', () => {
  it('keeps order, trims, cleans, drops a leading slash and keeps "!" alone for New to reject', () => {
    const text = 'test1\n/test2\n/a/file/here\n\nlastfile\n# this is a comment\n! /inverted/abs/path\n!\n! ';
    assert.deepEqual(parseDockerignore(text), ['test1', 'test2', 'a/file/here', 'lastfile', '!inverted/abs/path', '!', '!']);
  });

  it('treats "#" as a comment only in column 1, and strips CR, a BOM and Go whitespace', () => {
    const text = '\ufeff# comment\r\n  # not a comment\r\nsecret.txt   \r\n\tother.txt\t\n\u0085nel\u0085\nkeep\u00a0';
    assert.deepEqual(parseDockerignore(text), ['# not a comment', 'secret.txt', 'other.txt', 'nel', 'keep']);
  });

  it('cleans ./, .., doubled and trailing slashes, but keeps a lone "/"', () => {
    assert.deepEqual(parseDockerignore('./tmp\n./a/../b/\nlogs/\n//x//y\n/\n!./keep/\n..\n/../z'), ['tmp', 'b', 'logs', 'x/y', '/', '!keep', '..', 'z']);
  });

  it('refuses a line of 64 KiB or more, as bufio.Scanner does', () => {
    assert.throws(() => parseDockerignore(`${'a'.repeat(65_536)}\n`), (error: unknown) => isCosvmError(error) && /too long/.test(error.userMessage));
  });

  it('cleans paths like Go', () => {
    const cases: [string, string][] = [['', '.'], ['a/', 'a'], ['/../a', '/a'], ['../../a/b/..', '../../a'], ['a/./b/../../..', '..'], ['/', '/'], ['//', '/']];
    for (const [input, expected] of cases) assert.equal(goClean(input), expected, input);
  });
});

describe('dockerignore: pattern matching (patternmatcher)', () => {
  // patternmatcher_test.go TestMatches: [pattern, path, matches]
  const single: [string, string, boolean][] = [
    ['**', 'file', true], ['**', 'file/', true], ['**/', 'file', true], ['**/', 'file/', true], ['**', '/', true], ['**/', '/', true],
    ['**', 'dir/file', true], ['**/', 'dir/file', true], ['**', 'dir/file/', true], ['**/', 'dir/file/', true], ['**/**', 'dir/file', true],
    ['**/**', 'dir/file/', true], ['dir/**', 'dir/file', true], ['dir/**', 'dir/file/', true], ['dir/**', 'dir/dir2/file', true],
    ['dir/**', 'dir/dir2/file/', true], ['**/dir', 'dir', true], ['**/dir', 'dir/file', true], ['**/dir2/*', 'dir/dir2/file', true],
    ['**/dir2/*', 'dir/dir2/file/', true], ['**/dir2/**', 'dir/dir2/dir3/file', true], ['**/dir2/**', 'dir/dir2/dir3/file/', true],
    ['**file', 'file', true], ['**file', 'dir/file', true], ['**/file', 'dir/file', true], ['**file', 'dir/dir/file', true],
    ['**/file', 'dir/dir/file', true], ['**/file*', 'dir/dir/file', true], ['**/file*', 'dir/dir/file.txt', true],
    ['**/file*txt', 'dir/dir/file.txt', true], ['**/file*.txt', 'dir/dir/file.txt', true], ['**/file*.txt*', 'dir/dir/file.txt', true],
    ['**/**/*.txt', 'dir/dir/file.txt', true], ['**/**/*.txt2', 'dir/dir/file.txt', false], ['**/*.txt', 'file.txt', true],
    ['**/**/*.txt', 'file.txt', true], ['a**/*.txt', 'a/file.txt', true], ['a**/*.txt', 'a/dir/file.txt', true],
    ['a**/*.txt', 'a/dir/dir/file.txt', true], ['a/*.txt', 'a/dir/file.txt', false], ['a/*.txt', 'a/file.txt', true],
    ['a/*.txt**', 'a/file.txt', true], ['a[b-d]e', 'ae', false], ['a[b-d]e', 'ace', true], ['a[b-d]e', 'aae', false],
    ['a[^b-d]e', 'aze', true], ['.*', '.foo', true], ['.*', 'foo', false], ['abc.def', 'abcdef', false], ['abc.def', 'abc.def', true],
    ['abc.def', 'abcZdef', false], ['abc?def', 'abcZdef', true], ['abc?def', 'abcdef', false], ['a\\\\', 'a\\', true],
    ['**/foo/bar', 'foo/bar', true], ['**/foo/bar', 'dir/foo/bar', true], ['**/foo/bar', 'dir/dir2/foo/bar', true], ['abc/**', 'abc', false],
    ['abc/**', 'abc/def', true], ['abc/**', 'abc/def/ghi', true], ['**/.foo', '.foo', true], ['**/.foo', 'bar.foo', false],
    ['a(b)c/def', 'a(b)c/def', true], ['a(b)c/def', 'a(b)c/xyz', false], ['a.|)$(}+{bc', 'a.|)$(}+{bc', true],
    ['dist/*.whl', 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', true], ['a\\*b', 'a*b', true],
  ];
  const multi: [string[], string, boolean][] = [
    [['**', '!util/docker/web'], 'util/docker/web/foo', false],
    [['**', '!util/docker/web', 'util/docker/web/foo'], 'util/docker/web/foo', true],
    [['**', '!dist/*.whl'], 'dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl', false],
    [['docs', '!docs/README.md'], 'docs/README.md', false],
    [['docs/', '!docs/README.md'], 'docs/README.md', false],
    [['docs/*', '!docs/README.md'], 'docs/README.md', false],
    [['*.go', '!fileutils.go'], 'fileutils.go', false],
    [['!fileutils.go', '*.go'], 'fileutils.go', true],
  ];
  const cases = [...single.map(([p, path, want]): [string[], string, boolean] => [[p], path, want]), ...multi];

  it('agrees with patternmatcher_test.go, through the parent results the tar walk hands down', () => {
    for (const [patterns, path, want] of cases) assert.equal(walkVerdict(PatternMatcher.create(patterns), path), want, `${JSON.stringify(patterns)} ${path}`);
  });

  it('agrees with patternmatcher_test.go without parent results, and through MatchesOrParentMatches', () => {
    for (const [patterns, path, want] of cases) {
      const matcher = PatternMatcher.create(patterns);
      assert.equal(matcher.matchesUsingParentResults(path).matched, want, `no context: ${JSON.stringify(patterns)} ${path}`);
      assert.equal(matcher.matchesOrParentMatches(path), want, `or parent: ${JSON.stringify(patterns)} ${path}`);
    }
  });

  // Go's filepath.Match tests as patternmatcher_test.go runs them through Matches: [pattern, path, matches | 'bad']
  const globs: [string, string, boolean | 'bad'][] = [
    ['abc', 'abc', true], ['*', 'abc', true], ['*c', 'abc', true], ['a*', 'a', true], ['a*', 'abc', true], ['a*', 'ab/c', true],
    ['a*/b', 'abc/b', true], ['a*/b', 'a/c/b', false], ['a*b*c*d*e*/f', 'axbxcxdxe/f', true], ['a*b*c*d*e*/f', 'axbxcxdxexxx/f', true],
    ['a*b*c*d*e*/f', 'axbxcxdxe/xxx/f', false], ['a*b*c*d*e*/f', 'axbxcxdxexxx/fff', false], ['a*b?c*x', 'abxbbxdbxebxczzx', true],
    ['a*b?c*x', 'abxbbxdbxebxczzy', false], ['ab[c]', 'abc', true], ['ab[b-d]', 'abc', true], ['ab[e-g]', 'abc', false],
    ['ab[^c]', 'abc', false], ['ab[^b-d]', 'abc', false], ['ab[^e-g]', 'abc', true], ['a\\*b', 'a*b', true], ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true], ['a[^a]b', 'a☺b', true], ['a???b', 'a☺b', false], ['a[^a][^a][^a]b', 'a☺b', false], ['[a-ζ]*', 'α', true],
    ['*[a-ζ]', 'A', false], ['a?b', 'a/b', false], ['a*b', 'a/b', false], ['[\\]a]', ']', true], ['[\\-]', '-', true], ['[x\\-]', 'x', true],
    ['[x\\-]', '-', true], ['[x\\-]', 'z', false], ['[\\-x]', 'x', true], ['[\\-x]', '-', true], ['[\\-x]', 'a', false],
    ['[]a]', ']', 'bad'], ['[-]', '-', 'bad'], ['[x-]', 'x', 'bad'], ['[-x]', 'x', 'bad'], ['\\', 'a', 'bad'], ['[a-b-c]', 'a', 'bad'],
    ['[', 'a', 'bad'], ['[^', 'a', 'bad'], ['[^bc', 'a', 'bad'], ['a[', 'a', 'bad'], ['a[', 'ab', 'bad'], ['*x', 'xxx', true],
  ];

  it("agrees with Go's filepath.Match cases, including the syntax errors", () => {
    for (const [pattern, path, want] of globs) {
      if (want === 'bad') assert.throws(() => deprecatedMatches(path, [pattern]), isBadPattern, pattern);
      else assert.equal(deprecatedMatches(path, [pattern]), want, `${pattern} ${path}`);
    }
  });

  it('rejects "!" alone, skips blank patterns and notes exclusions', () => {
    assert.throws(() => PatternMatcher.create(['!']), (error: unknown) => isCosvmError(error) && /illegal exclusion/.test(error.userMessage));
    const matcher = PatternMatcher.create(['docs', '', '  ', '  !docs/README.md  ']);
    assert.equal(matcher.patterns.length, 2);
    assert.equal(matcher.exclusions, true);
    assert.equal(PatternMatcher.create(['docs', 'config']).exclusions, false);
  });

  it('never matches the context root, and matches nothing without patterns', () => {
    assert.equal(deprecatedMatches('.', ['*.go']), false);
    assert.equal(deprecatedMatches('/any/path/there', []), false);
  });

  it('gives backslash escapes and classes their Go regexp meaning', () => {
    const m = (pattern: string, path: string) => PatternMatcher.create([pattern]).matchesOrParentMatches(path);
    assert.equal(m('v\\d', 'v7'), true); // Go reads `\d` as a digit
    assert.equal(m('v\\d', 'vd'), false);
    assert.equal(m('[[:upper:]]*', 'Makefile'), true);
    assert.equal(m('[[:upper:]]*', 'makefile'), false);
    assert.equal(m('a\\.b', 'a.b'), true);
    assert.equal(m('a\\.b', 'axb'), false);
    // `[*]` becomes `[[^/]*]` for Go: a class of `[`, `^` and `/`, repeated, then a literal `]`.
    assert.equal(m('x[*]', 'x*'), false);
    assert.equal(m('x[*]', 'x^^]'), true);
    assert.equal(m('file\\?.txt', 'file?.txt'), true);
    assert.equal(m('^x*', '^x1'), false); // `^` is not escaped: an anchor in the middle can never match
    assert.equal(m('**/*.log', 'a\nb.log'), true); // Go's `.` stops only at \n, and [^/] crosses it
  });

  it('lets `|` and `{n}` through to the regexp unescaped, as the CLI does (a quirk of its escape bitmap)', () => {
    const m = (pattern: string, path: string) => PatternMatcher.create([pattern]).matchesOrParentMatches(path);
    // `^[^/]*\.js|[^/]*\.ts$`: two unanchored halves.
    assert.equal(m('*.js|*.ts', 'dir/deep/x.ts'), true);
    assert.equal(m('*.js|*.ts', 'a.jsx'), true);
    assert.equal(m('*.js|*.ts', 'a.md'), false);
    assert.equal(m('a{2}*', 'aab'), true);
    assert.equal(m('a{2}*', 'a{2}'), false);
    assert.equal(m('a{x}*', 'a{x}y'), true); // not a repetition: a literal brace
    assert.equal(m('{2}*', 'anything'), true); // Go repeats the `^` anchor
    assert.equal(m('a|b', 'a|b'), true); // no regexp trigger: an exact match
    assert.throws(() => m('a{1001}*', 'a'), isBadPattern);
    assert.throws(() => m('*{2}', 'a'), isBadPattern); // `[^/]*{2}`: stacked repetition
  });

  it('fails on a pattern Go compiles lazily only when it is first reached, every time', () => {
    const matcher = PatternMatcher.create(['[Local-Only]/']); // filepath.Match accepts l-O; Go's regexp does not
    assert.throws(() => matcher.matchesOrParentMatches('x'), isBadPattern);
    assert.throws(() => matcher.matchesOrParentMatches('x'), isBadPattern);
    // Never evaluated: an exclusion is only tried once something matched.
    assert.equal(PatternMatcher.create(['!\\e']).matchesUsingParentResults('file').matched, false);
    assert.throws(() => PatternMatcher.create(['*', '!\\e']).matchesUsingParentResults('file'), isBadPattern);
  });

  it('hands a directory match down to its children, as the tar walk relies on', () => {
    const matcher = PatternMatcher.create(['vendor', '!vendor/keep']);
    const vendor = matcher.matchesUsingParentResults('vendor');
    assert.deepEqual(vendor, { matched: true, info: [true, false] });
    assert.equal(matcher.matchesUsingParentResults('vendor/other', vendor.info).matched, true);
    assert.equal(matcher.matchesUsingParentResults('vendor/keep', vendor.info).matched, false);
  });

  it('validates globs as filepath.Match does', () => {
    for (const good of ['a', '[a-z]', '[\\]]', 'a\\*', '[^a]', '*[*]*', '[a-ζ]']) assert.equal(isValidGlob(good), true, good);
    for (const bad of ['[', '[]', '[a-]', 'a\\', '[\\', '[a', '*[', '[^]']) assert.equal(isValidGlob(bad), false, bad);
  });
});

describe('dockerignore: build files kept (TrimBuildFilesFromExcludes)', () => {
  it('re-includes an excluded Dockerfile and .dockerignore, and leaves others alone', () => {
    assert.deepEqual(trimBuildFilesFromExcludes(['*'], 'Dockerfile'), ['*', '!.dockerignore', '!Dockerfile']);
    assert.deepEqual(trimBuildFilesFromExcludes(['.dockerignore'], 'Dockerfile'), ['.dockerignore', '!.dockerignore']);
    assert.deepEqual(trimBuildFilesFromExcludes(['*.md'], 'Dockerfile'), ['*.md']);
    assert.deepEqual(trimBuildFilesFromExcludes(['build'], 'build/Dockerfile.ci'), ['build', '!build/Dockerfile.ci']);
  });

  it('uses the deprecated Matches: only the parent at the depth of the pattern counts', () => {
    // `a/b` has two parts: for a/b/c/Dockerfile only the parent "a/b" is tried, and it matches.
    assert.deepEqual(trimBuildFilesFromExcludes(['a/b'], 'a/b/c/Dockerfile'), ['a/b', '!a/b/c/Dockerfile']);
    // `*/c` is tried against "a/b" only (two parts): no match, although a/b/c is excluded by the walk.
    assert.deepEqual(trimBuildFilesFromExcludes(['*/c'], 'a/b/c/Dockerfile'), ['*/c']);
  });

  it('ignores a broken pattern here (the context walk reports it)', () => {
    assert.deepEqual(trimBuildFilesFromExcludes(['['], 'Dockerfile'), ['[']);
  });
});

describe('dockerignore: Go regexp translation', () => {
  const cases: [string, string, boolean][] = [
    ['^a\\d$', 'a5', true], ['^a\\D$', 'a5', false], ['^\\s$', '\u000b', false], ['^[\\s]$', ' ', true], ['^\\w+$', 'é', false],
    ['^[[:^digit:]]$', 'x', true], ['^[^[:alpha:]]$', 'x', false], ['^\\x41\\101\\0$', 'AA\u0000', true], ['^\\Qa.b\\E$', 'a.b', true],
    ['^\\Qa.b\\E$', 'axb', false], ['^\\pL$', 'ж', true], ['^\\p{Greek}$', 'λ', true], ['^\\p{^Greek}$', 'λ', false], ['^[]a]$', ']', true],
    ['^[a-]$', '-', true], ['^.$', '\n', false], ['^.$', '\r', true], ['^[^/]$', '😀', true], ['^a]$', 'a]', true],
  ];
  for (const [source, text, want] of cases) {
    it(`reads ${source} as Go does`, () => assert.equal(goRegexp(source).test(text), want));
  }

  it("rejects what Go's parser rejects", () => {
    for (const source of ['\\e', '\\1', '\\8', '[z-a]', '[[:foo:]]', '[a', '\\C', '\\x{110000}', '[\\b]']) {
      assert.throws(() => goRegexp(source), GoRegexpError, source);
    }
  });
});
