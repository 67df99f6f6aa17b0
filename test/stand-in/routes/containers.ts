// Container files (openai-wire.md §4.3, container_file_citation): only the content route a client
// follows from a citation. Files appear when a Responses turn "generates" one (routes/responses.ts).
import { notFound } from '../errors';
import type { Router } from '../router';

export function registerContainerRoutes(router: Router): void {
  router.add('GET', '/containers/:container_id/files/:file_id/content', ({ params, state }) => {
    const file = state.containerFiles.get(`${params.container_id}/${params.file_id}`);
    if (!file) throw notFound(`No such container file: ${params.file_id} in ${params.container_id}`, 'file_id');
    return { raw: file.content, contentType: 'application/octet-stream' };
  });
}
