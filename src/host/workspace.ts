import * as vscode from 'vscode';

/** The folder "this workspace" names in the panel: the first workspace folder, if any. */
export function currentWorkspaceFolder(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

/** Every folder of the workspace (several in a multi-root workspace): the list's "this workspace". */
export function workspaceFolderPaths(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
}

/**
 * The folder a new thread belongs to: the one holding `about` (the file it is started for), else
 * the one of the file being edited, else the first; none outside a workspace.
 */
export function workspaceInit(about?: vscode.Uri): { workspaceFolder?: string } {
  const uri = about ?? vscode.window.activeTextEditor?.document.uri;
  const folder = (uri && vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath) ?? currentWorkspaceFolder();
  return folder ? { workspaceFolder: folder } : {};
}
