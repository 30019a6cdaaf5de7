// Reads a server-sent event stream (text/event-stream) into the `data` of each event.
// Events come in batches, one per network read, so a consumer loops synchronously within a read;
// this is on the path of every streamed token, hence the index arithmetic instead of split().
import { ResponseTooLargeError } from '../../platform/net/bounded-response';

/**
 * Yields, per network read, the data of every event that read completed (only `data:` fields count).
 * An event still open past `maxEventChars` stops the stream: nothing legitimate is that large.
 */
export async function* readSseData(body: AsyncIterable<Uint8Array>, maxEventChars = Number.POSITIVE_INFINITY): AsyncGenerator<string[]> {
  const decoder = new TextDecoder();
  let pending = '';
  let data: string | null = null;

  const takeLines = (text: string, events: string[]): string => {
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      const stop = text.charCodeAt(end - 1) === 13 && end > start ? end - 1 : end;
      if (stop === start) {
        if (data !== null) events.push(data);
        data = null;
      } else if (text.startsWith('data:', start)) {
        const from = text.charCodeAt(start + 5) === 32 ? start + 6 : start + 5;
        const value = text.slice(from, Math.max(from, stop));
        data = data === null ? value : `${data}\n${value}`;
        if (data.length > maxEventChars) throw new ResponseTooLargeError(maxEventChars, 'one event of the stream');
      }
      start = end + 1;
    }
    return text.slice(start);
  };

  for await (const bytes of body) {
    const events: string[] = [];
    pending = takeLines(pending + decoder.decode(bytes, { stream: true }), events);
    // A line still open counts too (`data` is set by takeLines; TypeScript cannot see through the closure).
    const open = data as string | null;
    if (pending.length + (open?.length ?? 0) > maxEventChars) throw new ResponseTooLargeError(maxEventChars, 'one event of the stream');
    if (events.length > 0) yield events;
  }
  // A stream may end without the blank line after its last event.
  const events: string[] = [];
  takeLines(`${pending}${decoder.decode()}\n\n`, events);
  if (events.length > 0) yield events;
}
