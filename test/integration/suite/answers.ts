// The suite answers Threadline's questions in place of a user (api.answerPrompts, test mode only):
// each command runs as a user runs it, its pickers, boxes and dialogs answered here.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { BackendKind, ContextLimits } from '../../../src/core/model';
import type { Prompts } from '../../../src/host/prompts';
import type { ThreadlineTestApi } from '../../../src/host/testApi';

/** Runs `command` with its questions answered by `answers`; the answers in place before stay for the rest. */
export async function answering<T = unknown>(api: ThreadlineTestApi, answers: Partial<Prompts>, command: string, ...args: unknown[]): Promise<T> {
  const answered = api.answerPrompts(answers);
  try {
    return await vscode.commands.executeCommand<T>(command, ...args);
  } finally {
    answered.dispose();
  }
}

/** Picks the first item `test` accepts (none: the pick is dismissed). */
export function pickWhere(test: (item: Record<string, unknown>) => boolean): <T extends vscode.QuickPickItem>(items: readonly T[]) => Promise<T | undefined> {
  return async (items) => items.find((item) => test(item as unknown as Record<string, unknown>));
}

/** Types `values` into the input boxes asked, in order; each must pass the box's own validation. */
export function typed(...values: string[]): Prompts['ask'] {
  let next = 0;
  return async (options) => {
    const value = values[next++];
    assert.ok(value !== undefined, `an input box more than expected: ${options.title}`);
    const problem = await options.validateInput?.(value);
    assert.ok(!problem, `the input box "${options.title}" refused "${value}": ${JSON.stringify(problem)}`);
    return value;
  };
}

/** The context the thread bar's context menu passes to the commands it lists. */
export function threadMenu(threadId: string): { webviewSection: 'thread'; threadId: string; preventDefaultContextMenuItems: true } {
  return { webviewSection: 'thread', threadId, preventDefaultContextMenuItems: true };
}

export function setApiKey(api: ThreadlineTestApi, key: string): Promise<unknown> {
  return answering(api, { ask: typed(key) }, 'threadline.setApiKey');
}

/** Choose Backend: the dialect of the current thread and of new ones. */
export function chooseBackend(api: ThreadlineTestApi, dialect: BackendKind): Promise<unknown> {
  return answering(api, { pick: pickWhere((item) => item.dialect === dialect) }, 'threadline.chooseBackend');
}

export function switchThread(api: ThreadlineTestApi, threadId: string): Promise<string> {
  return answering<string>(api, { pick: pickWhere((item) => item.id === threadId) }, 'threadline.switchThread');
}

/** Attach File with `uri` chosen in the open dialog. */
export function attachFile(api: ThreadlineTestApi, uri: vscode.Uri, answers: Partial<Prompts> = {}): Promise<boolean> {
  return answering<boolean>(api, { openDialog: async () => uri, ...answers }, 'threadline.attachFile');
}

/** Rename Thread, from the thread bar's menu of `threadId` (else from the palette), typing `title`. */
export function renameThread(api: ThreadlineTestApi, threadId: string | undefined, title: string): Promise<unknown> {
  return answering(api, { ask: typed(title) }, 'threadline.renameThread', ...(threadId ? [threadMenu(threadId)] : []));
}

/** Delete Thread, confirmed, from the thread bar's menu of `threadId` (else from the palette). */
export function deleteThread(api: ThreadlineTestApi, threadId?: string): Promise<boolean> {
  return answering<boolean>(api, { confirm: async () => true }, 'threadline.deleteThread', ...(threadId ? [threadMenu(threadId)] : []));
}

/** Open Threads from the Server with `ids` typed in. */
export function openRemoteThread(api: ThreadlineTestApi, ids: string): Promise<string> {
  return answering<string>(api, { ask: typed(ids) }, 'threadline.openRemoteThread');
}

/** Set Context Limits or Set Run Limits: the two token boxes (empty: no limit), then the truncation. */
export function setLimits(api: ThreadlineTestApi, command: 'setContextLimits' | 'setRunLimits', limits: ContextLimits): Promise<unknown> {
  const boxes = [String(limits.maxPromptTokens ?? ''), String(limits.maxCompletionTokens ?? '')];
  const truncation = limits.truncation?.type === 'last_messages' ? 'last' : (limits.truncation?.type ?? 'none');
  if (limits.truncation?.type === 'last_messages') boxes.push(String(limits.truncation.lastMessages));
  return answering(api, { ask: typed(...boxes), pick: pickWhere((item) => item.truncation === truncation) }, `threadline.${command}`);
}

/** Progress notifications with a Cancel the test presses (`cancel`), as a user would on the notification. */
export function cancellableProgress(): { progress: Prompts['progress']; cancel(): void } {
  const running = new Set<vscode.CancellationTokenSource>();
  return {
    progress: async (_options, task) => {
      const source = new vscode.CancellationTokenSource();
      running.add(source);
      try {
        return await task({ report: () => undefined }, source.token);
      } finally {
        running.delete(source);
        source.dispose();
      }
    },
    cancel: () => {
      for (const source of running) source.cancel();
    },
  };
}
