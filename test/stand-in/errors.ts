// The OpenAI error envelope. Route handlers throw `ApiError`; the server turns it into
// `{"error":{"message","type","param","code"}}` with the matching status (openai-wire.md §0.2).

export interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    /** Extra reply headers, e.g. Retry-After on 429. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export function badRequest(message: string, param: string | null = null, code: string | null = null): ApiError {
  return new ApiError(400, message, 'invalid_request_error', param, code);
}

export function notFound(message: string, param: string | null = null): ApiError {
  return new ApiError(404, message, 'invalid_request_error', param, null);
}

/** What OpenAI answers for a path or method it does not serve. */
export function invalidUrl(method: string, path: string): ApiError {
  return new ApiError(404, `Invalid URL (${method} ${path})`);
}

/** The `type` OpenAI uses for a status, for faults that give only a status. */
export function defaultErrorType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** A readable default message for a status, for faults that give none. */
export function defaultErrorMessage(status: number): string {
  switch (status) {
    case 401: return 'Incorrect API key provided.';
    case 403: return 'You are not allowed to access this resource.';
    case 404: return 'The requested resource does not exist.';
    case 409: return 'The request conflicts with another request in progress.';
    case 429: return 'Rate limit reached for requests. Please try again later.';
    default:
      return status >= 500 ? 'The server had an error while processing your request. Sorry about that!' : `Request failed with status ${status}.`;
  }
}
