// Everything Threadline puts before the user through the window, behind one seam: notifications
// (with buttons or not), modal confirmations, Quick Picks, input boxes, file dialogs, progress
// notifications (the user may press Cancel) and web links (they open in the user's browser). The
// window's own by default; the integration suite answers in place of a user (test mode only, see
// `answerPrompts` in testApi.ts), so commands need no arguments that only tests would pass. No
// other file of the host calls these window APIs (eslint.config.mjs holds it to that).
import * as vscode from 'vscode';

/** A progress notification over `task`; cancellable when `options` say so. */
type ProgressRunner = <R>(
  options: vscode.ProgressOptions,
  task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>,
) => Thenable<R>;

export interface Prompts {
  /** A warning with buttons; resolves with the one picked (undefined when dismissed). */
  warn(message: string, ...actions: string[]): Thenable<string | undefined>;
  /** An error notification with buttons, as `warn`. */
  error(message: string, ...actions: string[]): Thenable<string | undefined>;
  /** An information notification with buttons, as `warn`. */
  info(message: string, ...actions: string[]): Thenable<string | undefined>;
  /** A modal warning with `action` and Cancel: true when the user chose `action`. */
  confirm(message: string, action: string, detail?: string): Thenable<boolean>;
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  /** A Quick Pick whose items follow what the user types: `itemsFor` the text so far. */
  search<T extends vscode.QuickPickItem>(title: string, itemsFor: (value: string) => Promise<T[]>): Thenable<T | undefined>;
  /**
   * A Quick Pick whose items each carry `button`; resolves with the item accepted. The button runs
   * `onButton` on its item, which resolves with the items to show next (none: the pick closes).
   */
  pickWithButton<T extends vscode.QuickPickItem>(
    items: readonly T[],
    options: { title: string; placeholder: string; button: vscode.QuickInputButton },
    onButton: (item: T) => Promise<readonly T[]>,
  ): Thenable<T | undefined>;
  ask(options: vscode.InputBoxOptions): Thenable<string | undefined>;
  /** The open dialog for one file. */
  openDialog(options: Omit<vscode.OpenDialogOptions, 'canSelectMany'>): Thenable<vscode.Uri | undefined>;
  /** The save dialog, which itself asks before replacing an existing file. */
  saveDialog(options: vscode.SaveDialogOptions): Thenable<vscode.Uri | undefined>;
  progress: ProgressRunner;
  /** Opens a web link outside VS Code (`openExternal` asks first about a domain not yet trusted). */
  openLink(uri: vscode.Uri): Thenable<boolean>;
}

export const windowPrompts: Prompts = {
  warn: (message, ...actions) => vscode.window.showWarningMessage(message, ...actions),
  error: (message, ...actions) => vscode.window.showErrorMessage(message, ...actions),
  info: (message, ...actions) => vscode.window.showInformationMessage(message, ...actions),
  confirm: async (message, action, detail) => (await vscode.window.showWarningMessage(message, { modal: true, ...(detail ? { detail } : {}) }, action)) === action,
  pick: (items, options) => vscode.window.showQuickPick(items, options),
  search: searchPick,
  pickWithButton,
  ask: (options) => vscode.window.showInputBox(options),
  openDialog: async (options) => (await vscode.window.showOpenDialog({ ...options, canSelectMany: false }))?.[0],
  saveDialog: (options) => vscode.window.showSaveDialog(options),
  progress: (options, task) => vscode.window.withProgress(options, task),
  openLink: (uri) => vscode.env.openExternal(uri),
};

function searchPick<T extends vscode.QuickPickItem>(title: string, itemsFor: (value: string) => Promise<T[]>): Promise<T | undefined> {
  return new Promise((resolve) => {
    const pick = vscode.window.createQuickPick<T>();
    pick.title = title;
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    // Only the latest text's items are shown: an earlier, slower search is dropped.
    let generation = 0;
    pick.onDidChangeValue(async (value) => {
      const mine = ++generation;
      if (!value.trim()) return void (pick.items = []);
      pick.busy = true;
      const items = await itemsFor(value);
      if (mine !== generation) return;
      pick.busy = false;
      pick.items = items;
    });
    showUntilClosed(pick, resolve);
  });
}

function pickWithButton<T extends vscode.QuickPickItem>(
  items: readonly T[],
  options: { title: string; placeholder: string; button: vscode.QuickInputButton },
  onButton: (item: T) => Promise<readonly T[]>,
): Promise<T | undefined> {
  const withButton = (list: readonly T[]) => list.map((item) => ({ ...item, buttons: [options.button] }));
  const pick = vscode.window.createQuickPick<T>();
  pick.title = options.title;
  pick.placeholder = options.placeholder;
  pick.matchOnDescription = true;
  pick.items = withButton(items);
  return new Promise((resolve) => {
    pick.onDidTriggerItemButton(async ({ item }) => {
      const next = await onButton(item);
      if (next.length === 0) pick.hide();
      else pick.items = withButton(next);
    });
    showUntilClosed(pick, resolve);
  });
}

/** Shows `pick`; resolves with the item accepted, or undefined when it closes without one (then it is disposed). */
function showUntilClosed<T extends vscode.QuickPickItem>(pick: vscode.QuickPick<T>, resolve: (item: T | undefined) => void): void {
  pick.onDidAccept(() => {
    resolve(pick.selectedItems[0]);
    pick.hide();
  });
  pick.onDidHide(() => {
    resolve(undefined);
    pick.dispose();
  });
  pick.show();
}
