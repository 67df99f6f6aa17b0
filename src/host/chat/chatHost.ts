import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SourceChecker, sha256Hex } from '../../core/attachments/attachmentSource';
import type { AttachmentPart, ChatEvent, ChatService } from '../../core/chat/chatService';
import { detectImageMime } from '../../core/attachments/imageTypes';
import type { AttachmentSource, ContextLimits, ThreadMeta } from '../../core/model';
import { withoutSource } from '../../core/model';
import { listThreads } from '../../core/library/threadQuery';
import type { ThreadStore } from '../../core/library/threadStore';
import type { ListFilter, StreamingReply } from '../../shared/protocol';
import type { ApiKeyStore } from '../connection/apiKey';
import { ContextKeys } from '../contextKeys';
import { Disposable } from '../disposable';
import { ImageCache } from '../panel/imageCache';
import { mimeFromName, PendingAttachments } from './pendingAttachments';
import type { Prompts } from '../prompts';
import { windowPrompts } from '../prompts';
import type { PanelSession } from '../panel/panelSession';
import type { RoamingSync } from '../library/roamingSync';
import type { LinkOpener } from '../panel/references';
import { readSettings } from '../connection/settings';
import { workspaceFolderPaths } from '../workspace';

const LIST_FILTER_KEY = 'threadline.listFilter';
const DEFAULT_FILTER: ListFilter = { showArchived: false, allWorkspaces: false };
/** Images up to this size are kept in the thread as a preview (bigger ones show as a chip). */
const MAX_PREVIEW_BYTES = 1024 * 1024;

export interface ChatHostDeps {
  extensionUri: vscode.Uri;
  store: ThreadStore;
  chat: ChatService;
  apiKey: ApiKeyStore;
  /** Per-workspace preferences (the thread list's filters). */
  workspaceState: vscode.Memento;
  /** The extension's global storage: images fetched by file id are cached under it. */
  globalStorageUri?: vscode.Uri;
  /** How web links in references open; `vscode.env.openExternal` unless a test records them. */
  openLink?: LinkOpener;
  /** Shows upload progress; `vscode.window.withProgress` unless a test presses its Cancel. */
  withProgress?: ProgressRunner;
  /** The panels report what they show (test runs: see `rendered` in protocol.ts). */
  reportRenders?: boolean;
}

/** Runs a task under a progress notification; `vscode.window.withProgress` outside tests. */
export type ProgressRunner = <R>(
  options: vscode.ProgressOptions,
  task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>,
) => Thenable<R>;

/** Where a problem with an attachment is told: the panel that asked for it. */
export type ProblemReporter = (message: string) => void;

/**
 * What every Threadline webview shares: replies streaming right now, attachments waiting for the
 * next message, per-run limits, uploads already made, the list filters and the check of attached
 * files against their sources. Each webview is a PanelSession that reads from here; chat events
 * arrive here once and go to every session showing their thread.
 */
export class ChatHost extends Disposable {
  readonly extensionUri: vscode.Uri;
  readonly store: ThreadStore;
  readonly chat: ChatService;
  readonly apiKey: ApiKeyStore;
  /** Replies streaming right now, by thread, so a panel opened mid-stream shows the text so far. */
  readonly streaming = new Map<string, StreamingReply>();
  /** Limits for the next message of a thread only (per-run limits), until it is sent. */
  readonly runLimits = new Map<string, ContextLimits>();
  readonly pending = new PendingAttachments((threadId) => {
    const pending = this.pending.list(threadId);
    for (const session of this.showing(threadId)) session.post({ type: 'pending', threadId, pending });
  });
  readonly sources = new SourceChecker({
    stat: async (uri) => {
      try {
        const stat = await vscode.workspace.fs.stat(vscode.Uri.parse(uri, true));
        return { size: stat.size, mtime: stat.mtime };
      } catch (err) {
        if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return undefined;
        throw err;
      }
    },
    read: async (uri) => vscode.workspace.fs.readFile(vscode.Uri.parse(uri, true)),
  });
  /** Images fetched by file id, shared by every webview (see imageCache.ts). */
  readonly images: ImageCache;
  readonly openLink: LinkOpener;
  readonly reportRenders: boolean;
  private readonly withProgress: ProgressRunner;
  /** Attachments already uploaded, by dialect, server, account, kind and content hash (this session). */
  private readonly uploaded = new Map<string, AttachmentPart>();
  private readonly sessions = new Set<PanelSession>();
  /** The side panel: where palette commands go when no Threadline editor tab is active. */
  private sidePanel: PanelSession | undefined;
  /** The webview with the keyboard focus, as it last said (see the `focus` message). */
  private focused: PanelSession | undefined;
  private readonly workspaceState: vscode.Memento;
  /** How questions reach the user (see prompts.ts). */
  prompts: Prompts = windowPrompts;
  /** Threads known from other machines through Settings Sync (see useRoaming). */
  private roaming: RoamingSync | undefined;
  private readonly contextKeys = new ContextKeys((key, value) => void vscode.commands.executeCommand('setContext', key, value));

  constructor(deps: ChatHostDeps) {
    super();
    this.extensionUri = deps.extensionUri;
    this.store = deps.store;
    this.chat = deps.chat;
    this.apiKey = deps.apiKey;
    this.workspaceState = deps.workspaceState;
    this.openLink = deps.openLink ?? ((uri) => vscode.env.openExternal(uri));
    this.reportRenders = deps.reportRenders ?? false;
    this.withProgress = deps.withProgress ?? ((options, task) => vscode.window.withProgress(options, task));
    this.images = new ImageCache(path.join(deps.globalStorageUri?.fsPath ?? path.join(os.tmpdir(), 'threadline'), 'image-cache'));
    this.register(deps.chat.onEvent((e) => this.onChatEvent(e)));
    this.register(this.pending);
    // Attached files that change on disk: saved in an editor, or changed by anything else in the
    // workspace. Sessions re-check only the sources they show.
    this.register(vscode.workspace.onDidSaveTextDocument((doc) => this.sourceChanged(doc.uri)));
    const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/*'));
    this.register(watcher.onDidChange((uri) => this.sourceChanged(uri)));
    this.register(watcher.onDidDelete((uri) => this.sourceChanged(uri)));
    this.register(watcher.onDidCreate((uri) => this.sourceChanged(uri)));
  }

  /** Adds a webview's session; disposing the result removes it. */
  addSession(session: PanelSession, options: { sidePanel?: boolean } = {}): vscode.Disposable {
    this.sessions.add(session);
    if (options.sidePanel) this.sidePanel = session;
    return {
      dispose: () => {
        this.sessions.delete(session);
        if (this.focused === session) this.focused = undefined;
        this.targetChanged();
      },
    };
  }

  /**
   * The target's thread, or whether it streams, may have changed (it showed another thread, a
   * tab became active, a reply started or ended): the `when` clauses' context keys follow.
   */
  targetChanged(): void {
    const threadId = this.targetOrNone()?.currentThreadId;
    this.contextKeys.update({
      'threadline.hasThread': threadId !== undefined,
      'threadline.streaming': threadId !== undefined && this.streaming.has(threadId),
      'threadline.panelFocused': this.focused !== undefined,
    });
  }

  /** A webview's page gained or lost the keyboard focus. */
  setFocused(session: PanelSession, focused: boolean): void {
    if (focused) this.focused = session;
    else if (this.focused === session) this.focused = undefined;
    this.targetChanged();
  }

  /** Sessions showing `threadId` now. */
  showing(threadId: string): PanelSession[] {
    return [...this.sessions].filter((s) => s.currentThreadId === threadId);
  }

  /**
   * The session a command acts on: the Threadline webview with the keyboard focus (a keybinding),
   * else the Threadline editor tab the user is in, else the side panel. (A button in a panel acts
   * on that panel's session directly.)
   */
  target(): PanelSession {
    const target = this.targetOrNone();
    if (!target) throw new Error('Threadline: the side panel is not set up.');
    return target;
  }

  private targetOrNone(): PanelSession | undefined {
    return this.focused ?? [...this.sessions].find((s) => s.isActiveEditor) ?? this.sidePanel;
  }

  get listFilter(): ListFilter {
    const stored = this.workspaceState.get<Partial<ListFilter>>(LIST_FILTER_KEY);
    return {
      showArchived: typeof stored?.showArchived === 'boolean' ? stored.showArchived : DEFAULT_FILTER.showArchived,
      allWorkspaces: typeof stored?.allWorkspaces === 'boolean' ? stored.allWorkspaces : DEFAULT_FILTER.allWorkspaces,
    };
  }

  async setListFilter(filter: ListFilter): Promise<void> {
    await this.workspaceState.update(LIST_FILTER_KEY, { showArchived: filter.showArchived, allWorkspaces: filter.allWorkspaces });
    for (const session of this.sessions) session.postThreads();
  }

  /**
   * A panel's thread list under the filters: pinned first, then most recent. The thread the panel
   * shows is always listed, whatever the filters say.
   */
  threadList(currentThreadId: string | undefined): ThreadMeta[] {
    const all = this.allThreads();
    const filter = this.listFilter;
    const shown = listThreads(all, {
      includeArchived: filter.showArchived,
      workspaceFolder: filter.allWorkspaces || workspaceFolderPaths().length === 0 ? 'all' : workspaceFolderPaths(),
    });
    const current = all.find((t) => t.id === currentThreadId);
    return current && !shown.includes(current) ? [current, ...shown] : shown;
  }

  /** Lists the threads `roaming` knows from other machines, and keeps every panel's list current with it. */
  useRoaming(roaming: RoamingSync): void {
    this.roaming = roaming;
    this.register(roaming.onDidChange(() => {
      for (const session of this.sessions) session.postThreads();
    }));
  }

  /** Every thread of the library, and those known only from other machines (to open from their server). */
  allThreads(): ThreadMeta[] {
    return [...this.store.list(), ...(this.roaming?.placeholders() ?? [])];
  }

  /**
   * Loads a thread known only from another machine from its server into this library, with a
   * cancellable progress notification; false (after telling the user why) when it could not.
   */
  async openRoaming(threadId: string): Promise<boolean> {
    const roaming = this.roaming;
    const known = roaming?.find(threadId);
    if (!roaming || !known) return false;
    try {
      await this.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Threadline: loading "{0}" from the server', known.title), cancellable: true },
        (_progress, token) => {
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return roaming.open(threadId, abort.signal);
        },
      );
      return true;
    } catch (err) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Threadline: {0}', err instanceof Error ? err.message : String(err)));
      return false;
    }
  }

  /** Re-sends the whole state to every webview (after a key or setting change). */
  async refreshAll(): Promise<void> {
    await Promise.all([...this.sessions].map((s) => s.refresh()));
  }

  /** Re-sends the state to the webviews showing `threadId`. */
  async refreshThread(threadId: string): Promise<void> {
    await Promise.all(this.showing(threadId).map((s) => s.refresh()));
  }

  async setRunLimits(threadId: string, limits: ContextLimits | undefined): Promise<void> {
    if (limits) this.runLimits.set(threadId, limits);
    else this.runLimits.delete(threadId);
    await this.refreshThread(threadId);
  }

  /**
   * Attaches a local file or image to the next message of `threadId` ('auto': an image if its
   * bytes are one). A file keeps where it came from and its hash, so the panel can tell later
   * that it changed.
   */
  async attachUri(threadId: string, kind: 'file' | 'image' | 'auto', uri: vscode.Uri, report: ProblemReporter): Promise<boolean> {
    let stat: vscode.FileStat;
    let data: Uint8Array;
    try {
      // Stat before reading: a write in between then looks like a change, never like no change.
      stat = await vscode.workspace.fs.stat(uri);
      data = await vscode.workspace.fs.readFile(uri);
    } catch (err) {
      report(vscode.l10n.t('Cannot read {0}: {1}', uri.scheme === 'file' ? uri.fsPath : uri.toString(), err instanceof Error ? err.message : String(err)));
      return false;
    }
    const as = kind === 'auto' ? (detectImageMime(data) ? 'image' : 'file') : kind;
    const source: AttachmentSource = { uri: uri.toString(), sha256: sha256Hex(data), size: data.byteLength, mtime: stat.mtime };
    return this.attachBytes(threadId, as, path.basename(uri.path), data, report, as === 'file' ? source : undefined);
  }

  /**
   * Uploads (or inlines, depending on the dialect) with a cancellable progress notification, then
   * shows it as a chip. The same bytes already sent to this server for this dialect are reused.
   */
  async attachBytes(threadId: string, kind: 'file' | 'image', name: string, data: Uint8Array, report: ProblemReporter, source?: AttachmentSource): Promise<boolean> {
    const upload = this.pending.begin(threadId, kind, name, data.byteLength);
    const thread = this.store.get(threadId);
    if (!thread) {
      this.pending.remove(upload.id);
      report(vscode.l10n.t('That thread no longer exists.'));
      return false;
    }
    const sha256 = source?.sha256 ?? sha256Hex(data);
    // Per account too: after a key or project change, another account's file id would be refused.
    const settings = readSettings();
    const account = sha256Hex(new TextEncoder().encode(`${(await this.apiKey.get()) ?? ''}\n${settings.organization ?? ''}\n${settings.project ?? ''}`));
    const uploadKey = `${thread.backend} ${settings.baseUrl} ${account} ${kind} ${sha256}`;
    const earlier = this.uploaded.get(uploadKey);
    if (earlier) {
      this.pending.ready(threadId, upload.id, withSource({ ...earlier, name }, source));
      return true;
    }
    const mime = mimeFromName(name);
    const part: AttachmentPart = kind === 'image' ? { type: 'image', name, mime } : { type: 'file', name, bytes: data.byteLength, mime };
    // Small images keep a data: URL so the panel can show them whatever the dialect sends.
    const imageMime = detectImageMime(data);
    if (part.type === 'image' && imageMime && data.byteLength <= MAX_PREVIEW_BYTES) {
      part.dataUrl = `data:${imageMime};base64,${Buffer.from(data).toString('base64')}`;
    }
    try {
      const prepared = await this.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Threadline: attaching {0}', name), cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => this.pending.remove(upload.id));
          let reported = 0;
          return this.chat.prepareAttachment(threadId, part, data, {
            signal: upload.signal,
            onProgress: (sent, total) => {
              const fraction = total > 0 ? sent / total : 1;
              progress.report({ increment: (fraction - reported) * 100 });
              reported = fraction;
              this.pending.progress(threadId, upload.id, fraction);
            },
          });
        },
      );
      this.uploaded.set(uploadKey, withSource(prepared, undefined));
      this.pending.ready(threadId, upload.id, withSource(prepared, source));
      return true;
    } catch (err) {
      const cancelled = upload.signal.aborted;
      this.pending.remove(upload.id);
      if (cancelled) return false;
      const message = err instanceof Error ? err.message : String(err);
      report(message);
      void vscode.window.showErrorMessage(vscode.l10n.t('Threadline: {0}', message));
      return false;
    }
  }

  private sourceChanged(uri: vscode.Uri): void {
    const key = uri.toString();
    for (const session of this.sessions) session.sourceChanged(key);
  }

  private onChatEvent(e: ChatEvent): void {
    switch (e.type) {
      case 'streamStart':
        this.streaming.set(e.threadId, { threadId: e.threadId, messageId: e.messageId, text: '' });
        break;
      case 'streamDelta': {
        const reply = this.streaming.get(e.threadId);
        if (reply) reply.text += e.text;
        break;
      }
      case 'streamEnd':
        this.streaming.delete(e.threadId);
        if (e.message.errorKind === 'retired') void this.offerSwitch(e.threadId, e.message.error ?? '');
        break;
      default:
        break;
    }
    for (const session of [...this.sessions]) session.onChatEvent(e);
    if (e.type !== 'streamDelta') this.targetChanged();
  }

  /**
   * The server dropped this thread's dialect (a reply refused, or a new thread that could not be
   * made): say so, and switch it to Responses in one click.
   */
  async offerSwitch(threadId: string, message: string): Promise<void> {
    const action = vscode.l10n.t('Switch to Conversations + Responses');
    if ((await this.prompts.warn(vscode.l10n.t('Threadline: {0}', message), action)) !== action) return;
    await this.chat.setBackend(threadId, 'responses');
    await this.refreshThread(threadId);
  }
}

/** A file part with this attachment's source (or none); images carry no source. */
function withSource(part: AttachmentPart, source: AttachmentSource | undefined): AttachmentPart {
  if (part.type !== 'file') return part;
  const rest = withoutSource(part) as typeof part;
  return source ? { ...rest, source } : rest;
}
