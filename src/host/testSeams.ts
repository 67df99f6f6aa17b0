import * as vscode from 'vscode';
import type { ProgressRunner } from './progress';
import type { LinkOpener } from './panel/references';

/**
 * What only a test run (ExtensionMode.Test) swaps in, for what the extension host cannot drive
 * itself: a web link would need a real browser, and a notification's Cancel button lives in the
 * workbench. Links are recorded instead of opened; notifications are real, and the test can
 * also press Cancel on them.
 */
export function createTestSeams(): {
  openLink: LinkOpener;
  openedLinks: readonly string[];
  withProgress: ProgressRunner;
  cancelProgress(): void;
} {
  const openedLinks: string[] = [];
  const running = new Set<vscode.CancellationTokenSource>();
  return {
    openedLinks,
    openLink: async (uri) => {
      openedLinks.push(uri.toString(true));
      return true;
    },
    withProgress: (options, task) =>
      vscode.window.withProgress(options, async (progress, token) => {
        const cancel = new vscode.CancellationTokenSource();
        const forward = token.onCancellationRequested(() => cancel.cancel());
        running.add(cancel);
        try {
          return await task(progress, cancel.token);
        } finally {
          running.delete(cancel);
          forward.dispose();
          cancel.dispose();
        }
      }),
    cancelProgress: () => {
      for (const cancel of running) cancel.cancel();
    },
  };
}
