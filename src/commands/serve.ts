import { envScript } from '../output/env-formats.js';
import { ENV_DIALECTS } from '../output/env-formats.js';
import { recordRecentProfile } from '../picker/recent-profiles.js';
import { chooseShell } from './choose-shell.js';
import type { CommandContext, CredentialOptions } from './context.js';
import { planFor } from './obtain-session.js';
import { startPlanServer } from './plan-server.js';
import { serverSettings, type ServerOptions } from './server-options.js';

export interface ServeOptions extends CredentialOptions, ServerOptions {
  shell?: string;
}

/**
 * `awsrole serve <profile>`: a credentials endpoint in the foreground until SIGINT/SIGTERM/SIGHUP.
 * With --ecs (the default) stdout gets the two variables a client sets, as shell code; with
 * --imds, AWS_EC2_METADATA_SERVICE_ENDPOINT. Nothing else goes to stdout.
 */
export async function serveCommand(profile: string, options: ServeOptions, context: CommandContext): Promise<number> {
  const shell = chooseShell(options.shell, context);
  const plan = planFor(profile, options, context);
  const settings = serverSettings(options, context);
  const server = await startPlanServer(plan, options, settings, context);
  recordRecentProfile(context.env, profile, context.debug);
  const dialect = shell === 'fish' ? ENV_DIALECTS.fish : shell === 'powershell' ? ENV_DIALECTS.powershell : ENV_DIALECTS.env;
  context.stdout.write(envScript(dialect, { set: server.variables, clear: [] }));
  context.info(
    `serving the credentials of ${profile} on ${server.origin} (${settings.protocol === 'ecs' ? 'container credentials protocol' : 'IMDSv2'}); Ctrl-C to stop`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    for (const name of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(name, () => resolve(name));
  });
  context.debug(`server: ${signal}: stopping`);
  await server.close();
  return 0;
}
