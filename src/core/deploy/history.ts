/**
 * What was deployed where: per target, each deploy's time, image (by digest), declaration hash and the
 * declaration itself, so a rollback redeploys exactly what ran then. One JSON file, newest first, written
 * through a temporary file and a rename so a crash never leaves half a history.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parseDeclaration } from '../declaration/parse';

export interface HistoryEntry {
  /** ISO time of the deploy. */
  time: string;
  /** The images the declaration runs, `repo@sha256:…` when pinned. */
  images: string[];
  /** sha256 of the declaration text, first 12 hex digits. */
  declarationHash: string;
  declaration: string;
  mode: string;
  /** Whether the VM was seen running the images after the deploy. */
  verified: boolean;
}

/** Entries kept per target; older ones fall off. */
const keep = 50;

export function declarationHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

export function imagesOf(declarationText: string): string[] {
  return (parseDeclaration(declarationText).declaration.spec?.containers ?? []).map((container) => container.image ?? '').filter(Boolean);
}

export class DeployHistory {
  /** Writes of this object, one after another. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  async list(targetKey: string): Promise<HistoryEntry[]> {
    await this.queue.catch(() => undefined);
    return (await this.read())[targetKey] ?? [];
  }

  record(targetKey: string, entry: Omit<HistoryEntry, 'declarationHash' | 'images'> & { images?: string[] }): Promise<HistoryEntry> {
    const full: HistoryEntry = { ...entry, images: entry.images ?? imagesOf(entry.declaration), declarationHash: declarationHash(entry.declaration) };
    const write = this.queue.catch(() => undefined).then(async () => {
      const all = await this.read();
      all[targetKey] = [full, ...(all[targetKey] ?? [])].slice(0, keep);
      await mkdir(path.dirname(this.file), { recursive: true });
      const temporary = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(temporary, `${JSON.stringify(all, null, 2)}\n`);
      await rename(temporary, this.file);
      return full;
    });
    this.queue = write;
    return write;
  }

  private async read(): Promise<Record<string, HistoryEntry[]>> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return {};
    }
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not a map of targets');
      // Entries of another shape (an older or hand-edited file) are dropped, not trusted.
      const valid = (entry: unknown): entry is HistoryEntry => {
        const e = entry as Partial<HistoryEntry> | null;
        return typeof e?.time === 'string' && typeof e.declaration === 'string' && Array.isArray(e.images) && typeof e.mode === 'string';
      };
      return Object.fromEntries(Object.entries(parsed as Record<string, unknown>).map(([key, entries]) => [key, Array.isArray(entries) ? entries.filter(valid) : []]));
    } catch {
      // A damaged file is kept aside rather than overwritten with nothing.
      await rename(this.file, `${this.file}.damaged-${Date.now()}`).catch(() => undefined);
      return {};
    }
  }
}
