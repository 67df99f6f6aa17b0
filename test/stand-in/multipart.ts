// A minimal multipart/form-data parser: enough for the SDK's file uploads (text fields and
// files with a filename), hand-written so the test double needs no dependency.

export interface MultipartFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface MultipartBody {
  fields: Record<string, string>;
  files: MultipartFile[];
}

export function boundaryOf(contentType: string): string | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2]?.trim();
}

/** Throws a readable Error when the body is not well-formed multipart. */
export function parseMultipart(body: Buffer, boundary: string): MultipartBody {
  const delimiter = Buffer.from(`--${boundary}`);
  const result: MultipartBody = { fields: {}, files: [] };
  let cursor = body.indexOf(delimiter);
  if (cursor < 0) throw new Error('multipart body has no boundary line');
  for (;;) {
    cursor += delimiter.length;
    if (body.subarray(cursor, cursor + 2).toString() === '--') return result; // closing delimiter
    cursor += 2; // CRLF after the delimiter
    const next = body.indexOf(delimiter, cursor);
    if (next < 0) throw new Error('multipart body is not terminated');
    const part = body.subarray(cursor, next - 2); // drop the CRLF before the next delimiter
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) throw new Error('multipart part has no header block');
    addPart(result, part.subarray(0, split).toString('utf8'), part.subarray(split + 4));
    cursor = next;
  }
}

function addPart(result: MultipartBody, headerBlock: string, data: Buffer): void {
  const headers = new Map<string, string>();
  for (const line of headerBlock.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition') ?? '';
  const name = /\bname="([^"]*)"/.exec(disposition)?.[1];
  if (name === undefined) throw new Error('multipart part has no name');
  const filename = /\bfilename="([^"]*)"/.exec(disposition)?.[1];
  if (filename === undefined) {
    result.fields[name] = data.toString('utf8');
  } else {
    result.files.push({ field: name, filename, contentType: headers.get('content-type') ?? 'application/octet-stream', data: Buffer.from(data) });
  }
}
