// The Files API (openai-wire.md §1): multipart upload, list, retrieve, content, delete.
import { badRequest, notFound } from '../errors';
import { paginate } from '../lists';
import type { Router } from '../router';
import { newId, nowSeconds } from '../store';
import type { FileObject, StandInState, StoredFile } from '../store';

const UPLOAD_PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'];
const BATCH_EXPIRY_SECONDS = 30 * 24 * 3600;

export function registerFileRoutes(router: Router): void {
  router.add('POST', '/files', ({ body, state }) => {
    if (body.kind !== 'multipart') throw badRequest('Uploads must be sent as multipart/form-data.');
    const { fields, files } = body.value;
    const upload = files.find((f) => f.field === 'file');
    if (!upload) throw badRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
    const purpose = fields.purpose;
    if (!purpose) throw badRequest("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
    if (!UPLOAD_PURPOSES.includes(purpose)) {
      throw badRequest(`'${purpose}' is not one of [${UPLOAD_PURPOSES.map((p) => `'${p}'`).join(', ')}] - 'purpose'`, 'purpose', 'invalid_value');
    }
    const createdAt = nowSeconds();
    const file: FileObject = {
      id: newId('file-'),
      object: 'file',
      bytes: upload.data.length,
      created_at: createdAt,
      filename: upload.filename,
      purpose,
      status: 'processed',
    };
    const expiresIn = expirySeconds(fields, purpose);
    if (expiresIn !== undefined) file.expires_at = createdAt + expiresIn;
    state.files.set(file.id, { file, content: upload.data, contentType: upload.contentType });
    return { json: file };
  });

  router.add('GET', '/files', ({ query, state }) => {
    const purpose = query.get('purpose');
    const all = [...state.files.values()].map((f) => f.file).filter((f) => !purpose || f.purpose === purpose);
    return { json: paginate(all, query, { maxLimit: 10_000, defaultLimit: 10_000 }) };
  });

  router.add('GET', '/files/:file_id', ({ params, state }) => ({ json: findFile(state, params.file_id).file }));

  router.add('GET', '/files/:file_id/content', ({ params, state }) => {
    const stored = findFile(state, params.file_id);
    return { raw: stored.content, contentType: stored.contentType };
  });

  router.add('DELETE', '/files/:file_id', ({ params, state }) => {
    const { file } = findFile(state, params.file_id);
    state.files.delete(file.id);
    return { json: { id: file.id, object: 'file', deleted: true } };
  });
}

function findFile(state: StandInState, id: string | undefined): StoredFile {
  const stored = id ? state.files.get(id) : undefined;
  if (!stored) throw notFound(`No such File object: ${id}`, 'id');
  return stored;
}

/** `expires_after[anchor]=created_at` + `expires_after[seconds]`; batch files default to 30 days. */
function expirySeconds(fields: Record<string, string>, purpose: string): number | undefined {
  const raw = fields['expires_after[seconds]'];
  if (raw === undefined) return purpose === 'batch' ? BATCH_EXPIRY_SECONDS : undefined;
  if (fields['expires_after[anchor]'] !== 'created_at') {
    throw badRequest("Invalid 'expires_after.anchor': expected 'created_at'.", 'expires_after.anchor', 'invalid_value');
  }
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 3600 || seconds > 2_592_000) {
    throw badRequest("Invalid 'expires_after.seconds': expected an integer between 3600 and 2592000.", 'expires_after.seconds', 'invalid_value');
  }
  return seconds;
}
