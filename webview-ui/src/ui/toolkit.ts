// Our thin layer over @vscode/webview-ui-toolkit: the rest of the panel builds controls only
// through these functions, so swapping the (archived) toolkit for its successor stays in this folder.
import * as l10n from '@vscode/l10n';
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
    node.setAttribute('aria-label', accessibleName(options.label, options.title));
  }
  node.addEventListener('click', () => {
    if (!node.disabled) options.onClick();
  });
  return node;
}

/** A codicon (VS Code's icon font, loaded by panel.css). Decorative: the control it is in has the name. */
export function codicon(name: string): HTMLElement {
  const icon = el('span', `codicon codicon-${name}`);
  icon.setAttribute('aria-hidden', 'true');
  return icon;
}

export interface IconButtonOptions {
  icon: string;
  /** The button's accessible name and tooltip. */
  label: string;
  testId: string;
  onClick: () => void;
}

/** A button showing only a codicon, like VS Code's toolbar buttons. */
export function iconButton(options: IconButtonOptions): ValueElement {
  const node = document.createElement('vscode-button') as ValueElement;
  node.dataset.testid = options.testId;
  node.setAttribute('appearance', 'icon');
  node.title = options.label;
  node.setAttribute('aria-label', options.label);
  node.append(codicon(options.icon));
  node.addEventListener('click', () => {
    if (!node.disabled) options.onClick();
  });
  return node;
}

/**
 * A button's name for screen readers: its tooltip, which says more than the label — starting
 * with the label when the tooltip does not hold it, so that what is seen can be spoken (voice control).
 */
function accessibleName(label: string, title: string): string {
  const seen = label.replace(/…$/, '').trim().toLowerCase();
  return title.toLowerCase().includes(seen) ? title : `${label.replace(/…$/, '')}: ${title}`;
}

export interface TextAreaOptions {
  testId: string;
  placeholder: string;
  label: string;
  rows: number;
}

/**
 * A text area named `label`. The toolkit names the box from its text (the label slot) when it is
 * connected, and calls it "Text area" when there is none, so the label goes in as text; panel.css
 * keeps that label for screen readers only.
 */
export function textArea(options: TextAreaOptions): ValueElement {
  const node = document.createElement('vscode-text-area') as ValueElement;
  node.dataset.testid = options.testId;
  node.textContent = options.label;
  node.setAttribute('placeholder', options.placeholder);
  node.setAttribute('aria-label', options.label);
  node.setAttribute('rows', String(options.rows));
  node.setAttribute('resize', 'vertical');
  return node;
}

export interface DropdownItem {
  value: string;
  label: string;
  /** A codicon before the label (the closed dropdown shows the label only). */
  icon?: string;
  /** What screen readers say for the item, when the icon means something. */
  ariaLabel?: string;
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
  const options = items.map((item) => {
    const option = document.createElement('vscode-option') as ValueElement;
    option.setAttribute('value', item.value);
    if (item.icon) {
      const icon = codicon(item.icon);
      icon.slot = 'start';
      option.append(icon);
    }
    option.append(item.label);
    return option;
  });
  node.replaceChildren(...options);
  // Only once connected: a toolkit option sets its aria-label to its text when it connects.
  items.forEach((item, i) => {
    if (item.ariaLabel) options[i]!.setAttribute('aria-label', item.ariaLabel);
  });
  if (selected !== undefined) node.value = selected;
}

export function spinner(): HTMLElement {
  const node = document.createElement('vscode-progress-ring');
  node.setAttribute('aria-label', l10n.t('Reply streaming'));
  return node;
}
