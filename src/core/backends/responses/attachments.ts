// Attachments for Responses: uploaded through the Files API and referenced by id. Images go up
// with purpose `vision` and are sent as `input_image`; any other file with `user_data`, sent as
// `input_file` (the server decides which document types it can read).
import type OpenAI from 'openai';
import type { UploadRequest } from '../../backend';
import type { ContentPart } from '../../model';
import { uploadFile } from '../files';

/** The image types Responses accepts, by the bytes they start with. */
const IMAGE_SIGNATURES: ReadonlyArray<{ mime: string; matches: (data: Uint8Array) => boolean }> = [
  { mime: 'image/png', matches: (d) => startsWith(d, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { mime: 'image/jpeg', matches: (d) => startsWith(d, 0, [0xff, 0xd8, 0xff]) },
  { mime: 'image/gif', matches: (d) => startsWith(d, 0, ascii('GIF87a')) || startsWith(d, 0, ascii('GIF89a')) },
  { mime: 'image/webp', matches: (d) => startsWith(d, 0, ascii('RIFF')) && startsWith(d, 8, ascii('WEBP')) },
];

export type AttachmentPart = Extract<ContentPart, { type: 'file' | 'image' }>;

export async function prepareAttachment(client: OpenAI, part: AttachmentPart, data: Uint8Array, options: Pick<UploadRequest, 'signal' | 'onProgress'>): Promise<AttachmentPart> {
  if (part.type === 'image') {
    // Checked here rather than left to the server, which would refuse it only after the whole upload.
    const mime = imageMime(data);
    if (!mime) throw new Error(`"${part.name}" is not an image the server accepts. Attach a PNG, JPEG, GIF or WebP image.`);
    const { fileId } = await uploadFile(client, { ...options, name: part.name, mime, data, purpose: 'vision' });
    return { ...part, mime, fileId };
  }
  const { fileId } = await uploadFile(client, { ...options, name: part.name, mime: part.mime ?? '', data, purpose: 'user_data' });
  return { ...part, fileId, bytes: data.byteLength };
}

/** The image's real type from its first bytes (names and declared types can lie), or undefined. */
export function imageMime(data: Uint8Array): string | undefined {
  return IMAGE_SIGNATURES.find((signature) => signature.matches(data))?.mime;
}

function startsWith(data: Uint8Array, offset: number, bytes: readonly number[]): boolean {
  return data.length >= offset + bytes.length && bytes.every((byte, i) => data[offset + i] === byte);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}
