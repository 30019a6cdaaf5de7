// What a tool hands back to the model is capped, whoever ran the tool (an MCP server or a built-in one).

/** Cuts `text` to at most `maxBytes` of UTF-8, never inside a character, and says how much was cut. */
export function capToolOutput(text: string, maxBytes: number): { text: string; cutBytes: number } {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return { text, cutBytes: 0 };
  const marker = (cut: number) => `\n[output cut: ${cut} of ${bytes.length} bytes not shown]`;
  let end = Math.max(0, maxBytes - Buffer.byteLength(marker(bytes.length)));
  // Step back over UTF-8 continuation bytes (10xxxxxx) so the cut falls between characters.
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  const cutBytes = bytes.length - end;
  return { text: bytes.toString('utf8', 0, end) + marker(cutBytes), cutBytes };
}
