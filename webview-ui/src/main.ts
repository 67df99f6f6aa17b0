// Panel entry point: listen, tell the host we are ready, and build the views when the host's
// first `state` arrives. The host posts nothing before `ready`, so no message can be lost and
// nothing polls. The views are built only then because their strings come from the state's
// translations (`l10nBundle`; none in English), which must be loaded before any `l10n.t`.
import * as l10n from '@vscode/l10n';
import type { HostMessage } from '../../src/shared/protocol';
import { isHostMessage } from '../../src/shared/protocol';
import { App } from './app';
import { acceptAttachments } from './views/dropTarget';
import { postToHost } from './vscode';

let app: App | undefined;
/** Text for the composer that came before the state (the state holds everything else). */
const earlyDrafts: HostMessage[] = [];

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data;
  // Only the host's messages are handled: anything else posted to the window is not ours.
  if (!isHostMessage(message)) return;
  if (!app) {
    if (message.type === 'insertDraft') earlyDrafts.push(message);
    if (message.type !== 'state') return;
    if (message.state.l10nBundle) l10n.config({ contents: message.state.l10nBundle });
    app = new App();
    app.mount(document.getElementById('app')!);
    // Anywhere in the panel: drop files to attach them, paste an image to attach it.
    acceptAttachments(document.body, document.body, postToHost);
    app.handle(message);
    for (const draft of earlyDrafts.splice(0)) app.handle(draft);
    return;
  }
  app.handle(message);
});
postToHost({ type: 'ready' });
// The workbench cannot tell which webview has the keyboard focus, so the panel says so: the
// keybindings (send, stop, new thread) act on the Threadline panel that has it.
const reportFocus = () => postToHost({ type: 'focus', focused: document.hasFocus() });
window.addEventListener('focus', reportFocus);
window.addEventListener('blur', reportFocus);
if (document.hasFocus()) reportFocus();
