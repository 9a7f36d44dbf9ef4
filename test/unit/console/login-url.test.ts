import { describe, expect, it } from 'vitest';
import { loginUrl, signinTokenUrl } from '../../../src/console/login-url.js';

const CREDENTIALS = {
  accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
  secretAccessKey: 'se/cret+key=with&odd?chars',
  sessionToken: 'FwoGZXIvYXdzE+/token==&x=1',
};

describe(signinTokenUrl.name, () => {
  it('sends the session as URL-encoded JSON, and no SessionDuration', () => {
    const url = new URL(signinTokenUrl('https://signin.aws.amazon.com', CREDENTIALS));
    expect(url.origin + url.pathname).toBe('https://signin.aws.amazon.com/federation');
    expect([...url.searchParams.keys()]).toEqual(['Action', 'Session']);
    expect(url.searchParams.get('Action')).toBe('getSigninToken');
    expect(JSON.parse(url.searchParams.get('Session')!)).toEqual({
      sessionId: CREDENTIALS.accessKeyId,
      sessionKey: CREDENTIALS.secretAccessKey,
      sessionToken: CREDENTIALS.sessionToken,
    });
  });

  it('leaves nothing of the JSON unencoded', () => {
    const query = signinTokenUrl('https://signin.aws.amazon.com', CREDENTIALS).split('Session=')[1]!;
    expect(query).toMatch(/^[A-Za-z0-9%\-_.!~*'()]+$/);
    expect(decodeURIComponent(query)).toBe(JSON.stringify({ sessionId: CREDENTIALS.accessKeyId, sessionKey: CREDENTIALS.secretAccessKey, sessionToken: CREDENTIALS.sessionToken }));
  });
});

describe(loginUrl.name, () => {
  it('carries the issuer, the destination and the token, each encoded', () => {
    const destination = 'https://console.aws.amazon.com/s3/home?region=eu-west-1&x=1#/buckets';
    const token = 'tok+en/with=&odd?chars';
    const text = loginUrl('https://signin.aws.amazon.com', destination, token);
    expect(text).toBe(
      'https://signin.aws.amazon.com/federation?Action=login&Issuer=awsrole' +
        '&Destination=https%3A%2F%2Fconsole.aws.amazon.com%2Fs3%2Fhome%3Fregion%3Deu-west-1%26x%3D1%23%2Fbuckets' +
        '&SigninToken=tok%2Ben%2Fwith%3D%26odd%3Fchars',
    );
    const url = new URL(text);
    expect(Object.fromEntries(url.searchParams)).toEqual({ Action: 'login', Issuer: 'awsrole', Destination: destination, SigninToken: token });
  });

  it('works on another sign-in base (a partition, or AWSROLE_FEDERATION_ENDPOINT)', () => {
    expect(loginUrl('http://127.0.0.1:8080', 'https://console.amazonaws.cn/console/home', 't')).toBe(
      'http://127.0.0.1:8080/federation?Action=login&Issuer=awsrole&Destination=https%3A%2F%2Fconsole.amazonaws.cn%2Fconsole%2Fhome&SigninToken=t',
    );
  });
});
