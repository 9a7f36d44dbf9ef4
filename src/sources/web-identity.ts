import { readFile } from 'node:fs/promises';
import { stsError } from '../run/assume-hop.js';
import { AwsRefusedError, ConfigError } from '../errors/errors.js';
import type { WebIdentityStep } from '../plan/types.js';
import { describeSource } from '../plan/where.js';
import { StsRefusal, type WebIdentityRequest } from '../sts/types.js';
import type { SourceContext, SourceResult } from './types.js';

/**
 * `web_identity_token_file` + `role_arn` (or AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN):
 * AssumeRoleWithWebIdentity, unsigned, with the OIDC token the file holds.
 *
 * The file is read on every call, never remembered: CI systems and Kubernetes rotate it. The
 * path is used as written (botocore neither expands `~` nor resolves it), and the token is the
 * file's text without surrounding whitespace (a JWT has none; an `echo "$TOKEN" > file` adds a
 * newline that STS would refuse). The token is a secret: it appears in no message.
 *
 * The identity is `web-identity:<role ARN>`: the same on every CI run, so the hops after this
 * one can be cached even though every run brings a new token.
 */
export async function webIdentityCredentials(step: WebIdentityStep, context: SourceContext): Promise<SourceResult> {
  const roleArn = step.roleArn.value;
  const token = await readToken(step);
  const request: WebIdentityRequest = { roleArn, sessionName: step.sessionName.value, token };
  if (step.durationSeconds) request.durationSeconds = step.durationSeconds.value;
  context.debug(
    `profile ${step.profile}: AssumeRoleWithWebIdentity ${roleArn} with the token in ${step.tokenFile.value} (${describeSource(step.tokenFile.source)}), ` +
      `session ${step.sessionName.value}${request.durationSeconds ? `, ${request.durationSeconds} s` : ''} via ${step.sts.endpoint.value} (${step.sts.region.value})`,
  );

  try {
    const assumed = await context.sts().assumeRoleWithWebIdentity(step.sts, request);
    return { credentials: assumed.credentials, identity: `web-identity:${roleArn}`, caller: assumed.assumedRoleArn };
  } catch (error) {
    const mapped = stsError(error, 'AssumeRoleWithWebIdentity', step.sts, `profile "${step.profile}", role ${roleArn}`);
    // stsError's hints speak of AssumeRole with keys (external id, MFA, the caller's keys);
    // a refused token needs different advice.
    if (error instanceof StsRefusal && mapped instanceof AwsRefusedError) {
      const hint = hintFor(error.code, step);
      if (hint) throw new AwsRefusedError(mapped.message, hint);
    }
    throw mapped;
  }
}

async function readToken(step: WebIdentityStep): Promise<string> {
  const path = step.tokenFile.value;
  const where = `profile "${step.profile}", ${describeSource(step.tokenFile.source)}`;
  if (path === '') throw new ConfigError(`the web identity token file is set but empty (${where})`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `the web identity token file ${path} ${readFailure(code)} (${where})`,
      'CI systems write it shortly before the job runs: check the path and that the job asks for an OIDC token',
    );
  }
  const token = text.trim();
  if (token === '') throw new ConfigError(`the web identity token file ${path} is empty (${where})`);
  return token;
}

function readFailure(code: string | undefined): string {
  switch (code) {
    case 'ENOENT':
      return 'does not exist';
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read (permission denied)';
    case 'EISDIR':
      return 'is a directory';
    default:
      return `cannot be read (${code ?? 'unknown error'})`;
  }
}

function hintFor(code: string, step: WebIdentityStep): string | undefined {
  switch (code) {
    case 'AccessDenied':
      return "check the role's trust policy: it must allow sts:AssumeRoleWithWebIdentity for the token's issuer, audience and subject";
    case 'InvalidIdentityToken':
    case 'IDPRejectedClaim':
      return `the token in ${step.tokenFile.value} was not accepted: check the OIDC provider in IAM (issuer, audience, thumbprint) and the role's conditions on its claims`;
    case 'ExpiredTokenException':
    case 'ExpiredToken':
      return `the token in ${step.tokenFile.value} has expired: CI tokens last minutes; request a fresh one`;
    case 'IDPCommunicationError':
      return "STS could not reach the token issuer to check the token: try again";
    default:
      return undefined;
  }
}
