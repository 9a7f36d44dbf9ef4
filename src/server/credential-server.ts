import type { Session } from '../run/credentials.js';
import { ecsHandler } from './ecs.js';
import { imdsHandler } from './imds.js';
import { startServer, type ListenOptions } from './listen.js';
import type { ProtocolHandler, Served } from './protocol.js';
import { CredentialRefresher, describeSpan } from './refresher.js';
import { randomSecret } from './secrets.js';

export type ServerProtocol = 'ecs' | 'imds';

export interface ServerSettings {
  protocol: ServerProtocol;
  listen: ListenOptions;
  /** Re-assume when less than this remains (--min-ttl, else SDK_REFRESH_WINDOW_SECONDS). */
  windowSeconds: number;
  minimumUseSeconds: number;
}

export interface ServerIo {
  now: () => Date;
  debug: (message: string) => void;
  warn: (message: string) => void;
}

export interface CredentialServer {
  /** The first session (profile, region, role): what the child's other variables come from. */
  session: Session;
  /** What a client sets to use the server; the ECS token is among them (a secret: never log it). */
  variables: Array<[name: string, value: string]>;
  /** Where it listens, for messages: `http://127.0.0.1:PORT`. */
  origin: string;
  nextRefresh(): Date | undefined;
  close(): Promise<void>;
}

/**
 * Obtains the first session (errors are the caller's: nothing listens until it exists), then
 * serves it over one protocol, re-obtaining it through `obtain` (the plan, cache first) before
 * the SDKs would refresh.
 */
export async function startCredentialServer(obtain: () => Promise<Session>, settings: ServerSettings, io: ServerIo): Promise<CredentialServer> {
  let first: Session | undefined;
  const refresher = new CredentialRefresher({
    obtain: async () => {
      const session = await obtain();
      first ??= session;
      return session.credentials;
    },
    now: io.now,
    windowSeconds: settings.windowSeconds,
    minimumUseSeconds: settings.minimumUseSeconds,
    debug: io.debug,
    warn: io.warn,
  });
  await refresher.start();
  const session = first!;
  const served: Served = { credentials: () => refresher.credentials(), now: io.now };
  if (session.roleArn) served.roleArn = session.roleArn;
  if (session.region) served.region = session.region;

  let handler: ProtocolHandler;
  let variables: Array<[string, string]>;
  let path = '';
  if (settings.protocol === 'ecs') {
    path = `/${randomSecret(18)}`;
    const token = randomSecret();
    handler = ecsHandler(served, { path, token });
    variables = [['AWS_CONTAINER_AUTHORIZATION_TOKEN', token]];
  } else {
    handler = imdsHandler(served, roleNameOf(session));
    variables = [];
  }
  let running;
  try {
    running = await startServer(handler, settings.listen, io.debug, io.now);
  } catch (error) {
    refresher.stop();
    throw error;
  }
  if (settings.protocol === 'ecs') variables.unshift(['AWS_CONTAINER_CREDENTIALS_FULL_URI', `${running.origin}${path}`]);
  else variables.push(['AWS_EC2_METADATA_SERVICE_ENDPOINT', `${running.origin}/`]);

  const next = refresher.nextRefresh();
  io.debug(
    `server: ${settings.protocol === 'ecs' ? 'container credentials' : 'IMDSv2'} endpoint on ${running.origin}` +
      `${next ? `; next refresh at ${next.toISOString()} (in ${describeSpan(next.getTime() - io.now().getTime())})` : '; the credentials do not expire'}`,
  );
  return {
    session,
    variables,
    origin: running.origin,
    nextRefresh: () => refresher.nextRefresh(),
    close: async () => {
      refresher.stop();
      await running.close();
    },
  };
}

/** The name IMDS gives the instance role: the role's own name, else the profile's. */
function roleNameOf(session: Session): string {
  const name = session.roleArn?.split('/').pop();
  return name && /^[\w+=,.@-]+$/.test(name) ? name : session.profile.replace(/[^\w+=,.@-]/g, '-');
}
