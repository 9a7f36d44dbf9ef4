import { userInfo } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../errors/errors.js';
import { lookUpProfile, resolvePlan } from '../plan/resolve.js';
import type { DeviceAuthorization } from '../sso/api.js';
import { createOidcClient } from '../sso/api.js';
import { REFRESH_WINDOW_MS } from '../sso/access-token.js';
import { launchBrowser, openBrowser } from '../sso/browser.js';
import { deviceLogin } from '../sso/device-login.js';
import { oidcEndpoint, requestTimeoutMs } from '../sso/endpoints.js';
import { loginCommandLine } from '../sso/errors.js';
import { chooseLoginFlow } from '../sso/login-flow.js';
import type { LoginResult } from '../sso/login-steps.js';
import { pkceLogin } from '../sso/pkce-login.js';
import { configuresSso, describeLogin, readSsoSettings, settingsFromStep, tokenName, type SsoSettings } from '../sso/settings.js';
import { formatSsoTimestamp } from '../sso/time.js';
import { readToken, ssoCacheDirectory, type TokenLookup, type TokenName } from '../sso/token-cache.js';
import { withTokenLock } from '../sso/token-lock.js';
import type { CommandContext } from './context.js';

export interface LoginOptions {
  /** --open: open the verification URL of the device code flow in a browser. */
  open?: boolean;
  /** --no-browser (the AWS CLI's flag): never start a browser, only print the URL. */
  noBrowser?: boolean;
  /** --use-device-code (the AWS CLI's flag): the device code flow even where a browser could be opened. */
  useDeviceCode?: boolean;
}

/** How long a browser opener may take to say it failed before the sign-in counts as under way. */
const BROWSER_WAIT_MS = 5_000;

/**
 * `awsrole login <profile>`: signs in to IAM Identity Center for the profile's sso-session (or
 * legacy start URL), or for the SSO profile a role profile's chain starts from — with the
 * authorization-code flow and PKCE when a browser here can be opened, else with a device code
 * (sso/login-flow.ts says when). The URL goes to stderr; the token to ~/.aws/sso/cache, where the
 * AWS CLI and the SDKs find it. Two logins for one sso-session at once make one sign-in: the
 * second waits for the first (a lock, sso/token-lock.ts) and then uses its token.
 */
export async function loginCommand(profile: string, options: LoginOptions, context: CommandContext): Promise<void> {
  if (options.open && options.noBrowser) throw new UsageError('--open and --no-browser contradict each other');
  const settings = loginSettings(profile, context);
  const { env } = context;
  const oidc = oidcEndpoint(env, settings.region);
  const choice = chooseLoginFlow(settings, Boolean(options.useDeviceCode), env, process.platform);
  context.debug(
    `profile ${profile}: logging in to ${settings.startUrl} (${describeLogin(settings)}, profile ${settings.profile}) via ${oidc.url} (${oidc.source}), ` +
      (choice.flow === 'device-code' ? `with a device code: ${choice.why}` : 'with the authorization-code flow (PKCE)'),
  );
  const effects = { env, now: () => new Date(), oidc: createOidcClient(oidc.url, requestTimeoutMs(env)), debug: context.debug };
  const device = (open: boolean) =>
    deviceLogin(settings, {
      ...effects,
      sleep: (ms) => sleep(ms),
      show: (authorization) => {
        // Not through `info`: without these lines there is no login, --quiet or not.
        context.stderr.write(deviceInstructions(settings, authorization));
        if (open) openBrowser(authorization.verificationUriComplete, env, (why) => context.warn(`${why}; open the URL above yourself`));
      },
    });
  const signIn = async (): Promise<LoginResult> => {
    if (choice.flow === 'device-code') return device(Boolean(options.open));
    const outcome = await pkceLogin(settings, {
      ...effects,
      show: (url) => context.stderr.write(browserInstructions(settings, url, !options.noBrowser)),
      ...(options.noBrowser ? {} : { open: (url: string) => launchBrowser(url, env, BROWSER_WAIT_MS) }),
      warn: context.warn,
    });
    if (outcome.kind === 'done') return outcome.result;
    // Not --open again: the browser that just failed would fail the same way.
    context.warn(`${outcome.why}; signing in with a device code instead`);
    return device(false);
  };

  const dir = ssoCacheDirectory(env);
  const name = tokenName(settings);
  const before = tokenNow(dir, name);
  let waited = false;
  const result = await withTokenLock(env, name, 'login', async () => {
    if (waited) {
      // The other login has finished: its token serves this one too, unless it failed.
      const now = tokenNow(dir, name);
      if (now.status === 'found' && (before.status !== 'found' || now.token.accessToken !== before.token.accessToken)
        && now.token.expiresAt.getTime() - Date.now() > REFRESH_WINDOW_MS) {
        context.debug(`another awsrole signed in meanwhile (${now.path})`);
        return { token: now.token, path: now.path };
      }
    }
    return signIn();
  }, {
    debug: context.debug,
    waiting: () => {
      waited = true;
      context.info(`another awsrole is signing in to ${describeLogin(settings)}; waiting for it`);
    },
  });
  context.debug(`token written to ${result.path}`);
  const left = Math.round((result.token.expiresAt.getTime() - Date.now()) / 60_000);
  context.info(`logged in to ${settings.startUrl} (${describeLogin(settings)}), valid until ${formatSsoTimestamp(result.token.expiresAt)} (${formatMinutes(left)})`);
}

/** The token file as it is; one that cannot be read counts as none (the login will replace it). */
function tokenNow(dir: string, name: TokenName): TokenLookup | { status: 'missing' } {
  try {
    return readToken(dir, name);
  } catch {
    return { status: 'missing' };
  }
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
  if (first.kind === 'login-session') {
    // An `aws login` session: only the AWS CLI can sign in to one (a console sign-in in a browser).
    throw new UsageError(
      `profile "${name}" signs in with aws login (login_session of profile "${first.profile}"), not IAM Identity Center`,
      `run: aws login --profile ${first.profile}`,
    );
  }
  throw new UsageError(
    `profile "${name}" does not use IAM Identity Center (its credentials come from ${first.kind === 'assume-role' ? 'a role' : first.kind} of profile "${first.profile}")`,
    'login is for profiles with sso_session = NAME (or sso_start_url and sso_region), or roles whose source profile has them',
  );
}

function browserInstructions(settings: SsoSettings, url: string, opening: boolean): string {
  return [
    `awsrole: to sign in to IAM Identity Center (${settings.startUrl}), ${opening ? 'a browser is opening this URL' : 'open this URL in a browser on this computer'}:`,
    '',
    `    ${url}`,
    '',
    `  (${opening ? 'if none opens, open it yourself; ' : ''}to sign in from another device: ${loginCommandLine(settings.profile)} --use-device-code)`,
    'awsrole: waiting for the sign-in…',
    '',
  ].join('\n');
}

function deviceInstructions(settings: SsoSettings, authorization: DeviceAuthorization): string {
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
