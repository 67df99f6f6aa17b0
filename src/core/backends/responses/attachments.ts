// Attachments for Responses: uploaded through the Files API and referenced by id. Images go up
// with purpose `vision` and are sent as `input_image`; any other file with `user_data`, sent as
// `input_file` (the server decides which document types it can read).
import type OpenAI from 'openai';
import type { UploadRequest } from '../backend';
import type { AttachmentPart } from '../../model';
import { detectImageMime, unsupportedImageMessage } from '../../attachments/imageTypes';
import { uploadFile } from '../files';


export async function prepareAttachment(client: OpenAI, part: AttachmentPart, data: Uint8Array, options: Pick<UploadRequest, 'signal' | 'onProgress'>): Promise<AttachmentPart> {
  if (part.type === 'image') {
    // Checked here rather than left to the server, which would refuse it only after the whole upload.
    const mime = detectImageMime(data);
    if (!mime) throw new Error(unsupportedImageMessage(part.name));
    const { fileId } = await uploadFile(client, { ...options, name: part.name, mime, data, purpose: 'vision' });
    return { ...part, mime, fileId };
  }
  const { fileId } = await uploadFile(client, { ...options, name: part.name, mime: part.mime ?? '', data, purpose: 'user_data' });
  return { ...part, fileId, bytes: data.byteLength };
}
