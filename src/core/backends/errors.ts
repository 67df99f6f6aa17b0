// Turns whatever a backend throws into one sentence a user can act on. The SDK's error classes
// carry the HTTP status; the message says what happened and what to do about it.
import * as l10n from '@vscode/l10n';
import type { APIError } from 'openai';
import { errorText } from '../errorText';
import { openai } from './sdk';

export type ErrorKind = 'auth' | 'notFound' | 'rateLimit' | 'server' | 'network' | 'cancelled' | 'badRequest' | 'noKey' | 'retired' | 'unknown';

/** The server no longer offers this dialect (OpenAI's Assistants API after 2026-08-26); the message says what to switch to. */
export class DialectRetiredError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DialectRetiredError';
  }
}

export interface DescribedError {
  kind: ErrorKind;
  /** One or two sentences for the user: what happened, what to do. */
  message: string;
}

let NoApiKeyError: (new () => Error) | undefined;

/**
 * What the client's key provider throws. An OpenAIError, because the SDK passes those through
 * unchanged where it would wrap any other error in "Failed to get token…"; so the class is made
 * when the SDK is there, and recognised by its name.
 */
export function noApiKeyError(): Error {
  NoApiKeyError ??= class extends openai().OpenAIError {
    constructor() {
      super(noKeyMessage());
      this.name = 'NoApiKeyError';
    }
  };
  return new NoApiKeyError();
}

/** A streamed response ended with `response.failed`: the server gave up on this reply. */
export class ResponseFailedError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ResponseFailedError';
  }
}

/** The reply stream stopped before its final event (the connection dropped mid-reply). */
export class StreamEndedError extends Error {
  constructor() {
    super(l10n.t('The connection closed before the reply finished.'));
    this.name = 'StreamEndedError';
  }
}

// Functions, not constants: a translation is looked up when the message is made, after the host
// has loaded the bundle for the display language (see activate in extension.ts).
const noKeyMessage = () => l10n.t('No API key is set. Run "Threadline: Set API Key".');
const retryLater = () => l10n.t('Try again in a moment.');

export function describeError(err: unknown): DescribedError {
  if (err instanceof DialectRetiredError) return { kind: 'retired', message: err.message };
  // Also the SDK's own "Missing credentials", from a client built without a key provider.
  if (hasCause(err, (e) => e instanceof Error && (e.name === 'NoApiKeyError' || (e.message.startsWith('Missing credentials') && e instanceof openai().OpenAIError)))) {
    return { kind: 'noKey', message: noKeyMessage() };
  }
  const sdk = mayBeApiError(err) ? openai() : undefined;
  if ((sdk && err instanceof sdk.APIUserAbortError) || (err instanceof Error && err.name === 'AbortError')) {
    return { kind: 'cancelled', message: l10n.t('Stopped.') };
  }
  if (sdk && err instanceof sdk.APIConnectionTimeoutError) {
    return { kind: 'network', message: l10n.t('The server did not answer in time. Check that it is running and reachable (threadline.baseUrl), then try again.') };
  }
  if (sdk && err instanceof sdk.APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return { kind: 'network', message: l10n.t('Could not reach the server ({0}). Check your connection and the threadline.baseUrl setting, then try again.', `${err.message.replace(/\.$/, '')}${cause}`) };
  }
  if (err instanceof StreamEndedError || isBodyTermination(err)) {
    return { kind: 'network', message: l10n.t('The connection dropped while the reply was streaming; the text received so far was kept. Try again.') };
  }
  if (err instanceof ResponseFailedError) {
    const message = err.code ? l10n.t('The server could not finish the reply ({0}): {1}', err.code, err.message) : l10n.t('The server could not finish the reply: {0}', err.message);
    return { kind: 'server', message: `${message} ${retryLater()}` };
  }
  if (sdk && err instanceof sdk.APIError) return describeApiError(err);
  return { kind: 'unknown', message: errorText(err) };
}

function describeApiError(err: APIError): DescribedError {
  const detail = detailOf(err);
  const code = typeof err.code === 'string' ? err.code : undefined;
  switch (err.status) {
    case undefined:
      // An `error` event inside the stream: the reply started, then the server gave up.
      return { kind: 'server', message: `${l10n.t('The server reported an error while replying: {0}', detail)} ${retryLater()}` };
    case 400:
      if (code === 'model_not_found') return modelNotFound(detail);
      return { kind: 'badRequest', message: l10n.t('The server refused the request (400: {0}). Check the threadline.model setting and what you sent.', detail) };
    case 401:
      return { kind: 'auth', message: l10n.t('The server rejected the API key (401: {0}). Run "Threadline: Set API Key" to enter a valid key.', detail) };
    case 403:
      return {
        kind: 'auth',
        message: l10n.t("Access denied (403: {0}). Check that your key's project has access to this model, and the threadline.organization and threadline.project settings.", detail),
      };
    case 404:
      if (code === 'model_not_found') return modelNotFound(detail);
      return {
        kind: 'notFound',
        message: l10n.t('Not found (404: {0}). If the conversation was deleted on the server, start a new thread; otherwise check that threadline.baseUrl is an OpenAI-compatible /v1 URL.', detail),
      };
    case 408:
      return { kind: 'network', message: `${l10n.t('The request timed out on the server (408: {0}).', detail)} ${retryLater()}` };
    case 429:
      return describeRateLimit(err, detail, code);
    default:
      if (err.status >= 500) return { kind: 'server', message: `${l10n.t('The server failed ({0}: {1}).', err.status, detail)} ${retryLater()}` };
      return { kind: 'badRequest', message: l10n.t('The server refused the request ({0}: {1}).', err.status, detail) };
  }
}

function describeRateLimit(err: APIError, detail: string, code: string | undefined): DescribedError {
  if (code === 'insufficient_quota' || err.type === 'insufficient_quota') {
    return { kind: 'rateLimit', message: l10n.t('Your API quota is used up (429: {0}). Check your plan and billing details, then try again.', detail) };
  }
  const seconds = retryAfterSeconds(err.headers);
  const message =
    seconds === undefined
      ? l10n.t('Rate limited (429: {0}). Wait a moment and try again.', detail)
      : seconds === 1
        ? l10n.t('Rate limited (429: {0}). Wait 1 second and try again.', detail)
        : l10n.t('Rate limited (429: {0}). Wait {1} seconds and try again.', detail, seconds);
  return { kind: 'rateLimit', message };
}

function modelNotFound(detail: string): DescribedError {
  return { kind: 'notFound', message: l10n.t('The model is not available ({0}). Choose another model in the threadline.model setting.', detail) };
}

/** The server's own words: the error body's message, else the SDK's. */
function detailOf(err: APIError): string {
  const body: unknown = err.error;
  if (body && typeof body === 'object' && 'message' in body && typeof body.message === 'string' && body.message) return body.message;
  return err.message;
}

/** Whole seconds from `retry-after-ms` or `retry-after` (seconds or an HTTP date). */
function retryAfterSeconds(headers: Headers | undefined): number | undefined {
  const ms = Number(headers?.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms / 1000);
  const raw = headers?.get('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/**
 * Whether `err` has the fields every SDK APIError (aborts and connection errors too) sets in its
 * constructor. Only then are the SDK's classes asked, so describing a disk error does not load it.
 */
function mayBeApiError(err: unknown): err is Error {
  return err instanceof Error && 'status' in err && 'headers' in err && 'error' in err;
}

/** undici rejects a body read with `TypeError('terminated')` when the socket closes mid-body. */
function isBodyTermination(err: unknown): boolean {
  return err instanceof TypeError && err.message === 'terminated';
}

function hasCause(err: unknown, test: (e: unknown) => boolean): boolean {
  for (let e = err, depth = 0; e !== undefined && depth < 5; e = e instanceof Error ? e.cause : undefined, depth++) {
    if (test(e)) return true;
  }
  return false;
}
