/**
 * Method + path-template routing for the REST surface (paths as the client sends them, gce-api-notes §2).
 * Templates look like `projects/{project}/zones/{zone}/instances/{instance}`; a `{name}` segment matches
 * one non-empty path segment.
 */
export interface RequestContext {
  method: string;
  param(name: string): string;
  query: URLSearchParams;
  body: unknown;
}

/** A handler's return value is the 200 JSON body. */
export type Handler = (request: RequestContext) => unknown;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

export type RouteMatch = { handler: Handler; params: Map<string, string> } | 'method-not-allowed' | undefined;

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, template: string, handler: Handler): this {
    this.routes.push({ method, segments: template.split('/'), handler });
    return this;
  }

  match(method: string, path: string): RouteMatch {
    const parts = path.split('/').map((part) => decodeURIComponent(part));
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params };
      pathMatched = true;
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}

function matchSegments(segments: string[], parts: string[]): Map<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params = new Map<string, string>();
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const part = parts[i] as string;
    if (segment.startsWith('{') && segment.endsWith('}')) {
      if (part === '') return undefined;
      params.set(segment.slice(1, -1), part);
    } else if (segment !== part) {
      return undefined;
    }
  }
  return params;
}
