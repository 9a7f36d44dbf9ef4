import { BlockList, isIP } from 'node:net';
import { parseSeconds } from '../time/duration.js';
import { UsageError } from '../errors/errors.js';
import type { ServerSettings } from '../server/credential-server.js';
import { isLoopback } from '../server/listen.js';
import { DEFAULT_MINIMUM_USE_SECONDS, EXPLICIT_MINIMUM_USE_SECONDS } from '../server/refresher.js';
import { SDK_REFRESH_WINDOW_SECONDS } from '../server/setting.js';
import type { CommandContext } from './context.js';

/** The flags of `serve` (and the part of them `exec --server` shares). */
export interface ServerOptions {
  ecs?: boolean;
  imds?: boolean;
  /** --listen ADDR:PORT */
  listen?: string;
  /** --allow, each a comma-separated list of addresses and CIDR blocks. */
  allow?: string[];
  minTtl?: string;
  /** Whether --min-ttl was given (its default, 5m, is for the cache of use and exec). */
  minTtlFromUser?: boolean;
}

export function serverSettings(options: ServerOptions, context: CommandContext): ServerSettings {
  if (options.ecs && options.imds) throw new UsageError('choose one of --ecs and --imds');
  const explicitWindow = options.minTtlFromUser && options.minTtl !== undefined;
  const settings: ServerSettings = {
    protocol: options.imds ? 'imds' : 'ecs',
    listen: { host: '127.0.0.1', port: 0, explicit: false },
    windowSeconds: explicitWindow ? parseSeconds(options.minTtl!, '--min-ttl') : SDK_REFRESH_WINDOW_SECONDS,
    minimumUseSeconds: explicitWindow ? EXPLICIT_MINIMUM_USE_SECONDS : DEFAULT_MINIMUM_USE_SECONDS,
  };
  if (options.listen !== undefined) {
    const { host, port } = parseListen(options.listen);
    settings.listen = { host, port, explicit: true };
    if (!isLoopback(host) && settings.protocol === 'ecs') {
      // botocore and the JS SDK send the token over plain HTTP only to loopback and the ECS/EKS addresses.
      context.warn(`the AWS SDKs refuse the container protocol over plain http to ${host}; containers on a bridge network need --imds`);
    }
    if (!isLoopback(host)) {
      context.warn(
        `serving on ${options.listen}: any process that can reach it can take the role` +
          `${settings.protocol === 'ecs' ? ' (with the token)' : ''}${options.allow?.length ? ', if its address is allowed' : '; --allow limits the clients'}`,
      );
    }
  }
  if (options.allow?.length) settings.listen.allow = parseAllowList(options.allow);
  return settings;
}

/** `127.0.0.1:9911`, `[::1]:9911`, `172.17.0.1:0` (any free port). */
export function parseListen(text: string): { host: string; port: number } {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new UsageError(`--listen takes ADDRESS:PORT (127.0.0.1:9911, [::1]:9911), not "${text}"`);
  return { host: match[1]!, port };
}

/** `--allow 172.17.0.0/16,10.0.0.5` → the addresses and blocks allowed to connect. */
export function parseAllowList(values: string[]): BlockList {
  const list = new BlockList();
  for (const item of values.flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean)) {
    const [address, bits, extra] = item.split('/');
    const family = isIP(address ?? '');
    const prefix = bits === undefined ? undefined : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    const max = family === 6 ? 128 : 32;
    if (family === 0 || extra !== undefined || (prefix !== undefined && !(prefix <= max))) {
      throw new UsageError(`--allow takes addresses and CIDR blocks (172.17.0.0/16, ::1), not "${item}"`);
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, prefix, type);
  }
  return list;
}
