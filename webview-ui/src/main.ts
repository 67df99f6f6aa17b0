// Panel entry point: build the views, listen, then tell the host we are ready. The host posts
// nothing before `ready`, so no message can be lost and nothing polls.
import type { HostMessage } from '../../src/shared/protocol';
import { App } from './app';
import { acceptAttachments } from './views/dropTarget';
import { postToHost } from './vscode';

const app = new App();
app.mount(document.getElementById('app')!);
// Anywhere in the panel: drop files to attach them, paste an image to attach it.
acceptAttachments(document.body, document.body, postToHost);
window.addEventListener('message', (event: MessageEvent<HostMessage>) => app.handle(event.data));
postToHost({ type: 'ready' });
