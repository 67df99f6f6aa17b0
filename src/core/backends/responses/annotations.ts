// Citations in Responses output text, as Threadline's `Annotation`. File citations and file paths
// mark a point (`index`); URL and container-file citations mark a range. Servers may announce
// them only as `response.output_text.annotation.added` events, so those are kept per text part
// and used where the finished response carries none.
import type { Response, ResponseOutputText, ResponseOutputTextAnnotationAddedEvent } from 'openai/resources/responses/responses';
import type { Annotation } from '../../model';

type WireAnnotation = ResponseOutputText['annotations'][number];

export function toAnnotation(wire: WireAnnotation): Annotation | undefined {
  switch (wire.type) {
    case 'file_citation':
      return { type: 'file_citation', start: wire.index, end: wire.index, fileId: wire.file_id, filename: wire.filename };
    case 'file_path':
      return { type: 'file_path', start: wire.index, end: wire.index, fileId: wire.file_id };
    case 'url_citation':
      return { type: 'url_citation', start: wire.start_index, end: wire.end_index, url: wire.url, title: wire.title };
    case 'container_file_citation':
      return {
        type: 'container_file_citation',
        start: wire.start_index,
        end: wire.end_index,
        fileId: wire.file_id,
        containerId: wire.container_id,
        filename: wire.filename,
      };
    default:
      // A kind this client does not know yet: leave it out rather than show it wrongly.
      return undefined;
  }
}

/** Annotations announced by stream events, per output item and content part. */
export class StreamedAnnotations {
  private readonly byPart = new Map<string, WireAnnotation[]>();

  add(event: ResponseOutputTextAnnotationAddedEvent): void {
    if (!event.annotation) return;
    const key = partKey(event.item_id, event.content_index);
    const list = this.byPart.get(key) ?? [];
    // Placed by annotation_index: the events' position among the deltas is not specified.
    list[event.annotation_index] = event.annotation;
    this.byPart.set(key, list);
  }

  of(itemId: string, contentIndex: number): WireAnnotation[] {
    return (this.byPart.get(partKey(itemId, contentIndex)) ?? []).filter((a) => a !== undefined);
  }
}

/**
 * The reply's text as the finished response has it (every output_text part of its messages,
 * which is what the deltas spelled out) and its citations, positions relative to that text.
 * Undefined when the response carries no message, so the streamed text stands.
 */
export function finalText(response: Response, streamed: StreamedAnnotations): { text: string; annotations: Annotation[] } | undefined {
  const messages = response.output.filter((item) => item.type === 'message');
  if (messages.length === 0) return undefined;
  let text = '';
  const annotations: Annotation[] = [];
  for (const message of messages) {
    message.content.forEach((part, contentIndex) => {
      if (part.type !== 'output_text') return;
      const wire = part.annotations.length > 0 ? part.annotations : streamed.of(message.id, contentIndex);
      for (const annotation of wire.map(toAnnotation)) {
        if (annotation) annotations.push({ ...annotation, start: annotation.start + text.length, end: annotation.end + text.length });
      }
      text += part.text;
    });
  }
  return { text, annotations };
}

function partKey(itemId: string, contentIndex: number): string {
  return `${itemId}#${contentIndex}`;
}
