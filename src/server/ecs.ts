import { formatTimestamp } from '../output/timestamp.js';
import { accountOf, json, unavailable, type ProtocolHandler, type Served, type ServerRequest, type ServerResponse } from './protocol.js';
import { secretsEqual } from './secrets.js';

/**
 * The container credentials protocol, as the SDKs read AWS_CONTAINER_CREDENTIALS_FULL_URI with
 * AWS_CONTAINER_AUTHORIZATION_TOKEN (botocore's ContainerProvider, the JS SDK's fromHttp, our
 * own src/sources/container.ts): `GET <path>` with `Authorization: <token>`, answered with
 * `{AccessKeyId, SecretAccessKey, Token, Expiration}` (plus RoleArn and AccountId when known, as
 * ECS and EKS Pod Identity send them). The path is random too, but only the token is checked as a
 * secret; a request without it, or with another, gets 401 whatever its path.
 */
export function ecsHandler(served: Served, secret: { path: string; token: string }): ProtocolHandler {
  return {
    logPath: (path) => (path === secret.path ? '/(credentials path)' : path),
    async handle(request: ServerRequest): Promise<ServerResponse> {
      const authorization = request.headers.authorization;
      if (!secretsEqual(typeof authorization === 'string' ? authorization : undefined, secret.token)) {
        return json(401, { code: 'Unauthorized', message: 'the Authorization header must be AWS_CONTAINER_AUTHORIZATION_TOKEN' });
      }
      if (request.method !== 'GET') {
        return { ...json(405, { code: 'MethodNotAllowed', message: 'only GET' }), headers: { 'Content-Type': 'application/json', Allow: 'GET' } };
      }
      if (request.path !== secret.path) return json(404, { code: 'NotFound', message: 'no such path' });
      let credentials;
      try {
        credentials = await served.credentials();
      } catch (error) {
        return unavailable(error);
      }
      const document: Record<string, string> = {
        AccessKeyId: credentials.accessKeyId,
        SecretAccessKey: credentials.secretAccessKey,
        Token: credentials.sessionToken ?? '',
        Expiration: formatTimestamp(credentials.expiration!),
      };
      if (served.roleArn) document.RoleArn = served.roleArn;
      const account = accountOf(served.roleArn);
      if (account) document.AccountId = account;
      return json(200, document);
    },
  };
}
