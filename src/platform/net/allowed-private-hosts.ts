// ALLOWED_PRIVATE_HOSTS: the hosts a self-hoster lets non-admins reach although they are not
// public (a local Ollama, a LAN vLLM). Entries are `host` (every port) or `host:port`.
import { isIP } from 'node:net';

const example = 'e.g. localhost:11434, 10.0.0.5, [fd00::5]:8000';
const entryPattern = /^(\[[0-9a-f:.]+\]|[^\s/?#@[\]:\\]+)(?::(\d{1,5}))?$/i;

/** The canonical form of one entry (lowercase, IPv4 and IPv6 as a URL writes them); throws if malformed. */
export function parseAllowedPrivateHost(entry: string): string {
  const problem = (why: string) => new Error(`ALLOWED_PRIVATE_HOSTS: "${entry}" ${why} (${example})`);
  if (entry.includes('://')) throw problem('is a URL; give only the host or host:port');
  if (isIP(entry.trim()) === 6) throw problem(`is an IPv6 address without brackets; write [${entry.trim()}]`);
  const match = entryPattern.exec(entry.trim());
  if (!match) throw problem('is not a host or host:port');
  const [, host, port] = match;
  let hostname: string;
  try {
    hostname = new URL(`http://${host}/`).hostname;
  } catch {
    throw problem('is not a valid host name or IP address');
  }
  if (port === undefined) return hostname;
  const number = Number(port);
  if (number < 1 || number > 65535) throw problem('has a port outside 1-65535');
  return `${hostname}:${number}`;
}

/** Parses the comma-separated ALLOWED_PRIVATE_HOSTS value; throws naming the first malformed entry. */
export function parseAllowedPrivateHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map(parseAllowedPrivateHost);
}

export class AllowedPrivateHosts {
  private readonly entries: Set<string>;

  constructor(entries: readonly string[]) {
    this.entries = new Set(entries.map(parseAllowedPrivateHost));
  }

  /** `hostname` as a URL gives it (IPv6 in brackets); `port` the one actually connected to. */
  allows(hostname: string, port: number): boolean {
    return this.entries.has(hostname) || this.entries.has(`${hostname}:${port}`);
  }
}
