// What the guarded fetch throws when the URL policy refuses a connection: a TypeError, as every
// other fetch network failure is, whose message says what was refused and why.
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
  for (let current = error, depth = 0; typeof current === 'object' && current !== null && depth < 10; depth++) {
    if (current instanceof BlockedAddressError) return current;
    // Node's fetch turns an error from another realm (a jest sandbox) into Error(String(error)).
    const { message, cause } = current as { message?: unknown; cause?: unknown };
    if (typeof message === 'string' && message.startsWith(stringified)) return new BlockedAddressError(message.slice(stringified.length));
    current = cause;
  }
  return undefined;
}
