import { aggregatedPageOf, type ListQuery, type Page, type Scoped } from './paging';
import { link } from './urls';

/**
 * An aggregatedList answer (gce-api-notes §2.1): every scope is a key; a scope with nothing on this page
 * carries Google's NO_RESULTS_ON_PAGE warning instead of a list. `field` is the list's name per kind
 * (`instances`, `instanceTemplates`, `instanceGroupManagers`). With `includeAllScopes`, every scope in
 * `allScopes` (global, regions, zones) appears too.
 */
export function aggregatedResponse<R, T>(
  kind: string,
  project: string,
  collection: string,
  field: string,
  scopes: readonly Scoped<R>[],
  query: ListQuery,
  view: (record: R) => T,
  allScopes: readonly string[],
): Record<string, unknown> {
  const known = new Set(scopes.map(({ scope }) => scope));
  const extra = query.includeAllScopes ? allScopes.filter((scope) => !known.has(scope)).map((scope) => ({ scope, store: undefined })) : [];
  const sorted = [...scopes, ...extra].sort((a, b) => (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0));
  const { perScope, nextPageToken } = aggregatedPageOf(sorted, query, view);
  const items: Record<string, unknown> = {};
  for (const { scope } of sorted) {
    const list = perScope.get(scope);
    items[scope] = list
      ? { [field]: list }
      : { warning: { code: 'NO_RESULTS_ON_PAGE', message: `There are no results for scope '${scope}' on this page.`, data: [{ key: 'scope', value: scope }] } };
  }
  const path = `projects/${project}/aggregated/${collection}`;
  return {
    kind, id: path, items,
    ...(nextPageToken ? { nextPageToken } : {}),
    selfLink: link(path),
    ...(query.returnPartialSuccess ? { unreachables: [] } : {}),
  };
}

/** A list answer: `items` is left out when empty and `nextPageToken` on the last page, as Compute does (§2.1). */
export function listResponse<T>(kind: string, path: string, page: Page<T>): Record<string, unknown> {
  return {
    kind, id: path,
    ...(page.items.length > 0 ? { items: page.items } : {}),
    ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
    selfLink: link(path),
  };
}
