// Model output to DOM: markdown-it (no raw HTML, links and images from an allow-list) with
// highlighted code fences, then DOMPurify, then our own elements (code-block buttons, footnote
// markers) built with DOM calls, never as HTML.
import MarkdownIt from 'markdown-it';
import type { CodeAction } from '../../../src/shared/protocol';
import { decorateCodeBlocks } from './codeBlock';
import { placeFootnotes } from './footnoteMarks';
import { highlightCode } from './highlight';
import { SAFE_IMAGE, SAFE_LINK, sanitizeHtml } from './sanitize';

export interface MarkdownActions {
  /** A code block's button was pressed. */
  codeAction?(action: CodeAction, code: string, language: string | undefined): void;
  /** The element that stands for footnote `n` (see footnoteMarks.ts). */
  footnote?(n: number): Node;
}

const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
// A link whose target is refused stays as the text the model wrote, e.g. `[x](command:…)`.
md.validateLink = (url) => SAFE_LINK.test(url) || SAFE_IMAGE.test(url);

const escapeAttr = (text: string) => md.utils.escapeHtml(text);

function codeHtml(code: string, info: string): string {
  const word = md.utils.unescapeAll(info).trim().split(/\s+/)[0] ?? '';
  const named = /^[\w#+.-]{1,40}$/.test(word) ? word : undefined;
  const { html, language } = highlightCode(code, named);
  const label = named ?? language;
  return `<pre><code class="hljs${label ? ` language-${escapeAttr(label)}` : ''}">${html}</code></pre>\n`;
}

md.renderer.rules.fence = (tokens, idx) => codeHtml(tokens[idx]!.content, tokens[idx]!.info);
md.renderer.rules.code_block = (tokens, idx) => codeHtml(tokens[idx]!.content, '');

/** Block containers whose whitespace-only text children are just markdown-it's line breaks. */
const LAYOUT_ONLY = new Set(['UL', 'OL', 'LI', 'BLOCKQUOTE', 'TABLE', 'THEAD', 'TBODY', 'TR']);

/** Drops the newlines markdown-it puts between blocks, so textContent is the text shown. */
function dropLayoutWhitespace(root: ParentNode): void {
  for (const node of [...root.childNodes]) {
    if (node.nodeType === 3) {
      if (!node.nodeValue?.trim() && (root.nodeType === 11 || LAYOUT_ONLY.has((root as Element).tagName))) node.remove();
    } else if (node.nodeType === 1 && (node as Element).tagName !== 'PRE') {
      dropLayoutWhitespace(node as Element);
    }
  }
}

/** markdown-it's HTML for `source`, before sanitizing (exported for tests). */
export function markdownToHtml(source: string): string {
  return md.render(source);
}

/** Renders `source` as a sanitized fragment of `window`'s document, with live code-block buttons. */
export function renderMarkdown(source: string, window: Window, actions: MarkdownActions = {}): DocumentFragment {
  const fragment = sanitizeHtml(md.render(source), window);
  dropLayoutWhitespace(fragment);
  placeFootnotes(fragment, window.document, actions.footnote);
  decorateCodeBlocks(fragment, window.document, actions.codeAction);
  return fragment;
}
