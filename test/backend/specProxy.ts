// A validating proxy for the backend tests: a real HTTP server between the SDK and the stand-in
// that forwards every request and reply unchanged (streams chunk by chunk, never buffered) and,
// on the side, checks both against the OpenAI spec (shared/reference/openai-openapi.yaml):
//
//   request:  the operation exists for method + path template; a JSON body matches the
//             operation's requestBody schema; a multipart body has the schema's required fields;
//             query parameters match their schemas (coerced from text first);
//   response: the status is declared (exactly, as `4XX`, or `default`); a JSON body matches the
//             schema for that status; an SSE body's `data:` frames each match the stream schema.
//
// How the spec models streams: an operation that streams lists `text/event-stream` beside
// `application/json` with the schema of ONE event's data (Responses: ResponseStreamEvent; Chat:
// CreateChatCompletionStreamResponse). The Assistants run operations declare no stream at all;
// their events exist only as the AssistantStreamEvent union of `{event, data}` envelopes, so there
// each frame's data is checked against the data schema of the variant its `event:` name picks.
//
// Component schemas compile through openapi.ts (its rules: oneOf read as anyOf, nullable, …);
// the few schemas written inline in operations are hoisted into components first, so one loader
// with one set of rules compiles everything.
import fs from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { loadSpecValidator } from './openapi';
import type { SpecValidator } from './openapi';

/** Tests run from the repo root; the reference folder sits beside the repo (as referenceSpec.ts). */
export const SPEC_FILE = path.resolve(process.cwd(), '../shared/reference/openai-openapi.yaml');

/** What the test prints when the spec is absent. */
export const SPEC_MISSING = `openai-openapi.yaml not found at ${SPEC_FILE}; spec conformance not checked`;

export type Where = 'request' | 'response' | 'event';

export interface Violation {
  method: string;
  /** The path as sent, below the base URL (e.g. `/conversations/conv_1/items`). */
  path: string;
  /** The spec's operation, e.g. `POST /conversations/{conversation_id}/items`, when one matched. */
  operation?: string;
  where: Where;
  /** What was checked, e.g. `body against CreateResponse` or `event thread.message.delta`. */
  subject: string;
  /** Ajv's errors, compacted; or one sentence for a structural problem. */
  errors: string[];
}

export interface ProxiedCall {
  method: string;
  path: string;
  operation?: string;
  status?: number;
  /** Number of SSE frames seen, for a streamed reply. */
  events?: number;
}

export interface SpecProxy {
  /** Same path prefix as the target's, e.g. `http://127.0.0.1:53212/v1`. */
  baseUrl: string;
  violations: Violation[];
  /** Every checked exchange, oldest first (control routes are not listed). */
  calls: ProxiedCall[];
  close(): Promise<void>;
}

/**
 * Known, specific places where the spec and the real API (which the stand-in and the SDK follow)
 * disagree. Each entry is narrow — one operation, one check — and says why; nothing is relaxed
 * for anything else.
 */
interface KnownDeviation {
  operation: string;
  where: Where;
  reason: string;
}

/** Operations whose reply is not JSON although the spec says so: the body is not checked. */
const RAW_BODY_DEVIATIONS: readonly KnownDeviation[] = [
  {
    operation: 'GET /files/{file_id}/content',
    where: 'response',
    // The spec declares `application/json` with `{type: string}`; the API (and the SDK's
    // files.content(), which returns a raw Response) sends the file's bytes under the file's type.
    reason: 'the spec types the download as a JSON string; it is the raw file bytes',
  },
];

/**
 * Error statuses the spec leaves undeclared. It lists errors per operation only sparsely (a 429
 * on most, a 400 or 404 on a few), while the API answers any operation with 400/401/403/404/409/
 * 422/500/503 and the ErrorResponse envelope (OpenAI's error-codes guide). Such a reply is still
 * checked: its body must be an ErrorResponse.
 */
const UNDECLARED_ERROR_STATUS: KnownDeviation & { schema: string } = {
  operation: '*',
  where: 'response',
  schema: 'ErrorResponse',
  reason: 'the spec declares error statuses per operation only sparsely; every operation can fail with the ErrorResponse envelope',
};

/**
 * Properties the spec types as non-null that the API sends as null. Applied to this proxy's copy
 * of the named schemas only, by making just those properties nullable.
 */
const NULLABLE_PROPERTY_DEVIATIONS: ReadonlyArray<KnownDeviation & { schemas: readonly string[]; properties: readonly string[] }> = [
  {
    operation: 'list operations (GET /assistants, GET /threads/{thread_id}/messages, …)',
    where: 'response',
    schemas: ['ListAssistantsResponse', 'ListMessagesResponse', 'ListRunsResponse', 'ListFilesResponse', 'ConversationItemList', 'ResponseItemList'],
    properties: ['first_id', 'last_id'],
    // An empty page has no first or last id: the API sends `null` for both (the stand-in does
    // too, test/stand-in/lists.ts); the spec declares them required strings.
    reason: 'first_id/last_id are null on an empty page; the spec declares required strings',
  },
];

/** The deviations this proxy tolerates, for reports. */
export const KNOWN_DEVIATIONS: readonly KnownDeviation[] = [...RAW_BODY_DEVIATIONS, UNDECLARED_ERROR_STATUS, ...NULLABLE_PROPERTY_DEVIATIONS];

/**
 * The Assistants operations that stream `AssistantStreamEvent`s when sent `stream: true`; the spec
 * declares only their JSON reply (see the header).
 */
const ASSISTANT_STREAM_OPERATIONS: ReadonlySet<string> = new Set([
  'POST /threads/runs',
  'POST /threads/{thread_id}/runs',
  'POST /threads/{thread_id}/runs/{run_id}/submit_tool_outputs',
]);

/** openapi.ts's schema id, noise in a schema path. */
const SPEC_ID_PREFIX = /https:\/\/threadline\.invalid\/openai-openapi\.json/g;

/** Ajv's errors beyond this many are summarised: an anyOf miss lists every branch's. */
const MAX_ERRORS = 6;

// ---------------------------------------------------------------------------------------------
// The spec, read into operations

type ParamKind = 'string' | 'integer' | 'number' | 'boolean' | 'array';

interface QueryParam {
  name: string;
  required: boolean;
  schema: string;
  kind: ParamKind;
  itemKind: ParamKind;
}

/** The media types of one request body or one response status, with their schemas. */
interface Media {
  types: string[];
  json?: string;
  sse?: string;
  multipartRequired?: string[];
}

interface Operation {
  /** `METHOD /template`. */
  key: string;
  method: string;
  pattern: RegExp;
  /** Literal segments win over `{param}` ones: `/threads/runs` is not `/threads/{thread_id}`. */
  literalSegments: string[];
  request?: Media & { required: boolean };
  query: QueryParam[];
  responses: Map<string, Media>;
}

interface SpecModel {
  operations: Operation[];
  /** Assistants event name → the schema of its `data`. */
  assistantEvents: Map<string, string>;
  validator: SpecValidator;
}

type Schemas = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refName(schema: unknown): string | undefined {
  if (!isRecord(schema) || typeof schema.$ref !== 'string') return undefined;
  const prefix = '#/components/schemas/';
  return schema.$ref.startsWith(prefix) ? schema.$ref.slice(prefix.length) : undefined;
}

/** Follows one `$ref`, for reading a schema's `type` or `required`. */
function resolve(schemas: Schemas, schema: unknown): Record<string, unknown> {
  const name = refName(schema);
  const target = name ? schemas[name] : schema;
  return isRecord(target) ? target : {};
}

/** Names a schema for the validator; `label` says where an inline one came from, for messages. */
type Hoist = (schema: unknown, label: string) => string;

/** A `$ref` is named by its component; an inline schema becomes a new component named after `label`. */
function hoister(schemas: Schemas): Hoist {
  return (schema, label) => {
    const name = refName(schema);
    if (name) return name;
    // Only characters that need no escaping in the `#/$defs/<name>` reference.
    const base = `Inline_${label}`.replace(/[^A-Za-z0-9]+/g, '_');
    let hoisted = base;
    for (let n = 2; hoisted in schemas; n++) hoisted = `${base}_${n}`;
    schemas[hoisted] = schema;
    return hoisted;
  };
}

let cachedModel: SpecModel | undefined;

/** The spec, read once per test process (parsing it takes seconds). */
function specModel(file: string): SpecModel {
  cachedModel ??= readSpec(file);
  return cachedModel;
}

function readSpec(file: string): SpecModel {
  const doc: unknown = YAML.parse(fs.readFileSync(file, 'utf8'));
  if (!isRecord(doc) || !isRecord(doc.paths) || !isRecord(doc.components) || !isRecord(doc.components.schemas)) throw new Error(`${file} is not an OpenAPI document`);
  const schemas = readNullableRefs(doc.components.schemas) as Schemas;
  applyNullableDeviations(schemas);
  const responses = isRecord(doc.components.responses) ? doc.components.responses : {};
  const hoist = hoister(schemas);
  const operations = readOperations(doc.paths, schemas, responses, hoist);
  const assistantEvents = readAssistantEvents(schemas, hoist);
  return { operations, assistantEvents, validator: compileSchemas(schemas) };
}

/**
 * `nullable: true` beside a `$ref` (CreateChatCompletionStreamResponse.usage, three
 * response_format fields): openapi.ts's rewrite adds `null` to a `type` or an `anyOf`, and a bare
 * `$ref` has neither, so the null the spec allows would be refused. Read as the spec means it:
 * the reference or null. (Not a deviation: a gap in the loader, best fixed in openapi.ts.)
 */
function readNullableRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(readNullableRefs);
  if (!isRecord(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = readNullableRefs(value);
  if (typeof out.$ref !== 'string' || out.nullable !== true) return out;
  const { $ref, nullable: _nullable, ...rest } = out;
  return { ...rest, anyOf: [{ $ref }, { type: 'null' }] };
}

function applyNullableDeviations(schemas: Schemas): void {
  for (const deviation of NULLABLE_PROPERTY_DEVIATIONS) {
    for (const name of deviation.schemas) {
      const schema = schemas[name];
      if (!isRecord(schema) || !isRecord(schema.properties)) throw new Error(`Known deviation: the spec has no schema ${name} with properties`);
      const properties: Record<string, unknown> = { ...schema.properties };
      for (const property of deviation.properties) properties[property] = { anyOf: [properties[property], { type: 'null' }] };
      schemas[name] = { ...schema, properties };
    }
  }
}

/** openapi.ts loads a file; the hoisted schemas go through a temporary one. */
function compileSchemas(schemas: Schemas): SpecValidator {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spec-proxy-'));
  const file = path.join(dir, 'schemas.json');
  try {
    fs.writeFileSync(file, JSON.stringify({ components: { schemas } }));
    return loadSpecValidator(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function readOperations(paths: Record<string, unknown>, schemas: Schemas, sharedResponses: Record<string, unknown>, hoist: Hoist): Operation[] {
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(paths)) {
    // `/responses?beta=true` and friends: a second set of docs for the same URL, not a path.
    if (template.includes('?') || !isRecord(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (!isRecord(op)) continue;
      const upper = method.toUpperCase();
      operations.push({
        key: `${upper} ${template}`,
        method: upper,
        pattern: templatePattern(template),
        literalSegments: template.split('/').filter((s) => s && !s.startsWith('{')),
        ...(isRecord(op.requestBody) ? { request: { ...readMedia(op.requestBody.content, schemas, hoist, `${upper} ${template} request`), required: op.requestBody.required === true } } : {}),
        query: readQueryParams([...asArray(item.parameters), ...asArray(op.parameters)], schemas, hoist, `${upper} ${template} query`),
        responses: readResponses(op.responses, schemas, sharedResponses, hoist, `${upper} ${template}`),
      });
    }
  }
  // Most literal segments first, so the first match is the most specific.
  return operations.sort((a, b) => b.literalSegments.length - a.literalSegments.length);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function templatePattern(template: string): RegExp {
  const source = template
    .split('/')
    .map((segment) => (/^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

function readMedia(content: unknown, schemas: Schemas, hoist: Hoist, label: string): Media {
  const media: Media = { types: [] };
  if (!isRecord(content)) return media;
  for (const [type, entry] of Object.entries(content)) {
    media.types.push(type);
    const schema = isRecord(entry) ? entry.schema : undefined;
    if (schema === undefined) continue;
    if (type === 'application/json') media.json = hoist(schema, `${label} json`);
    else if (type === 'text/event-stream') media.sse = hoist(schema, `${label} sse`);
    else if (type === 'multipart/form-data') media.multipartRequired = asArray(resolve(schemas, schema).required).filter((f): f is string => typeof f === 'string');
  }
  return media;
}

function readResponses(responses: unknown, schemas: Schemas, shared: Record<string, unknown>, hoist: Hoist, label: string): Map<string, Media> {
  const byStatus = new Map<string, Media>();
  if (!isRecord(responses)) return byStatus;
  for (const [status, response] of Object.entries(responses)) {
    // `$ref: '#/components/responses/TooManyRequests'`.
    const ref = isRecord(response) && typeof response.$ref === 'string' ? response.$ref.split('/').pop() : undefined;
    const resolved = ref ? shared[ref] : response;
    byStatus.set(status.toUpperCase(), readMedia(isRecord(resolved) ? resolved.content : undefined, schemas, hoist, `${label} ${status}`));
  }
  return byStatus;
}

function readQueryParams(parameters: unknown[], schemas: Schemas, hoist: Hoist, label: string): QueryParam[] {
  const params: QueryParam[] = [];
  for (const param of parameters) {
    if (!isRecord(param) || param.in !== 'query' || typeof param.name !== 'string' || param.schema === undefined) continue;
    const resolved = resolve(schemas, param.schema);
    params.push({
      name: param.name,
      required: param.required === true,
      schema: hoist(param.schema, `${label} ${param.name}`),
      kind: paramKind(resolved),
      itemKind: paramKind(resolve(schemas, resolved.items)),
    });
  }
  return params;
}

function paramKind(schema: Record<string, unknown>): ParamKind {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  return type === 'integer' || type === 'number' || type === 'boolean' || type === 'array' ? type : 'string';
}

/** AssistantStreamEvent is a union of unions of `{event: enum[name], data: schema}` variants. */
function readAssistantEvents(schemas: Schemas, hoist: Hoist): Map<string, string> {
  const events = new Map<string, string>();
  const visit = (schema: unknown): void => {
    const resolved = resolve(schemas, schema);
    const union = resolved.oneOf ?? resolved.anyOf;
    if (Array.isArray(union)) {
      union.forEach(visit);
      return;
    }
    const properties = isRecord(resolved.properties) ? resolved.properties : {};
    const names = isRecord(properties.event) ? asArray(properties.event.enum) : [];
    for (const name of names) if (typeof name === 'string' && properties.data !== undefined) events.set(name, hoist(properties.data, `${name} data`));
  };
  visit({ $ref: '#/components/schemas/AssistantStreamEvent' });
  return events;
}

function findOperation(spec: SpecModel, method: string, apiPath: string): Operation | undefined {
  return spec.operations.find((op) => op.method === method && op.pattern.test(apiPath));
}

function mediaForStatus(op: Operation, status: number): Media | undefined {
  const exact = op.responses.get(String(status)) ?? op.responses.get(`${String(status)[0]}XX`);
  return exact ?? op.responses.get('DEFAULT');
}

// ---------------------------------------------------------------------------------------------
// Checks

/** One exchange's context, for recording what does not conform. */
interface Exchange {
  spec: SpecModel;
  method: string;
  path: string;
  op: Operation | undefined;
  record(violation: Violation): void;
}

function report(ex: Exchange, where: Where, subject: string, errors: string[]): void {
  if (errors.length === 0) return;
  const cleaned = errors.map((e) => e.replace(SPEC_ID_PREFIX, ''));
  const compact = cleaned.length > MAX_ERRORS ? [...cleaned.slice(0, MAX_ERRORS), `… and ${cleaned.length - MAX_ERRORS} more`] : cleaned;
  ex.record({ method: ex.method, path: ex.path, ...(ex.op ? { operation: ex.op.key } : {}), where, subject, errors: compact });
}

function checkSchema(ex: Exchange, where: Where, subject: string, schema: string, value: unknown): void {
  report(ex, where, `${subject} against ${schema}`, ex.spec.validator.check(schema, value));
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function checkRequest(ex: Exchange, query: URLSearchParams, contentType: string | undefined, body: Buffer): void {
  const { op } = ex;
  if (!op) {
    report(ex, 'request', 'operation', [`the spec has no ${ex.method} ${ex.path}`]);
    return;
  }
  checkQuery(ex, op, query);
  const type = mediaType(contentType);
  if (body.length === 0) {
    if (op.request?.required) report(ex, 'request', 'body', ['the operation requires a body; none was sent']);
    return;
  }
  if (!op.request) {
    report(ex, 'request', 'body', [`the operation takes no body; got ${body.length} bytes of ${type || 'unknown type'}`]);
    return;
  }
  if (!op.request.types.includes(type)) {
    report(ex, 'request', 'body', [`content type ${type || '(none)'} is not one of ${op.request.types.join(', ')}`]);
    return;
  }
  if (type === 'application/json' && op.request.json) checkJson(ex, 'request', 'body', op.request.json, body);
  if (type === 'multipart/form-data' && op.request.multipartRequired) checkMultipart(ex, op.request.multipartRequired, body);
}

function checkJson(ex: Exchange, where: Where, subject: string, schema: string, body: Buffer): void {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    report(ex, where, subject, [`not JSON: ${(err as Error).message}`]);
    return;
  }
  checkSchema(ex, where, subject, schema, value);
}

/** Only the field names are read: enough to tell a required field is missing. */
function checkMultipart(ex: Exchange, required: string[], body: Buffer): void {
  const names = new Set([...body.toString('latin1').matchAll(/content-disposition:\s*form-data;\s*name="([^"]*)"/gi)].map((m) => m[1]));
  const missing = required.filter((field) => !names.has(field));
  report(ex, 'request', 'multipart fields', missing.map((field) => `required field "${field}" is missing`));
}

function checkQuery(ex: Exchange, op: Operation, query: URLSearchParams): void {
  for (const param of op.query) {
    // Arrays go out as `name[]=a&name[]=b` (the SDK's style) or repeated `name=`.
    const base = param.name.replace(/\[\]$/, '');
    const values = [...query.getAll(base), ...query.getAll(`${base}[]`)];
    if (values.length === 0) {
      if (param.required) report(ex, 'request', `query ${param.name}`, ['required, but absent']);
      continue;
    }
    const value = param.kind === 'array' ? values.map((v) => coerce(v, param.itemKind)) : coerce(values[0] ?? '', param.kind);
    checkSchema(ex, 'request', `query ${param.name}=${values.join(',')}`, param.schema, value);
  }
}

/** Query values are text; a value that does not read as its type stays text and fails the check. */
function coerce(value: string, kind: ParamKind): unknown {
  if ((kind === 'integer' || kind === 'number') && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (kind === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** Checks a reply as its bytes arrive: SSE frames one by one, anything else once it is whole. */
interface ResponseCheck {
  data(chunk: Buffer): void;
  /** The reply arrived whole (not called for one cut short). */
  end(): void;
}

const IGNORE: ResponseCheck = { data: () => undefined, end: () => undefined };

function checkResponse(ex: Exchange, status: number, contentType: string | undefined, call: ProxiedCall): ResponseCheck {
  const { op } = ex;
  if (!op) return IGNORE; // already reported with the request
  const type = mediaType(contentType);
  if (RAW_BODY_DEVIATIONS.some((d) => d.operation === op.key) && status < 400) return IGNORE;
  const media = mediaForStatus(op, status);
  if (!media) {
    if (status >= 400) return jsonCheck(ex, UNDECLARED_ERROR_STATUS.schema, `status ${status} (undeclared) body`);
    report(ex, 'response', 'status', [`status ${status} is not declared (declared: ${[...op.responses.keys()].join(', ')})`]);
    return IGNORE;
  }
  if (type === 'text/event-stream') return sseCheck(ex, media, call);
  if (media.types.length > 0 && !media.types.includes(type)) {
    report(ex, 'response', 'content type', [`${type || '(none)'} is not one of ${media.types.join(', ')} for status ${status}`]);
    return IGNORE;
  }
  return type === 'application/json' && media.json ? jsonCheck(ex, media.json, `status ${status} body`) : IGNORE;
}

function jsonCheck(ex: Exchange, schema: string, subject: string): ResponseCheck {
  const chunks: Buffer[] = [];
  return {
    data: (chunk) => chunks.push(chunk),
    end: () => checkJson(ex, 'response', subject, schema, Buffer.concat(chunks)),
  };
}

function sseCheck(ex: Exchange, media: Media, call: ProxiedCall): ResponseCheck {
  const op = ex.op;
  const enveloped = op !== undefined && ASSISTANT_STREAM_OPERATIONS.has(op.key);
  if (!media.sse && !enveloped) {
    report(ex, 'response', 'content type', ['text/event-stream is not declared for this operation']);
    return IGNORE;
  }
  const frames = new SseFrameReader();
  let index = 0;
  const check = (frame: SseFrame): void => {
    call.events = ++index;
    if (enveloped) checkAssistantEvent(ex, frame, index - 1);
    else if (media.sse) checkDataFrame(ex, media.sse, frame, index - 1);
  };
  return {
    data: (chunk) => frames.push(chunk).forEach(check),
    end: () => frames.flush().forEach(check),
  };
}

/** Responses and Chat: every frame's data is one event; Chat's closing `[DONE]` is not JSON. */
function checkDataFrame(ex: Exchange, schema: string, frame: SseFrame, index: number): void {
  if (frame.data === '[DONE]') return;
  const subject = `event #${index}${frame.event ? ` (${frame.event})` : ''}`;
  checkJson(ex, 'event', subject, schema, Buffer.from(frame.data, 'utf8'));
}

/** Assistants: the `event:` name picks the variant; `done`'s data is the text `[DONE]`. */
function checkAssistantEvent(ex: Exchange, frame: SseFrame, index: number): void {
  const subject = `event #${index} (${frame.event ?? 'no event name'})`;
  const schema = frame.event ? ex.spec.assistantEvents.get(frame.event) : undefined;
  if (!schema) {
    report(ex, 'event', subject, [`not an AssistantStreamEvent name`]);
    return;
  }
  if (frame.data === '[DONE]') checkSchema(ex, 'event', subject, schema, frame.data);
  else checkJson(ex, 'event', subject, schema, Buffer.from(frame.data, 'utf8'));
}

interface SseFrame {
  event?: string;
  data: string;
}

/** Splits an SSE byte stream into frames as they complete (a frame may span chunks). */
export class SseFrameReader {
  private readonly decoder = new TextDecoder();
  private pending = '';

  push(chunk: Uint8Array): SseFrame[] {
    this.pending += this.decoder.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
    const parts = this.pending.split('\n\n');
    this.pending = parts.pop() ?? '';
    return parts.flatMap(parseFrame);
  }

  /** A last frame without its blank line still counts once the stream has ended. */
  flush(): SseFrame[] {
    const rest = this.pending + this.decoder.decode();
    this.pending = '';
    return parseFrame(rest);
  }
}

function parseFrame(text: string): SseFrame[] {
  const lines = text.split('\n');
  const field = (name: string): string[] => lines.filter((l) => l.startsWith(`${name}:`)).map((l) => l.slice(name.length + 1).replace(/^ /, ''));
  const data = field('data');
  if (data.length === 0) return []; // a comment or keep-alive
  const [event] = field('event');
  return [{ ...(event !== undefined ? { event } : {}), data: data.join('\n') }];
}

// ---------------------------------------------------------------------------------------------
// The proxy

/** The stand-in's own routes (faults, request log): not OpenAI's API, so passed through unchecked. */
const CONTROL_PREFIX = '/__stand-in/';

/** Starts the proxy in front of `targetBaseUrl` (e.g. a stand-in's `http://127.0.0.1:N/v1`). */
export async function startSpecProxy(targetBaseUrl: string, options: { specFile?: string } = {}): Promise<SpecProxy> {
  const spec = specModel(options.specFile ?? SPEC_FILE);
  const target = new URL(targetBaseUrl);
  const apiPrefix = target.pathname.replace(/\/$/, '');
  const violations: Violation[] = [];
  const calls: ProxiedCall[] = [];

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const checked = !url.pathname.startsWith(CONTROL_PREFIX);
    const apiPath = url.pathname.startsWith(`${apiPrefix}/`) ? url.pathname.slice(apiPrefix.length) : url.pathname;
    const method = req.method ?? 'GET';
    const op = findOperation(spec, method, apiPath);
    const call: ProxiedCall = { method, path: apiPath, ...(op ? { operation: op.key } : {}) };
    if (checked) calls.push(call);
    const ex: Exchange | undefined = checked ? { spec, method, path: apiPath, op, record: (v) => violations.push(v) } : undefined;
    forward(req, res, new URL(url.pathname + url.search, target.origin), ex, call, url.searchParams);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveListen());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${apiPrefix}`,
    violations,
    calls,
    close: () =>
      new Promise<void>((resolveClose, reject) => {
        server.close((err) => (err ? reject(err) : resolveClose()));
        server.closeAllConnections();
      }),
  };
}

/**
 * Sends `req` on to `upstreamUrl` and its reply back, chunk by chunk in both directions; the
 * checks watch the same chunks. A side that goes away takes the other down with it, so an abort
 * reaches the stand-in exactly as it would without the proxy.
 */
function forward(req: IncomingMessage, res: ServerResponse, upstreamUrl: URL, ex: Exchange | undefined, call: ProxiedCall, query: URLSearchParams): void {
  const headers: OutgoingHttpHeaders = { ...req.headers, host: upstreamUrl.host };
  const upstream = httpRequest(upstreamUrl, { method: req.method, headers }, (reply) => {
    const status = reply.statusCode ?? 0;
    call.status = status;
    const check = ex ? checkResponse(ex, status, reply.headers['content-type'], call) : IGNORE;
    res.writeHead(status, reply.headers);
    reply.on('data', (chunk: Buffer) => {
      res.write(chunk);
      check.data(chunk);
    });
    // Checked before the client sees the end, so a test that awaits the reply sees its violations.
    reply.on('end', () => {
      check.end();
      res.end();
    });
    reply.on('error', () => res.destroy());
    reply.on('aborted', () => res.destroy());
  });
  upstream.on('error', (err) => {
    if (res.headersSent) res.destroy();
    else res.writeHead(502, { 'content-type': 'text/plain' }).end(`spec proxy: ${err.message}`);
  });
  const body: Buffer[] = [];
  req.on('data', (chunk: Buffer) => {
    upstream.write(chunk);
    if (ex) body.push(chunk);
  });
  req.on('end', () => {
    if (ex) checkRequest(ex, query, req.headers['content-type'], Buffer.concat(body));
    upstream.end();
  });
  // The client left before the reply ended (an abort, a timeout): leave the stand-in too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
}

/** Violations as readable text, one block each, for assertion messages. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations
    .map((v) => `${v.where.toUpperCase()} ${v.method} ${v.path}${v.operation ? ` [${v.operation}]` : ''} — ${v.subject}\n${v.errors.map((e) => `    ${e}`).join('\n')}`)
    .join('\n');
}
