// Caps what a user-given endpoint can make us hold in memory: the SDKs read a JSON body whole, and an
// SSE event whole before parsing it, so a hostile or broken server could send gigabytes into either.
import { formatBytes } from '../format';
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class ResponseTooLargeError extends Error {
  constructor(readonly limitBytes: number, what: string) {
    super(`The response is too large: ${what} is over ${formatBytes(limitBytes)} (OUTBOUND_MAX_RESPONSE_BYTES).`);
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * The same response, erroring once the body (or, for an event stream, one event) passes `maxBytes`.
 * With `eventsBoundedByReader`, event streams pass untouched: their reader bounds each event itself.
 */
export function boundedResponse(response: Response, maxBytes: number, eventsBoundedByReader = false): Response {
  if (!response.body) return response;
  const events = (response.headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream');
  if (events && eventsBoundedByReader) return response;
  let counted = 0;
  let lastWasNewline = false;
  const tooLarge = () => new ResponseTooLargeError(maxBytes, events ? 'one event of the stream' : 'the body');
  const limit = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (!events) {
        counted += chunk.length;
        if (counted > maxBytes) return controller.error(tooLarge());
        return controller.enqueue(chunk);
      }
      // Counted since the last blank line (the end of an event), jumping from newline to newline; a \r
      // before a newline is skipped, so \r\n\r\n ends an event too.
      let from = 0;
      for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, from)) {
        const lineEnd = at > 0 && chunk[at - 1] === CARRIAGE_RETURN ? at - 1 : at;
        const blank = lineEnd === from && (from > 0 || lastWasNewline);
        counted = blank ? 0 : counted + (at - from);
        if (counted > maxBytes) return controller.error(tooLarge());
        lastWasNewline = true;
        from = at + 1;
      }
      if (from < chunk.length) {
        counted += chunk.length - from;
        lastWasNewline = false;
        if (counted > maxBytes) return controller.error(tooLarge());
      }
      controller.enqueue(chunk);
    },
    // Room for a few chunks on each side, so the extra stage does not slow the reader to a chunk at a time.
  }, { highWaterMark: 16 }, { highWaterMark: 16 });
  return new Response(response.body.pipeThrough(limit), { status: response.status, statusText: response.statusText, headers: response.headers });
}
