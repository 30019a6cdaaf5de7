// An undici Agent that enforces the URL policy when it opens a connection, against the addresses
// it actually connects to: a name that resolved to a public address when the URL was saved and
// to 127.0.0.1 now (DNS rebinding) is refused here.
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { AllowedPrivateHosts } from './allowed-private-hosts';
import { BlockedAddressError } from './blocked-address-error';
import { classifyIp } from './ip-ranges';
import { addressRefusal, resolveHost, type ResolveHost, type UrlPolicy } from './url-guard';

/** Raised inside the lookup, which knows the address but not the port; the connector words it. */
class NonPublicAddress extends Error {
  constructor(readonly address: string) {
    super(`${address} is not a public address`);
  }
}

function lookupThrough(resolve: ResolveHost, publicOnly: boolean): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (resolved) => {
        const family = options.family === 4 || options.family === 6 ? options.family : undefined;
        const addresses = family ? resolved.filter((a) => a.family === family) : resolved;
        if (addresses.length === 0) {
          const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          error.code = 'ENOTFOUND';
          return callback(error, '');
        }
        const refused = publicOnly ? addresses.find(({ address }) => !classifyIp(address)?.public) : undefined;
        if (refused) return callback(new NonPublicAddress(refused.address), '');
        if (options.all) return callback(null, addresses);
        callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/** One Agent per policy: it pools connections, so keep it and close it at shutdown. */
export function createGuardedAgent(policy: UrlPolicy, resolve: ResolveHost = resolveHost): Agent {
  const allowed = new AllowedPrivateHosts(policy.allowedHosts);
  const connectChecked = buildConnector({ lookup: lookupThrough(resolve, true) });
  const connectFreely = buildConnector({ lookup: lookupThrough(resolve, false) });

  const connect: buildConnector.connector = (options, callback) => {
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    // undici hands IPv6 literals over without their brackets; the policy speaks URL hostnames.
    const hostname = isIP(options.hostname) === 6 ? `[${options.hostname}]` : options.hostname;
    if (policy.allowPrivate || allowed.allows(hostname, port)) return connectFreely(options, callback);
    const refuse = (address: string) =>
      callback(new BlockedAddressError(`refused to connect to ${hostname}:${port}: ${addressRefusal(hostname, port, address)}`), null);
    // Literal IPs skip the lookup, so they are checked here.
    if (isIP(options.hostname) && !classifyIp(options.hostname)?.public) return refuse(options.hostname);
    connectChecked(options, (error, socket) => {
      if (error instanceof NonPublicAddress) refuse(error.address);
      else if (error) callback(error, null);
      else callback(null, socket);
    });
  };
  return new Agent({ connect });
}
