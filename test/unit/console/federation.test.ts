import { describe, expect, it } from 'vitest';
import { AwsRefusedError, AwsUnreachableError, UsageError } from '../../../src/errors/errors.js';
import { federationOverride, getSigninToken, signinEndpoint } from '../../../src/console/federation.js';
import { CONSOLE_HOSTS } from '../../../src/console/partitions.js';

const CREDENTIALS = { accessKeyId: 'ASIAEXAMPLEEXAMPLE01', secretAccessKey: 'the-secret-key', sessionToken: 'the-session-token' };

/** getSigninToken with a fake fetch; returns the error or the token, and the URL it asked for. */
async function call(answer: (url: string) => Promise<Response>): Promise<{ token?: string; error?: Error; url?: string }> {
  let asked: string | undefined;
  const fake = (async (input: string | URL | Request) => {
    asked = String(input);
    return answer(asked);
  }) as typeof fetch;
  try {
    const token = await getSigninToken({ signinBase: 'https://signin.aws.amazon.com', credentials: CREDENTIALS, timeoutMs: 2000, where: 'profile "p"', fetch: fake });
    return { token, url: asked };
  } catch (error) {
    return { error: error as Error, url: asked };
  }
}

function expectNoSecret(error: Error | undefined): void {
  for (const secret of ['the-secret-key', 'the-session-token', 'Session=', 'federation?']) {
    expect(error?.message).not.toContain(secret);
    expect(error?.stack ?? '').not.toContain(secret);
    expect((error as { hint?: string } | undefined)?.hint ?? '').not.toContain(secret);
  }
}

describe(getSigninToken.name, () => {
  it('returns the SigninToken of the answer', async () => {
    const { token, url } = await call(async () => new Response(JSON.stringify({ SigninToken: 'tok' }), { status: 200 }));
    expect(token).toBe('tok');
    expect(url).toMatch(/^https:\/\/signin\.aws\.amazon\.com\/federation\?Action=getSigninToken&Session=/);
  });

  it.each([403, 400])('HTTP %i: exit 4 with the status, not the URL', async (status) => {
    const { error } = await call(async () => new Response('<html>no</html>', { status }));
    expect(error).toBeInstanceOf(AwsRefusedError);
    expect(error?.message).toContain(`HTTP ${status}`);
    expectNoSecret(error);
  });

  it.each([
    [500, 'the AWS federation endpoint is failing: HTTP 500 (profile "p")'],
    [503, 'the AWS federation endpoint is failing: HTTP 503 (profile "p")'],
    [302, 'the AWS federation endpoint did not answer like one: HTTP 302, a redirect (profile "p")'],
  ])('HTTP %i: exit 5 (failing, or not the endpoint answering), with the status, not the URL', async (status, message) => {
    const { error } = await call(async () => new Response(status === 302 ? null : '<html>no</html>', { status }));
    expect(error).toBeInstanceOf(AwsUnreachableError);
    expect(error?.message).toBe(message);
    expectNoSecret(error);
  });

  it.each([
    ['not JSON', 'Sign in', 'something that is not JSON'],
    ['an HTML page', '<!DOCTYPE html><html></html>', 'an HTML page'],
    ['an empty body', '', 'an empty body'],
    ['no token', '{"Other": 1}', 'no SigninToken in its JSON'],
    ['an empty token', '{"SigninToken": ""}', 'no SigninToken in its JSON'],
  ])('%s: exit 5', async (_, body, what) => {
    const { error } = await call(async () => new Response(body, { status: 200 }));
    expect(error).toBeInstanceOf(AwsUnreachableError);
    expect(error?.message).toBe(`the AWS federation endpoint did not answer like one: HTTP 200 with ${what} (profile "p")`);
  });

  it('a network error: exit 5 with its code only — fetch quotes the URL in its own messages', async () => {
    const { error } = await call(async (url) => {
      throw Object.assign(new TypeError(`fetch failed for ${url}`), { cause: { code: 'ECONNRESET', message: `reset ${url}` } });
    });
    expect(error).toBeInstanceOf(AwsUnreachableError);
    expect(error?.message).toBe('cannot reach the AWS federation endpoint: the connection was reset (profile "p")');
    expectNoSecret(error);
  });

  it('a timeout: exit 5', async () => {
    const { error } = await call(async () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    });
    expect(error).toBeInstanceOf(AwsUnreachableError);
    expect(error?.message).toBe('cannot reach the AWS federation endpoint: no answer within 2 s (profile "p")');
  });
});

describe(signinEndpoint.name, () => {
  it('is the partition\'s sign-in host, or AWSROLE_FEDERATION_ENDPOINT without its trailing slash', () => {
    expect(signinEndpoint({}, CONSOLE_HOSTS['aws-cn'], 'aws-cn')).toEqual({ url: 'https://signin.amazonaws.cn', source: 'default for partition aws-cn' });
    expect(signinEndpoint({ AWSROLE_FEDERATION_ENDPOINT: 'http://127.0.0.1:8080/' }, CONSOLE_HOSTS.aws, 'aws')).toEqual({
      url: 'http://127.0.0.1:8080',
      source: '$AWSROLE_FEDERATION_ENDPOINT',
    });
  });

  it.each(['not a url', 'ftp://host', 'http://host/?x=1', 'http://host/#x'])('refuses AWSROLE_FEDERATION_ENDPOINT=%j (exit 2)', (value) => {
    expect(() => federationOverride({ AWSROLE_FEDERATION_ENDPOINT: value })).toThrow(UsageError);
  });
});
