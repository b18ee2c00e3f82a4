import { invalidField } from './apiError';
import { parseFilter, type Predicate } from './filter';
import type { SortedStore } from './sortedStore';

/** Compute's documented bounds for maxResults (instances.aggregatedList reference). */
export const MAX_RESULTS = 500;

export interface ListQuery {
  maxResults: number;
  cursor: PageCursor | undefined;
  matches: Predicate;
  returnPartialSuccess: boolean;
  /** aggregatedList: list every scope type, not only where the resource lives (the 7.x client sends this). */
  includeAllScopes: boolean;
}

/** Where the previous page stopped: the scope (aggregated lists only) and the last name served. */
export interface PageCursor {
  scope?: string;
  after: string;
}

export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(token: string): PageCursor {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null && 'after' in value && typeof value.after === 'string') {
      const scope = 'scope' in value && typeof value.scope === 'string' ? value.scope : undefined;
      return scope === undefined ? { after: value.after } : { scope, after: value.after };
    }
  } catch {
    // fall through to the error Compute gives for a token it did not issue
  }
  throw invalidField('pageToken', token, 'Invalid page token.');
}

export function parseListQuery(query: URLSearchParams): ListQuery {
  const rawMax = query.get('maxResults');
  let maxResults = MAX_RESULTS;
  if (rawMax !== null && rawMax !== '') {
    const parsed = Number(rawMax);
    if (!Number.isInteger(parsed) || parsed < 0) throw invalidField('maxResults', rawMax, 'Must be greater than or equal to 0');
    if (parsed > MAX_RESULTS) throw invalidField('maxResults', rawMax, `Must be less than or equal to ${MAX_RESULTS}`);
    if (parsed > 0) maxResults = parsed;
  }
  const orderBy = query.get('orderBy');
  if (orderBy !== null && orderBy !== '' && orderBy !== 'name') {
    throw invalidField('orderBy', orderBy, "Only 'name' is supported by this emulator.");
  }
  const token = query.get('pageToken');
  return {
    maxResults,
    cursor: token ? decodeCursor(token) : undefined,
    matches: parseFilter(query.get('filter') ?? ''),
    returnPartialSuccess: query.get('returnPartialSuccess') === 'true',
    includeAllScopes: query.get('includeAllScopes') === 'true',
  };
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

/** One page of a single-scope list. `view` maps a stored record to the JSON the filter and client see. */
export function pageOf<R, T>(store: SortedStore<R>, query: ListQuery, view: (record: R) => T): Page<T> {
  const items: T[] = [];
  let last: string | undefined;
  for (const [name, record] of store.after(query.cursor?.after)) {
    const json = view(record);
    if (!query.matches(json)) continue;
    if (items.length === query.maxResults && last !== undefined) {
      // One more match exists: only then is there a next page (no empty last page).
      return { items, nextPageToken: encodeCursor({ after: last }) };
    }
    items.push(json);
    last = name;
  }
  return { items };
}

export interface Scoped<R> {
  scope: string;
  store: SortedStore<R> | undefined;
}

/** One page of an aggregated list over scopes in the given (stable) order. */
export function aggregatedPageOf<R, T>(scopes: readonly Scoped<R>[], query: ListQuery, view: (record: R) => T): { perScope: Map<string, T[]>; nextPageToken?: string } {
  const perScope = new Map<string, T[]>();
  let count = 0;
  let last: PageCursor | undefined;
  let started = query.cursor?.scope === undefined;
  for (const { scope, store } of scopes) {
    let after: string | undefined;
    if (!started) {
      if (scope < (query.cursor?.scope ?? '')) continue;
      started = true;
      if (scope === query.cursor?.scope) after = query.cursor.after;
    }
    if (!store) continue;
    for (const [name, record] of store.after(after)) {
      const json = view(record);
      if (!query.matches(json)) continue;
      if (count === query.maxResults) {
        return { perScope, ...(last ? { nextPageToken: encodeCursor(last) } : {}) };
      }
      let list = perScope.get(scope);
      if (!list) perScope.set(scope, (list = []));
      list.push(json);
      count++;
      last = { scope, after: name };
    }
  }
  return { perScope };
}
