// Scripted failures. A fault is taken from the request's `x-stand-in-fault` header, or else from
// the queue (first match wins, each match uses up one of its `times`).

export interface Fault {
  /** Only requests with this method (case-insensitive). */
  method?: string;
  /** Only requests whose path (with or without the /v1 prefix) starts with this, or matches it as a regex. */
  path?: string;
  /** Answer with this HTTP status and an OpenAI error body instead of handling the request. */
  status?: number;
  message?: string;
  type?: string;
  code?: string;
  param?: string;
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number;
  /** Sent as `x-should-retry`, which overrides the SDK's own retry decision. */
  shouldRetry?: boolean;
  /** Destroy the socket after this many SSE events (for a JSON reply: instead of answering). */
  cutAfterEvents?: number;
  /** Wait this long before handling the request. */
  stallMs?: number;
  /** Hold the stream after this many SSE events, for `pauseMs` (or until the client leaves), then go on. */
  pauseAfterEvents?: number;
  /** How long `pauseAfterEvents` holds the stream (default 30 s). */
  pauseMs?: number;
  /** Send `event: error` after this many SSE events, then end the stream. */
  errorEventAfter?: number;
  /** End the response as `failed` (`response.failed` when streaming). */
  failResponse?: boolean;
  /** How many matching requests this fault applies to (default 1). Ignored for the header. */
  times?: number;
}

export const FAULT_HEADER = 'x-stand-in-fault';

export class FaultQueue {
  private queue: Array<{ fault: Fault; remaining: number }> = [];

  add(fault: Fault): void {
    this.queue.push({ fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.queue = [];
  }

  get pending(): readonly Fault[] {
    return this.queue.map((entry) => entry.fault);
  }

  /** The fault for this request, if any, using up one of its times. */
  take(method: string, path: string, apiPath: string): Fault | undefined {
    const index = this.queue.findIndex(({ fault }) => matches(fault, method, path, apiPath));
    const entry = this.queue[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.queue.splice(index, 1);
    return entry.fault;
  }
}

/** Parses a Fault sent as JSON (header or control route); throws a readable Error otherwise. */
export function parseFault(value: unknown): Fault {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('A fault must be a JSON object.');
  const fault = value as Record<string, unknown>;
  const expect = (key: string, type: 'string' | 'number' | 'boolean') => {
    if (fault[key] !== undefined && typeof fault[key] !== type) throw new Error(`Fault field '${key}' must be a ${type}.`);
  };
  for (const key of ['method', 'path', 'message', 'type', 'code', 'param']) expect(key, 'string');
  for (const key of ['status', 'retryAfter', 'cutAfterEvents', 'stallMs', 'pauseAfterEvents', 'pauseMs', 'errorEventAfter', 'times']) expect(key, 'number');
  for (const key of ['shouldRetry', 'failResponse']) expect(key, 'boolean');
  return fault as Fault;
}

function matches(fault: Fault, method: string, path: string, apiPath: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
  if (!fault.path) return true;
  const pattern = fault.path;
  return [path, apiPath].some((candidate) => candidate.startsWith(pattern) || safeRegex(pattern)?.test(candidate) === true);
}

function safeRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}
