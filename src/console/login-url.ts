// The two URLs of the federation endpoint (docs: "Enable custom identity broker access to the AWS
// console"). Both carry secrets — the first the credentials, the second a token that signs in
// whoever opens it for 15 minutes — so neither may reach a message, a log or a process argument.

import type { Credentials } from '../run/credentials.js';

/** Credentials that can sign in: a session, with its token. */
export type SessionCredentials = Credentials & { sessionToken: string };

/**
 * `getSigninToken` for a role session. No SessionDuration: the endpoint refuses it for chained
 * role sessions, and without it the console session lasts as long as the credentials.
 */
export function signinTokenUrl(signinBase: string, credentials: SessionCredentials): string {
  const session = JSON.stringify({
    sessionId: credentials.accessKeyId,
    sessionKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
  });
  return `${signinBase}/federation?Action=getSigninToken&Session=${encodeURIComponent(session)}`;
}

/** The sign-in URL: the browser that opens it lands on `destination`, signed in. */
export function loginUrl(signinBase: string, destination: string, signinToken: string): string {
  return (
    `${signinBase}/federation?Action=login&Issuer=awsrole` +
    `&Destination=${encodeURIComponent(destination)}&SigninToken=${encodeURIComponent(signinToken)}`
  );
}
