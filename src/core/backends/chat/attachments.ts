// Attachments for Chat Completions, which has no Files API on local servers: text files are
// inlined into the prompt and images go as base64 data URLs (the only form Ollama accepts).
// Everything is decided locally from the bytes, so a bad attachment fails before any request.
import * as l10n from '@vscode/l10n';
import { detectImageMime, unsupportedImageMessage } from '../../attachments/imageTypes';
import type { ContentPart } from '../../model';

type FilePart = Extract<ContentPart, { type: 'file' }>;
type ImagePart = Extract<ContentPart, { type: 'image' }>;

/** Inlined text costs prompt tokens on every later turn, so keep it to a source file's size. */
export const MAX_INLINE_FILE_BYTES = 200 * 1024;
/** OpenAI's per-image limit; local servers are no more generous. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/** Fence language per extension; also the list of extensions taken as text. A Map, so `x.constructor` is no match. */
const LANGUAGES: ReadonlyMap<string, string> = new Map(Object.entries({
  ts: 'typescript', tsx: 'tsx', mts: 'typescript', cts: 'typescript',
  js: 'javascript', jsx: 'jsx', mjs: 'javascript', cjs: 'javascript',
  py: 'python', pyi: 'python', rb: 'ruby', php: 'php', pl: 'perl', lua: 'lua', r: 'r',
  java: 'java', kt: 'kotlin', kts: 'kotlin', scala: 'scala', groovy: 'groovy', gradle: 'groovy',
  go: 'go', rs: 'rust', swift: 'swift', dart: 'dart', cs: 'csharp', fs: 'fsharp', vb: 'vbnet',
  c: 'c', h: 'c', cpp: 'cpp', cc: 'cpp', cxx: 'cpp', hpp: 'cpp', hh: 'cpp', m: 'objectivec', mm: 'objectivec',
  sh: 'bash', bash: 'bash', zsh: 'zsh', fish: 'fish', ps1: 'powershell', bat: 'bat', cmd: 'bat',
  sql: 'sql', graphql: 'graphql', gql: 'graphql', proto: 'protobuf',
  html: 'html', htm: 'html', xml: 'xml', svg: 'xml', css: 'css', scss: 'scss', sass: 'sass', less: 'less',
  vue: 'vue', svelte: 'svelte',
  json: 'json', jsonc: 'jsonc', jsonl: 'json', yaml: 'yaml', yml: 'yaml', toml: 'toml', ini: 'ini', cfg: 'ini', conf: 'ini', env: 'dotenv', properties: 'properties',
  md: 'markdown', markdown: 'markdown', rst: 'rst', tex: 'latex', adoc: 'asciidoc',
  txt: 'text', log: 'text', csv: 'csv', tsv: 'tsv', diff: 'diff', patch: 'diff',
  dockerfile: 'dockerfile', makefile: 'makefile', cmake: 'cmake', tf: 'hcl', hcl: 'hcl',
  ex: 'elixir', exs: 'elixir', erl: 'erlang', hs: 'haskell', ml: 'ocaml', clj: 'clojure', zig: 'zig', nim: 'nim', jl: 'julia',
}));

/** Extension-less names that are text by convention. */
const TEXT_FILE_NAMES: ReadonlyMap<string, string> = new Map(Object.entries({ dockerfile: 'dockerfile', makefile: 'makefile', gemfile: 'ruby', rakefile: 'ruby', license: 'text', readme: 'text' }));

const TEXT_MIMES = [/^text\//, /^application\/(json|ld\+json|xml|javascript|typescript|x-sh|x-yaml|yaml|toml|sql|graphql|x-httpd-php|x-python)$/, /\+(json|xml)$/];

/**
 * The part to send for a local attachment: an image as a data URL, a text file with its text
 * inlined. Throws an Error the user can act on for anything else.
 */
export function prepareChatAttachment(part: FilePart | ImagePart, data: Uint8Array): FilePart | ImagePart {
  // An image attached as a file still goes as an image: that is what the user meant.
  const imageMime = detectImageMime(data);
  if (part.type === 'image' || imageMime) {
    if (!imageMime) {
      throw new Error(unsupportedImageMessage(part.name));
    }
    if (data.length > MAX_IMAGE_BYTES) throw new Error(l10n.t('{0} is {1}; images can be at most {2}.', part.name, formatBytes(data.length), formatBytes(MAX_IMAGE_BYTES)));
    return { type: 'image', name: part.name, mime: imageMime, dataUrl: `data:${imageMime};base64,${Buffer.from(data).toString('base64')}` };
  }
  const textMime = isTextMime(part.mime);
  if (!(textMime || isTextFileName(part.name)) || data.includes(0)) {
    throw new Error(
      l10n.t("{0} is not a text file; this server's Chat Completions API cannot take binary files. Use a Responses or Assistants backend for PDFs and other documents.", part.name),
    );
  }
  if (data.length > MAX_INLINE_FILE_BYTES) {
    throw new Error(l10n.t('{0} is {1}; text files inlined into the prompt can be at most {2}. Attach a smaller file or an excerpt.', part.name, formatBytes(data.length), formatBytes(MAX_INLINE_FILE_BYTES)));
  }
  let text: string;
  try {
    // fatal: a replacement character would silently corrupt the code the model is asked about.
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch {
    throw new Error(l10n.t('{0} is not valid UTF-8 text. Save it as UTF-8 and attach it again.', part.name));
  }
  // A text file's declared mime can be misleading (`.ts` is often labelled video/mp2t).
  return { type: 'file', name: part.name, mime: textMime && part.mime ? part.mime : 'text/plain', bytes: data.length, text };
}

/** The fence language for a file name (`text` when unknown). */
export function languageOf(name: string): string {
  const base = baseName(name);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return TEXT_FILE_NAMES.get(base) ?? LANGUAGES.get(base.replace(/^\./, '')) ?? 'text';
  return LANGUAGES.get(base.slice(dot + 1)) ?? 'text';
}

function isTextMime(mime: string | undefined): boolean {
  return mime !== undefined && TEXT_MIMES.some((pattern) => pattern.test(mime.toLowerCase()));
}

function isTextFileName(name: string): boolean {
  const base = baseName(name);
  const dot = base.lastIndexOf('.');
  // `.env`, `.gitignore`-style dot files are configuration text too.
  if (dot <= 0) return TEXT_FILE_NAMES.has(base) || base.startsWith('.');
  return LANGUAGES.has(base.slice(dot + 1));
}

/** The lower-case file name without folders. */
function baseName(name: string): string {
  return name.split(/[\\/]/).at(-1)?.toLowerCase() ?? '';
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  return `${Math.ceil(bytes / 1024)} KB`;
}
