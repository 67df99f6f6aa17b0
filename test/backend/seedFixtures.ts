// Messages and uploads for the seed-flow tests (a thread created with history, then listed back).
import assert from 'node:assert/strict';
import type { Backend, RemoteMessage } from '../../src/core/backends/backend';
import type { BackendKind, ContentPart, Message, Role, ThreadMeta } from '../../src/core/model';
import type { RecordedRequest, StandIn } from '../stand-in/index';

export type ImagePart = Extract<ContentPart, { type: 'image' }>;
export type FilePart = Extract<ContentPart, { type: 'file' }>;

/** The smallest header detectImageMime accepts as a PNG. */
export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
export const NOTES = new TextEncoder().encode('Plant basil after the last frost.\nWater daily.\n');

export function newThread(kind: BackendKind, id: string): ThreadMeta {
  return { id, title: id, createdAt: 0, updatedAt: 0, backend: kind, messageCount: 0 };
}

let counter = 0;
export function message(threadId: string, role: Role, content: string | ContentPart[]): Message {
  const parts: ContentPart[] = typeof content === 'string' ? [{ type: 'text', text: content }] : content;
  return { id: `msg_local_${++counter}`, threadId, role, content: parts, createdAt: 0, status: 'complete' };
}

/** `count` messages alternating user/assistant, texted `message <i>` so their order shows. */
export function alternating(threadId: string, count: number): Message[] {
  return Array.from({ length: count }, (_, i) => message(threadId, i % 2 === 0 ? 'user' : 'assistant', `message ${i}`));
}

/** Uploads a PNG and a text file through the backend, as the panel does before a send. */
export async function uploads(backend: Backend): Promise<{ image: ImagePart; file: FilePart }> {
  assert.ok(backend.prepareAttachment, 'the dialect uploads attachments');
  const image = await backend.prepareAttachment({ type: 'image', name: 'garden.png', mime: 'image/png' }, PNG, {});
  const file = await backend.prepareAttachment({ type: 'file', name: 'notes.txt', mime: 'text/plain' }, NOTES, {});
  assert.ok(image.type === 'image' && image.fileId && file.type === 'file' && file.fileId, 'both uploads have a file id');
  return { image, file };
}

/** The three-message history of flow 1: user text, assistant text, user text with an image. */
export function shortHistory(threadId: string, image: ImagePart): Message[] {
  return [
    message(threadId, 'user', 'What grows in my garden?'),
    message(threadId, 'assistant', 'Tomatoes and basil.'),
    message(threadId, 'user', [{ type: 'text', text: 'And what is in this picture?' }, image]),
  ];
}

/** Words as the stand-in counts tokens: every whitespace-separated word of the text parts. */
export function words(messages: readonly Message[]): number {
  return messages.reduce((sum, m) => sum + m.content.reduce((n, p) => n + (p.type === 'text' ? (p.text.match(/\S+/g)?.length ?? 0) : 0), 0), 0);
}

/** The text parts of a message joined, for comparing listed messages with what was sent. */
export function textOf(content: readonly ContentPart[]): string {
  return content.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

/** Requests recorded from now on, matching `method` and `path`. */
export function recorder(standIn: StandIn): (method: string, path: RegExp) => RecordedRequest[] {
  const from = standIn.requests.length;
  return (method, path) => standIn.requests.slice(from).filter((r) => r.method === method && path.test(r.path));
}

/** The `items`/`messages` array of a recorded JSON body. */
export function bodyArray(request: RecordedRequest | undefined, field: string): unknown[] {
  const body = request?.body;
  assert.ok(body && typeof body === 'object' && !Array.isArray(body), 'the request has a JSON body');
  const value = body[field];
  assert.ok(Array.isArray(value), `the body has an array \`${field}\``);
  return value;
}

/** Flow 7 after flow 1: the short history, the new question and its reply, listed back in order. */
export function assertShortHistoryListed(listed: readonly RemoteMessage[], replyText: string, replyRemoteId: string | undefined): void {
  assert.deepEqual(
    listed.map((m) => [m.role, textOf(m.content)]),
    [
      ['user', 'What grows in my garden?'],
      ['assistant', 'Tomatoes and basil.'],
      ['user', 'And what is in this picture?'],
      ['user', 'Which of them needs more sun?'],
      ['assistant', replyText],
    ],
  );
  assert.equal(listed.at(-1)?.remoteId, replyRemoteId);
}
