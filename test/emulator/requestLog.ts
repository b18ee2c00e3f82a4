/** The last API requests the emulator saw, for tests that count pages or retries. Bounded. */
export interface LoggedRequest {
  method: string;
  /** Below `/compute/v1/`. */
  path: string;
  query: URLSearchParams;
  /** The HTTP status answered (0 while in flight). */
  status: number;
}

export class RequestLog {
  private entries: LoggedRequest[] = [];

  constructor(private readonly capacity = 2000) {}

  add(entry: LoggedRequest): LoggedRequest {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
    return entry;
  }

  list(): readonly LoggedRequest[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
  }
}
