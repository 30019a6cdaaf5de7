// What the guarded fetch throws when the URL policy refuses a connection: a TypeError, as every
// other fetch network failure is, whose message says what was refused and why.
import { causesOf } from '../errors';
const name = 'BlockedAddressError';
const stringified = `${name}: `;

export class BlockedAddressError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = name;
  }
}

/** The BlockedAddressError behind an error, however deep SDKs have wrapped it in `cause`s. */
export function blockedAddressCause(error: unknown): BlockedAddressError | undefined {
  for (const link of causesOf(error)) {
    if (link instanceof BlockedAddressError) return link;
    // Node's fetch turns an error from another realm (a jest sandbox) into Error(String(error)).
    const message = typeof link === 'object' && link !== null ? (link as { message?: unknown }).message : undefined;
    if (typeof message === 'string' && message.startsWith(stringified)) return new BlockedAddressError(message.slice(stringified.length));
  }
  return undefined;
}
