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

/** A parser for model output: no raw HTML, bare URLs linked, every line break kept. */
function newMarkdownIt() {
  const parser = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
  // A link whose target is refused stays as the text the model wrote, e.g. `[x](command:…)`.
  parser.validateLink = (url) => SAFE_LINK.test(url) || SAFE_IMAGE.test(url);
  return parser;
}

const md = newMarkdownIt();

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

/**
 * Whether `line`, after a line of paragraph text, goes on with the paragraph rather than start a
 * heading, list, quote, fence or rule, or underline the paragraph into a heading. (A table's
 * delimiter row depends on the line before it too; openParagraph.ts sees to that.)
 */
export function continuesParagraph(line: string): boolean {
  const tokens = md.parse(`x\n${line}`, {});
  return tokens.length === 3 && tokens[0]!.type === 'paragraph_open';
}

/**
 * A second parser with the same inline rules, which only looks: after parsing a paragraph's text
 * it tells whether anything in it is still open, i.e. could pair with text that comes later.
 */
const probe = newMarkdownIt();
let leftOpen = false;
// Runs where no rule took the character. At `[` that means no link: text after it can still make
// one when its label has no `]` yet or a `(` follows the `]` (a destination not finished).
probe.inline.ruler.push('open_bracket', (state, silent) => {
  if (silent || state.linkLevel > 0 || state.src.charCodeAt(state.pos) !== 0x5b /* [ */) return false;
  const end = state.md.helpers.parseLinkLabel(state, state.pos, true);
  if (end < 0 || state.src.charCodeAt(end + 1) === 0x28 /* ( */) leftOpen = true;
  return false;
});
// After pairing: an emphasis or strikethrough mark that can open and found no closer, or a run of
// backticks left as text (no run of its length after it) would pair with a later one.
probe.inline.ruler2.push('open_ends', (state) => {
  leftOpen ||= state.delimiters.some((d) => d.open && d.end < 0) || state.tokens.some((t) => t.type === 'text' && t.content.includes('`'));
});

/**
 * Whether the inline markdown `text` is closed: nothing in it (a code span, emphasis,
 * strikethrough, link or image) is still open, so text after it and a space cannot change how it
 * renders (see openParagraph.ts for why that is all that can). Conservative: it may answer no for
 * text that later text cannot change after all (a backtick in a bare URL).
 */
export function inlineClosed(text: string): boolean {
  leftOpen = false;
  probe.inline.parse(text, probe, {}, []);
  return !leftOpen;
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
