import type * as vscode from 'vscode';

/** Runs a task under a progress notification; `vscode.window.withProgress` outside tests. */
export type ProgressRunner = <R>(
  options: vscode.ProgressOptions,
  task: (progress: vscode.Progress<{ message?: string; increment?: number }>, token: vscode.CancellationToken) => Thenable<R>,
) => Thenable<R>;
