// Reply rendering in a DOM (jsdom): markdown, the sanitizer's walls, highlighted code blocks with
// their buttons, and citation footnotes that survive markdown.
import * as assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { JSDOM } from 'jsdom';
import type { Annotation } from '../../src/core/model';
import type { CodeAction } from '../../src/shared/protocol';
import { markFootnotes } from '../../webview-ui/src/render/footnoteMarks';
import { AUTO_DETECT_MAX_CHARS } from '../../webview-ui/src/render/highlight';
import type { MarkdownActions } from '../../webview-ui/src/render/markdown';
import { renderMarkdown } from '../../webview-ui/src/render/markdown';
import { sanitizeHtml } from '../../webview-ui/src/render/sanitize';

const { window: jsdomWindow } = new JSDOM('<!doctype html><html><body></body></html>');
const window = jsdomWindow as unknown as Window;
const document = window.document;

/** Renders into a detached container, as the transcript does. */
function render(markdown: string, actions: MarkdownActions = {}): HTMLElement {
  const container = document.createElement('div');
  container.append(renderMarkdown(markdown, window, actions));
  return container;
}

function sanitize(html: string): HTMLElement {
  const container = document.createElement('div');
  container.append(sanitizeHtml(html, window));
  return container;
}

/** Every attribute name and URL-ish value left anywhere in `root`. */
function attributes(root: Element): string[] {
  return [...root.querySelectorAll('*')].flatMap((el) => [...el.attributes].map((a) => `${el.tagName.toLowerCase()}[${a.name}=${a.value}]`));
}

describe('sanitizing', () => {
  test('scripts, event handlers, iframes, styles and forms do not survive', () => {
    const root = sanitize([
      '<p>ok</p>',
      '<script>document.body.dataset.pwned = 1</script>',
      '<img src="x" onerror="alert(1)">',
      '<iframe src="https://evil.example"></iframe>',
      '<style>body { display: none }</style>',
      '<p style="position:fixed" onclick="alert(1)">styled</p>',
      '<svg onload="alert(1)"><circle r="1"/></svg>',
      '<form action="https://evil.example"><input name="q"></form>',
      '<object data="x"></object><embed src="x">',
      '<a href="https://ok.example" onmouseover="alert(1)" target="_top">fine</a>',
    ].join(''));
    assert.equal(root.querySelectorAll('script, iframe, style, svg, form, input, object, embed, img').length, 0);
    assert.deepEqual(attributes(root), ['a[href=https://ok.example]', 'a[title=https://ok.example]']);
    assert.match(root.textContent ?? '', /okstyledfine/);
  });

  test('links to anything but http, https and mailto lose their target and become their text', () => {
    const root = sanitize([
      '<a href="javascript:alert(1)">js</a>',
      '<a href="command:workbench.action.quit">cmd</a>',
      '<a href="vscode://file/etc/passwd">vs</a>',
      '<a href="file:///etc/passwd">file</a>',
      '<a href="data:text/html,hi">data</a>',
      '<a href="JaVaScRiPt&#58;alert(1)">mixed</a>',
      '<a href="https://example.com/a">web</a>',
      '<a href="mailto:someone@example.com">mail</a>',
    ].join(' '));
    assert.deepEqual([...root.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href')]), [
      ['web', 'https://example.com/a'],
      ['mail', 'mailto:someone@example.com'],
    ]);
    assert.equal(root.textContent, 'js cmd vs file data mixed web mail');
  });

  test('images keep only inline data: pictures; a remote one becomes its alt text', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const root = sanitize(`<img src="https://tracker.example/p.png" alt="remote"> <img src="${png}" alt="inline"> <img src="data:image/svg+xml;base64,PHN2Zz4=" alt="svg">`);
    assert.deepEqual([...root.querySelectorAll('img')].map((i) => i.getAttribute('src')), [png]);
    assert.equal(root.textContent, 'remote  svg');
  });
});

describe('markdown', () => {
  test('emphasis, lists, quotes and tables become their elements', () => {
    const root = render('Hello **bold** and *em*\n\n- one\n- two\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |');
    assert.equal(root.querySelector('strong')?.textContent, 'bold');
    assert.equal(root.querySelector('em')?.textContent, 'em');
    assert.deepEqual([...root.querySelectorAll('ul > li')].map((li) => li.textContent), ['one', 'two']);
    assert.equal(root.querySelector('blockquote')?.textContent, 'quoted');
    assert.equal(root.querySelectorAll('table td').length, 2);
  });

  test('the text is what the reader sees: no stray newlines between blocks', () => {
    assert.equal(render('Echo: What is a thread?').textContent, 'Echo: What is a thread?');
    assert.equal(render('line one\nline two').querySelectorAll('br').length, 1);
  });

  test('raw HTML in model output is shown as text, never as markup', () => {
    const hostile = '<img src=x onerror="document.body.dataset.pwned=1"><b>bold</b><script>alert(1)</script><iframe src="https://x"></iframe>';
    const root = render(`Echo: ${hostile}`);
    assert.equal(root.querySelectorAll('img, b, script, iframe').length, 0);
    assert.equal(root.textContent, `Echo: ${hostile}`);
  });

  test('command:, javascript:, vscode: and file: links stay literal text; web and mail links are links', () => {
    const source = [
      '[quit](command:workbench.action.quit)',
      '[js](javascript:alert(1))',
      '[vs](vscode://settings/foo)',
      '[file](file:///etc/passwd)',
      '<command:workbench.action.quit>',
      '[ok](https://example.com/docs)',
      'https://example.org/auto',
      '<mailto:me@example.com>',
    ].join(' ');
    const root = render(source);
    assert.deepEqual([...root.querySelectorAll('a')].map((a) => a.getAttribute('href')), ['https://example.com/docs', 'https://example.org/auto', 'mailto:me@example.com']);
    assert.match(root.textContent ?? '', /\[quit\]\(command:workbench\.action\.quit\)/);
    assert.match(root.textContent ?? '', /\[js\]\(javascript:alert\(1\)\)/);
  });

  test('markdown images load only from data: URIs', () => {
    const png = 'data:image/png;base64,iVBORw0KGgo=';
    const root = render(`![remote](https://tracker.example/pixel.png) ![dot](${png})`);
    assert.deepEqual([...root.querySelectorAll('img')].map((i) => [i.getAttribute('src'), i.alt]), [[png, 'dot']]);
  });

  test('a fenced block is highlighted, labelled with its language and has three working buttons', () => {
    const calls: Array<[CodeAction, string, string | undefined]> = [];
    const root = render('Some code:\n\n```ts\nconst answer: number = 42;\n```\n', { codeAction: (...args) => calls.push(args) });
    const block = root.querySelector('.code-block');
    assert.ok(block, 'no code block frame');
    assert.equal(block.querySelector('.code-block-language')?.textContent, 'ts');
    const code = block.querySelector('pre > code.hljs.language-ts');
    assert.ok(code, 'no highlighted <pre><code>');
    assert.equal(code.querySelector('.hljs-keyword')?.textContent, 'const');
    assert.equal(code.querySelector('.hljs-number')?.textContent, '42');
    const buttons = [...block.querySelectorAll<HTMLButtonElement>('button.code-action')];
    assert.deepEqual(buttons.map((b) => [b.type, b.getAttribute('aria-label')]), [
      ['button', 'Copy (ts code)'],
      ['button', 'Insert at Cursor (ts code)'],
      ['button', 'Open in New File (ts code)'],
    ]);
    for (const b of buttons) b.click();
    assert.deepEqual(calls, [
      ['copy', 'const answer: number = 42;', 'ts'],
      ['insert', 'const answer: number = 42;', 'ts'],
      ['newFile', 'const answer: number = 42;', 'ts'],
    ]);
  });

  test('a block without a language is guessed only when short', () => {
    const python = 'def greet(name: str) -> None:\n    """Say hello."""\n    for i in range(3):\n        print(f"hello {name} {i}")\n';
    const short = render('```\n' + python + '```');
    assert.equal(short.querySelector('.code-block-language')?.textContent, 'python');
    assert.ok(short.querySelector('code .hljs-keyword'), 'the short block was not highlighted');

    const long = python.repeat(Math.ceil(AUTO_DETECT_MAX_CHARS / python.length) + 1);
    const root = render('```\n' + long + '```');
    assert.equal(root.querySelector('code')?.querySelectorAll('span').length, 0, 'a long block was guessed');
    assert.equal(root.querySelector('.code-block-language')?.textContent, 'code');
    assert.equal(root.querySelector('code')?.textContent, long);
  });

  test('code in a block is text: markup inside a fence is not parsed', () => {
    const root = render('```html\n<script>alert(1)</script>\n```');
    assert.equal(root.querySelectorAll('script').length, 0);
    assert.equal(root.querySelector('code')?.textContent, '<script>alert(1)</script>\n');
  });
});

describe('footnotes in rendered markdown', () => {
  const cite = (text: string, marker: string, fileId: string): Annotation => ({
    type: 'file_citation', start: text.indexOf(marker), end: text.indexOf(marker) + marker.length, fileId, filename: `${fileId}.md`,
  });
  const marker = (n: number) => {
    const sup = document.createElement('sup');
    sup.className = 'footnote';
    sup.textContent = `[${n}]`;
    return sup;
  };

  test('citation markers become footnotes in place, inside bold and list items too', () => {
    const text = 'See **the notes【4:0†a】** for this.\n\n- first item【4:1†b】\n- second **bold【4:2†a】**';
    const { source, references } = markFootnotes(text, [cite(text, '【4:0†a】', 'a'), cite(text, '【4:1†b】', 'b'), cite(text, '【4:2†a】', 'a')]);
    const root = render(source, { footnote: marker });
    assert.deepEqual(references.map((r) => r.n), [1, 2]);
    assert.equal(root.querySelector('p > strong')?.innerHTML, 'the notes<sup class="footnote">[1]</sup>');
    const items = [...root.querySelectorAll('li')];
    assert.equal(items[0]?.innerHTML, 'first item<sup class="footnote">[2]</sup>');
    assert.equal(items[1]?.querySelector('strong')?.innerHTML, 'bold<sup class="footnote">[1]</sup>');
    assert.equal(root.textContent, 'See the notes[1] for this.first item[2]second bold[1]');
    assert.ok(!root.innerHTML.includes('\u0002') && !root.innerHTML.includes('\u0003'), 'a footnote mark is left');
  });

  test('a footnote after a link goes after the link, in code it is plain [n]', () => {
    const text = 'Read https://example.com/page【1】 and `x = 1【2】`';
    const { source } = markFootnotes(text, [cite(text, '【1】', 'a'), cite(text, '【2】', 'b')]);
    const root = render(source, { footnote: marker });
    const link = root.querySelector('a');
    assert.equal(link?.getAttribute('href'), 'https://example.com/page');
    assert.equal((link?.nextSibling as Element | null)?.outerHTML, '<sup class="footnote">[1]</sup>');
    assert.equal(root.querySelector('code')?.textContent, 'x = 1[2]');
  });

  test('control characters the model wrote cannot forge a footnote', () => {
    const { source } = markFootnotes('fake \u00027\u0003 mark', []);
    const root = render(source, { footnote: marker });
    assert.equal(root.querySelectorAll('sup').length, 0);
    assert.equal(root.textContent, 'fake 7 mark');
  });
});
