// A fetch for URLs users give us (pass it as `fetch` to the openai SDK and the MCP SDK's
// StreamableHTTPClientTransport): the guarded Agent checks every connection, and redirects are
// followed here, hop by hop, so that each hop goes through the same checks.
import { BlockedAddressError, blockedAddressCause } from './blocked-address-error';
import { createGuardedAgent } from './guarded-agent';
import { describeUrl, urlShapeProblem, type ResolveHost, type UrlPolicy } from './url-guard';

export interface GuardedFetchOptions {
  /** Resolves host names at connect time (default: the system resolver). */
  lookup?: ResolveHost;
  /** Redirects followed before giving up (default 10). */
  maxRedirects?: number;
}

export interface GuardedFetch {
  (input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Closes the pooled connections once the requests in flight are done; later calls wait for the same. */
  close(): Promise<void>;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const requestBodyHeaders = ['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length'];
const credentialHeaders = ['authorization', 'proxy-authorization', 'cookie'];

/** The next hop's request, with the method and body changes fetch makes for each redirect status. */
async function redirectedRequest(request: Request, replay: Request | undefined, status: number, location: URL): Promise<Request> {
  const headers = new Headers(request.headers);
  let method = request.method;
  let body: ArrayBuffer | null = null;
  if (((status === 301 || status === 302) && method === 'POST') || (status === 303 && method !== 'GET' && method !== 'HEAD')) {
    method = 'GET';
    for (const name of requestBodyHeaders) headers.delete(name);
  } else if (replay) {
    // Whole bytes rather than the stream, so the next hop gets a Content-Length as the first did.
    body = await replay.arrayBuffer();
  }
  if (new URL(request.url).origin !== location.origin) {
    for (const name of credentialHeaders) headers.delete(name);
  }
  return new Request(location, { method, headers, body, signal: request.signal, redirect: request.redirect });
}

/** Refuses what fetch must not even try: another scheme, credentials in the URL. */
function assertFetchable(url: URL, redirectedFrom: string | undefined): void {
  const problem = urlShapeProblem(url);
  if (!problem) return;
  const what = redirectedFrom ? `follow a redirect from ${redirectedFrom} to` : 'fetch';
  throw new BlockedAddressError(`refused to ${what} ${describeUrl(url)}: ${problem}`);
}

export function createGuardedFetch(policy: UrlPolicy, options: GuardedFetchOptions = {}): GuardedFetch {
  const agent = createGuardedAgent(policy, options.lookup);
  const maxRedirects = options.maxRedirects ?? 10;

  const send = async (request: Request, redirectedFrom: string | undefined): Promise<Response> => {
    try {
      return await fetch(request, { dispatcher: agent, redirect: 'manual' });
    } catch (error) {
      const blocked = blockedAddressCause(error);
      if (!blocked) throw error;
      throw redirectedFrom ? new BlockedAddressError(`${blocked.message} (redirected from ${redirectedFrom})`) : blocked;
    }
  };

  const guardedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    assertFetchable(new URL(input instanceof Request ? input.url : input), undefined);
    let request = new Request(input, init);
    let redirectedFrom: string | undefined;
    for (let redirects = 0; ; redirects++) {
      // A spare copy of the body, for a 307/308 that must send it again.
      const replay = request.body ? request.clone() : undefined;
      const response = await send(request, redirectedFrom);
      if (!redirectStatuses.has(response.status) || request.redirect === 'manual') return response;
      const from = describeUrl(new URL(request.url));
      if (request.redirect === 'error') throw new TypeError(`unexpected redirect from ${from}`);
      const location = response.headers.get('location');
      if (location === null) return response;
      await response.body?.cancel();
      if (redirects === maxRedirects) throw new TypeError(`too many redirects (more than ${maxRedirects}) from ${from}`);
      const next = new URL(location, request.url);
      assertFetchable(next, from);
      request = await redirectedRequest(request, replay, response.status, next);
      redirectedFrom = from;
    }
  };

  let closed: Promise<void> | undefined;
  return Object.assign(guardedFetch, { close: () => (closed ??= agent.close()) });
}
