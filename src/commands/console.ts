import { join } from 'node:path';
import { destinationUrl, parseDestination } from '../console/destination.js';
import { federationOverride, getSigninToken, signinEndpoint } from '../console/federation.js';
import { removeLaunchPage, removeStalePages, writeLaunchPage } from '../console/launch-page.js';
import { loginUrl } from '../console/login-url.js';
import { CONSOLE_HOSTS, consolePartition } from '../console/partitions.js';
import { cacheDirectory } from '../environment/env.js';
import { withSpinner } from '../output/spinner.js';
import { ConfigError } from '../errors/errors.js';
import { launchBrowser } from '../sso/browser.js';
import { requestTimeoutMs } from '../sso/endpoints.js';
import type { CommandContext, CredentialOptions } from './context.js';
import { obtainSession } from './obtain-session.js';

export interface ConsoleOptions extends CredentialOptions {
  quiet?: boolean;
  /** --destination: a console service name (`s3`) or a full https URL. */
  destination?: string;
  /** --print: the sign-in URL to stdout. */
  print?: boolean;
  /** --open: open it in the browser (the default without --print). */
  open?: boolean;
}

/**
 * `awsrole console <profile>`: the profile's role session → a sign-in token from the federation
 * endpoint → a console sign-in URL. The URL signs in whoever has it (for 15 minutes), so it goes
 * only to stdout under --print, or to the browser through a private page (see launch-page.ts);
 * never to stderr, a message or a process argument.
 */
export async function consoleCommand(profile: string, options: ConsoleOptions, context: CommandContext): Promise<void> {
  const { env } = context;
  // Everything that can be checked without the network, first.
  const destination = parseDestination(options.destination);
  federationOverride(env);
  const timeoutMs = requestTimeoutMs(env);
  const pageDir = join(cacheDirectory(env), 'console');
  const stale = removeStalePages(pageDir, Date.now());
  if (stale > 0) context.debug(`removed ${stale} console sign-in page(s) older than a minute from ${pageDir}`);

  const session = await obtainSession(profile, options, context);
  const { accessKeyId, secretAccessKey, sessionToken } = session.credentials;
  if (!sessionToken) {
    throw new ConfigError(
      `profile "${profile}" gives long-term access keys (no session token); the console needs a role or IAM Identity Center (SSO) session`,
      `use a role profile (role_arn, with source_profile = ${profile}) or an IAM Identity Center profile`,
    );
  }

  const { partition, reason } = consolePartition(session.roleArn, session.region);
  const hosts = CONSOLE_HOSTS[partition];
  const signin = signinEndpoint(env, hosts, partition);
  const target = destinationUrl(destination, hosts.console, session.region);
  context.debug(`profile ${profile}: console of partition ${partition} (${reason}), landing on ${target}`);
  context.debug(`profile ${profile}: getSigninToken via ${signin.url} (${signin.source})`);
  const request = () =>
    getSigninToken({
      signinBase: signin.url,
      credentials: { accessKeyId, secretAccessKey, sessionToken },
      timeoutMs,
      where: `profile "${profile}", ${signin.url}`,
    });
  const token = options.quiet ? await request() : await withSpinner(context.stderr, 'getting a console sign-in token', request, { env });
  const url = loginUrl(signin.url, target, token);

  if (options.print) context.stdout.write(`${url}\n`);
  if (options.open || !options.print) await openConsole(url, profile, pageDir, Boolean(options.print), context);
}

/**
 * How long to wait for the browser command to say whether it worked. Openers (xdg-open, open)
 * and browsers that pass the URL to a running window answer within this; a browser that starts
 * afresh and keeps running is taken as opened when it is over.
 */
const BROWSER_WAIT_MS = 3000;

async function openConsole(url: string, profile: string, pageDir: string, printed: boolean, context: CommandContext): Promise<void> {
  const page = writeLaunchPage(pageDir, url, profile);
  context.debug(`sign-in page written to ${page.path} (mode 0600; a later run removes it after a minute)`);
  const outcome = await launchBrowser(page.fileUrl, context.env, BROWSER_WAIT_MS);
  if (outcome.kind === 'failed') {
    // The page holds a live sign-in token that nothing is going to read now.
    removeLaunchPage(page);
    if (printed) {
      context.warn(outcome.why);
      return;
    }
    // Exit 3: what must change is the browser setup ($BROWSER, xdg-open), not awsrole or AWS.
    throw new ConfigError(
      `${outcome.why} for the AWS console of profile "${profile}"`,
      `check $BROWSER, or print the sign-in URL instead: awsrole console ${profile} --print (it signs in whoever has it, for 15 minutes)`,
    );
  }
  if (outcome.kind === 'still-running') context.debug(`the browser command is still running after ${BROWSER_WAIT_MS} ms: taken as opened`);
  context.info(`opened the AWS console for ${profile} in your browser`);
}
