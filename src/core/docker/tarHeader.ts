/**
 * Tar headers as Go's archive/tar writes them for moby/go-archive (`hdr.Format = FormatPAX`): plain USTAR
 * (long ASCII names split into prefix and name) unless a field does not fit, then a PAX extended header first
 * (path, linkpath, size, mtime) and a USTAR-shaped header with what fits. uid/gid 0 and no user names, like the
 * CLI's `ChownOpts{0, 0}`.
 */
import type { ContextEntry } from './context';
import { goClean } from './dockerignore';

const block = 512;
const zeros = Buffer.alloc(2 * block);
const maxOctal11 = 0o77777777777;

const typeflags: Record<ContextEntry['type'], string> = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', directory: '5', fifo: '6' };

// eslint-disable-next-line no-control-regex -- NUL is exactly what Go's isASCII rejects
const isAscii = (s: string): boolean => /^[\u0001-\u007f]*$/.test(s);
const toAscii = (s: string): string => Array.from(s).filter((c) => c >= '\u0001' && c <= '\u007f').join('');

/** Go's splitUSTARPath. */
function splitUstarPath(name: string): [string, string] | undefined {
  let length = name.length;
  if (length <= 100 || !isAscii(name)) return undefined;
  if (length > 156) length = 156;
  else if (name.endsWith('/')) length--;
  const i = name.lastIndexOf('/', length - 1);
  const suffix = name.length - i - 1;
  if (i <= 0 || suffix > 100 || suffix === 0 || i > 155) return undefined;
  return [name.slice(0, i), name.slice(i + 1)];
}

interface Fields {
  name: string;
  prefix?: string;
  linkname?: string;
  typeflag: string;
  mode?: number;
  size?: number;
  mtime?: number;
  devmajor?: number;
  devminor?: number;
}

function octal(buffer: Buffer, offset: number, length: number, value: number): void {
  const fits = value >= 0 && value < 8 ** (length - 1);
  buffer.write((fits ? value : 0).toString(8).padStart(length - 1, '0'), offset, length - 1, 'ascii');
}

function headerBlock(fields: Fields): Buffer {
  const b = Buffer.alloc(block);
  b.write(fields.name, 0, 100, 'ascii');
  octal(b, 100, 8, fields.mode ?? 0);
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, fields.size ?? 0);
  octal(b, 136, 12, fields.mtime ?? 0);
  b.write(fields.typeflag, 156, 1, 'ascii');
  b.write(fields.linkname ?? '', 157, 100, 'ascii');
  b.write('ustar\u000000', 257, 8, 'ascii');
  octal(b, 329, 8, fields.devmajor ?? 0);
  octal(b, 337, 8, fields.devminor ?? 0);
  b.write(fields.prefix ?? '', 345, 155, 'ascii');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8, 'ascii');
  return b;
}

/** `%d key=value\n`, where the length counts itself (Go's formatPAXRecord). */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let size = Buffer.byteLength(body);
  size += String(size).length;
  if (String(size).length + Buffer.byteLength(body) !== size) size = String(size).length + Buffer.byteLength(body);
  return `${size}${body}`;
}

/** The header block(s) of one entry; the content and padding follow from the caller. */
export function tarHeader(entry: ContextEntry): Buffer {
  const name = entry.type === 'directory' ? `${entry.path}/` : entry.path;
  const linkname = entry.linkname ?? '';
  const size = entry.type === 'file' ? entry.size : 0;
  const records: [string, string][] = [];
  let ustar = true;
  if (!isAscii(name) || name.length > 100) {
    records.push(['path', name]);
    if (!splitUstarPath(name)) ustar = false;
  }
  if (!isAscii(linkname) || linkname.length > 100) {
    records.push(['linkpath', linkname]);
    ustar = false;
  }
  if (size > maxOctal11) {
    records.push(['size', String(size)]);
    ustar = false;
  }
  if (entry.mtimeSeconds < 0 || entry.mtimeSeconds > maxOctal11) {
    records.push(['mtime', String(entry.mtimeSeconds)]);
    ustar = false;
  }
  const fields: Fields = {
    name,
    linkname,
    typeflag: typeflags[entry.type],
    mode: entry.mode,
    size,
    mtime: entry.mtimeSeconds,
    ...(entry.devmajor === undefined ? {} : { devmajor: entry.devmajor, devminor: entry.devminor ?? 0 }),
  };
  if (ustar) {
    const split = splitUstarPath(name);
    return headerBlock(split ? { ...fields, prefix: split[0], name: split[1] } : fields);
  }
  const data = Buffer.from(records.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => paxRecord(k, v)).join(''), 'utf8');
  const slash = name.lastIndexOf('/');
  const paxName = toAscii(goClean(`${name.slice(0, slash + 1)}PaxHeaders.0/${name.slice(slash + 1)}`)).slice(0, 100);
  return Buffer.concat([
    headerBlock({ name: paxName, typeflag: 'x', size: data.length }),
    data,
    tarPadding(data.length),
    headerBlock({ ...fields, name: toAscii(name).slice(0, 100), linkname: toAscii(linkname).slice(0, 100) }),
  ]);
}

/** Zeros up to the next 512-byte boundary after `size` bytes of content. */
export function tarPadding(size: number): Buffer {
  return zeros.subarray(0, (block - (size % block)) % block);
}

/** The two zero blocks that end an archive. */
export function tarEnd(): Buffer {
  return zeros.subarray(0, 2 * block);
}
