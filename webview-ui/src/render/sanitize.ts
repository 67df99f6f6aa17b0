// The one gate between rendered markdown and the DOM. markdown-it already runs with `html: false`
// and a link allow-list; DOMPurify is the second wall, with an allow-list of the tags markdown
// produces, links limited to http/https/mailto and images to inline `data:` pictures (the CSP
// blocks remote images anyway, and a fetch would tell a server the panel was opened).
import createDOMPurify from 'dompurify';
import type { Config, DOMPurify, WindowLike } from 'dompurify';

/** Link targets that may stay clickable. VS Code opens them outside the webview, after asking. */
export const SAFE_LINK = /^(?:https?:\/\/|mailto:)/i;
/** The only image sources kept: inline pictures of the types the panel shows elsewhere. */
export const SAFE_IMAGE = /^data:image\/(?:png|jpeg|gif|webp);base64,[a-z0-9+/=\s]*$/i;

const CONFIG: Config = {
  ALLOWED_TAGS: [
    'a', 'blockquote', 'br', 'code', 'del', 'em', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'img', 'li', 'ol', 'p', 'pre', 's',
    'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul',
  ],
  ALLOWED_ATTR: ['href', 'title', 'src', 'alt', 'class', 'start'],
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto):|data:image\/(?:png|jpeg|gif|webp);base64,)/i,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  RETURN_DOM_FRAGMENT: true,
};

/** Classes markdown or highlight.js put on elements; anything else a theme rule might match is dropped. */
const SAFE_CLASS = /^(?:hljs|hljs-[\w-]+|[a-z]+_|language-[\w#+.-]+)$/;

const instances = new WeakMap<object, DOMPurify>();

function purifierFor(window: Window): DOMPurify {
  let purify = instances.get(window);
  if (purify) return purify;
  // A real window has all DOMPurify reads; its type just does not spell out the constructors.
  purify = createDOMPurify(window as unknown as WindowLike);
  purify.addHook('uponSanitizeAttribute', (node, event) => {
    const tag = node.nodeName.toLowerCase();
    const value = event.attrValue.trim();
    if (event.attrName === 'href' && !(tag === 'a' && SAFE_LINK.test(value))) event.keepAttr = false;
    if (event.attrName === 'src' && !(tag === 'img' && SAFE_IMAGE.test(value))) event.keepAttr = false;
    if (event.attrName === 'class') event.attrValue = value.split(/\s+/).filter((c) => SAFE_CLASS.test(c)).join(' ');
  });
  instances.set(window, purify);
  return purify;
}

/**
 * Sanitizes `html` into a fragment of `window`'s document. Links that lost their target become
 * their text, images that lost their source become their alt text: nothing is left that looks
 * clickable but is not.
 */
export function sanitizeHtml(html: string, window: Window): DocumentFragment {
  const fragment = purifierFor(window).sanitize(html, CONFIG) as unknown as DocumentFragment;
  for (const link of [...fragment.querySelectorAll('a')]) {
    if (link.hasAttribute('href')) link.title ||= link.getAttribute('href')!;
    else link.replaceWith(...link.childNodes);
  }
  for (const image of [...fragment.querySelectorAll('img')]) {
    if (!image.hasAttribute('src')) image.replaceWith(window.document.createTextNode(image.alt));
  }
  return fragment;
}
