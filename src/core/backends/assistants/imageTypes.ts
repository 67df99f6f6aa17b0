// The image types Assistants accepts in `image_file` parts, told apart by their magic bytes:
// a file's name or declared type can lie, and the server's refusal comes only after the upload.

export const ASSISTANTS_IMAGE_TYPES = ['PNG', 'JPEG', 'GIF', 'WebP'] as const;

/** The MIME type of a PNG, JPEG, GIF or WebP image; undefined for anything else. */
export function sniffImageType(data: Uint8Array): string | undefined {
  const starts = (...bytes: number[]) => bytes.every((b, i) => data[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38) && (data[4] === 0x37 || data[4] === 0x39) && data[5] === 0x61) return 'image/gif';
  // RIFF <size> WEBP
  if (starts(0x52, 0x49, 0x46, 0x46) && data[8] === 0x57 && data[9] === 0x45 && data[10] === 0x42 && data[11] === 0x50) return 'image/webp';
  return undefined;
}
