/**
 * `.dockerignore` read and applied the way the Docker CLI does it, written from the Go sources it vendors:
 * moby/patternmatcher v0.6 (`ignorefile.ReadAll`, `New`, `Pattern.compile`/`match`, `MatchesUsingParentResults`
 * and the deprecated `Matches`) and docker/cli `TrimBuildFilesFromExcludes`. Pure: no file system here.
 *
 * What the CLI's rules mean in practice: `#` starts a comment only in column 1; patterns are trimmed and cleaned
 * (`./a/../b/` is `b`, a leading `/` is dropped); `*` and `?` never cross a `/`; `**` crosses any number of them;
 * a pattern that matches a directory matches everything below it; the last matching pattern wins, and a `!`
 * pattern only re-includes a path inside an excluded directory if it spells out that directory as its prefix
 * (moby/go-archive descends only then; `!**\/x` does not reach into an excluded directory).
 */
import { DockerError } from '../errors';
import { goRegexp, GoRegexpError } from './goRegexp';

/** Go's unicode.IsSpace set, which strings.TrimSpace uses (JS's trim() differs: U+FEFF, U+0085). */
const goSpace = '[\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
const goTrim = new RegExp(`^${goSpace}+|${goSpace}+$`, 'gu');

export function goTrimSpace(text: string): string {
  return text.replace(goTrim, '');
}

/** Go's path.Clean (filepath.Clean with `/`): lexical, no file system. */
export function goClean(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') out.push(part);
    else if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (!rooted) out.push('..');
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Go's path.Dir. */
export function goDir(path: string): string {
  const slash = path.lastIndexOf('/');
  return goClean(slash < 0 ? '' : path.slice(0, slash + 1));
}

/** `ignorefile.ReadAll`: the patterns of a .dockerignore file's text, in order. */
export function parseDockerignore(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const patterns: string[] = [];
  lines.forEach((raw, index) => {
    // bufio.Scanner gives up on lines of 64 KiB or more, and so does the CLI.
    if (Buffer.byteLength(raw) >= 64 * 1024) throw new DockerError('docker/build-failed', `Line ${index + 1} of .dockerignore is too long (64 KiB or more).`);
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (index === 0 && line.startsWith('\ufeff')) line = line.slice(1);
    if (line.startsWith('#')) return;
    let pattern = goTrimSpace(line);
    if (pattern === '') return;
    const invert = pattern.startsWith('!');
    if (invert) pattern = goTrimSpace(pattern.slice(1));
    if (pattern.length > 0) {
      pattern = goClean(pattern);
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  });
  return patterns;
}

type MatchType = 'exact' | 'prefix' | 'suffix' | 'regexp';

function badPattern(pattern: string): DockerError {
  return new DockerError('docker/build-failed', `The .dockerignore pattern "${pattern}" is not valid: syntax error in pattern.`);
}

/**
 * The syntax check `New` gets from Go's `filepath.Match(pattern, ".")`: every chunk between unbracketed stars must
 * be well formed (closed, non-empty classes, no `-` or `]` where a character is due, no trailing backslash).
 */
export function isValidGlob(pattern: string): boolean {
  const s = Array.from(pattern);
  let i = 0;
  while (i < s.length) {
    while (s[i] === '*') i++;
    const start = i;
    let inRange = false;
    for (; i < s.length; i++) {
      if (s[i] === '\\') {
        if (i + 1 < s.length) i++;
      } else if (s[i] === '[') inRange = true;
      else if (s[i] === ']') inRange = false;
      else if (s[i] === '*' && !inRange) break;
    }
    if (!isValidChunk(s.slice(start, i))) return false;
  }
  return true;
}

function isValidChunk(chunk: readonly string[]): boolean {
  let i = 0;
  // Go's getEsc: one class character, which may not be the last of the chunk (the class must still close).
  const classChar = (): boolean => {
    if (i >= chunk.length || chunk[i] === '-' || chunk[i] === ']') return false;
    if (chunk[i] === '\\' && ++i >= chunk.length) return false;
    return ++i < chunk.length;
  };
  while (i < chunk.length) {
    if (chunk[i] === '[') {
      i++;
      if (chunk[i] === '^') i++;
      for (let ranges = 0; ; ranges++) {
        if (chunk[i] === ']' && ranges > 0) {
          i++;
          break;
        }
        if (!classChar()) return false;
        if (chunk[i] === '-') {
          i++;
          if (!classChar()) return false;
        }
      }
    } else if (chunk[i] === '\\') {
      i += 2;
      if (i > chunk.length) return false;
    } else i++;
  }
  return true;
}

/** One cleaned pattern; compiled on first use, as in Go (a broken regexp fails only when it is reached). */
export class Pattern {
  readonly dirs: number;
  private kind: MatchType | undefined;
  private regexp: RegExp | undefined;

  constructor(
    readonly cleaned: string,
    readonly exclusion: boolean,
  ) {
    this.dirs = cleaned.split('/').length;
  }

  match(path: string): boolean {
    const kind = (this.kind ??= this.compile());
    switch (kind) {
      case 'exact':
        return path === this.cleaned;
      case 'prefix':
        return path.startsWith(this.cleaned.slice(0, -2));
      case 'suffix': {
        const suffix = this.cleaned.slice(2);
        return path.endsWith(suffix) || (suffix.startsWith('/') && path === suffix.slice(1));
      }
      case 'regexp':
        return this.regexp?.test(path) ?? false;
    }
  }

  /** `Pattern.compile`: a plain string test where the pattern allows one, else a Go regexp. */
  private compile(): MatchType {
    const s = Array.from(this.cleaned);
    let source = '^';
    let kind: MatchType = 'exact';
    for (let iteration = 0, k = 0; k < s.length; iteration++) {
      const ch = s[k++] ?? '';
      if (ch === '*' && s[k] === '*') {
        k++;
        if (s[k] === '/') k++; // `**/` is `**`
        if (k >= s.length) {
          // A trailing `**` accepts everything, as in .gitignore.
          if (kind === 'exact') kind = 'prefix';
          else {
            source += '.*';
            kind = 'regexp';
          }
        } else {
          source += '(.*/)?';
          kind = 'regexp';
        }
        if (iteration === 0) kind = 'suffix';
      } else if (ch === '*' || ch === '?') {
        source += ch === '*' ? '[^/]*' : '[^/]';
        kind = 'regexp';
      } else if ('.+()$'.includes(ch)) {
        // Go's shouldEscape means `.+()|{}$`, but its bitmap (`[8]byte`, bit b/8) drops every byte >= 64, so `|`,
        // `{` and `}` reach the regexp raw: `*.js|*.ts` is an unanchored alternation, `a{2}*` a repetition.
        source += `\\${ch}`;
      } else if (ch === '\\') {
        // The escaped character goes to Go's regexp parser as is: `\*` is a star, but `\d` is a digit.
        if (k < s.length) {
          source += `\\${s[k++] ?? ''}`;
          kind = 'regexp';
        } else source += '\\';
      } else {
        if (ch === '[' || ch === ']') kind = 'regexp';
        source += ch;
      }
    }
    if (kind === 'regexp') {
      try {
        this.regexp = goRegexp(`${source}$`);
      } catch (error) {
        if (error instanceof GoRegexpError) throw badPattern(this.cleaned);
        throw error;
      }
    }
    return kind;
  }
}

/** Which patterns matched a directory: handed to its children (`MatchInfo`). Empty when unknown. */
export type MatchInfo = readonly boolean[];

export class PatternMatcher {
  private constructor(
    readonly patterns: readonly Pattern[],
    /** Whether any `!` pattern exists. */
    readonly exclusions: boolean,
  ) {}

  /** `patternmatcher.New`: throws a DockerError for `!` alone or a malformed pattern. */
  static create(patterns: readonly string[]): PatternMatcher {
    const out: Pattern[] = [];
    let exclusions = false;
    for (const raw of patterns) {
      let p = goTrimSpace(raw);
      if (p === '') continue;
      p = goClean(p);
      const exclusion = p.startsWith('!');
      if (exclusion) {
        if (p.length === 1) throw new DockerError('docker/build-failed', 'The .dockerignore pattern "!" is not valid: illegal exclusion pattern.');
        p = p.slice(1);
        exclusions = true;
      }
      if (!isValidGlob(p)) throw badPattern(p);
      out.push(new Pattern(p, exclusion));
    }
    return new PatternMatcher(out, exclusions);
  }

  /**
   * `MatchesUsingParentResults`, which the CLI's tar walk uses: whether `file` (slash-separated, relative) is
   * excluded, and what to hand to its children if it is a directory. A pattern that matched the parent counts as
   * matching the child; with no parent information, each parent directory is tried instead.
   */
  matchesUsingParentResults(file: string, parent: MatchInfo = []): { matched: boolean; info: boolean[] } {
    let matched = false;
    const info = this.patterns.map(() => false);
    this.patterns.forEach((pattern, i) => {
      let match = parent[i] ?? false;
      if (!match) {
        // Only a pattern that could change the verdict is evaluated.
        if (pattern.exclusion !== matched) return;
        match = pattern.match(file);
        if (!match && parent.length === 0) match = this.matchesAParent(pattern, file, Infinity);
      }
      info[i] = match;
      if (match) matched = !pattern.exclusion;
    });
    return { matched, info };
  }

  /** `MatchesOrParentMatches` (the CLI's context check): `file` or any parent directory matches. */
  matchesOrParentMatches(file: string): boolean {
    return this.verdict(file, Infinity);
  }

  /** The deprecated `Matches`, still what TrimBuildFilesFromExcludes uses: tries only the parent at the pattern's depth. */
  matchesDeprecated(file: string): boolean {
    return this.verdict(file, 0);
  }

  private verdict(file: string, parents: number): boolean {
    let matched = false;
    for (const pattern of this.patterns) {
      if (pattern.exclusion !== matched) continue;
      if (pattern.match(file) || this.matchesAParent(pattern, file, parents)) matched = !pattern.exclusion;
    }
    return matched;
  }

  /** `parents` = Infinity tries every leading run of directories; 0 tries only the run as deep as the pattern. */
  private matchesAParent(pattern: Pattern, file: string, parents: number): boolean {
    const parentPath = goDir(file);
    if (parentPath === '.') return false;
    const dirs = parentPath.split('/');
    if (parents === 0) return pattern.dirs <= dirs.length && safeMatch(pattern, dirs.slice(0, pattern.dirs).join('/'));
    for (let i = 1; i <= dirs.length; i++) if (safeMatch(pattern, dirs.slice(0, i).join('/'))) return true;
    return false;
  }
}

/** Go ignores the error of the parent-directory tries (`match, _ = pattern.match(…)`). */
function safeMatch(pattern: Pattern, path: string): boolean {
  try {
    return pattern.match(path);
  } catch {
    return false;
  }
}

/** The top-level `patternmatcher.Matches`: errors (bad patterns) count as no match, as the CLI ignores them here. */
function matchesIgnoringErrors(file: string, patterns: readonly string[]): boolean {
  try {
    const cleaned = goClean(file);
    return cleaned !== '.' && PatternMatcher.create(patterns).matchesDeprecated(cleaned);
  } catch {
    return false;
  }
}

/**
 * `TrimBuildFilesFromExcludes` (classic builder): the Dockerfile and .dockerignore are always sent, even when
 * excluded, because the daemon reads them; it then removes them from the context itself.
 */
export function trimBuildFilesFromExcludes(excludes: readonly string[], dockerfile: string): string[] {
  let out = [...excludes];
  if (matchesIgnoringErrors('.dockerignore', out)) out = [...out, '!.dockerignore'];
  if (matchesIgnoringErrors(dockerfile, out)) out = [...out, `!${dockerfile}`];
  return out;
}
