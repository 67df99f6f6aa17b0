// Palette commands that look after the library itself: Check Library, Recently Deleted (restore,
// or delete for good), and opening the folder the library lives in; plus the Undo offered after a
// delete.
import * as vscode from 'vscode';
import { describeError } from '../../core/backends/errors';
import type { CheckReport, ThreadStore, TrashEntry } from '../../core/library/threadStore';
import { TRASH_DAYS } from '../../core/library/trash';
import type { ThreadMeta } from '../../core/model';
import { relativeTime, summarizeThread } from '../../shared/threadSummary';
import type { LibraryStatus } from '../library/libraryStatus';
import type { CommandDeps } from './commandDeps';

export interface LibraryCommandDeps extends Pick<CommandDeps, 'store' | 'threads' | 'sessions' | 'prompts' | 'output'> {
  /** Told when Check Library ran (damage found after it is news again). */
  status: () => LibraryStatus | undefined;
}

export function registerLibraryCommands(deps: LibraryCommandDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('threadline.checkLibrary', () => checkLibrary(deps)),
    vscode.commands.registerCommand('threadline.recentlyDeleted', () => pickDeleted(deps)),
    vscode.commands.registerCommand('threadline.openStorageFolder', () => openStorageFolder(deps.store)),
  ];
}

/** Runs Check Library with progress, then says what it found; resolves with the report. */
export async function checkLibrary({ store, prompts, output, status }: Pick<LibraryCommandDeps, 'store' | 'prompts' | 'output' | 'status'>): Promise<CheckReport> {
  const report = await prompts().progress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Threadline: checking every thread in the library…') },
    () => store.check(),
  );
  status()?.checked();
  for (const line of reportLines(report)) output.info(line);
  const details = vscode.l10n.t('Show Details');
  const answer = await prompts().info(summary(report), ...(isClean(report) ? [] : [details]));
  if (answer === details) output.show(true);
  return report;
}

/** After a delete: say where the thread went, and offer to bring it straight back. */
export async function offerUndo({ threads, sessions, prompts }: Pick<LibraryCommandDeps, 'threads' | 'sessions' | 'prompts'>, entry: TrashEntry): Promise<void> {
  const undo = vscode.l10n.t('Undo');
  const message = vscode.l10n.t('Threadline: deleted "{0}". It stays in Recently Deleted for {1} days.', entry.thread.title, TRASH_DAYS);
  if ((await prompts().info(message, undo)) !== undo) return;
  await threads.restore(entry.thread.id);
  await sessions.target().showThread(entry.thread.id);
}

async function restore({ threads, sessions, prompts }: LibraryCommandDeps, id: string): Promise<string | undefined> {
  try {
    const thread = await threads.restore(id);
    await sessions.target().showThread(thread.id);
    return thread.id;
  } catch (err) {
    void prompts().error(vscode.l10n.t('Threadline: {0}', describeError(err).message));
    return undefined;
  }
}

interface DeletedItem extends vscode.QuickPickItem {
  id: string;
}

/** Recently Deleted as a Quick Pick: Enter restores; the trash button deletes for good. */
async function pickDeleted(deps: LibraryCommandDeps): Promise<string | undefined> {
  const { store, prompts } = deps;
  const entries = await store.trash();
  if (entries.length === 0) {
    void prompts().info(vscode.l10n.t('Threadline: nothing was deleted in the last {0} days.', TRASH_DAYS));
    return undefined;
  }
  const toItems = (list: TrashEntry[]): DeletedItem[] =>
    list.map((e) => ({
      id: e.thread.id,
      label: e.thread.title,
      // The same words as the thread lists use for its messages and dialect.
      description: vscode.l10n.t('deleted {0} · {1} · {2}', relativeTime(Date.now() - e.deletedAt), ...describe(e.thread)),
      ...(e.serverDeleted ? { detail: vscode.l10n.t('Its server copy was deleted; restoring starts a new one with this history.') } : {}),
    }));
  const forever = vscode.l10n.t('Delete Permanently');
  const chosen = await prompts().pickWithButton(
    toItems(entries),
    {
      title: vscode.l10n.t('Threadline: Recently Deleted (restorable for {0} days)', TRASH_DAYS),
      placeholder: vscode.l10n.t('Pick a thread to restore it'),
      button: { iconPath: new vscode.ThemeIcon('trash'), tooltip: forever },
    },
    async (item) => {
      if (await prompts().confirm(vscode.l10n.t('Delete "{0}" permanently? This cannot be undone.', item.label), forever)) await store.deleteForever(item.id);
      return toItems(await store.trash());
    },
  );
  return chosen ? restore(deps, chosen.id) : undefined;
}

/** Shows the library's folder: in the system's file manager on a desktop, else in a new window. */
export async function openStorageFolder(store: ThreadStore): Promise<void> {
  const folder = vscode.Uri.file(store.threadsDir);
  if (vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName) await vscode.commands.executeCommand('revealFileInOS', folder);
  else await vscode.commands.executeCommand('vscode.openFolder', folder, { forceNewWindow: true });
}

function describe(thread: ThreadMeta): [string, string] {
  const summary = summarizeThread(thread, Date.now());
  return [summary.messages, summary.backend];
}

function isClean(report: CheckReport): boolean {
  return !report.setAside.length && !report.headersRepaired.length && !report.countsCorrected.length && !report.unreadable.length && !report.recovered.length && !report.movedAside.length;
}

/** One notification's worth: what was found and done, in a sentence or three. */
function summary(report: CheckReport): string {
  if (isClean(report)) return vscode.l10n.t('Threadline: the library is intact ({0} threads, {1} records checked).', report.threads, report.records);
  const parts = [vscode.l10n.t('Threadline: checked {0} threads.', report.threads)];
  const damaged = report.setAside.reduce((sum, s) => sum + s.records, 0);
  if (damaged) parts.push(vscode.l10n.t('{0} damaged record(s) in {1} thread(s) were copied to a side file and are skipped from now on.', damaged, report.setAside.length));
  if (report.headersRepaired.length) parts.push(vscode.l10n.t('{0} thread header(s) were written again, dialect kept.', report.headersRepaired.length));
  if (report.countsCorrected.length) parts.push(vscode.l10n.t('{0} message count(s) were corrected.', report.countsCorrected.length));
  if (report.recovered.length) parts.push(vscode.l10n.t('{0} thread(s) a crash had left in the trash are back.', report.recovered.length));
  if (report.movedAside.length) parts.push(vscode.l10n.t('{0} item(s) in the way of the library were moved aside.', report.movedAside.length));
  if (report.unreadable.length) parts.push(vscode.l10n.t('{0} file(s) could not be read (see the details).', report.unreadable.length));
  return parts.join(' ');
}

/** The whole report, for the log. */
function reportLines(report: CheckReport): string[] {
  return [
    `Check Library: ${report.threads} threads, ${report.records} records verified, ${report.tornWrites} unfinished write(s) skipped, ${report.tempFilesRemoved} temp file(s) removed.`,
    ...report.setAside.map((s) => `  set aside ${s.records} damaged record(s) of "${s.title}" (${s.threadId}) in ${s.file}`),
    ...report.headersRepaired.map((h) => `  header written again: "${h.title}" (${h.threadId})`),
    ...report.countsCorrected.map((c) => `  count of "${c.title}" (${c.threadId}): ${c.from} → ${c.to}`),
    ...report.recovered.map((r) => `  back from the trash: "${r.title}" (${r.threadId})`),
    ...report.movedAside.map((m) => `  moved out of the way: ${m.from} → ${m.to}`),
    ...report.unreadable.map((u) => `  could not read ${u.file}: ${u.reason}`),
  ];
}
