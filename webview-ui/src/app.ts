import * as l10n from '@vscode/l10n';
import type { ThreadMeta } from '../../src/core/model';
import type { HostMessage, ViewState } from '../../src/shared/protocol';
import { assertNever } from '../../src/shared/protocol';
import type { RenderReport } from '../../src/shared/testChannel';
import { BACKEND_LABELS } from '../../src/core/backends/providers';
import { RenderReports, fetchedImages } from './renderReports';
import { Requests } from './requests';
import { el } from './ui/toolkit';
import { Composer } from './views/composer';
import { ContextGauge } from './views/contextGauge';
import { FetchedImages } from './views/fetchedImages';
import { Notice } from './views/notice';
import { ThreadBar } from './views/threadBar';
import { limitsText } from './views/limitsText';
import { FindBar } from './views/findBar';
import { SearchPanel } from './views/searchPanel';
import { Transcript } from './views/transcript';
import { loadMemory, postToHost, saveMemory } from './vscode';

const noKey = () => l10n.t('No API key is set. Threadline keeps it in VS Code SecretStorage.');

/** How long a focus request waits for the frame to get the keyboard focus (a webview still loading). */
const FOCUS_ARRIVAL_MS = 2_000;

/** The panel: owns its views and applies each host message to them. */
export class App {
  /** Requests the host answers (find, search, pages, images), matched to their answers by id. */
  private readonly requests = new Requests(postToHost);
  private readonly threadBar = new ThreadBar({
    switchThread: (threadId) => postToHost({ type: 'switchThread', threadId }),
    newThread: () => postToHost({ type: 'command', command: 'newThread' }),
    find: () => this.findBar.open(),
    search: () => this.searchPanel.open(),
    openInEditor: () => postToHost({ type: 'command', command: 'openThreadInEditor' }),
    setListFilter: (filter) => postToHost({ type: 'setListFilter', filter }),
  });
  private readonly transcript = new Transcript({
    openReference: (messageId, index) => postToHost({ type: 'openReference', messageId, index }),
    continueReply: () => postToHost({ type: 'continue' }),
    toggleBookmark: (messageId) => postToHost({ type: 'toggleBookmark', messageId }),
    codeAction: (action, code, language) => postToHost({ type: 'codeAction', action, code, language }),
    rendered: () => this.reports.schedule(),
    messageAction: (action, messageId) => postToHost({ type: 'messageAction', action, messageId }),
    images: new FetchedImages(this.requests, () => this.reports.schedule()),
  }, this.requests);
  private readonly notice = new Notice(() => postToHost({ type: 'command', command: 'setApiKey' }));
  private readonly composer = new Composer(
    {
      send: (text) => {
        this.notice.show(this.needsApiKey ? noKey() : undefined, this.needsApiKey);
        postToHost({ type: 'send', text });
      },
      attach: (kind) => postToHost({ type: 'command', command: kind === 'image' ? 'attachImage' : 'attachFile' }),
      removeAttachment: (id) => postToHost({ type: 'removeAttachment', id }),
      unqueue: (id, edit) => postToHost({ type: 'unqueue', id, edit }),
      setRunLimits: () => postToHost({ type: 'command', command: 'setRunLimits' }),
      clearRunLimits: () => postToHost({ type: 'clearRunLimits' }),
      stop: () => postToHost({ type: 'stop' }),
      draftChanged: (draft) => saveMemory({ draft }),
    },
    loadMemory().draft,
  );
  private readonly footer = el('div', 'footer');
  private readonly gauge = new ContextGauge();
  private readonly findBar = new FindBar(this.requests, (messageId) => {
    this.transcript.reveal(messageId);
    this.reports.schedule();
  });
  private readonly searchPanel = new SearchPanel(this.requests, (hit) => postToHost({ type: 'openSearchHit', threadId: hit.threadId, ...(hit.messageId ? { messageId: hit.messageId } : {}) }));
  private readonly reports = new RenderReports(
    () => this.report(),
    () => this.transcript.isStreaming,
  );
  private currentThreadId: string | undefined;
  private needsApiKey = false;
  /** A focus request waiting for the frame to get the keyboard focus (see focusComposerOnArrival). */
  private pendingFocus: (() => void) | undefined;

  mount(root: HTMLElement): void {
    window.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        this.findBar.open();
      }
    });
    root.append(this.threadBar.element, this.threadBar.filters, this.searchPanel.element, this.findBar.element, this.transcript.element, this.notice.element, this.composer.element, this.gauge.element, this.footer);
  }

  handle(message: HostMessage): void {
    switch (message.type) {
      case 'state':
        this.applyState(message.state);
        break;
      case 'threads':
        this.threadBar.setFilter(message.listFilter);
        this.updateThreads(message.threads, message.currentThreadId);
        break;
      case 'message':
        this.transcript.upsert(message.message);
        break;
      case 'streamStart':
        if (message.threadId === this.currentThreadId) {
          this.transcript.startStream(message.messageId);
          this.composer.setStreaming(true);
        }
        break;
      case 'streamDelta':
        if (message.threadId === this.currentThreadId) this.transcript.appendDelta(message.messageId, message.text);
        break;
      case 'streamEnd':
        if (message.threadId === this.currentThreadId) {
          this.transcript.upsert(message.message);
          this.composer.setStreaming(false);
        }
        break;
      case 'sendFailed':
        this.composer.restore(message.draft);
        this.notice.show(message.error, this.needsApiKey);
        break;
      case 'pending':
        if (message.threadId === this.currentThreadId) this.composer.setPending(message.pending);
        break;
      case 'queue':
        if (message.threadId === this.currentThreadId) this.composer.setQueued(message.queued);
        break;
      case 'problem':
        this.notice.show(message.message, false);
        break;
      case 'revealMessage':
        this.transcript.reveal(message.messageId);
        break;
      case 'findResults':
      case 'searchResults':
      case 'imageReady':
        this.requests.answer(message);
        break;
      case 'focusComposer':
        this.composer.focus();
        // A webview being created gets the keyboard focus from the workbench after it loads, and
        // the frame then starts at its body: the composer takes it when it comes — soon, or not at
        // all (a later click into the panel must not be pulled to the composer).
        if (!document.hasFocus()) this.focusComposerOnArrival();
        break;
      case 'submitDraft':
        this.composer.submit();
        break;
      case 'page':
        // Asked for while the host was already switching threads: not a page of this one.
        if (message.threadId === this.currentThreadId) this.requests.answer(message);
        break;
      case 'contextGauge':
        if (message.threadId === this.currentThreadId) {
          this.gauge.update(message.gauge);
          this.transcript.setLeftOut(message.gauge.leftOutIds);
        }
        break;
      case 'insertDraft':
        this.composer.restore(message.text);
        this.composer.focus();
        break;
      default:
        assertNever(message);
    }
    this.reports.schedule();
  }

  private applyState(state: ViewState): void {
    this.needsApiKey = state.needsApiKey;
    this.reports.enabled = state.reportRenders === true;
    const sameThread = state.currentThreadId === this.currentThreadId;
    if (!sameThread) this.findBar.close();
    this.currentThreadId = state.currentThreadId;
    this.gauge.showThread(state.currentThreadId);
    this.threadBar.setContext(state.surface, state.workspaceFolder);
    this.threadBar.setFilter(state.listFilter);
    this.updateThreads(state.threads, state.currentThreadId);
    this.transcript.reset(state.messages, state.hasOlder ?? false);
    if (state.streaming) this.transcript.startStream(state.streaming.messageId, state.streaming.text);
    this.composer.setStreaming(state.streaming !== undefined);
    this.composer.setPending(state.pending);
    this.composer.setQueued(state.queued);
    // A problem stays up through a refresh (a setting changed) until the user moves on.
    if (state.needsApiKey) this.notice.show(noKey(), true);
    else if (!sameThread || this.notice.offersKey) this.notice.show(undefined, false);
    const thread = state.threads.find((t) => t.id === state.currentThreadId);
    const limitText = thread?.limits ? ` · ${l10n.t('limits: {0}', limitsText(thread.limits))}` : '';
    this.composer.setRunLimits(state.runLimits ? limitsText(state.runLimits) : undefined);
    this.footer.textContent = `${state.provider} · ${BACKEND_LABELS[thread?.backend ?? 'responses']} · ${state.model} · ${state.baseUrl}${limitText}`;
  }

  private updateThreads(threads: ThreadMeta[], currentThreadId: string | undefined): void {
    this.currentThreadId = currentThreadId;
    // An editor tab comes back after a reload showing this thread (its serializer reads it).
    if (currentThreadId !== undefined && loadMemory().threadId !== currentThreadId) saveMemory({ threadId: currentThreadId });
    this.threadBar.update(threads, currentThreadId);
    this.transcript.setBookmarks(threads.find((t) => t.id === currentThreadId)?.bookmarks ?? []);
  }

  /** The composer takes the focus when the frame gets it within FOCUS_ARRIVAL_MS; one wait at a time. */
  private focusComposerOnArrival(): void {
    if (this.pendingFocus) window.removeEventListener('focus', this.pendingFocus);
    const take = () => {
      window.removeEventListener('focus', take);
      if (this.pendingFocus === take) this.pendingFocus = undefined;
      this.composer.focus();
    };
    this.pendingFocus = take;
    window.addEventListener('focus', take);
    setTimeout(() => {
      if (this.pendingFocus !== take) return;
      window.removeEventListener('focus', take);
      this.pendingFocus = undefined;
    }, FOCUS_ARRIVAL_MS);
  }

  /** What is on screen, for the test channel. */
  private report(): RenderReport {
    const last = this.transcript.lastRow();
    return {
      threadId: this.currentThreadId,
      messageIds: this.transcript.messageIds(),
      mounted: this.transcript.mounted,
      lastText: last.text,
      lastError: last.error,
      lastLeftOutNote: last.leftOutNote,
      streaming: this.transcript.isStreaming,
      notice: this.notice.current,
      pending: this.composer.pendingNames,
      queued: this.composer.queuedShown,
      references: last.references,
      draft: this.composer.draft,
      find: this.findBar.summary,
      revealed: this.transcript.revealedId,
      bookmarked: this.transcript.bookmarkedIds(),
      listed: this.threadBar.listedIds(),
      listedLabels: this.threadBar.listedLabels(),
      attachmentMarks: this.transcript.attachmentMarks(),
      gauge: this.gauge.text,
      images: fetchedImages(this.transcript.element),
    };
  }
}
