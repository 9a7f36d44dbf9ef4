import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../errors/errors.js';
import { lookUpProfile, resolvePlan } from '../plan/resolve.js';
import type { DeviceAuthorization } from '../sso/api.js';
import { createOidcClient } from '../sso/api.js';
import { openBrowser } from '../sso/browser.js';
import { deviceLogin } from '../sso/device-login.js';
import { oidcEndpoint, requestTimeoutMs } from '../sso/endpoints.js';
import { configuresSso, describeLogin, readSsoSettings, settingsFromStep, type SsoSettings } from '../sso/settings.js';
import { formatSsoTimestamp } from '../sso/time.js';
import type { CommandContext } from './context.js';

export interface LoginOptions {
  /** --open: open the verification URL in a browser. */
  open?: boolean;
  /** --no-browser (the AWS CLI's flag): only print the URL, which is also the default. */
  noBrowser?: boolean;
}

/**
 * `awsrole login <profile>`: the IAM Identity Center device login for the profile's sso-session
 * (or legacy start URL), or for the SSO profile a role profile's chain starts from. The URL and
 * code go to stderr; the token goes to ~/.aws/sso/cache, where the AWS CLI and the SDKs find it.
 */
export async function loginCommand(profile: string, options: LoginOptions, context: CommandContext): Promise<void> {
  if (options.open && options.noBrowser) throw new UsageError('--open and --no-browser contradict each other');
  const settings = loginSettings(profile, context);
  const { env } = context;
  const oidc = oidcEndpoint(env, settings.region);
  context.debug(`profile ${profile}: logging in to ${settings.startUrl} (${describeLogin(settings)}, profile ${settings.profile}) via ${oidc.url} (${oidc.source})`);

  const result = await deviceLogin(settings, {
    env,
    now: () => new Date(),
    sleep: (ms) => sleep(ms),
    oidc: createOidcClient(oidc.url, requestTimeoutMs(env)),
    show: (authorization) => {
      // Not through `info`: without these lines there is no login, --quiet or not.
      context.stderr.write(instructions(settings, authorization));
      if (options.open) openBrowser(authorization.verificationUriComplete, env, (why) => context.warn(`${why}; open the URL above yourself`));
    },
    debug: context.debug,
  });
  context.debug(`token written to ${result.path}`);
  const left = Math.round((result.token.expiresAt.getTime() - Date.now()) / 60_000);
  context.info(`logged in to ${settings.startUrl} (${describeLogin(settings)}), valid until ${formatSsoTimestamp(result.token.expiresAt)} (${formatMinutes(left)})`);
}

/**
 * The profile's own SSO settings when it has them; else the SSO source its chain starts from
 * (`awsrole login prod-admin` for a role whose source_profile is an SSO profile).
 */
function loginSettings(name: string, context: CommandContext): SsoSettings {
  const config = loadConfig(context.env);
  const profile = lookUpProfile(config, name);
  if (configuresSso(profile)) return readSsoSettings(profile, config);
  const plan = resolvePlan({ config, env: context.env, localUser: () => userInfo().username }, name);
  const first = plan.steps[0];
  if (first.kind === 'sso') return settingsFromStep(first);
  throw new UsageError(
    `profile "${name}" does not use IAM Identity Center (its credentials come from ${first.kind === 'assume-role' ? 'a role' : first.kind} of profile "${first.profile}")`,
    'login is for profiles with sso_session = NAME (or sso_start_url and sso_region), or roles whose source profile has them',
  );
}

function instructions(settings: SsoSettings, authorization: DeviceAuthorization): string {
  return [
    `awsrole: to sign in to IAM Identity Center (${settings.startUrl}), open this URL in a browser:`,
    '',
    `    ${authorization.verificationUriComplete}`,
    '',
    `  and check that it shows the code: ${authorization.userCode}`,
    `  (or open ${authorization.verificationUri} and enter the code there)`,
    'awsrole: waiting for approval…',
    '',
  ].join('\n');
}

function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${Math.max(0, minutes)} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? `${hours} h ${rest} min` : `${hours} h`;
}
