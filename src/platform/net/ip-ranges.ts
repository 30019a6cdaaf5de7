// Tells public addresses from the rest, after the IANA IPv4 and IPv6 special-purpose address
// registries. Used to refuse outbound connections to anything inside our own network.
import { BlockList, isIP } from 'node:net';

export interface IpAddress {
  /** Canonical text: dotted quad for IPv4, lowercase without zone id for IPv6. */
  address: string;
  family: 4 | 6;
}

export type IpVerdict = (IpAddress & { public: true }) | (IpAddress & { public: false; reason: string });

/** A reason, or for IPv6 a function of the address's eight 16-bit words giving one or null (public). */
type Rule<Reason> = { cidr: string; reason: Reason };
type Ipv6Reason = string | ((words: number[]) => string | null);

const cloudMetadata = 'cloud metadata';

const ipv4Rules: Rule<string>[] = [
  { cidr: '0.0.0.0/32', reason: 'unspecified' },
  { cidr: '0.0.0.0/8', reason: '"this network"' },
  { cidr: '10.0.0.0/8', reason: 'private' },
  { cidr: '100.100.100.200/32', reason: `CGNAT, ${cloudMetadata}` },
  { cidr: '100.64.0.0/10', reason: 'CGNAT' },
  { cidr: '127.0.0.0/8', reason: 'loopback' },
  { cidr: '169.254.169.254/32', reason: `link-local, ${cloudMetadata}` },
  { cidr: '169.254.0.0/16', reason: 'link-local' },
  { cidr: '172.16.0.0/12', reason: 'private' },
  { cidr: '192.0.0.0/24', reason: 'IETF protocol assignments' },
  { cidr: '192.0.2.0/24', reason: 'documentation' },
  { cidr: '192.88.99.0/24', reason: 'reserved, former 6to4 relay anycast' },
  { cidr: '192.168.0.0/16', reason: 'private' },
  { cidr: '198.18.0.0/15', reason: 'benchmarking' },
  { cidr: '198.51.100.0/24', reason: 'documentation' },
  { cidr: '203.0.113.0/24', reason: 'documentation' },
  { cidr: '224.0.0.0/4', reason: 'multicast' },
  { cidr: '255.255.255.255/32', reason: 'broadcast' },
  { cidr: '240.0.0.0/4', reason: 'reserved' },
];

const ipv4Of = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;

/** Why an IPv6 address that carries an IPv4 one is not public, or null when that IPv4 is public. */
const embedding = (kind: string, high: number, low: number): string | null => {
  const inner = classifyIpv4(ipv4Of(high, low));
  return inner.public ? null : `${kind} embedding a non-public IPv4: ${inner.address} is ${inner.reason}`;
};

const ipv6Rules: Rule<Ipv6Reason>[] = [
  { cidr: '::/128', reason: 'unspecified' },
  { cidr: '::1/128', reason: 'loopback' },
  { cidr: '::ffff:0:0/96', reason: (w) => `IPv4-mapped IPv6 of ${ipv4Of(w[6], w[7])}` },
  { cidr: '::/96', reason: (w) => `IPv4-compatible IPv6 (deprecated) of ${ipv4Of(w[6], w[7])}` },
  { cidr: '64:ff9b::/96', reason: (w) => embedding('NAT64', w[6], w[7]) },
  { cidr: '64:ff9b:1::/48', reason: 'local-use NAT64' },
  { cidr: '100::/64', reason: 'discard-only' },
  { cidr: '2001::/32', reason: 'Teredo tunnelling' },
  { cidr: '2001::/23', reason: 'IETF protocol assignments' },
  { cidr: '2001:db8::/32', reason: 'documentation' },
  { cidr: '2002::/16', reason: (w) => embedding('6to4', w[1], w[2]) },
  { cidr: '3fff::/20', reason: 'documentation' },
  { cidr: 'fd00:ec2::254/128', reason: `unique local, ${cloudMetadata}` },
  { cidr: 'fc00::/7', reason: 'unique local' },
  { cidr: 'fe80::/10', reason: 'link-local' },
  { cidr: 'fec0::/10', reason: 'site-local (deprecated)' },
  { cidr: 'ff00::/8', reason: 'multicast' },
];

const compile = <Reason>(rules: Rule<Reason>[], type: 'ipv4' | 'ipv6'): { list: BlockList; reason: Reason }[] =>
  rules.map(({ cidr, reason }) => {
    const [network, prefix] = cidr.split('/');
    const list = new BlockList();
    list.addSubnet(network, Number(prefix), type);
    return { list, reason };
  });

const compiledIpv4 = compile(ipv4Rules, 'ipv4');
const compiledIpv6 = compile(ipv6Rules, 'ipv6');
// Only 2000::/3 is allocated for global unicast; everything else is reserved by the IETF.
const globalUnicast = new BlockList();
globalUnicast.addSubnet('2000::', 3, 'ipv6');

function classifyIpv4(address: string): IpVerdict {
  const rule = compiledIpv4.find(({ list }) => list.check(address, 'ipv4'));
  return rule ? { address, family: 4, public: false, reason: rule.reason } : { address, family: 4, public: true };
}

function classifyIpv6(address: string): IpVerdict {
  const words = ipv6Words(address);
  for (const { list, reason } of compiledIpv6) {
    if (!list.check(address, 'ipv6')) continue;
    const why = typeof reason === 'string' ? reason : reason(words);
    return why === null ? { address, family: 6, public: true } : { address, family: 6, public: false, reason: why };
  }
  return globalUnicast.check(address, 'ipv6')
    ? { address, family: 6, public: true }
    : { address, family: 6, public: false, reason: 'reserved, outside global unicast 2000::/3' };
}

/** The eight 16-bit words of a canonical IPv6 address (hex groups only, as WHATWG URL writes it). */
function ipv6Words(address: string): number[] {
  const toWords = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const [head, tail] = address.split('::');
  if (tail === undefined) return toWords(head);
  const [before, after] = [toWords(head), toWords(tail)];
  return [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
}

/**
 * IPv4 the way inet_aton (and so getaddrinfo) and WHATWG URL read it: one to four parts, each
 * decimal, octal (leading 0) or hex (0x), the last filling the remaining bytes: 2130706433,
 * 0177.0.0.1, 0x7f.1 and 127.1 are all 127.0.0.1.
 */
function parseLooseIpv4(text: string): string | undefined {
  const parts = text.replace(/\.$/, '').split('.');
  if (parts.length > 4) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    if (/^0x[0-9a-f]*$/i.test(part)) numbers.push(part.length === 2 ? 0 : parseInt(part.slice(2), 16));
    else if (/^0[0-7]*$/.test(part)) numbers.push(parseInt(part, 8));
    else if (/^[1-9][0-9]*$/.test(part)) numbers.push(parseInt(part, 10));
    else return undefined;
  }
  const last = numbers.pop() as number;
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return undefined;
  const value = numbers.reduce((sum, n, i) => sum + n * 256 ** (3 - i), 0) + last;
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/**
 * Reads an IP address in any spelling a URL host, a resolver or an attacker might use:
 * bracketed IPv6, IPv6 with a zone id (fe80::1%eth0), loose IPv4. Undefined when not an IP.
 */
export function parseIp(text: string): IpAddress | undefined {
  const unbracketed = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const unzoned = unbracketed.replace(/%.*$/, '');
  if (isIP(unzoned) === 6) return { address: new URL(`http://[${unzoned}]`).hostname.slice(1, -1), family: 6 };
  if (unbracketed !== text) return undefined;
  const ipv4 = parseLooseIpv4(text);
  return ipv4 === undefined ? undefined : { address: ipv4, family: 4 };
}

/** Whether an IP address is public, and if not, why (e.g. "loopback"). Undefined when not an IP. */
export function classifyIp(text: string): IpVerdict | undefined {
  const ip = parseIp(text);
  if (!ip) return undefined;
  return ip.family === 4 ? classifyIpv4(ip.address) : classifyIpv6(ip.address);
}
