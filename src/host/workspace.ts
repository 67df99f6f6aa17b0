import * as vscode from 'vscode';

/** The folder new threads belong to: the first workspace folder, if any. */
export function currentWorkspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

export function workspaceInit(): { workspaceFolder?: string } {
  const folder = currentWorkspaceFolder();
  return folder ? { workspaceFolder: folder } : {};
}
