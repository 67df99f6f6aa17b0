// Wraps each rendered code block in a frame with its language and three buttons: Copy, Insert at
// Cursor, Open in New File. The host does the work (clipboard and editors live there).
import * as l10n from '@vscode/l10n';
import type { CodeAction } from '../../../src/shared/protocol';

interface ButtonSpec {
  action: CodeAction;
  icon: string;
  label: string;
}

/** The buttons, labelled in the panel's language (so built when used, after the translations load). */
function buttons(): ButtonSpec[] {
  return [
    { action: 'copy', icon: 'copy', label: l10n.t('Copy') },
    { action: 'insert', icon: 'insert', label: l10n.t('Insert at Cursor') },
    { action: 'newFile', icon: 'new-file', label: l10n.t('Open in New File') },
  ];
}

/** How long a pressed button shows a check mark. */
const DONE_MS = 1200;

export type CodeActionHandler = (action: CodeAction, code: string, language: string | undefined) => void;

/** The language a rendered block was tagged with (`language-ts` → `ts`). */
export function codeLanguage(code: Element): string | undefined {
  for (const name of code.classList) if (name.startsWith('language-')) return name.slice('language-'.length);
  return undefined;
}

/** The code as the user sees it, without the newline that ends every fence. */
export function codeText(code: Element): string {
  return (code.textContent ?? '').replace(/\n$/, '');
}

function actionButton(doc: Document, spec: ButtonSpec, code: Element, language: string | undefined, run: CodeActionHandler): HTMLButtonElement {
  const button = doc.createElement('button');
  button.type = 'button';
  button.className = 'code-action';
  button.dataset.testid = `code-${spec.action}`;
  button.title = spec.label;
  button.setAttribute('aria-label', language ? l10n.t('{0} ({1} code)', spec.label, language) : l10n.t('{0} (code)', spec.label));
  const icon = doc.createElement('span');
  icon.className = `codicon codicon-${spec.icon}`;
  icon.setAttribute('aria-hidden', 'true');
  button.append(icon);
  button.addEventListener('click', () => {
    run(spec.action, codeText(code), language);
    icon.className = 'codicon codicon-check';
    button.classList.add('code-action-done');
    setTimeout(() => {
      icon.className = `codicon codicon-${spec.icon}`;
      button.classList.remove('code-action-done');
    }, DONE_MS);
  });
  return button;
}

/** Frames every `pre > code` under `root`; without a handler the blocks get no buttons. */
export function decorateCodeBlocks(root: DocumentFragment | Element, doc: Document, run: CodeActionHandler | undefined): void {
  for (const pre of [...root.querySelectorAll('pre')]) {
    const code = pre.querySelector('code');
    if (!code) continue;
    const language = codeLanguage(code);
    const frame = doc.createElement('div');
    frame.className = 'code-block';
    const header = doc.createElement('div');
    header.className = 'code-block-header';
    const label = doc.createElement('span');
    label.className = 'code-block-language';
    label.textContent = language ?? l10n.t('code');
    header.append(label);
    if (run) {
      const actions = doc.createElement('div');
      actions.className = 'code-block-actions';
      actions.setAttribute('role', 'group');
      actions.setAttribute('aria-label', l10n.t('Code block actions'));
      actions.append(...buttons().map((spec) => actionButton(doc, spec, code, language, run)));
      header.append(actions);
    }
    pre.replaceWith(frame);
    frame.append(header, pre);
  }
}
