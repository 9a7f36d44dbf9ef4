import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A test server listening on a free loopback port. */
export interface Listening {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Stops the server, ending its open connections too: a keep-alive client would hold it open. */
  close(): Promise<void>;
}

/** Starts `server` on a free port of 127.0.0.1 (the stand-ins of test/support all listen so). */
export async function listenOnLoopback(server: Server): Promise<Listening> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
