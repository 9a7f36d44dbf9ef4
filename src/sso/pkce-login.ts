import { AwsRefusedError } from '../errors/errors.js';
import { forPeople } from '../output/for-people.js';
import type { BrowserOutcome } from './browser.js';
import { listenForCallback, type AuthorizationCallback } from './callback-listener.js';
import { loginCommandLine } from './errors.js';
import { cachedRegistration, loginError, register, saveLogin, type LoginEffects, type LoginResult } from './login-steps.js';
import { AUTHORIZATION_CODE_GRANTS, REGISTERED_REDIRECT_URI, authorizeUrl, newState, pkcePair } from './pkce.js';
import { DEFAULT_SSO_SCOPES, describeLogin, type SsoSettings } from './settings.js';
import { ssoCacheDirectory, type RegistrationName } from './token-cache.js';

/** How long the listener waits for the browser: the AWS CLI's AuthCodeFetcher waits 10 minutes. */
export const CALLBACK_TIMEOUT_MS = 10 * 60_000;

export interface PkceLoginEffects extends LoginEffects {
  /** Shows the URL to the person (stderr, never stdout). */
  show: (url: string) => void;
  /** Opens the URL in a browser (browser.ts launchBrowser); absent with --no-browser. */
  open?: (url: string) => Promise<BrowserOutcome>;
  /** A refused request on the listener, or a browser that may not have opened. */
  warn: (message: string) => void;
  callbackTimeoutMs?: number;
}

/** The login, or why the browser could not be opened, so that the caller signs in with a device code instead. */
export type PkceOutcome = { kind: 'done'; result: LoginResult } | { kind: 'no-browser'; why: string };

/**
 * The authorization-code flow with PKCE, as `aws sso login` runs it for an sso-session since AWS
 * CLI 2.22 (SSOTokenFetcherAuth, AuthCodeFetcher): a client registered for the authorization_code
 * and refresh_token grants with the port-less loopback redirect URI and the start URL as issuer;
 * a listener on 127.0.0.1; the browser sent to OIDC's /authorize with the S256 challenge and a
 * fresh state; the code from the redirect redeemed with CreateToken (grant authorization_code,
 * the verifier, the same redirect URI). The token is written as the device flow writes it.
 */
export async function pkceLogin(settings: SsoSettings, effects: PkceLoginEffects): Promise<PkceOutcome> {
  const dir = ssoCacheDirectory(effects.env);
  const scopes = settings.scopes ?? DEFAULT_SSO_SCOPES;
  const registrationName: RegistrationName = { startUrl: settings.startUrl, region: settings.region, scopes, grantTypes: AUTHORIZATION_CODE_GRANTS };
  if (settings.sessionName !== undefined) registrationName.sessionName = settings.sessionName;
  const registration = cachedRegistration(dir, registrationName, effects)
    ?? await register(dir, registrationName, settings, effects, { grantTypes: AUTHORIZATION_CODE_GRANTS, redirectUris: [REGISTERED_REDIRECT_URI], issuerUrl: settings.startUrl });

  const { verifier, challenge } = pkcePair();
  const state = newState();
  const listener = await listenForCallback({
    state,
    timeoutMs: effects.callbackTimeoutMs ?? CALLBACK_TIMEOUT_MS,
    refused: (why) => effects.warn(`refused ${why}; still waiting for the sign-in`),
  });
  const url = authorizeUrl({ endpoint: effects.oidc.endpoint, clientId: registration.clientId, redirectUri: listener.redirectUri, state, challenge, scopes });
  effects.debug(`listening for the sign-in on ${listener.redirectUri}`);
  effects.show(url);

  let callback: AuthorizationCallback;
  if (effects.open) {
    // A browser that cannot be started (no xdg-open, a bad $BROWSER) ends this flow before any
    // callback: the caller falls back to the device code, which works from any device.
    const opened = effects.open(url).then((outcome) => ({ from: 'browser' as const, outcome }));
    const first = await Promise.race([listener.result.then((answer) => ({ from: 'listener' as const, answer })), opened]);
    if (first.from === 'browser' && first.outcome.kind === 'failed') {
      listener.close();
      return { kind: 'no-browser', why: first.outcome.why };
    }
    callback = first.from === 'listener' ? first.answer : await listener.result;
  } else {
    callback = await listener.result;
  }

  if (callback.kind === 'timeout') {
    throw new AwsRefusedError(
      `no sign-in arrived for ${describeLogin(settings)} within ${Math.round((effects.callbackTimeoutMs ?? CALLBACK_TIMEOUT_MS) / 60_000)} min`,
      `start again: ${loginCommandLine(settings.profile)}   (or, from another device: ${loginCommandLine(settings.profile)} --use-device-code)`,
    );
  }
  if (callback.kind === 'error') {
    const denied = callback.error === 'access_denied';
    throw new AwsRefusedError(
      `the sign-in for ${describeLogin(settings)} ${denied ? 'was denied' : 'failed'}: ${forPeople(callback.error)}${callback.description ? `: ${forPeople(callback.description, 200)}` : ''} (${effects.oidc.endpoint}/authorize)`,
      `to try again: ${loginCommandLine(settings.profile)}${denied ? '' : '   (or with --use-device-code)'}`,
    );
  }
  effects.debug('CreateToken with the authorization code and the PKCE verifier');
  let issued;
  try {
    issued = await effects.oidc.createToken({
      grantType: 'authorization_code',
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      code: callback.code,
      codeVerifier: verifier,
      redirectUri: listener.redirectUri,
    });
  } catch (error) {
    throw loginError(error, settings, effects);
  }
  return { kind: 'done', result: saveLogin(dir, settings, registration, issued, effects) };
}

