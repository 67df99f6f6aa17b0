// What arrives from the webview is untrusted: the host acts only on messages of a known type whose
// every field has the expected shape, and test-only messages pass only their own guard.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WebviewMessage, WebviewMessageType } from '../../src/shared/protocol';
import { HOST_MESSAGE_TYPES, REQUEST_ANSWERS, WEBVIEW_MESSAGE_TYPES, isHostMessage, isWebviewMessage } from '../../src/shared/protocol';
import { TEST_MESSAGE_TYPES, isTestMessage } from '../../src/shared/testChannel';

/** A well-formed message of every type, optional fields included (the compiler wants every type). */
const SAMPLES: { [K in WebviewMessageType]: Extract<WebviewMessage, { type: K }> } = {
  ready: { type: 'ready' },
  focus: { type: 'focus', focused: true },
  send: { type: 'send', text: 'hi' },
  stop: { type: 'stop' },
  unqueue: { type: 'unqueue', id: 'q_1', edit: false },
  switchThread: { type: 'switchThread', threadId: 'th_1' },
  command: { type: 'command', command: 'setApiKey' },
  removeAttachment: { type: 'removeAttachment', id: 'att_1' },
  openReference: { type: 'openReference', messageId: 'msg_1', index: 0 },
  continue: { type: 'continue' },
  clearRunLimits: { type: 'clearRunLimits' },
  find: { type: 'find', requestId: 1, query: 'zebra' },
  searchThreads: { type: 'searchThreads', requestId: 2, query: 'zebra' },
  openSearchHit: { type: 'openSearchHit', threadId: 'th_1', messageId: 'msg_1' },
  toggleBookmark: { type: 'toggleBookmark', messageId: 'msg_1' },
  messageAction: { type: 'messageAction', action: 'askAgain', messageId: 'msg_1' },
  codeAction: { type: 'codeAction', action: 'insert', code: 'let x = 1;', language: 'ts' },
  attachUris: { type: 'attachUris', uris: ['file:///a.txt'] },
  attachData: { type: 'attachData', name: 'pasted.png', base64: 'AAAA' },
  setListFilter: { type: 'setListFilter', filter: { showArchived: true, allWorkspaces: false } },
  loadOlder: { type: 'loadOlder', requestId: 3, beforeId: 'msg_1' },
  loadNewer: { type: 'loadNewer', requestId: 4, afterId: 'msg_1' },
  revealMessage: { type: 'revealMessage', requestId: 5, messageId: 'msg_1' },
  loadLatest: { type: 'loadLatest', requestId: 6 },
  fetchImage: { type: 'fetchImage', requestId: 7, fileId: 'file_1' },
};

/** Fields a message may leave out. */
const OPTIONAL = new Set(['openSearchHit.messageId', 'codeAction.language']);

/** A value of another kind than `value`, for each field. */
const wrongKind = (value: unknown): unknown => (typeof value === 'string' ? 42 : 'wrong');

const without = (message: object, field: string) => Object.fromEntries(Object.entries(message).filter(([key]) => key !== field));

describe('isWebviewMessage', () => {
  test('every listed type has a well-formed sample, which is accepted', () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), [...WEBVIEW_MESSAGE_TYPES].sort());
    for (const type of WEBVIEW_MESSAGE_TYPES) assert.equal(isWebviewMessage(SAMPLES[type]), true, type);
  });

  test('every field of every type is checked: null, another kind, or missing (unless optional) is refused', () => {
    for (const sample of Object.values(SAMPLES)) {
      for (const field of Object.keys(sample).filter((key) => key !== 'type')) {
        const value = (sample as unknown as Record<string, unknown>)[field];
        for (const bad of [null, wrongKind(value)]) assert.equal(isWebviewMessage({ ...sample, [field]: bad }), false, `${sample.type}.${field} = ${JSON.stringify(bad)}`);
        assert.equal(isWebviewMessage(without(sample, field)), OPTIONAL.has(`${sample.type}.${field}`), `${sample.type} without ${field}`);
      }
    }
  });

  test('a field no message of that type has is refused', () => {
    for (const sample of Object.values(SAMPLES)) assert.equal(isWebviewMessage({ ...sample, extra: 1 }), false, sample.type);
    assert.equal(isWebviewMessage({ type: 'setListFilter', filter: { showArchived: true, allWorkspaces: false, extra: 1 } }), false, 'inside the filter too');
  });

  test('values outside an allow-list or a range are refused', () => {
    for (const message of [
      { type: 'command', command: 'workbench.action.terminal.new' },
      { type: 'messageAction', action: 'delete', messageId: 'msg_1' },
      { type: 'codeAction', action: 'run', code: 'rm -rf /', language: 'sh' },
      { type: 'openReference', messageId: 'msg_1', index: -1 },
      { type: 'openReference', messageId: 'msg_1', index: 1.5 },
      { type: 'find', requestId: 0, query: 'x' },
      { type: 'loadLatest', requestId: -3 },
      { type: 'fetchImage', requestId: 1.5, fileId: 'file_1' },
      { type: 'attachUris', uris: ['file:///a.txt', 7] },
    ]) {
      assert.equal(isWebviewMessage(message), false, JSON.stringify(message));
    }
  });

  test('refuses what is not a message, and unknown types', () => {
    for (const value of [null, undefined, 'ready', 42, [], {}, { type: 42 }, { type: 'eval', code: 'x' }, { type: 'constructor' }, { type: '__proto__' }, { type: 'rendered', report: {} }]) {
      assert.equal(isWebviewMessage(value), false, JSON.stringify(value));
    }
  });

  test('every request that expects an answer carries an id', () => {
    for (const type of Object.keys(REQUEST_ANSWERS) as (keyof typeof REQUEST_ANSWERS)[]) {
      assert.ok(WEBVIEW_MESSAGE_TYPES.includes(type), type);
      assert.equal(isWebviewMessage(without(SAMPLES[type], 'requestId')), false, type);
    }
  });
});

describe('the test channel', () => {
  test('render reports pass their own guard, never the production one', () => {
    const report = { type: 'rendered', report: { threadId: undefined, messageIds: [], lastText: '', streaming: false, notice: undefined } };
    assert.deepEqual([...TEST_MESSAGE_TYPES], ['rendered']);
    assert.equal(isTestMessage(report), true);
    assert.equal(isWebviewMessage(report), false);
    for (const bad of [{ type: 'rendered' }, { type: 'rendered', report: null }, { type: 'rendered', report: 'x' }, { ...report, extra: 1 }, SAMPLES.send]) {
      assert.equal(isTestMessage(bad), false, JSON.stringify(bad));
    }
  });
});

describe('isHostMessage', () => {
  test('takes the listed types only', () => {
    for (const type of HOST_MESSAGE_TYPES) assert.equal(isHostMessage({ type }), true, type);
    for (const value of [null, 'state', {}, { type: 'rendered' }, { type: 'ready' }]) assert.equal(isHostMessage(value), false, JSON.stringify(value));
  });
});
