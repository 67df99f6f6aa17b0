// The panel's strings go through @vscode/l10n: without translations they read as written; once
// the host's bundle is loaded (as main.ts does with the state's `l10nBundle`), translated.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as l10n from '@vscode/l10n';
import { JSDOM } from 'jsdom';
import { decorateCodeBlocks } from '../../webview-ui/src/render/codeBlock';
import { limitsText } from '../../webview-ui/src/views/limitsText';

const LIMITS = { maxPromptTokens: 1000, maxCompletionTokens: 50, truncation: { type: 'last_messages' as const, lastMessages: 6 } };

function codeBlockButtons(): { labels: (string | null)[]; language: string | null | undefined; group: string | null | undefined } {
  const { document } = new JSDOM('<!doctype html><body><pre><code class="language-ts">let x = 1;\n</code></pre></body>').window;
  decorateCodeBlocks(document.body, document, () => {});
  return {
    labels: [...document.querySelectorAll('.code-action')].map((b) => b.getAttribute('aria-label')),
    language: document.querySelector('.code-block-language')?.textContent,
    group: document.querySelector('.code-block-actions')?.getAttribute('aria-label'),
  };
}

// In order: the bundle is global to the page (and to this file).
test('with no bundle (English), the strings read as written', () => {
  assert.equal(limitsText(LIMITS), 'prompt ≤ 1000, reply ≤ 50, last 6 messages');
  assert.deepEqual(codeBlockButtons().labels, ['Copy (ts code)', 'Insert at Cursor (ts code)', 'Open in New File (ts code)']);
});

test('with a bundle, the panel shows the translations, arguments in place', () => {
  l10n.config({
    contents: {
      'prompt ≤ {0}': 'invite ≤ {0}',
      'reply ≤ {0}': 'réponse ≤ {0}',
      'last {0} messages': '{0} derniers messages',
      Copy: 'Copier',
      'Insert at Cursor': 'Insérer au curseur',
      'Open in New File': 'Ouvrir dans un nouveau fichier',
      '{0} ({1} code)': '{0} (code {1})',
      'Code block actions': 'Actions du bloc de code',
    },
  });
  assert.equal(limitsText(LIMITS), 'invite ≤ 1000, réponse ≤ 50, 6 derniers messages');
  const block = codeBlockButtons();
  assert.deepEqual(block.labels, ['Copier (code ts)', 'Insérer au curseur (code ts)', 'Ouvrir dans un nouveau fichier (code ts)']);
  assert.equal(block.group, 'Actions du bloc de code');
  // A string the bundle does not have stays English.
  assert.equal(limitsText({ truncation: { type: 'auto' } }), 'truncation auto');
});
