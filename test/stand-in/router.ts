// A tiny method + path router. Patterns use `:name` segments; each route family registers itself
// (routes/*.ts), so new families (Assistants, Chat Completions) are new modules, not edits here.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault } from './faults';
import type { MultipartBody } from './multipart';
import type { Json, StandInState } from './store';

export type RequestBody =
  | { kind: 'none' }
  | { kind: 'json'; value: Json }
  | { kind: 'multipart'; value: MultipartBody };

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  body: RequestBody;
  state: StandInState;
  /** The fault chosen for this request, for handlers that play stream faults. */
  fault: Fault | undefined;
  requestId: string;
  deltaDelayMs: number;
}

/** A handler returns what to send, or nothing when it wrote the reply itself (SSE). */
export type Reply =
  | { json: unknown; status?: number }
  | { raw: Buffer; contentType: string };

export type Handler = (ctx: RouteContext) => Reply | void | Promise<Reply | void>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const source = path
      .split('/')
      .map((segment) => {
        if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(segment.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^${source}$`), names, handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const match = route.pattern.exec(path);
      if (!match) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = decodeURIComponent(match[i + 1] ?? '');
      });
      return { handler: route.handler, params };
    }
    return undefined;
  }
}
