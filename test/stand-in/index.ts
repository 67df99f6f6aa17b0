// The stand-in OpenAI server: a real HTTP server speaking the wire protocol of openai-wire.md,
// with in-memory state, scripted faults and a request log. A test double; never shipped.
//
//   const standIn = await startStandIn();
//   const client = new OpenAI({ baseURL: standIn.baseUrl, apiKey: 'test' });
//
// Route families live in routes/*.ts and register on the /v1 router below.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkAuthorization } from './auth';
import { parseBody, readBody } from './body';
import { azureApiPath } from './azure';
import { ApiError, defaultErrorMessage, defaultErrorType, invalidUrl } from './errors';
import { FAULT_HEADER, FaultQueue, parseFault } from './faults';
import type { Fault } from './faults';
import { recordRequest } from './recorder';
import type { RecordedRequest } from './recorder';
import { Router } from './router';
import type { Reply, RequestBody } from './router';
import { registerAssistantsRoutes } from './routes/assistants';
import { registerChatRoutes } from './routes/chat';
import { registerControlRoutes } from './routes/control';
import { registerContainerRoutes } from './routes/containers';
import { registerConversationRoutes } from './routes/conversations';
import { registerFileRoutes } from './routes/files';
import { registerInputTokenRoutes } from './routes/inputTokens';
import { registerModelRoutes } from './routes/models';
import { registerResponseRoutes } from './routes/responses';
import { createState, newId } from './store';
import type { StandInState } from './store';

export type { Fault } from './faults';
export type { RecordedRequest } from './recorder';
export type { StandInState } from './store';
export { expectedReply, splitDeltas } from './replies';
export { MODELS } from './routes/models';

export interface StandInOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** When set, requests must carry exactly this key; otherwise any non-empty key is accepted. */
  apiKey?: string;
  /** Pause before each text delta, so a human can watch a reply stream. Default 0. */
  deltaDelayMs?: number;
  /** Called for every /v1 request as it arrives (the CLI logs them). */
  onRequest?: (request: RecordedRequest) => void;
}

export interface StandIn {
  /** e.g. `http://127.0.0.1:53211/v1`. */
  baseUrl: string;
  state: StandInState;
  /** Queues a fault for the next matching request(s). */
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Every /v1 request so far, oldest first (control routes are not recorded). */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const CONTROL_PREFIX = '/__stand-in';
const API_PREFIX = '/v1';

export async function startStandIn(options: StandInOptions = {}): Promise<StandIn> {
  const state = createState();
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const api = new Router();
  registerFileRoutes(api);
  registerContainerRoutes(api);
  registerConversationRoutes(api);
  registerResponseRoutes(api);
  registerInputTokenRoutes(api);
  registerModelRoutes(api);
  registerChatRoutes(api);
  registerAssistantsRoutes(api);
  const control = new Router();
  registerControlRoutes(control, faults, requests);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = newId('req_');
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://stand-in');
    // Aborted when the client goes away, so a stall neither outlives it nor keeps the process up.
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    try {
      const raw = await readBody(req);
      // A malformed body is reported only after auth, as OpenAI does.
      let body: RequestBody = { kind: 'none' };
      let bodyError: unknown;
      try {
        body = parseBody(raw, req.headers['content-type']);
      } catch (err) {
        bodyError = err;
      }

      if (url.pathname.startsWith(`${CONTROL_PREFIX}/`)) {
        if (bodyError) throw bodyError;
        const path = url.pathname.slice(CONTROL_PREFIX.length);
        const route = control.match(method, path);
        if (!route) throw invalidUrl(method, url.pathname);
        const reply = await route.handler({ req, res, params: route.params, query: url.searchParams, body, state, fault: undefined, requestId, deltaDelayMs: 0 });
        if (reply) send(res, requestId, reply);
        return;
      }
      const azurePath = azureApiPath(url);
      if (azurePath === undefined && !url.pathname.startsWith(`${API_PREFIX}/`)) throw invalidUrl(method, url.pathname);
      const apiPath = azurePath ?? url.pathname.slice(API_PREFIX.length);

      const recorded = recordRequest(method, url, req.headers, body);
      requests.push(recorded);
      options.onRequest?.(recorded);

      const fault = headerFault(req) ?? faults.take(method, url.pathname, apiPath);
      if (fault?.stallMs) {
        // The client timed out or aborted meanwhile: do nothing on its behalf.
        if (!(await stall(fault.stallMs, gone.signal))) return;
      }
      if (fault?.status !== undefined) throw faultError(fault, fault.status);
      const azureKey = req.headers['api-key'];
      checkAuthorization(req.headers.authorization, options.apiKey, typeof azureKey === 'string' ? azureKey : undefined);
      if (bodyError) throw bodyError;

      const route = api.match(method, apiPath);
      if (!route) throw invalidUrl(method, url.pathname);
      const reply = await route.handler({
        req,
        res,
        params: route.params,
        query: url.searchParams,
        body,
        state,
        fault,
        requestId,
        deltaDelayMs: options.deltaDelayMs ?? 0,
      });
      if (!reply) return; // the handler streamed its own reply
      if (fault?.cutAfterEvents !== undefined) {
        res.socket?.destroy(); // a JSON reply has no events: drop the connection instead of answering
        return;
      }
      send(res, requestId, reply);
    } catch (err) {
      sendError(res, requestId, err);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  // Idle connections stay open longer than a client keeps them for reuse (undici: 4 s), as real
  // servers do: a server closing first races the client's next request on that connection, which
  // then fails with ECONNRESET on a busy machine.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    baseUrl: `http://${host}:${address.port}${API_PREFIX}`,
    state,
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Waits `ms`; false when `signal` aborted first. */
async function stall(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** A one-off fault sent with the request itself; malformed JSON is a 400, not a silent no-op. */
function headerFault(req: IncomingMessage): Fault | undefined {
  const header = req.headers[FAULT_HEADER];
  if (typeof header !== 'string') return undefined;
  try {
    return parseFault(JSON.parse(header));
  } catch (err) {
    throw new ApiError(400, `Invalid ${FAULT_HEADER} header: ${(err as Error).message}`);
  }
}

function faultError(fault: Fault, status: number): ApiError {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  if (fault.shouldRetry !== undefined) headers['x-should-retry'] = String(fault.shouldRetry);
  return new ApiError(
    status,
    fault.message ?? defaultErrorMessage(status),
    fault.type ?? defaultErrorType(status),
    fault.param ?? null,
    fault.code ?? (status === 401 ? 'invalid_api_key' : status === 429 ? 'rate_limit_exceeded' : null),
    headers,
  );
}

function send(res: ServerResponse, requestId: string, reply: Reply): void {
  if ('raw' in reply) {
    res.writeHead(200, { 'content-type': reply.contentType, 'content-length': reply.raw.length, 'x-request-id': requestId });
    res.end(reply.raw);
    return;
  }
  const text = JSON.stringify(reply.json);
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': requestId });
  res.end(text);
}

function sendError(res: ServerResponse, requestId: string, err: unknown): void {
  if (res.headersSent) {
    res.destroy(); // mid-stream: nothing valid can be said any more
    return;
  }
  const error = err instanceof ApiError ? err : new ApiError(500, `The stand-in failed: ${err instanceof Error ? err.message : String(err)}`, 'server_error');
  const text = JSON.stringify(error.toBody());
  res.writeHead(error.status, {
    ...error.headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'x-request-id': requestId,
  });
  res.end(text);
}
