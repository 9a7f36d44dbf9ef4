import { formatTimestamp } from '../output/timestamp.js';
import { json, text, unavailable, type ProtocolHandler, type Served, type ServerRequest, type ServerResponse } from './protocol.js';
import { SessionTokens } from './secrets.js';

const TOKEN_PATH = '/latest/api/token';
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/';
const REGION_PATH = '/latest/meta-data/placement/region';
const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';
const TOKEN_HEADER = 'x-aws-ec2-metadata-token';
/** EC2's limit on a session token's life (botocore and the JS SDK both ask for 21600). */
const MAX_TOKEN_TTL_SECONDS = 21_600;

/**
 * The part of the EC2 instance metadata service (IMDSv2 only) that the SDKs use for credentials,
 * for containers on a bridge network, which cannot use the container protocol (the SDKs send its
 * token in clear text only to loopback and the ECS addresses):
 *
 * - `PUT /latest/api/token` with `X-aws-ec2-metadata-token-ttl-seconds: 1..21600` gives a token
 *   (400 without a valid TTL; 403 with `X-Forwarded-For`, as EC2 refuses tokens through proxies).
 * - Every GET needs `X-aws-ec2-metadata-token`: without one (IMDSv1) or with an expired one, 401.
 * - `GET /latest/meta-data/iam/security-credentials/` names the role; with the name appended,
 *   the credentials as EC2 serves them (`Code`, `LastUpdated`, `Type`, keys, `Expiration`).
 * - `GET /latest/meta-data/placement/region`: the region, when the profile has one.
 *
 * botocore parses this Expiration with "%Y-%m-%dT%H:%M:%SZ" (no fraction of a second), which
 * formatTimestamp writes.
 */
export function imdsHandler(served: Served, roleName: string): ProtocolHandler {
  const tokens = new SessionTokens();
  return {
    logPath: (path) => path,
    async handle(request: ServerRequest): Promise<ServerResponse> {
      const now = served.now();
      if (request.path === TOKEN_PATH) {
        if (request.method !== 'PUT') return text(405, 'Method Not Allowed\n', { Allow: 'PUT' });
        if (request.headers['x-forwarded-for'] !== undefined) return text(403, 'Forbidden\n');
        const ttlText = request.headers[TTL_HEADER];
        const ttl = typeof ttlText === 'string' && /^\d+$/.test(ttlText.trim()) ? Number(ttlText) : NaN;
        if (!(ttl >= 1 && ttl <= MAX_TOKEN_TTL_SECONDS)) return text(400, 'Bad Request\n');
        return text(200, tokens.issue(new Date(now.getTime() + ttl * 1000)), { [TTL_HEADER]: String(ttl) });
      }
      if (request.method !== 'GET') return text(405, 'Method Not Allowed\n', { Allow: 'GET' });
      const token = request.headers[TOKEN_HEADER];
      if (!tokens.valid(typeof token === 'string' ? token : undefined, now)) return text(401, 'Unauthorized\n');

      if (request.path === CREDENTIALS_PATH || request.path === CREDENTIALS_PATH.slice(0, -1)) return text(200, roleName);
      if (request.path === `${CREDENTIALS_PATH}${roleName}` || request.path === `${CREDENTIALS_PATH}${roleName}/`) {
        let credentials;
        try {
          credentials = await served.credentials();
        } catch (error) {
          return unavailable(error);
        }
        return json(200, {
          Code: 'Success',
          LastUpdated: formatTimestamp(now),
          Type: 'AWS-HMAC',
          AccessKeyId: credentials.accessKeyId,
          SecretAccessKey: credentials.secretAccessKey,
          Token: credentials.sessionToken ?? '',
          Expiration: formatTimestamp(credentials.expiration!),
        });
      }
      if (request.path === REGION_PATH && served.region) return text(200, served.region);
      return text(404, 'Not Found\n');
    },
  };
}
