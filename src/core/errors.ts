// Turns whatever a backend throws into one sentence a user can act on. The SDK's error classes
// carry the HTTP status; the message says what happened and what to do about it.
import { APIConnectionError, APIError, APIUserAbortError } from 'openai';

export type ErrorKind = 'auth' | 'notFound' | 'rateLimit' | 'server' | 'network' | 'cancelled' | 'badRequest' | 'noKey' | 'unknown';

export interface DescribedError {
  kind: ErrorKind;
  /** One or two sentences for the user: what happened, what to do. */
  message: string;
}

export function describeError(err: unknown): DescribedError {
  if (err instanceof APIUserAbortError || (err instanceof Error && err.name === 'AbortError')) {
    return { kind: 'cancelled', message: 'Stopped.' };
  }
  if (err instanceof APIConnectionError) {
    return { kind: 'network', message: `Could not reach the server (${err.message}). Check your connection and the threadline.baseUrl setting, then try again.` };
  }
  if (err instanceof APIError) {
    const detail = err.error && typeof err.error === 'object' && 'message' in err.error ? String((err.error as { message: unknown }).message) : err.message;
    switch (err.status) {
      case 401:
        return { kind: 'auth', message: `The server rejected the API key (401: ${detail}). Run "Threadline: Set API Key" to enter a valid key.` };
      case 403:
        return { kind: 'auth', message: `Access denied (403: ${detail}).` };
      case 404:
        return { kind: 'notFound', message: `Not found (404: ${detail}).` };
      case 429:
        return { kind: 'rateLimit', message: `Rate limited (429: ${detail}). Wait a moment and try again.` };
      case undefined:
        return { kind: 'server', message: `The server reported an error while replying: ${detail}` };
      default:
        if (err.status >= 500) return { kind: 'server', message: `The server failed (${err.status}: ${detail}). Try again shortly.` };
        return { kind: 'badRequest', message: `The request was refused (${err.status}: ${detail}).` };
    }
  }
  if (err instanceof Error && /api key|credentials/i.test(err.message)) {
    return { kind: 'noKey', message: 'No API key is set. Run "Threadline: Set API Key".' };
  }
  return { kind: 'unknown', message: err instanceof Error ? err.message : String(err) };
}
