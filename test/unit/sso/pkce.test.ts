import { describe, expect, it } from 'vitest';
import { listenForCallback } from '../../../src/sso/callback-listener.js';
import { chooseLoginFlow } from '../../../src/sso/login-flow.js';
import { authorizeUrl, newState, pkcePair, s256Challenge } from '../../../src/sso/pkce.js';
import type { SsoSettings } from '../../../src/sso/settings.js';

describe(s256Challenge.name, () => {
  it('is RFC 7636 Appendix B', () => {
    expect(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });
});

describe(pkcePair.name, () => {
  it('a verifier of 86 unreserved characters from 64 random bytes, and its challenge', () => {
    const { verifier, challenge } = pkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(challenge).toBe(s256Challenge(verifier));
    expect(pkcePair().verifier).not.toBe(verifier);
  });
});

describe(authorizeUrl.name, () => {
  it('has the query of the AWS CLI v2, in its order', () => {
    // The shape `aws sso login` 2.22+ prints: response_type, client_id, redirect_uri, state,
    // code_challenge_method, scopes, code_challenge.
    expect(authorizeUrl({
      endpoint: 'https://oidc.us-east-1.amazonaws.com',
      clientId: 'client-1',
      redirectUri: 'http://127.0.0.1:54408/oauth/callback',
      state: 'f4671304-4437-4eef-b640-fc0fe31b46d8',
      challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      scopes: ['sso:account:access'],
    })).toBe(
      'https://oidc.us-east-1.amazonaws.com/authorize?response_type=code&client_id=client-1&redirect_uri=http%3A%2F%2F127.0.0.1%3A54408%2Foauth%2Fcallback' +
        '&state=f4671304-4437-4eef-b640-fc0fe31b46d8&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('a fresh UUID as state each time', () => {
    expect(newState()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newState()).not.toBe(newState());
  });
});

describe(chooseLoginFlow.name, () => {
  const session: SsoSettings = { profile: 'dev', startUrl: 'https://x.awsapps.com/start', region: 'eu-west-1', sessionName: 'corp' };
  const legacy: SsoSettings = { profile: 'dev', startUrl: 'https://x.awsapps.com/start', region: 'eu-west-1' };
  const X11 = { DISPLAY: ':0' };
  it.each([
    ['sso-session, X display', session, false, X11, 'linux', 'authorization-code'],
    ['sso-session, Wayland', session, false, { WAYLAND_DISPLAY: 'wayland-0' }, 'linux', 'authorization-code'],
    ['sso-session, $BROWSER only', session, false, { BROWSER: 'w3m' }, 'linux', 'authorization-code'],
    ['sso-session on macOS without DISPLAY', session, false, {}, 'darwin', 'authorization-code'],
    ['sso-session on Windows', session, false, {}, 'win32', 'authorization-code'],
    ['--use-device-code', session, true, X11, 'linux', 'device-code'],
    ['the legacy form', legacy, false, X11, 'linux', 'device-code'],
    ['over SSH, even with a display', session, false, { ...X11, SSH_CONNECTION: '192.0.2.1 5000 192.0.2.2 22' }, 'linux', 'device-code'],
    ['over SSH on macOS', session, false, { SSH_CONNECTION: '192.0.2.1 5000 192.0.2.2 22' }, 'darwin', 'device-code'],
    ['Linux without a display or $BROWSER', session, false, {}, 'linux', 'device-code'],
    ['an empty $DISPLAY and a blank $BROWSER', session, false, { DISPLAY: '', BROWSER: ' ' }, 'linux', 'device-code'],
  ] as const)('%s → %s', (_, settings, useDeviceCode, env, platform, flow) => {
    expect(chooseLoginFlow(settings, useDeviceCode, env, platform).flow).toBe(flow);
  });
});

describe(listenForCallback.name, () => {
  it('refuses another state (400) and waits on; takes the code that carries its own', async () => {
    const refused: string[] = [];
    const listener = await listenForCallback({ state: 'mine', timeoutMs: 60_000, refused: (why) => refused.push(why) });
    expect(listener.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    expect((await fetch(`${listener.redirectUri}?code=stolen&state=theirs`)).status).toBe(400);
    expect((await fetch(`${listener.redirectUri}?code=stolen`)).status).toBe(400);
    expect((await fetch(listener.redirectUri.replace('/oauth/callback', '/other?code=c&state=mine'))).status).toBe(404);
    expect(refused).toEqual(["a sign-in callback whose state is not this login's", 'a sign-in callback without a state']);
    const answer = await fetch(`${listener.redirectUri}?code=genuine&state=mine`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('You can close this window');
    expect(await listener.result).toEqual({ kind: 'code', code: 'genuine' });
  });

  it("OAuth's error with the right state ends the wait with it", async () => {
    const listener = await listenForCallback({ state: 's', timeoutMs: 60_000, refused: () => {} });
    await fetch(`${listener.redirectUri}?error=access_denied&error_description=no&state=s`);
    expect(await listener.result).toEqual({ kind: 'error', error: 'access_denied', description: 'no' });
  });

  it('times out, and stops listening', async () => {
    const listener = await listenForCallback({ state: 's', timeoutMs: 50, refused: () => {} });
    expect(await listener.result).toEqual({ kind: 'timeout' });
    await expect(fetch(`${listener.redirectUri}?code=c&state=s`)).rejects.toThrow();
  });
});
