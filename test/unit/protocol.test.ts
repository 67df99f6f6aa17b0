import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isWebviewMessage } from '../../src/shared/protocol';

// What arrives from the webview is untrusted: the host acts only on messages of a known shape.
describe('isWebviewMessage', () => {
  test('accepts every well-formed panel message', () => {
    for (const message of [
      { type: 'ready' },
      { type: 'send', text: 'hi' },
      { type: 'stop' },
      { type: 'switchThread', threadId: 'th_1' },
      { type: 'command', command: 'setApiKey' },
      { type: 'command', command: 'newThread' },
      { type: 'focus', focused: true },
      { type: 'searchThreads', query: 'zebra' },
      { type: 'openSearchHit', threadId: 'th_1' },
      { type: 'openSearchHit', threadId: 'th_1', messageId: 'msg_1' },
      { type: 'rendered', report: { threadId: undefined, messageIds: [], lastText: '', streaming: false, notice: undefined } },
    ]) {
      assert.equal(isWebviewMessage(message), true, JSON.stringify(message));
    }
  });

  test('refuses unknown types, missing fields and commands outside the allow-list', () => {
    for (const message of [
      null,
      'ready',
      {},
      { type: 'eval', code: 'x' },
      { type: 'send' },
      { type: 'send', text: 42 },
      { type: 'switchThread' },
      { type: 'command', command: 'workbench.action.terminal.new' },
      { type: 'rendered' },
      { type: 'searchThreads' },
      { type: 'focus', focused: 'yes' },
      { type: 'openSearchHit', messageId: 'msg_1' },
      { type: 'openSearchHit', threadId: 'th_1', messageId: 7 },
    ]) {
      assert.equal(isWebviewMessage(message), false, JSON.stringify(message));
    }
  });
});
