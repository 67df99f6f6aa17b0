// The image types every dialect accepts (PNG, JPEG, GIF, WebP), told apart by their first bytes:
// a file's name or declared type can lie, and a server's refusal would come only after the upload.
import * as l10n from '@vscode/l10n';

const SIGNATURES: ReadonlyArray<{ mime: string; matches: (data: Uint8Array) => boolean }> = [
  { mime: 'image/png', matches: (d) => startsWith(d, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { mime: 'image/jpeg', matches: (d) => startsWith(d, 0, [0xff, 0xd8, 0xff]) },
  { mime: 'image/gif', matches: (d) => startsWith(d, 0, ascii('GIF87a')) || startsWith(d, 0, ascii('GIF89a')) },
  { mime: 'image/webp', matches: (d) => startsWith(d, 0, ascii('RIFF')) && startsWith(d, 8, ascii('WEBP')) },
];

/** The image's real MIME type from its first bytes; undefined when it is none of the four. */
export function detectImageMime(data: Uint8Array): string | undefined {
  return SIGNATURES.find((signature) => signature.matches(data))?.mime;
}

/** The one message for an image of another type, whichever dialect refuses it. */
export function unsupportedImageMessage(name: string): string {
  return l10n.t('{0} is not a PNG, JPEG, GIF or WebP image; only those image types can be attached.', name);
}

function startsWith(data: Uint8Array, offset: number, bytes: readonly number[]): boolean {
  return data.length >= offset + bytes.length && bytes.every((byte, i) => data[offset + i] === byte);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}
