// The SSRF policy for URLs users give us (MCP server URLs, LLM base URLs): http(s) only, no
// credentials in the URL, and, unless the user is an admin or the host is in
// ALLOWED_PRIVATE_HOSTS, every address the host resolves to must be public.
import { lookup } from 'node:dns/promises';
import { badInput } from '../errors';
import { AllowedPrivateHosts } from './allowed-private-hosts';
import { classifyIp, parseIp } from './ip-ranges';

export interface UrlPolicy {
  /** Admins: any address (still http/https only). */
  allowPrivate: boolean;
  /** ALLOWED_PRIVATE_HOSTS entries: `host` or `host:port`. */
  allowedHosts: readonly string[];
}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a host name resolves to. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

export const resolveHost: ResolveHost = (hostname) => lookup(hostname, { all: true });

/** The URL without credentials, query or fragment: safe to show and to log. */
export const describeUrl = (url: URL) => `${url.protocol}//${url.host}${url.pathname}`;

export const effectivePort = (url: URL) => Number(url.port) || (url.protocol === 'https:' ? 443 : 80);

/** What makes a URL unusable whoever gives it, or undefined. */
export function urlShapeProblem(url: URL): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `only http and https URLs are allowed, not ${url.protocol}`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'the URL must not contain a user name or password; send credentials in headers instead';
  }
  return undefined;
}

/**
 * Why connecting to `address` for `hostname:port` is refused (the host is not allowed), or
 * undefined when the address is public.
 */
export function addressRefusal(hostname: string, port: number, address: string): string | undefined {
  const verdict = classifyIp(address);
  if (verdict?.public) return undefined;
  const reason = verdict?.reason ?? 'not an IP address';
  const what = parseIp(hostname)
    ? `${hostname} is a non-public address (${reason})`
    : `${hostname} resolves to ${address}, a non-public address (${reason})`;
  // Pointing a self-hoster at the allowance for a cloud metadata endpoint would invite the very attack.
  if (reason.includes('cloud metadata')) return `${what}; cloud metadata endpoints are off limits`;
  return `${what}; if this server should reach it, an admin can add "${hostname}:${port}" to ALLOWED_PRIVATE_HOSTS (comma-separated host or host:port entries)`;
}

/**
 * Checks a URL a user gives before we store it; resolves to the parsed URL. Throws
 * `badInput({ [field]: why })` naming what was refused and why.
 */
export async function assertUrlAllowed(
  url: string,
  policy: UrlPolicy,
  field: string,
  resolve: ResolveHost = resolveHost,
): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw badInput({ [field]: 'is not a valid URL (expected e.g. https://mcp.example.com/mcp)' });
  }
  const problem = urlShapeProblem(parsed);
  if (problem) throw badInput({ [field]: problem });
  const { hostname } = parsed;
  const port = effectivePort(parsed);
  if (policy.allowPrivate || new AllowedPrivateHosts(policy.allowedHosts).allows(hostname, port)) return parsed;

  const literal = parseIp(hostname);
  const addresses = literal ? [literal.address] : await resolveAll(hostname, field, resolve);
  for (const address of addresses) {
    const refusal = addressRefusal(hostname, port, address);
    if (refusal) throw badInput({ [field]: `refused: ${refusal}` });
  }
  return parsed;
}

async function resolveAll(hostname: string, field: string, resolve: ResolveHost): Promise<string[]> {
  const unresolvable = (why: string) =>
    badInput({
      [field]: `refused: the host ${hostname} could not be resolved (${why}); check the name, and that this server's DNS knows it`,
    });
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolve(hostname);
  } catch (error) {
    throw unresolvable((error as NodeJS.ErrnoException).code ?? String(error));
  }
  if (addresses.length === 0) throw unresolvable('no addresses');
  return addresses.map(({ address }) => address);
}
