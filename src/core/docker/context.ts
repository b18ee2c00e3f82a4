/**
 * The build context `docker build DIR` sends with the classic builder, made the same way: the Dockerfile found as
 * the CLI finds it (docker/cli `getDockerfileRelPath`), .dockerignore applied by dockerignore.ts with the
 * Dockerfile and .dockerignore always kept (`TrimBuildFilesFromExcludes`), and the directory walked and archived as
 * moby/go-archive `TarWithOptions` does: lexical order, no root entry, symlinks not followed, an excluded directory
 * entered only when a `!` pattern names a path under it (the directory itself is then not sent), uid/gid 0,
 * mtimes in whole seconds, hard links as links to the first path, sockets left out.
 *
 * Not reproduced: the `security.capability` extended attribute (Node cannot read xattrs), file names that are not
 * valid UTF-8, and the Windows CLI's variant (there `\` separates paths instead of escaping, modes become 0755 and
 * hard links are not detected): the rules here are the Linux and macOS CLI's.
 */
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';
import { lstat, readFile, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { CancelledError, DockerError, throwIfAborted } from '../errors';
import { parseDockerignore, PatternMatcher, trimBuildFilesFromExcludes, type MatchInfo } from './dockerignore';
import { tarEnd, tarHeader, tarPadding } from './tarHeader';

export type ContextEntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'fifo' | 'char' | 'block';

export interface ContextEntry {
  /** Path inside the context, relative and `/`-separated (no trailing `/` on directories). */
  path: string;
  type: ContextEntryType;
  /** Permission bits, with setuid, setgid and sticky. */
  mode: number;
  /** Bytes of content (regular files only; 0 otherwise). */
  size: number;
  mtimeSeconds: number;
  /** A symlink's target, or for a hard link the path of the first entry with the same inode. */
  linkname?: string;
  devmajor?: number;
  devminor?: number;
}

export interface BuildContext {
  /** The context directory, symlinks resolved. */
  dir: string;
  /** The Dockerfile's path inside the context, `/`-separated, as the Engine API's `dockerfile` wants it. */
  dockerfile: string;
  /** The exclude patterns applied (the .dockerignore's, plus the CLI's re-includes of the build files). */
  excludes: readonly string[];
  /** Everything the tar holds, in its order. */
  entries: readonly ContextEntry[];
  /** Sum of the regular files' sizes. */
  contentBytes: number;
}

export interface ListContextOptions {
  /** The Dockerfile, relative to the context directory; default `Dockerfile` (or `dockerfile` if only that exists). */
  dockerfile?: string;
  signal?: AbortSignal;
}

function contextError(message: string, cause?: unknown): DockerError {
  return new DockerError('docker/build-failed', message, cause === undefined ? {} : { cause });
}

const errnoOf = (error: unknown): string | undefined => (error as { code?: unknown }).code as string | undefined;

async function exists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}

async function findDockerfile(dir: string, given: string | undefined): Promise<string> {
  let candidate = path.resolve(dir, given ?? 'Dockerfile');
  if (given === undefined && !(await exists(candidate)) && (await exists(path.join(dir, 'dockerfile')))) candidate = path.join(dir, 'dockerfile');
  let real: string;
  try {
    // The CLI resolves symlinks: a linked Dockerfile is sent under its target's path.
    real = await realpath(candidate);
  } catch (error) {
    throw contextError(`Cannot locate the Dockerfile ${given ?? 'Dockerfile'} in the build context ${dir}.`, error);
  }
  const relative = path.relative(dir, real);
  if (relative === '' || relative.startsWith(`..${path.sep}`) || relative === '..' || path.isAbsolute(relative)) {
    throw contextError(`The Dockerfile ${given ?? 'Dockerfile'} must be inside the build context ${dir}.`);
  }
  return relative.split(path.sep).join('/');
}

async function readExcludes(dir: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path.join(dir, '.dockerignore'), 'utf8');
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return [];
    throw contextError(`Could not read ${path.join(dir, '.dockerignore')}.`, error);
  }
  return parseDockerignore(text);
}

/** Go's os.ReadDir order (bytes of UTF-8); JS's default order differs above U+FFFF. */
function byName(a: string, b: string): number {
  if (!/[\ud800-\udfff]/.test(a + b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

interface Walked extends ContextEntry {
  ino: number;
  nlink: number;
}

/**
 * File system work is done with synchronous calls, in slices: after `sliceMs` the event loop gets a turn (and an
 * abort is noticed). For thousands of small files the async API costs a thread-pool round trip per call, 4–8×
 * the time here (bench/README.md, "Build and push"); slices keep the extension host responsive meanwhile.
 */
const sliceMs = 8;

class Slicer {
  private started = performance.now();
  constructor(private readonly signal: AbortSignal | undefined) {}

  async pause(): Promise<void> {
    if (this.signal?.aborted) throw new CancelledError('The build');
    if (performance.now() - this.started < sliceMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    if (this.signal?.aborted) throw new CancelledError('The build');
    this.started = performance.now();
  }
}

/** Lists what the Docker CLI would send for `contextDir`, in tar order. Throws DockerError for unusable contexts. */
export async function listBuildContext(contextDir: string, options: ListContextOptions = {}): Promise<BuildContext> {
  throwIfAborted(options.signal, 'The build');
  let dir: string;
  try {
    dir = await realpath(contextDir);
    if (!(await lstat(dir)).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    throw contextError(`The build context ${contextDir} is not a folder that can be read.`, error);
  }
  const dockerfile = await findDockerfile(dir, options.dockerfile);
  const excludes = trimBuildFilesFromExcludes(await readExcludes(dir), dockerfile);
  const matcher = PatternMatcher.create(excludes);
  const slicer = new Slicer(options.signal);
  const walked: Walked[] = [];

  // Pre-order, each folder in name order: filepath.WalkDir's order, hence the tar's.
  const walk = async (relative: string, parent: MatchInfo): Promise<void> => {
    await slicer.pause();
    let dirents;
    try {
      dirents = readdirSync(relative === '' ? dir : path.join(dir, relative), { withFileTypes: true });
    } catch (error) {
      throw contextError(`Can't read the folder ${relative || '.'} of the build context (${errnoOf(error) ?? 'error'}).`, error);
    }
    dirents.sort((a, b) => byName(a.name, b.name));
    for (const dirent of dirents) {
      const child = relative === '' ? dirent.name : `${relative}/${dirent.name}`;
      const { matched, info } = matcher.matchesUsingParentResults(child, parent);
      if (matched) {
        // An excluded directory is still entered when a `!` pattern starts with it (go-archive's prefix test).
        const reincluded = dirent.isDirectory() && matcher.exclusions && matcher.patterns.some((p) => p.exclusion && `${p.cleaned}/`.startsWith(`${child}/`));
        if (reincluded) await walk(child, info);
        continue;
      }
      const entry = describe(dir, child);
      if (!entry) continue;
      walked.push(entry);
      if (dirent.isDirectory()) await walk(child, info);
    }
  };
  await walk('', []);

  // Hard links: the first path of an inode in tar order carries the content, later ones link to it.
  const firstPath = new Map<number, string>();
  let contentBytes = 0;
  const entries = walked.map(({ ino, nlink, ...entry }): ContextEntry => {
    if (entry.type !== 'directory' && nlink > 1) {
      const first = firstPath.get(ino);
      if (first !== undefined) return { ...entry, type: 'hardlink', size: 0, linkname: first };
      firstPath.set(ino, entry.path);
    }
    contentBytes += entry.size;
    return entry;
  });
  return { dir, dockerfile, excludes, entries, contentBytes };
}

function describe(dir: string, relative: string): Walked | undefined {
  const absolute = path.join(dir, relative);
  let stats;
  try {
    stats = lstatSync(absolute);
  } catch (error) {
    throw contextError(`Can't stat ${relative} in the build context (${errnoOf(error) ?? 'error'}).`, error);
  }
  const base = { path: relative, mode: stats.mode & 0o7777, size: 0, mtimeSeconds: Math.floor(stats.mtimeMs / 1000), ino: stats.ino, nlink: stats.nlink };
  if (stats.isFile()) return { ...base, type: 'file', size: stats.size };
  if (stats.isDirectory()) return { ...base, type: 'directory' };
  if (stats.isSymbolicLink()) return { ...base, type: 'symlink', linkname: readlinkSync(absolute) };
  if (stats.isFIFO()) return { ...base, type: 'fifo' };
  if (stats.isCharacterDevice() || stats.isBlockDevice()) {
    // glibc's major()/minor() split of st_rdev.
    const rdev = BigInt(stats.rdev);
    const devmajor = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
    const devminor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
    return { ...base, type: stats.isCharacterDevice() ? 'char' : 'block', devmajor, devminor };
  }
  return undefined; // sockets: archive/tar cannot hold them, and the CLI leaves them out
}

/** The stream is handed on in chunks of about this size; files are read in pieces of at most `pieceBytes`. */
const chunkBytes = 256 * 1024;
const pieceBytes = 1024 * 1024;

function readFailure(relative: string, error: unknown): DockerError {
  return errnoOf(error) === 'EACCES'
    ? contextError(`No permission to read ${relative} in the build context.`, error)
    : contextError(`Could not read ${relative} from the build context (${errnoOf(error) ?? String(error)}).`, error);
}

/**
 * The tar stream of a listed context, uncompressed like the CLI's. Fails with a DockerError when a file cannot be
 * read or has shrunk since it was listed (a file that grew is cut at its listed size), and with CancelledError on
 * abort.
 */
export function packBuildContext(context: BuildContext, options: { signal?: AbortSignal; onEnd?: (bytes: number) => void } = {}): Readable {
  return Readable.from(tarChunks(context, options.signal, options.onEnd), { objectMode: false, highWaterMark: chunkBytes });
}

async function* tarChunks(context: BuildContext, signal: AbortSignal | undefined, onEnd: ((bytes: number) => void) | undefined): AsyncGenerator<Buffer> {
  const slicer = new Slicer(signal);
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let sent = 0;
  const add = (buffer: Buffer) => {
    batch.push(buffer);
    batchBytes += buffer.length;
  };
  const flush = (): Buffer => {
    const out = batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch, batchBytes);
    sent += out.length;
    batch = [];
    batchBytes = 0;
    return out;
  };

  for (const entry of context.entries) {
    await slicer.pause();
    add(tarHeader(entry));
    if (entry.type === 'file' && entry.size > 0) {
      let fd: number;
      try {
        fd = openSync(path.join(context.dir, entry.path), 'r');
      } catch (error) {
        throw readFailure(entry.path, error);
      }
      try {
        for (let position = 0; position < entry.size; ) {
          const piece = Buffer.allocUnsafe(Math.min(pieceBytes, entry.size - position));
          for (let filled = 0; filled < piece.length; ) {
            let bytes: number;
            try {
              bytes = readSync(fd, piece, filled, piece.length - filled, position + filled);
            } catch (error) {
              throw readFailure(entry.path, error);
            }
            if (bytes === 0) throw contextError(`${entry.path} changed while the build context was being sent; try again.`);
            filled += bytes;
          }
          position += piece.length;
          add(piece);
          if (batchBytes >= chunkBytes) {
            yield flush();
            await slicer.pause();
          }
        }
      } finally {
        closeSync(fd);
      }
      add(tarPadding(entry.size));
    }
    if (batchBytes >= chunkBytes) yield flush();
  }
  add(tarEnd());
  yield flush();
  onEnd?.(sent);
}
