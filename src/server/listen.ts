import { createServer, type IncomingMessage, type ServerResponse as NodeResponse } from 'node:http';
import { isIP, type AddressInfo, type BlockList } from 'node:net';
import { UsageError } from '../errors/errors.js';
import { errorText } from './errors.js';
import { text, type ProtocolHandler, type ServerResponse } from './protocol.js';

export interface ListenOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  /** Given with --listen. Without it, only a loopback address is accepted. */
  explicit: boolean;
  /** Client addresses allowed to connect (--allow); undefined: any that can reach the address. */
  allow?: BlockList;
}

export interface RunningServer {
  /** `http://127.0.0.1:PORT`, with IPv6 in brackets. */
  origin: string;
  port: number;
  close(): Promise<void>;
}

export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || (isIP(bare) === 4 && bare.startsWith('127.'));
}

/**
 * A request through a name that resolves to us only by a trick (DNS rebinding: a web page's own
 * domain, re-pointed at 127.0.0.1) carries that name in Host. Real clients use an address,
 * `localhost`, a one-label container name, or Docker's host.docker.internal.
 */
function trustedHost(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const host = hostHeader.replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  return isIP(host) !== 0 || !host.includes('.') || host === 'host.docker.internal';
}

/**
 * Serves one protocol over plain HTTP. Requests are logged with `log` (time, client address,
 * method, path, status; never a header, a token or a credential).
 */
export async function startServer(handler: ProtocolHandler, listen: ListenOptions, log: (line: string) => void, now: () => Date): Promise<RunningServer> {
  if (!listen.explicit && !isLoopback(listen.host)) {
    throw new UsageError(`refusing to serve credentials on ${listen.host}, which is not a loopback address`, 'bind elsewhere only with --listen ADDR:PORT');
  }
  const server = createServer((request, response) => void respond(request, response));

  async function respond(request: IncomingMessage, response: NodeResponse): Promise<void> {
    const client = clientAddress(request);
    const path = (request.url ?? '/').split('?')[0]!;
    let answer: ServerResponse;
    if (listen.allow && !listen.allow.check(client, isIP(client) === 6 ? 'ipv6' : 'ipv4')) {
      answer = text(403, 'Forbidden\n');
    } else if (!trustedHost(request.headers.host)) {
      answer = text(403, 'Forbidden\n');
    } else {
      try {
        answer = await handler.handle({ method: request.method ?? 'GET', path, headers: request.headers });
      } catch (error) {
        answer = text(500, `${errorText(error)}\n`);
      }
    }
    log(`server: ${now().toISOString()} ${client} ${request.method} ${handler.logPath(path).slice(0, 200)} ${answer.status}`);
    response.writeHead(answer.status, { 'Cache-Control': 'no-store', ...answer.headers });
    response.end(answer.body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, listen)));
    server.listen(listen.port, listen.host.replace(/^\[|\]$/g, ''), () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const origin = `http://${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
  return {
    origin,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The peer's address, IPv4-mapped IPv6 (`::ffff:10.0.0.2`) as plain IPv4. */
function clientAddress(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function listenError(error: NodeJS.ErrnoException, listen: ListenOptions): Error {
  const where = `${listen.host}:${listen.port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return new UsageError(`cannot serve on ${where}: the port is in use`);
    case 'EADDRNOTAVAIL':
      return new UsageError(`cannot serve on ${where}: not an address of this machine`);
    case 'EACCES':
      return new UsageError(`cannot serve on ${where}: permission denied (ports below 1024 need privileges)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UsageError(`cannot serve on ${where}: unknown host name`);
    default:
      return error;
  }
}
