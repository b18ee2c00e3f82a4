/**
 * A name → record map that also iterates in name order. Paging resumes "after the last name served", so
 * inserts and deletes between page requests neither repeat nor skip items that existed throughout. The
 * sorted key array is rebuilt only after the set of names changed, never per page request.
 */
export class SortedStore<T> {
  private readonly map = new Map<string, T>();
  private sorted: string[] | undefined;

  get size(): number {
    return this.map.size;
  }

  get(name: string): T | undefined {
    return this.map.get(name);
  }

  has(name: string): boolean {
    return this.map.has(name);
  }

  set(name: string, value: T): void {
    if (!this.map.has(name)) this.sorted = undefined;
    this.map.set(name, value);
  }

  delete(name: string): boolean {
    const removed = this.map.delete(name);
    if (removed) this.sorted = undefined;
    return removed;
  }

  names(): readonly string[] {
    this.sorted ??= [...this.map.keys()].sort();
    return this.sorted;
  }

  values(): T[] {
    return this.names().map((name) => this.map.get(name) as T);
  }

  /** Records whose name sorts strictly after `after` (all when undefined), in order. */
  *after(after: string | undefined): Generator<[string, T]> {
    const names = this.names();
    let index = 0;
    if (after !== undefined) {
      let low = 0;
      let high = names.length;
      while (low < high) {
        const mid = (low + high) >>> 1;
        if ((names[mid] as string) <= after) low = mid + 1;
        else high = mid;
      }
      index = low;
    }
    for (; index < names.length; index++) {
      const name = names[index] as string;
      const value = this.map.get(name);
      if (value !== undefined) yield [name, value];
    }
  }
}
