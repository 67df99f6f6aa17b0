// Our thin layer over @vscode/webview-ui-toolkit: the rest of the panel builds controls only
// through these functions, so swapping the (archived) toolkit for its successor stays in this folder.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
  vsCodeTextArea,
} from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDropdown(), vsCodeOption(), vsCodeProgressRing(), vsCodeTextArea());

/** The toolkit elements expose `value`, `disabled` and friends as plain properties. */
export type ValueElement = HTMLElement & { value: string; disabled: boolean };

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export interface ButtonOptions {
  label: string;
  testId: string;
  appearance?: 'primary' | 'secondary' | 'icon';
  title?: string;
  onClick: () => void;
}

export function button(options: ButtonOptions): ValueElement {
  const node = document.createElement('vscode-button') as ValueElement;
  node.textContent = options.label;
  node.dataset.testid = options.testId;
  node.setAttribute('appearance', options.appearance ?? 'primary');
  if (options.title) {
    node.title = options.title;
    node.setAttribute('aria-label', options.title);
  }
  node.addEventListener('click', () => {
    if (!node.disabled) options.onClick();
  });
  return node;
}

export interface TextAreaOptions {
  testId: string;
  placeholder: string;
  label: string;
  rows: number;
}

export function textArea(options: TextAreaOptions): ValueElement {
  const node = document.createElement('vscode-text-area') as ValueElement;
  node.dataset.testid = options.testId;
  node.setAttribute('placeholder', options.placeholder);
  node.setAttribute('aria-label', options.label);
  node.setAttribute('rows', String(options.rows));
  node.setAttribute('resize', 'vertical');
  return node;
}

export interface DropdownItem {
  value: string;
  label: string;
}

export function dropdown(testId: string, label: string, onChange: (value: string) => void): ValueElement {
  const node = document.createElement('vscode-dropdown') as ValueElement;
  node.dataset.testid = testId;
  node.setAttribute('aria-label', label);
  node.addEventListener('change', () => onChange(node.value));
  return node;
}

/** Replaces a dropdown's options and selects `selected` (FAST needs the value set after the options). */
export function setDropdownItems(node: ValueElement, items: DropdownItem[], selected: string | undefined): void {
  node.replaceChildren(
    ...items.map((item) => {
      const option = document.createElement('vscode-option') as ValueElement;
      option.setAttribute('value', item.value);
      option.textContent = item.label;
      return option;
    }),
  );
  if (selected !== undefined) node.value = selected;
}

export function spinner(): HTMLElement {
  const node = document.createElement('vscode-progress-ring');
  node.setAttribute('aria-label', 'Reply streaming');
  return node;
}
