import type { Env } from '../environment/env.js';
import type { SsoSettings } from './settings.js';

/** Which sign-in `awsrole login` runs, and why (for --debug, and to tell the person). */
export type LoginFlow = { flow: 'authorization-code' } | { flow: 'device-code'; why: string };

/**
 * The authorization-code flow with PKCE needs a browser on this machine that can reach its
 * loopback listener; otherwise the device code, which works from any device:
 * - `--use-device-code` (the AWS CLI's flag);
 * - the legacy form (sso_start_url in the profile): the AWS CLI uses the new flow only for an
 *   sso-session (do_sso_login: `if session_name and not use_device_code`), so does awsrole;
 * - `$SSH_CONNECTION`: over SSH the browser is on the other end, where 127.0.0.1 is not here;
 * - no display: not macOS or Windows, no `$DISPLAY` or `$WAYLAND_DISPLAY`, and no `$BROWSER`
 *   (which may name a text browser or a script, so it counts as a way to open one).
 * A browser that then fails to start also ends in the device code (commands/login.ts).
 */
export function chooseLoginFlow(settings: SsoSettings, useDeviceCode: boolean, env: Env, platform: NodeJS.Platform): LoginFlow {
  if (useDeviceCode) return { flow: 'device-code', why: '--use-device-code' };
  if (settings.sessionName === undefined) return { flow: 'device-code', why: 'the profile has sso_start_url itself rather than an sso-session (as the AWS CLI does)' };
  if (env.SSH_CONNECTION) return { flow: 'device-code', why: 'this is an SSH session ($SSH_CONNECTION): a browser at the other end cannot reach this machine' };
  const display = platform === 'darwin' || platform === 'win32' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY || env.BROWSER?.trim());
  if (!display) return { flow: 'device-code', why: 'no browser can be opened here (no $DISPLAY, $WAYLAND_DISPLAY or $BROWSER)' };
  return { flow: 'authorization-code' };
}
