// The questions Threadline asks through the window (warnings with buttons, Quick Picks, input
// boxes), behind one seam: the window's own by default; the integration suite answers them in
// place of a user (test mode only, see testApi.ts).
import * as vscode from 'vscode';

export interface Prompts {
  /** A warning with buttons; resolves with the one picked (undefined when dismissed). */
  warn(message: string, ...actions: string[]): Thenable<string | undefined>;
  /** An error notification with buttons, as `warn`. */
  error(message: string, ...actions: string[]): Thenable<string | undefined>;
  /** An information notification with buttons, as `warn`. */
  info(message: string, ...actions: string[]): Thenable<string | undefined>;
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Thenable<T | undefined>;
  ask(options: vscode.InputBoxOptions): Thenable<string | undefined>;
}

export const windowPrompts: Prompts = {
  warn: (message, ...actions) => vscode.window.showWarningMessage(message, ...actions),
  error: (message, ...actions) => vscode.window.showErrorMessage(message, ...actions),
  info: (message, ...actions) => vscode.window.showInformationMessage(message, ...actions),
  pick: (items, options) => vscode.window.showQuickPick(items, options),
  ask: (options) => vscode.window.showInputBox(options),
};
