// Syntax highlighting for code blocks: highlight.js's core with a curated set of languages, so
// the webview bundle carries ~20 grammars instead of ~190. Colours come from panel.css, which
// maps the `hljs-*` classes to `--vscode-*` theme variables.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import ini from 'highlight.js/lib/languages/ini';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import php from 'highlight.js/lib/languages/php';
import plaintext from 'highlight.js/lib/languages/plaintext';
import powershell from 'highlight.js/lib/languages/powershell';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const LANGUAGES = { bash, c, cpp, csharp, css, diff, dockerfile, go, ini, java, javascript, json, markdown, php, plaintext, powershell, python, rust, shell, sql, typescript, xml, yaml };
for (const [name, grammar] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, grammar);

/** Guessing is a full pass per grammar: only short blocks with no language named are guessed. */
export const AUTO_DETECT_MAX_CHARS = 2000;
// Grammars that match almost anything (CSS claims plain Python, Markdown and INI claim prose) are
// used when a fence names them, never guessed.
const NEVER_GUESSED = new Set(['css', 'ini', 'markdown', 'plaintext', 'shell']);
const AUTO_SUBSET = Object.keys(LANGUAGES).filter((name) => !NEVER_GUESSED.has(name));
/** Below this highlight.js's guess is mostly noise (a sentence "detected" as some language). */
const MIN_RELEVANCE = 5;

export interface Highlighted {
  /** Escaped HTML with `hljs-*` spans. */
  html: string;
  /** The grammar used (registered name), when one was. */
  language: string | undefined;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Highlights `code` as `language` (a fence's info word, e.g. "ts"), or guesses when none is given. */
export function highlightCode(code: string, language: string | undefined): Highlighted {
  if (language) {
    const grammar = hljs.getLanguage(language);
    if (!grammar) return { html: escapeHtml(code), language: undefined };
    const name = Object.keys(LANGUAGES).find((n) => hljs.getLanguage(n) === grammar);
    return { html: hljs.highlight(code, { language, ignoreIllegals: true }).value, language: name };
  }
  if (code.length > AUTO_DETECT_MAX_CHARS || !code.trim()) return { html: escapeHtml(code), language: undefined };
  const guess = hljs.highlightAuto(code, AUTO_SUBSET);
  if (!guess.language || guess.relevance < MIN_RELEVANCE) return { html: escapeHtml(code), language: undefined };
  return { html: guess.value, language: guess.language };
}
