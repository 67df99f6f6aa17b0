// The core runs without `vscode`, yet what it tells the user is translated: it says it through
// @vscode/l10n, which the extension host hands VS Code's bundle for the display language.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as l10n from '@vscode/l10n';
import { APIConnectionError, APIUserAbortError, RateLimitError } from 'openai';
import { describeError } from '../../src/core/backends/errors';
import { unsupportedImageMessage } from '../../src/core/attachments/imageTypes';

describe('core strings through l10n', () => {
  after(() => l10n.config({ contents: {} }));

  test('with a bundle loaded, error sentences come out translated, placeholders filled', () => {
    l10n.config({
      contents: {
        'Stopped.': 'Angehalten.',
        'Rate limited (429: {0}). Wait {1} seconds and try again.': 'Zu viele Anfragen (429: {0}). {1} Sekunden warten und erneut versuchen.',
        '{0} is not a PNG, JPEG, GIF or WebP image; only those image types can be attached.': '{0} ist kein PNG-, JPEG-, GIF- oder WebP-Bild.',
      },
    });
    assert.equal(describeError(new APIUserAbortError()).message, 'Angehalten.');
    const limited = new RateLimitError(429, { message: 'slow down' }, undefined, new Headers({ 'retry-after': '7' }));
    assert.equal(describeError(limited).message, 'Zu viele Anfragen (429: slow down). 7 Sekunden warten und erneut versuchen.');
    assert.equal(unsupportedImageMessage('x.bmp'), 'x.bmp ist kein PNG-, JPEG-, GIF- oder WebP-Bild.');
    // A sentence the bundle lacks stays English.
    assert.match(describeError(new APIConnectionError({ message: 'Connection error.' })).message, /^Could not reach the server/);
  });

  test('without a bundle (English), the source strings are used as they are', () => {
    l10n.config({ contents: {} });
    assert.equal(describeError(new APIUserAbortError()).message, 'Stopped.');
  });
});
