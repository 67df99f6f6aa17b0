// A thread as a file the user keeps or shares: Markdown to read, and a versioned JSON document
// that imports back into Threadline. Import reads files from anywhere, so parsing is strict and
// names the first wrong field, rather than storing something the rest of the code cannot trust.
import * as l10n from '@vscode/l10n';
import { footnote } from '../chat/footnotes';
import { errorText } from '../errorText';
import type { Annotation, ContentPart, Message, ThreadMeta } from '../model';
import { BACKENDS, isLimits, STATUSES } from '../storage/records';

export const THREAD_FORMAT = 'threadline.thread';
export const THREAD_FORMAT_VERSION = 1;

export interface ThreadDocument {
  format: typeof THREAD_FORMAT;
  version: typeof THREAD_FORMAT_VERSION;
  thread: ThreadMeta;
  messages: Message[];
}

const ROLE_HEADINGS: Record<Message['role'], string> = { user: 'User', assistant: 'Assistant' };

/**
 * The thread as Markdown: a title heading, then each message under a role heading with its text,
 * its attachments as a bullet list and its citations as footnotes. Footnote numbers run through
 * the whole document because Markdown footnote labels are document-wide.
 */
export function toMarkdown(thread: ThreadMeta, messages: readonly Message[]): string {
  const blocks: string[] = [`# ${oneLine(thread.title)}`];
  let footnotes = 0;
  for (const message of messages) {
    blocks.push(`## ${ROLE_HEADINGS[message.role]}`);
    if (message.status !== 'complete') blocks.push(`_(${message.status}${message.error ? `: ${oneLine(message.error)}` : ''})_`);
    const attachments: string[] = [];
    const definitions: string[] = [];
    for (const part of message.content) {
      if (part.type !== 'text') {
        attachments.push(`- ${attachmentLine(part)}`);
        continue;
      }
      const { segments, references } = footnote(part.text, part.annotations);
      const text = segments.map((s) => ('ref' in s ? `[^${s.ref + footnotes}]` : s.text)).join('');
      if (text.trim()) blocks.push(text);
      for (const ref of references) definitions.push(`[^${ref.n + footnotes}]: ${referenceText(ref.annotation, ref.label)}`);
      footnotes += references.length;
    }
    if (attachments.length) blocks.push(`Attachments:\n\n${attachments.join('\n')}`);
    if (definitions.length) blocks.push(definitions.join('\n'));
  }
  return `${blocks.join('\n\n')}\n`;
}

/** The thread as a versioned JSON document, the input of parseThreadJson. */
export function toJson(thread: ThreadMeta, messages: readonly Message[]): string {
  const doc: ThreadDocument = { format: THREAD_FORMAT, version: THREAD_FORMAT_VERSION, thread, messages: [...messages] };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Parses a document written by toJson; throws an Error naming the first field that is wrong. */
export function parseThreadJson(text: string): ThreadDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(l10n.t('Not a Threadline thread file: the text is not valid JSON ({0}).', errorText(err)));
  }
  const doc = fields(value, 'document', ['format', 'version', 'thread', 'messages']);
  if (doc.format !== THREAD_FORMAT) throw new Error(l10n.t('Not a Threadline thread file: "format" must be "{0}".', THREAD_FORMAT));
  if (doc.version !== THREAD_FORMAT_VERSION) throw new Error(l10n.t('Unsupported thread file version {0} in "version"; this Threadline reads version {1}.', JSON.stringify(doc.version), THREAD_FORMAT_VERSION));
  const thread = checkThread(doc.thread);
  if (!Array.isArray(doc.messages)) throw fieldError('messages', l10n.t('must be an array'));
  const messages = doc.messages.map((m, i) => checkMessage(m, `messages[${i}]`, thread.id));
  // Import maps old ids to new ones, which needs each old id to name one message.
  const seen = new Set<string>();
  messages.forEach((m, i) => {
    if (seen.has(m.id)) throw fieldError(`messages[${i}].id`, l10n.t('repeats the id of an earlier message'));
    seen.add(m.id);
  });
  return { format: THREAD_FORMAT, version: THREAD_FORMAT_VERSION, thread, messages };
}

function attachmentLine(part: Exclude<ContentPart, { type: 'text' }>): string {
  const details = [part.mime, part.fileId].filter(Boolean).join(', ');
  return `${part.type === 'image' ? 'Image' : 'File'}: ${oneLine(part.name)}${details ? ` (${details})` : ''}`;
}

function referenceText(annotation: Annotation, label: string): string {
  return annotation.url ? `[${oneLine(label)}](${annotation.url})` : oneLine(label);
}

/** Headings, list items and footnote definitions end at a line break. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// ---- validation: each check returns the value typed, or throws naming the field ----

const ROLES: readonly Message['role'][] = ['user', 'assistant'];
const ANNOTATION_TYPES: readonly Annotation['type'][] = ['file_citation', 'file_path', 'url_citation', 'container_file_citation'];

function checkThread(value: unknown): ThreadMeta {
  const at = 'thread';
  const o = fields(value, at, ['id', 'title', 'createdAt', 'updatedAt', 'backend', 'remoteId', 'messageCount', 'limits', 'pinned', 'archived', 'workspaceFolder', 'titleLocked', 'remoteGone', 'goneRemoteId', 'bookmarks']);
  str(o, 'id', at);
  str(o, 'title', at);
  num(o, 'createdAt', at);
  num(o, 'updatedAt', at);
  oneOf(o, 'backend', at, BACKENDS);
  str(o, 'remoteId', at, true);
  if (!Number.isInteger(o.messageCount) || (o.messageCount as number) < 0) throw fieldError(`${at}.messageCount`, l10n.t('must be a whole number of at least 0'));
  if (o.limits !== undefined && !isLimits(o.limits)) throw fieldError(`${at}.limits`, l10n.t('must hold positive whole-number limits'));
  bool(o, 'pinned', at);
  bool(o, 'archived', at);
  str(o, 'workspaceFolder', at, true);
  bool(o, 'titleLocked', at);
  bool(o, 'remoteGone', at);
  str(o, 'goneRemoteId', at, true);
  if (o.bookmarks !== undefined && !(Array.isArray(o.bookmarks) && o.bookmarks.every((id) => typeof id === 'string'))) {
    throw fieldError(`${at}.bookmarks`, l10n.t('must be a list of message ids'));
  }
  return o as unknown as ThreadMeta;
}

function checkMessage(value: unknown, at: string, threadId: string): Message {
  const o = fields(value, at, ['id', 'threadId', 'role', 'content', 'createdAt', 'status', 'error', 'errorKind', 'model', 'usage', 'remoteId', 'omittedMessageIds']);
  str(o, 'id', at);
  if (o.threadId !== threadId) throw fieldError(`${at}.threadId`, l10n.t('must be the thread\'s id "{0}"', threadId));
  oneOf(o, 'role', at, ROLES);
  if (!Array.isArray(o.content)) throw fieldError(`${at}.content`, l10n.t('must be an array'));
  o.content.forEach((part, i) => checkPart(part, `${at}.content[${i}]`));
  num(o, 'createdAt', at);
  oneOf(o, 'status', at, STATUSES);
  str(o, 'error', at, true);
  str(o, 'errorKind', at, true);
  str(o, 'model', at, true);
  if (o.usage !== undefined) {
    const usage = fields(o.usage, `${at}.usage`, ['inputTokens', 'outputTokens']);
    num(usage, 'inputTokens', `${at}.usage`);
    num(usage, 'outputTokens', `${at}.usage`);
  }
  str(o, 'remoteId', at, true);
  if (o.omittedMessageIds !== undefined && !(Array.isArray(o.omittedMessageIds) && o.omittedMessageIds.every((id) => typeof id === 'string'))) {
    throw fieldError(`${at}.omittedMessageIds`, l10n.t('must be an array of strings'));
  }
  return o as unknown as Message;
}

function checkPart(value: unknown, at: string): void {
  const type = fields(value, at, ['type', 'text', 'annotations', 'fileId', 'name', 'bytes', 'mime', 'dataUrl']).type;
  // Checked again per type below, now knowing which fields that type may have.
  if (type === 'text') {
    const o = fields(value, at, ['type', 'text', 'annotations']);
    str(o, 'text', at);
    if (o.annotations === undefined) return;
    if (!Array.isArray(o.annotations)) throw fieldError(`${at}.annotations`, l10n.t('must be an array'));
    o.annotations.forEach((a, i) => checkAnnotation(a, `${at}.annotations[${i}]`));
  } else if (type === 'file') {
    const o = fields(value, at, ['type', 'fileId', 'name', 'bytes', 'mime', 'text']);
    str(o, 'name', at);
    str(o, 'fileId', at, true);
    if (o.bytes !== undefined) num(o, 'bytes', at);
    str(o, 'mime', at, true);
    str(o, 'text', at, true);
  } else if (type === 'image') {
    const o = fields(value, at, ['type', 'fileId', 'name', 'mime', 'dataUrl']);
    str(o, 'name', at);
    str(o, 'mime', at);
    str(o, 'fileId', at, true);
    str(o, 'dataUrl', at, true);
  } else {
    throw fieldError(`${at}.type`, l10n.t('must be "text", "file" or "image"'));
  }
}

function checkAnnotation(value: unknown, at: string): void {
  const o = fields(value, at, ['type', 'start', 'end', 'fileId', 'containerId', 'filename', 'quote', 'url', 'title']);
  oneOf(o, 'type', at, ANNOTATION_TYPES);
  for (const key of ['start', 'end']) {
    if (!Number.isInteger(o[key]) || (o[key] as number) < 0) throw fieldError(`${at}.${key}`, l10n.t('must be a whole number of at least 0'));
  }
  for (const key of ['fileId', 'containerId', 'filename', 'quote', 'url', 'title']) str(o, key, at, true);
}

/** `value` as an object with no keys beyond `allowed`: an unknown key is most likely a typo or another format. */
function fields(value: unknown, at: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fieldError(at, l10n.t('must be an object'));
  const o = value as Record<string, unknown>;
  const unknown = Object.keys(o).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw fieldError(`${at === 'document' ? '' : `${at}.`}${unknown}`, l10n.t('is not a known field'));
  return o;
}

function str(o: Record<string, unknown>, key: string, at: string, optional = false): void {
  if (optional && o[key] === undefined) return;
  if (typeof o[key] !== 'string') throw fieldError(`${at}.${key}`, optional ? l10n.t('must be a string when present') : l10n.t('must be a string'));
}

function num(o: Record<string, unknown>, key: string, at: string): void {
  if (typeof o[key] !== 'number' || !Number.isFinite(o[key])) throw fieldError(`${at}.${key}`, l10n.t('must be a number'));
}

function bool(o: Record<string, unknown>, key: string, at: string): void {
  if (o[key] !== undefined && typeof o[key] !== 'boolean') throw fieldError(`${at}.${key}`, l10n.t('must be true or false when present'));
}

function oneOf(o: Record<string, unknown>, key: string, at: string, values: readonly string[]): void {
  if (!values.includes(o[key] as string)) throw fieldError(`${at}.${key}`, l10n.t('must be one of {0}', values.map((v) => `"${v}"`).join(', ')));
}

function fieldError(field: string, problem: string): Error {
  return new Error(l10n.t('Invalid thread file: "{0}" {1}.', field, problem));
}
