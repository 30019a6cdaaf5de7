import { AppError } from '../../../src/platform/errors';
import { assertUrlAllowed, type ResolveHost, type UrlPolicy } from '../../../src/platform/net/url-guard';

const user: UrlPolicy = { allowPrivate: false, allowedHosts: [] };
const admin: UrlPolicy = { allowPrivate: true, allowedHosts: [] };

/** A resolver answering from a table, as DNS would, without the network. */
const dns =
  (table: Record<string, string[]>): ResolveHost =>
  async (hostname) => {
    const addresses = table[hostname];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

/** The message the user sees for `field`, or undefined when the URL is accepted. */
async function refusal(url: string, policy: UrlPolicy = user, resolve?: ResolveHost, field = 'url'): Promise<string | undefined> {
  try {
    await assertUrlAllowed(url, policy, field, resolve);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.code).toBe('BAD_USER_INPUT');
    const fields = appError.extensions.fields as Record<string, string>;
    expect(Object.keys(fields)).toEqual([field]);
    expect(appError.message).toBe(`${field}: ${fields[field]}`);
    return fields[field];
  }
}

const hint = (hostPort: string) =>
  `; if this server should reach it, an admin can add "${hostPort}" to ALLOWED_PRIVATE_HOSTS (comma-separated host or host:port entries)`;

describe('assertUrlAllowed for a non-admin', () => {
  it.each([
    ['http://127.0.0.1:11434/v1', '127.0.0.1 is a non-public address (loopback)', '127.0.0.1:11434'],
    ['http://10.0.0.1/mcp', '10.0.0.1 is a non-public address (private)', '10.0.0.1:80'],
    ['https://192.168.1.20/v1', '192.168.1.20 is a non-public address (private)', '192.168.1.20:443'],
    ['http://[::1]:8080/', '[::1] is a non-public address (loopback)', '[::1]:8080'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1] is a non-public address (IPv4-mapped IPv6 of 127.0.0.1)', '[::ffff:7f00:1]:80'],
    ['http://[fd12::1]/', '[fd12::1] is a non-public address (unique local)', '[fd12::1]:80'],
    ['http://100.64.1.1/', '100.64.1.1 is a non-public address (CGNAT)', '100.64.1.1:80'],
  ])('refuses %s, saying why and how to allow it', async (url, why, hostPort) => {
    expect(await refusal(url)).toBe(`refused: ${why}${hint(hostPort)}`);
  });

  it('refuses the cloud metadata address without suggesting to allow it', async () => {
    expect(await refusal('http://169.254.169.254/latest/meta-data/')).toBe(
      'refused: 169.254.169.254 is a non-public address (link-local, cloud metadata); cloud metadata endpoints are off limits',
    );
  });

  it('refuses http://localhost, a name that resolves to loopback', async () => {
    expect(await refusal('http://localhost:11434/v1')).toMatch(
      /^refused: localhost resolves to (127\.0\.0\.1|::1), a non-public address \(loopback\); .* add "localhost:11434" to ALLOWED_PRIVATE_HOSTS/,
    );
  });

  it.each([
    ['http://2130706433/'],
    ['http://0x7f000001/'],
    ['http://0177.0.0.1/'],
    ['http://0x7f.1/'],
    ['http://127.1/'],
    ['http://127.0.0.1./'],
    ['http://0177.0x0.1/'],
    ['http://１２７．０．０．１/'],
    ['HTTP://127.0.0.1/'],
  ])('refuses the loopback address spelled %s (the URL parser reads it as 127.0.0.1)', async (url) => {
    expect(await refusal(url)).toBe(`refused: 127.0.0.1 is a non-public address (loopback)${hint('127.0.0.1:80')}`);
  });

  it('refuses http://0/, which the URL parser reads as 0.0.0.0 and Linux connects to this machine', async () => {
    expect(await refusal('http://0/')).toBe(`refused: 0.0.0.0 is a non-public address (unspecified)${hint('0.0.0.0:80')}`);
  });

  it('refuses the metadata address spelled in hex', async () => {
    expect(await refusal('http://0xa9fea9fe/')).toMatch(/^refused: 169\.254\.169\.254 is a non-public address \(link-local, cloud metadata\)/);
  });

  it.each([
    ['ftp://example.com/', 'only http and https URLs are allowed, not ftp:'],
    ['file:///etc/passwd', 'only http and https URLs are allowed, not file:'],
    ['gopher://127.0.0.1:6379/_INFO', 'only http and https URLs are allowed, not gopher:'],
    ['http://user:secret@example.com/', 'the URL must not contain a user name or password; send credentials in headers instead'],
    ['https://token@example.com/', 'the URL must not contain a user name or password; send credentials in headers instead'],
    ['example.com/mcp', 'is not a valid URL (expected e.g. https://mcp.example.com/mcp)'],
    ['http://[fe80::1%25eth0]/', 'is not a valid URL (expected e.g. https://mcp.example.com/mcp)'],
  ])('refuses %s: %s', async (url, why) => {
    expect(await refusal(url, user, dns({ 'example.com': ['93.184.216.34'] }))).toBe(why);
  });

  it('accepts public IP literals without asking DNS', async () => {
    const noDns: ResolveHost = () => Promise.reject(new Error('DNS must not be asked'));
    expect(await refusal('https://8.8.8.8/v1', user, noDns)).toBeUndefined();
    expect(await refusal('https://[2606:4700:4700::1111]/mcp', user, noDns)).toBeUndefined();
  });

  it('returns the parsed URL', async () => {
    const url = await assertUrlAllowed('HTTPS://API.Example.com/v1', user, 'baseUrl', dns({ 'api.example.com': ['93.184.216.34'] }));
    expect(url.href).toBe('https://api.example.com/v1');
  });

  it('accepts a name whose every address is public, and refuses it when any one is not', async () => {
    const resolve = dns({ 'api.example.com': ['93.184.216.34', '2606:2800:220:1::1'], 'mixed.example.com': ['93.184.216.34', '10.1.2.3'] });
    expect(await refusal('https://api.example.com/v1', user, resolve)).toBeUndefined();
    expect(await refusal('https://mixed.example.com/v1', user, resolve)).toBe(
      `refused: mixed.example.com resolves to 10.1.2.3, a non-public address (private)${hint('mixed.example.com:443')}`,
    );
  });

  it('refuses a name that does not resolve, saying so', async () => {
    expect(await refusal('https://nope.example.com/v1', user, dns({}), 'baseUrl')).toBe(
      "refused: the host nope.example.com could not be resolved (ENOTFOUND); check the name, and that this server's DNS knows it",
    );
    expect(await refusal('https://empty.example.com/v1', user, dns({ 'empty.example.com': [] }))).toBe(
      "refused: the host empty.example.com could not be resolved (no addresses); check the name, and that this server's DNS knows it",
    );
  });
});

describe('assertUrlAllowed with ALLOWED_PRIVATE_HOSTS', () => {
  const policy: UrlPolicy = { allowPrivate: false, allowedHosts: ['LOCALHOST:11434', '10.0.0.5', '[::1]:8000'] };

  it('accepts an allowed host:port, and refuses the same host on another port', async () => {
    expect(await refusal('http://localhost:11434/v1', policy)).toBeUndefined();
    expect(await refusal('http://LocalHost:11434/v1', policy)).toBeUndefined();
    expect(await refusal('http://localhost:11435/v1', policy)).toMatch(/^refused: localhost resolves to .* add "localhost:11435" to ALLOWED_PRIVATE_HOSTS/);
    expect(await refusal('http://[::1]:8000/', policy)).toBeUndefined();
    expect(await refusal('http://[::1]:8001/', policy)).toBe(`refused: [::1] is a non-public address (loopback)${hint('[::1]:8001')}`);
  });

  it('accepts a bare allowed host on every port, the default ones included', async () => {
    expect(await refusal('http://10.0.0.5/mcp', policy)).toBeUndefined();
    expect(await refusal('https://10.0.0.5:8443/mcp', policy)).toBeUndefined();
    expect(await refusal('http://10.0.0.6/mcp', policy)).toMatch(/^refused: 10\.0\.0\.6 is a non-public address \(private\)/);
  });

  it('allows the host named, not another name for the same address', async () => {
    expect(await refusal('http://127.0.0.1:11434/v1', policy)).toMatch(/^refused: 127\.0\.0\.1 is a non-public address \(loopback\)/);
  });

  it('still refuses other schemes and credentials for an allowed host', async () => {
    expect(await refusal('ftp://localhost:11434/', policy)).toBe('only http and https URLs are allowed, not ftp:');
    expect(await refusal('http://me:pw@localhost:11434/', policy)).toMatch(/^the URL must not contain a user name or password/);
  });
});

describe('assertUrlAllowed for an admin', () => {
  it('accepts any address', async () => {
    expect(await refusal('http://127.0.0.1:11434/v1', admin)).toBeUndefined();
    expect(await refusal('http://localhost:11434/v1', admin)).toBeUndefined();
    expect(await refusal('http://169.254.169.254/', admin)).toBeUndefined();
  });

  it('still accepts only http and https without credentials', async () => {
    expect(await refusal('file:///etc/passwd', admin)).toBe('only http and https URLs are allowed, not file:');
    expect(await refusal('http://root:pw@127.0.0.1/', admin)).toMatch(/^the URL must not contain a user name or password/);
  });
});
