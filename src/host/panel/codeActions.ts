import * as vscode from 'vscode';
import type { CodeAction } from '../../shared/protocol';
import type { Prompts } from '../prompts';

/**
 * A code block's buttons, done by the host: the webview cannot reach the clipboard reliably or
 * edit documents. Insert goes to the last text editor the user had (the panel has focus now).
 */
export async function runCodeAction(prompts: Prompts, action: CodeAction, code: string, language: string | undefined): Promise<void> {
  switch (action) {
    case 'copy':
      await vscode.env.clipboard.writeText(code);
      void vscode.window.setStatusBarMessage(vscode.l10n.t('Threadline: copied to the clipboard'), 2000);
      return;
    case 'insert': {
      const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
      if (!editor) {
        void prompts.warn(vscode.l10n.t('Threadline: open a file to insert the code into, then try again.'));
        return;
      }
      // Every selection is replaced, as VS Code's own paste does.
      await editor.edit((edit) => {
        for (const selection of editor.selections) edit.replace(selection, code);
      });
      await vscode.window.showTextDocument(editor.document, editor.viewColumn);
      return;
    }
    case 'newFile': {
      const doc = await vscode.workspace.openTextDocument({ content: code, language: await knownLanguage(language) });
      await vscode.window.showTextDocument(doc);
      return;
    }
  }
}

/** Fence info strings are free text ("ts", "python3"); only ids VS Code knows are passed on. */
async function knownLanguage(language: string | undefined): Promise<string | undefined> {
  if (!language) return undefined;
  const id = ALIASES[language.toLowerCase()] ?? language.toLowerCase();
  return (await vscode.languages.getLanguages()).includes(id) ? id : undefined;
}

const ALIASES: Record<string, string> = {
  ts: 'typescript',
  js: 'javascript',
  py: 'python',
  sh: 'shellscript',
  bash: 'shellscript',
  zsh: 'shellscript',
  shell: 'shellscript',
  yml: 'yaml',
  md: 'markdown',
  rs: 'rust',
  cs: 'csharp',
  'c++': 'cpp',
  golang: 'go',
  rb: 'ruby',
  kt: 'kotlin',
};
