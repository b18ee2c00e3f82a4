import { invalidField } from './apiError';

/** Compute keeps the last 1 MB of each serial port (instances.getSerialPortOutput reference). */
export const SERIAL_CAPACITY = 1024 * 1024;

export interface SerialRead {
  contents: string;
  /** int64 as a decimal string, as the client decodes it (gce-api-notes §1.8). */
  start: string;
  next: string;
}

/**
 * One serial port: a byte stream of which only the last `capacity` bytes are held. Positions are byte
 * offsets since boot of the instance, so a reader can follow with `start = next` and notice loss when the
 * `start` it gets back is larger than the one it asked for.
 */
export class SerialBuffer {
  private chunks: Buffer[] = [];
  private held = 0;
  private total = 0;

  constructor(private readonly capacity = SERIAL_CAPACITY) {}

  /** Bytes ever written; also the position of the next byte. */
  get written(): number {
    return this.total;
  }

  /** Bytes no longer held: the first position a read can return. */
  get discarded(): number {
    return this.total - this.held;
  }

  append(text: string): void {
    if (text === '') return;
    const bytes = Buffer.from(text, 'utf8');
    this.total += bytes.length;
    this.chunks.push(bytes.length > this.capacity ? bytes.subarray(bytes.length - this.capacity) : bytes);
    this.held += Math.min(bytes.length, this.capacity);
    while (this.held > this.capacity) {
      const first = this.chunks[0] as Buffer;
      const excess = this.held - this.capacity;
      if (first.length <= excess) {
        this.chunks.shift();
        this.held -= first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.held -= excess;
      }
    }
    // Many small appends would make every read concatenate thousands of pieces.
    if (this.chunks.length > 256) this.chunks = [Buffer.concat(this.chunks)];
  }

  /**
   * `start` omitted or 0: from the oldest byte held. Negative: the last |start| bytes. A start that was
   * discarded moves up to the oldest byte held; one past the end moves back to the end (the buffer was
   * reset by a recreate): in both cases the returned `start` differs from the one asked for.
   */
  read(requested: string | null): SerialRead {
    let start: number;
    if (requested === null || requested === '') {
      start = this.discarded;
    } else {
      if (!/^-?\d+$/.test(requested)) throw invalidField('start', requested, 'Must be an integer.');
      const value = Number(requested);
      start = value < 0 ? this.total + value : value;
    }
    start = Math.min(Math.max(start, this.discarded), this.total);
    const offset = start - this.discarded;
    const contents = Buffer.concat(this.chunks).subarray(offset).toString('utf8');
    return { contents, start: String(start), next: String(this.total) };
  }
}
