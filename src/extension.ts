import type * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // Wired in src/host (being written).
}

export function deactivate(): void {}
