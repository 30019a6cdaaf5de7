import { AllowedPrivateHosts, parseAllowedPrivateHosts } from '../../../src/platform/net/allowed-private-hosts';

describe('ALLOWED_PRIVATE_HOSTS', () => {
  it('reads comma-separated host and host:port entries into their canonical form', () => {
    expect(parseAllowedPrivateHosts(' LocalHost:11434, 10.0.0.5 ,,[FD00::5]:8000,ollama.lan,0x7f.1:80 ')).toEqual([
      'localhost:11434',
      '10.0.0.5',
      '[fd00::5]:8000',
      'ollama.lan',
      '127.0.0.1:80',
    ]);
  });

  it('is empty when unset or blank', () => {
    expect(parseAllowedPrivateHosts(undefined)).toEqual([]);
    expect(parseAllowedPrivateHosts('  ')).toEqual([]);
  });

  it.each([
    ['http://localhost:11434', '"http://localhost:11434" is a URL; give only the host or host:port'],
    ['::1', '"::1" is an IPv6 address without brackets; write [::1]'],
    ['localhost:0', '"localhost:0" has a port outside 1-65535'],
    ['localhost:70000', '"localhost:70000" has a port outside 1-65535'],
    ['localhost/v1', '"localhost/v1" is not a host or host:port'],
    ['user@localhost', '"user@localhost" is not a host or host:port'],
    ['local host', '"local host" is not a host or host:port'],
    ['[::1]:', '"[::1]:" is not a host or host:port'],
    ['[zz::1]', '"[zz::1]" is not a host or host:port'],
    ['[1::2::3]', '"[1::2::3]" is not a valid host name or IP address'],
    ['256.0.0.1', '"256.0.0.1" is not a valid host name or IP address'],
  ])('refuses %j with a message naming the entry', (entry, why) => {
    expect(() => parseAllowedPrivateHosts(`localhost,${entry}`)).toThrow(
      `ALLOWED_PRIVATE_HOSTS: ${why} (e.g. localhost:11434, 10.0.0.5, [fd00::5]:8000)`,
    );
  });

  it('allows a bare host on every port and a host:port on that port only, whatever the case', () => {
    const allowed = new AllowedPrivateHosts(['OLLAMA.lan', 'localhost:11434', '[::1]:8000']);
    expect(allowed.allows('ollama.lan', 80)).toBe(true);
    expect(allowed.allows('ollama.lan', 11434)).toBe(true);
    expect(allowed.allows('localhost', 11434)).toBe(true);
    expect(allowed.allows('localhost', 11435)).toBe(false);
    expect(allowed.allows('[::1]', 8000)).toBe(true);
    expect(allowed.allows('[::1]', 8001)).toBe(false);
    expect(allowed.allows('127.0.0.1', 11434)).toBe(false);
  });
});
