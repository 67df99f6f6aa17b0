import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isWebviewMessage } from '../../src/shared/protocol';

// The panel's list filters and Open in Editor button arrive as untrusted webview messages.
describe('isWebviewMessage: list filters and Open in Editor', () => {
  test('accepts a filter with both flags and the Open in Editor command', () => {
    assert.equal(isWebviewMessage({ type: 'setListFilter', filter: { showArchived: true, allWorkspaces: false } }), true);
    assert.equal(isWebviewMessage({ type: 'command', command: 'openThreadInEditor' }), true);
  });

  test('refuses a filter with a missing or non-boolean flag', () => {
    for (const filter of [undefined, null, {}, { showArchived: true }, { showArchived: 'yes', allWorkspaces: false }, { showArchived: true, allWorkspaces: 1 }]) {
      assert.equal(isWebviewMessage({ type: 'setListFilter', filter }), false, JSON.stringify(filter));
    }
  });
});
