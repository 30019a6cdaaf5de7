import { classifyIp, parseIp } from '../../../src/platform/net/ip-ranges';

describe('classifyIp', () => {
  it.each([
    ['8.8.8.8', '8.8.8.8'],
    ['1.1.1.1', '1.1.1.1'],
    ['93.184.216.34', '93.184.216.34'],
    ['100.63.255.255', '100.63.255.255'],
    ['100.128.0.0', '100.128.0.0'],
    ['172.32.0.1', '172.32.0.1'],
    ['192.0.1.1', '192.0.1.1'],
    ['223.255.255.255', '223.255.255.255'],
    ['2606:4700:4700::1111', '2606:4700:4700::1111'],
    ['2001:4860:4860::8888', '2001:4860:4860::8888'],
    ['[2606:4700:4700::1111]', '2606:4700:4700::1111'],
    ['64:ff9b::8.8.8.8', '64:ff9b::808:808'],
    ['2002:808:808::1', '2002:808:808::1'],
  ])('finds %s public', (input, address) => {
    expect(classifyIp(input)).toEqual({ address, public: true, family: input.includes(':') ? 6 : 4 });
  });

  it.each([
    ['0.0.0.0', '0.0.0.0', 'unspecified'],
    ['0.1.2.3', '0.1.2.3', '"this network"'],
    ['10.0.0.1', '10.0.0.1', 'private'],
    ['10.255.255.255', '10.255.255.255', 'private'],
    ['100.64.0.1', '100.64.0.1', 'CGNAT'],
    ['100.127.255.254', '100.127.255.254', 'CGNAT'],
    ['100.100.100.200', '100.100.100.200', 'CGNAT, cloud metadata'],
    ['127.0.0.1', '127.0.0.1', 'loopback'],
    ['127.255.255.254', '127.255.255.254', 'loopback'],
    ['169.254.169.254', '169.254.169.254', 'link-local, cloud metadata'],
    ['169.254.0.1', '169.254.0.1', 'link-local'],
    ['172.16.0.1', '172.16.0.1', 'private'],
    ['172.31.255.255', '172.31.255.255', 'private'],
    ['192.0.0.8', '192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.1', '192.0.2.1', 'documentation'],
    ['192.88.99.1', '192.88.99.1', 'reserved, former 6to4 relay anycast'],
    ['192.168.1.1', '192.168.1.1', 'private'],
    ['198.18.0.1', '198.18.0.1', 'benchmarking'],
    ['198.19.255.255', '198.19.255.255', 'benchmarking'],
    ['198.51.100.7', '198.51.100.7', 'documentation'],
    ['203.0.113.9', '203.0.113.9', 'documentation'],
    ['224.0.0.1', '224.0.0.1', 'multicast'],
    ['239.255.255.250', '239.255.255.250', 'multicast'],
    ['240.0.0.1', '240.0.0.1', 'reserved'],
    ['255.255.255.255', '255.255.255.255', 'broadcast'],
  ])('refuses IPv4 %s as %s', (input, address, reason) => {
    expect(classifyIp(input)).toEqual({ address, family: 4, public: false, reason });
  });

  it.each([
    ['::', '::', 'unspecified'],
    ['::1', '::1', 'loopback'],
    ['[::1]', '::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', '::1', 'loopback'],
    ['::ffff:127.0.0.1', '::ffff:7f00:1', 'IPv4-mapped IPv6 of 127.0.0.1'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1', 'IPv4-mapped IPv6 of 127.0.0.1'],
    ['::ffff:7f00:1', '::ffff:7f00:1', 'IPv4-mapped IPv6 of 127.0.0.1'],
    ['::ffff:169.254.169.254', '::ffff:a9fe:a9fe', 'IPv4-mapped IPv6 of 169.254.169.254'],
    ['::ffff:8.8.8.8', '::ffff:808:808', 'IPv4-mapped IPv6 of 8.8.8.8'],
    ['::127.0.0.1', '::7f00:1', 'IPv4-compatible IPv6 (deprecated) of 127.0.0.1'],
    ['64:ff9b::127.0.0.1', '64:ff9b::7f00:1', 'NAT64 embedding a non-public IPv4: 127.0.0.1 is loopback'],
    ['64:ff9b::10.0.0.1', '64:ff9b::a00:1', 'NAT64 embedding a non-public IPv4: 10.0.0.1 is private'],
    ['64:ff9b:1::8.8.8.8', '64:ff9b:1::808:808', 'local-use NAT64'],
    ['100::1', '100::1', 'discard-only'],
    ['2001::1', '2001::1', 'Teredo tunnelling'],
    ['2001:10::1', '2001:10::1', 'IETF protocol assignments'],
    ['2001:db8::1', '2001:db8::1', 'documentation'],
    ['3fff::1', '3fff::1', 'documentation'],
    ['2002:7f00:1::1', '2002:7f00:1::1', '6to4 embedding a non-public IPv4: 127.0.0.1 is loopback'],
    ['2002:c0a8:101::1', '2002:c0a8:101::1', '6to4 embedding a non-public IPv4: 192.168.1.1 is private'],
    ['fc00::1', 'fc00::1', 'unique local'],
    ['fd12:3456::1', 'fd12:3456::1', 'unique local'],
    ['fd00:ec2::254', 'fd00:ec2::254', 'unique local, cloud metadata'],
    ['fe80::1', 'fe80::1', 'link-local'],
    ['fe80::1%eth0', 'fe80::1', 'link-local'],
    ['[fe80::1%25eth0]', 'fe80::1', 'link-local'],
    ['fec0::1', 'fec0::1', 'site-local (deprecated)'],
    ['ff02::1', 'ff02::1', 'multicast'],
    ['4000::1', '4000::1', 'reserved, outside global unicast 2000::/3'],
    ['::ffff:0:7f00:1', '::ffff:0:7f00:1', 'reserved, outside global unicast 2000::/3'],
  ])('refuses IPv6 %s as %s', (input, address, reason) => {
    expect(classifyIp(input)).toEqual({ address, family: 6, public: false, reason });
  });

  it.each([
    ['2130706433', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['0177.0000.0000.0001', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0x7F.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['127.0.1', '127.0.0.1'],
    ['127.0.0.1.', '127.0.0.1'],
    ['0', '0.0.0.0'],
    ['012.1', '10.0.0.1'],
    ['167772161', '10.0.0.1'],
    ['0xa9fea9fe', '169.254.169.254'],
    ['169.254.43518', '169.254.169.254'],
  ])('reads the odd spelling %s as %s', (input, address) => {
    expect(parseIp(input)).toEqual({ address, family: 4 });
    expect(classifyIp(input)?.public).toBe(false);
  });

  it.each(['localhost', 'example.com', '', '1.2.3.4.5', '256.0.0.1', '1.16777216', '4294967296', '08.0.0.1', '0x1g', '[1.2.3.4]', '[::1', '::1::2', '127.0.0.1%eth0'])(
    'says %j is not an IP address',
    (input) => {
      expect(parseIp(input)).toBeUndefined();
      expect(classifyIp(input)).toBeUndefined();
    },
  );
});
