// A small method + path router: exact paths or a trailing `*` prefix. Other engineers mount their routes
// (e.g. /api/sessions) with `router.add(...)`; handlers may throw AppError and get an HttpError JSON reply.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type RouteHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => void | Promise<void>;

interface Route {
  method: string;
  path: string;
  prefix: boolean;
  handler: RouteHandler;
}

export class Router {
  private readonly routes: Route[] = [];

  /** `path` is exact, or ends in `*` to match a prefix (`/api/sessions/*`). */
  add(method: string, path: string, handler: RouteHandler): this {
    const prefix = path.endsWith('*');
    this.routes.push({ method: method.toUpperCase(), path: prefix ? path.slice(0, -1) : path, prefix, handler });
    return this;
  }

  /** The handler for this request; 'method_not_allowed' when the path exists under another method. */
  match(method: string, pathname: string): RouteHandler | 'method_not_allowed' | null {
    let pathMatched = false;
    for (const route of this.routes) {
      const hit = route.prefix ? pathname.startsWith(route.path) : pathname === route.path;
      if (!hit) continue;
      if (route.method === method || (route.method === 'GET' && method === 'HEAD')) return route.handler;
      pathMatched = true;
    }
    return pathMatched ? 'method_not_allowed' : null;
  }
}
