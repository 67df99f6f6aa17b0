import * as l10n from '@vscode/l10n';
import type { Reference } from '../../../src/core/chat/footnotes';
import type { ContentPart, Message } from '../../../src/core/model';
import type { CodeAction } from '../../../src/shared/protocol';
import { markFootnotes, unmarkFootnotes } from '../render/footnoteMarks';
import { renderMarkdown } from '../render/markdown';
import type { MarkdownActions } from '../render/markdown';
import { el } from '../ui/toolkit';
import type { FetchedImages } from './fetchedImages';

export interface MessageBodyActions {
  /** Images held by file id, fetched through the host. */
  readonly images: FetchedImages;
  openReference(messageId: string, index: number): void;
  continueReply(): void;
  toggleBookmark(messageId: string): void;
  codeAction(action: CodeAction, code: string, language: string | undefined): void;
}

/** "512 B", "3.4 KB", "12 MB": sizes as people read them. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '';
  if (bytes < 1024) return `${bytes} B`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KB'] : bytes < 1024 ** 3 ? [bytes / 1024 ** 2, 'MB'] : [bytes / 1024 ** 3, 'GB'];
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, '') : Math.round(value)} ${unit}`;
}

/** The type a chip names: the MIME type, else the file's extension, else what kind of part it is. */
function typeLabel(part: Exclude<ContentPart, { type: 'text' }>): string {
  if (part.mime) return part.mime;
  const extension = /\.([A-Za-z0-9]{1,8})$/.exec(part.name)?.[1];
  if (extension) return extension.toUpperCase();
  return part.type === 'image' ? l10n.t('image') : l10n.t('file');
}

/** A chip for an attached file: name, size and type. */
export function attachmentChip(name: string, detail: string): HTMLElement {
  const chip = el('span', 'chip');
  chip.title = detail ? `${name} (${detail})` : name;
  chip.append(el('span', 'chip-name', name), el('span', 'chip-detail', detail));
  return chip;
}

function renderPart(part: Exclude<ContentPart, { type: 'text' }>, images: FetchedImages): HTMLElement {
  if (part.type === 'image' && part.dataUrl && /^data:image\/(png|jpeg|gif|webp);base64,/.test(part.dataUrl)) {
    const img = el('img', 'message-image');
    img.src = part.dataUrl;
    img.alt = part.name;
    return img;
  }
  if (part.type === 'image' && part.fileId) return images.frame(part.name, part.fileId);
  const detail = [typeLabel(part), part.type === 'file' ? formatBytes(part.bytes) : ''].filter(Boolean).join(' · ');
  const chip = attachmentChip(part.name, detail);
  chip.dataset.kind = part.type;
  // Marked by the host: the file on disk is no longer what was attached, or is gone.
  if (part.type === 'file' && part.sourceState) {
    chip.dataset.sourceState = part.sourceState;
    chip.classList.add('chip-stale');
    chip.append(el('span', 'chip-source-state', part.sourceState === 'missing' ? l10n.t('file missing') : l10n.t('changed since attached')));
  }
  return chip;
}

/** The `[n]` marker of a citation: a button that opens its reference. */
function footnoteMarker(messageId: string, references: readonly Reference[], actions: MessageBodyActions): (n: number) => Node {
  return (n) => {
    const sup = el('sup', 'footnote');
    const open = el('button', 'footnote-ref', `[${n}]`);
    open.type = 'button';
    const label = references.find((r) => r.n === n)?.label;
    open.setAttribute('aria-label', label ? l10n.t('Reference {0}: {1}', n, label) : l10n.t('Reference {0}', n));
    open.addEventListener('click', () => actions.openReference(messageId, n - 1));
    sup.append(open);
    return sup;
  };
}

/** What a reply's markdown needs from the panel: code-block buttons. */
export function markdownActions(actions: MessageBodyActions): MarkdownActions {
  return { codeAction: (action, code, language) => actions.codeAction(action, code, language) };
}

/**
 * The inside of a message: attachments, the text, the References list, and why a reply stopped
 * early. A reply's text is markdown, rendered and sanitized (render/markdown.ts), with citations
 * as numbered footnotes; the user's own text is shown as typed, through a Text node.
 */
export function renderMessageBody(message: Message, actions: MessageBodyActions): HTMLElement[] {
  const nodes: HTMLElement[] = [];
  const parts = message.content.filter((p): p is Exclude<ContentPart, { type: 'text' }> => p.type !== 'text');
  if (parts.length) {
    const row = el('div', 'message-attachments');
    row.append(...parts.map((part) => renderPart(part, actions.images)));
    nodes.push(row);
  }
  const markdown = message.role === 'assistant';
  const body = el('div', markdown ? 'message-text markdown' : 'message-text');
  const textParts = message.content.filter((p): p is Extract<ContentPart, { type: 'text' }> => p.type === 'text');
  const refs = el('ol', 'message-references');
  for (const part of textParts) {
    const { source, references } = markFootnotes(part.text, part.annotations);
    if (markdown) {
      body.append(renderMarkdown(source, window, { ...markdownActions(actions), footnote: footnoteMarker(message.id, references, actions) }));
    } else {
      body.append(unmarkFootnotes(source));
    }
    for (const reference of references) {
      const item = el('li', 'reference');
      const link = el('button', 'reference-link', `[${reference.n}] ${reference.label}`);
      link.type = 'button';
      link.dataset.testid = 'reference';
      link.addEventListener('click', () => actions.openReference(message.id, reference.n - 1));
      item.append(link);
      refs.append(item);
    }
  }
  nodes.push(body);
  if (refs.childElementCount) {
    refs.setAttribute('aria-label', l10n.t('References'));
    nodes.push(el('div', 'message-references-title', l10n.t('References')), refs);
  }
  if (message.omittedMessageIds?.length) {
    const n = message.omittedMessageIds.length;
    nodes.push(el('div', 'message-omitted', n === 1 ? l10n.t("1 earlier message was left out of this reply's context to fit the limits.") : l10n.t("{0} earlier messages were left out of this reply's context to fit the limits.", n)));
  }
  if (message.status !== 'complete') {
    const reason = message.error ?? (message.status === 'cancelled' ? l10n.t('Stopped.') : undefined);
    if (reason) nodes.push(el('div', 'message-error', reason));
    if (message.status === 'incomplete' && message.role === 'assistant') {
      const more = el('button', 'message-continue', l10n.t('Continue'));
      more.type = 'button';
      more.dataset.testid = 'continue';
      more.addEventListener('click', () => actions.continueReply());
      nodes.push(more);
    }
  }
  return nodes;
}

export function pendingDetail(mime: string, bytes: number): string {
  return [mime, formatBytes(bytes)].filter(Boolean).join(' · ');
}
