// Commands that act on one panel's thread. The palette runs them on Sessions.target() (the
// Threadline editor tab the user is in, else the side panel); a button in a panel runs them on
// that panel, whichever has focus.
import * as vscode from 'vscode';
import type { BackendKind, ContextLimits } from '../../core/model';
import { tokenLimitProblem } from '../../core/context/limitRules';
import { BACKEND_LABELS } from '../../core/backends/providers';
import type { PanelCommand } from '../../shared/protocol';
import { assertNever } from '../../shared/protocol';
import type { PanelTarget } from './panelTarget';
import { updateUserSetting } from '../connection/settings';
import type { Prompts } from '../prompts';

const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'gif', 'webp'];

/** A command a panel's button asked for, run for that panel. */
export async function runPanelCommand(command: PanelCommand, session: PanelTarget): Promise<void> {
  switch (command) {
    case 'newThread':
      await session.newThread();
      return;
    case 'attachFile':
    case 'attachImage':
      await attachToSession(session, command === 'attachImage' ? 'image' : 'file', undefined);
      return;
    case 'chooseBackend':
      await chooseBackend(session);
      return;
    case 'setContextLimits':
      await setContextLimits(session);
      return;
    case 'setRunLimits':
      await setRunLimits(session);
      return;
    // Only the side panel has the button, and the command opens the side panel's thread.
    case 'openThreadInEditor':
    case 'setApiKey':
    case 'chooseModel':
      await vscode.commands.executeCommand(`threadline.${command}`);
      return;
    default:
      assertNever(command);
  }
}

/** Attaches `uri` (or a file picked in the open dialog) to the session's thread. */
export async function attachToSession(session: PanelTarget, kind: 'file' | 'image', uri: unknown): Promise<boolean> {
  const target =
    uri instanceof vscode.Uri
      ? uri
      : await session.services.prompts().openDialog({ title: kind === 'image' ? vscode.l10n.t('Attach image') : vscode.l10n.t('Attach file'), ...(kind === 'image' ? { filters: { [vscode.l10n.t('Images')]: IMAGE_EXTENSIONS } } : {}) });
  if (!target) return false;
  session.reveal();
  return session.attach(kind, target);
}

/** Switches the session's thread to a dialect (and makes it the default for new threads). */
export async function chooseBackend(session: PanelTarget): Promise<void> {
  const picked = (
    await session.services.prompts().pick(
      (Object.keys(BACKEND_LABELS) as BackendKind[]).map((k) => ({ label: BACKEND_LABELS[k], dialect: k })),
      { title: vscode.l10n.t('Threadline: dialect for this thread and new threads') },
    )
  )?.dialect;
  if (!picked) return;
  await updateUserSetting('backend', picked);
  const threadId = session.currentThreadId;
  if (threadId) await session.services.threads.setBackend(threadId, picked);
  await session.services.sessions.refreshAll();
}

export async function setRunLimits(session: PanelTarget): Promise<void> {
  const threadId = await session.ensureThread();
  const value = await askLimits(session.services.prompts(), dialectOf(session, threadId));
  if (value !== null) await session.setRunLimits(value);
}

export async function setContextLimits(session: PanelTarget): Promise<void> {
  const threadId = await session.ensureThread();
  const value = await askLimits(session.services.prompts(), dialectOf(session, threadId));
  if (value === null) return;
  await session.services.threads.setLimits(threadId, value);
  await session.services.sessions.refreshThread(threadId);
}

function dialectOf(session: PanelTarget, threadId: string): BackendKind {
  return session.services.store.get(threadId)?.backend ?? 'responses';
}

/**
 * Three small questions; Escape at any point cancels (null), an empty answer means "no limit".
 * A number the thread's dialect would refuse is flagged as it is typed (see limitRules.ts).
 */
async function askLimits(prompts: Prompts, dialect: BackendKind): Promise<ContextLimits | undefined | null> {
  const positive = (v: string) => {
    const problem = tokenLimitProblem(v, dialect);
    if (!problem) return undefined;
    if (problem.kind === 'notANumber') return vscode.l10n.t('A whole number above 0, or empty for no limit.');
    return vscode.l10n.t('Assistants v2 needs at least {0} tokens here (the server refuses fewer), or empty for no limit.', problem.min);
  };
  const prompt = await prompts.ask({ title: vscode.l10n.t('Max prompt tokens (empty: no limit)'), validateInput: positive });
  if (prompt === undefined) return null;
  const completion = await prompts.ask({ title: vscode.l10n.t('Max completion tokens (empty: no limit)'), validateInput: positive });
  if (completion === undefined) return null;
  const choices: (vscode.QuickPickItem & { truncation: 'auto' | 'last' | 'none' })[] = [
    // `auto` is the API's own word for it.
    { label: 'auto', truncation: 'auto' },
    { label: vscode.l10n.t('last messages…'), truncation: 'last' },
    { label: vscode.l10n.t('none'), truncation: 'none' },
  ];
  const truncation = (await prompts.pick(choices, { title: vscode.l10n.t('Truncation') }))?.truncation;
  if (truncation === undefined) return null;
  const limits: ContextLimits = {};
  if (prompt.trim()) limits.maxPromptTokens = Number(prompt);
  if (completion.trim()) limits.maxCompletionTokens = Number(completion);
  if (truncation === 'auto') limits.truncation = { type: 'auto' };
  if (truncation === 'last') {
    const n = await prompts.ask({ title: vscode.l10n.t('Keep the last N messages'), validateInput: (v) => (/^[1-9]\d*$/.test(v.trim()) ? undefined : vscode.l10n.t('A whole number above 0.')) });
    if (n === undefined) return null;
    limits.truncation = { type: 'last_messages', lastMessages: Number(n) };
  }
  return Object.keys(limits).length ? limits : undefined;
}
