import { describe, expect, it } from 'vitest';
import { AwsroleError, ExitCode } from '../../../src/errors/errors.js';
import { FORMAT_NAMES, formatSession, parseFormatName, type FormatName } from '../../../src/output/formats.js';
import { noRegionSession, roleSession, staticSession } from './helpers.js';

// Expected outputs written by hand from DESIGN.md ("What use, exec and the env formats set").
const ROLE_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ROLE_TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDH+tok=';

const expected: Record<FormatName, { role: string; static: string }> = {
  env: {
    role: `unset AWS_PROFILE
unset AWS_DEFAULT_PROFILE
unset AWS_SECURITY_TOKEN
export AWS_ACCESS_KEY_ID='ASIAEXAMPLEKEY123456'
export AWS_SECRET_ACCESS_KEY='${ROLE_SECRET}'
export AWS_SESSION_TOKEN='${ROLE_TOKEN}'
export AWS_CREDENTIAL_EXPIRATION='2026-11-28T10:00:00Z'
export AWS_SESSION_EXPIRATION='2026-11-28T10:00:00Z'
export AWS_REGION='eu-west-1'
export AWS_DEFAULT_REGION='eu-west-1'
export AWSROLE_PROFILE='prod-admin'
`,
    static: `unset AWS_PROFILE
unset AWS_DEFAULT_PROFILE
unset AWS_SECURITY_TOKEN
unset AWS_SESSION_TOKEN
unset AWS_CREDENTIAL_EXPIRATION
unset AWS_SESSION_EXPIRATION
export AWS_ACCESS_KEY_ID='AKIAEXAMPLEKEY654321'
export AWS_SECRET_ACCESS_KEY='static/Secret+Key='
export AWSROLE_PROFILE='dev'
`,
  },
  'env-no-export': {
    role: `AWS_ACCESS_KEY_ID='ASIAEXAMPLEKEY123456'
AWS_SECRET_ACCESS_KEY='${ROLE_SECRET}'
AWS_SESSION_TOKEN='${ROLE_TOKEN}'
AWS_CREDENTIAL_EXPIRATION='2026-11-28T10:00:00Z'
AWS_SESSION_EXPIRATION='2026-11-28T10:00:00Z'
AWS_REGION='eu-west-1'
AWS_DEFAULT_REGION='eu-west-1'
AWSROLE_PROFILE='prod-admin'
`,
    static: `AWS_ACCESS_KEY_ID='AKIAEXAMPLEKEY654321'
AWS_SECRET_ACCESS_KEY='static/Secret+Key='
AWSROLE_PROFILE='dev'
`,
  },
  fish: {
    role: `if set -q -g AWS_PROFILE; set -e -g AWS_PROFILE; end
if set -q -g AWS_DEFAULT_PROFILE; set -e -g AWS_DEFAULT_PROFILE; end
if set -q -g AWS_SECURITY_TOKEN; set -e -g AWS_SECURITY_TOKEN; end
set -gx AWS_ACCESS_KEY_ID 'ASIAEXAMPLEKEY123456'
set -gx AWS_SECRET_ACCESS_KEY '${ROLE_SECRET}'
set -gx AWS_SESSION_TOKEN '${ROLE_TOKEN}'
set -gx AWS_CREDENTIAL_EXPIRATION '2026-11-28T10:00:00Z'
set -gx AWS_SESSION_EXPIRATION '2026-11-28T10:00:00Z'
set -gx AWS_REGION 'eu-west-1'
set -gx AWS_DEFAULT_REGION 'eu-west-1'
set -gx AWSROLE_PROFILE 'prod-admin'
`,
    static: `if set -q -g AWS_PROFILE; set -e -g AWS_PROFILE; end
if set -q -g AWS_DEFAULT_PROFILE; set -e -g AWS_DEFAULT_PROFILE; end
if set -q -g AWS_SECURITY_TOKEN; set -e -g AWS_SECURITY_TOKEN; end
if set -q -g AWS_SESSION_TOKEN; set -e -g AWS_SESSION_TOKEN; end
if set -q -g AWS_CREDENTIAL_EXPIRATION; set -e -g AWS_CREDENTIAL_EXPIRATION; end
if set -q -g AWS_SESSION_EXPIRATION; set -e -g AWS_SESSION_EXPIRATION; end
set -gx AWS_ACCESS_KEY_ID 'AKIAEXAMPLEKEY654321'
set -gx AWS_SECRET_ACCESS_KEY 'static/Secret+Key='
set -gx AWSROLE_PROFILE 'dev'
`,
  },
  powershell: {
    role: `Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue
Remove-Item Env:AWS_DEFAULT_PROFILE -ErrorAction SilentlyContinue
Remove-Item Env:AWS_SECURITY_TOKEN -ErrorAction SilentlyContinue
$Env:AWS_ACCESS_KEY_ID = 'ASIAEXAMPLEKEY123456'
$Env:AWS_SECRET_ACCESS_KEY = '${ROLE_SECRET}'
$Env:AWS_SESSION_TOKEN = '${ROLE_TOKEN}'
$Env:AWS_CREDENTIAL_EXPIRATION = '2026-11-28T10:00:00Z'
$Env:AWS_SESSION_EXPIRATION = '2026-11-28T10:00:00Z'
$Env:AWS_REGION = 'eu-west-1'
$Env:AWS_DEFAULT_REGION = 'eu-west-1'
$Env:AWSROLE_PROFILE = 'prod-admin'
`,
    static: `Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue
Remove-Item Env:AWS_DEFAULT_PROFILE -ErrorAction SilentlyContinue
Remove-Item Env:AWS_SECURITY_TOKEN -ErrorAction SilentlyContinue
Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue
Remove-Item Env:AWS_CREDENTIAL_EXPIRATION -ErrorAction SilentlyContinue
Remove-Item Env:AWS_SESSION_EXPIRATION -ErrorAction SilentlyContinue
$Env:AWS_ACCESS_KEY_ID = 'AKIAEXAMPLEKEY654321'
$Env:AWS_SECRET_ACCESS_KEY = 'static/Secret+Key='
$Env:AWSROLE_PROFILE = 'dev'
`,
  },
  'windows-cmd': {
    role: `set AWS_PROFILE=
set AWS_DEFAULT_PROFILE=
set AWS_SECURITY_TOKEN=
set "AWS_ACCESS_KEY_ID=ASIAEXAMPLEKEY123456"
set "AWS_SECRET_ACCESS_KEY=${ROLE_SECRET}"
set "AWS_SESSION_TOKEN=${ROLE_TOKEN}"
set "AWS_CREDENTIAL_EXPIRATION=2026-11-28T10:00:00Z"
set "AWS_SESSION_EXPIRATION=2026-11-28T10:00:00Z"
set "AWS_REGION=eu-west-1"
set "AWS_DEFAULT_REGION=eu-west-1"
set "AWSROLE_PROFILE=prod-admin"
`,
    static: `set AWS_PROFILE=
set AWS_DEFAULT_PROFILE=
set AWS_SECURITY_TOKEN=
set AWS_SESSION_TOKEN=
set AWS_CREDENTIAL_EXPIRATION=
set AWS_SESSION_EXPIRATION=
set "AWS_ACCESS_KEY_ID=AKIAEXAMPLEKEY654321"
set "AWS_SECRET_ACCESS_KEY=static/Secret+Key="
set "AWSROLE_PROFILE=dev"
`,
  },
  // Bare where nothing needs quoting (base64, timestamps, regions, plain names).
  dotenv: {
    role: `AWS_ACCESS_KEY_ID=ASIAEXAMPLEKEY123456
AWS_SECRET_ACCESS_KEY=${ROLE_SECRET}
AWS_SESSION_TOKEN=${ROLE_TOKEN}
AWS_CREDENTIAL_EXPIRATION=2026-11-28T10:00:00Z
AWS_SESSION_EXPIRATION=2026-11-28T10:00:00Z
AWS_REGION=eu-west-1
AWS_DEFAULT_REGION=eu-west-1
AWSROLE_PROFILE=prod-admin
`,
    static: `AWS_ACCESS_KEY_ID=AKIAEXAMPLEKEY654321
AWS_SECRET_ACCESS_KEY=static/Secret+Key=
AWSROLE_PROFILE=dev
`,
  },
  docker: {
    role: `AWS_ACCESS_KEY_ID=ASIAEXAMPLEKEY123456
AWS_SECRET_ACCESS_KEY=${ROLE_SECRET}
AWS_SESSION_TOKEN=${ROLE_TOKEN}
AWS_CREDENTIAL_EXPIRATION=2026-11-28T10:00:00Z
AWS_SESSION_EXPIRATION=2026-11-28T10:00:00Z
AWS_REGION=eu-west-1
AWS_DEFAULT_REGION=eu-west-1
AWSROLE_PROFILE=prod-admin
`,
    static: `AWS_ACCESS_KEY_ID=AKIAEXAMPLEKEY654321
AWS_SECRET_ACCESS_KEY=static/Secret+Key=
AWSROLE_PROFILE=dev
`,
  },
  process: {
    role: `{"Version":1,"AccessKeyId":"ASIAEXAMPLEKEY123456","SecretAccessKey":"${ROLE_SECRET}","SessionToken":"${ROLE_TOKEN}","Expiration":"2026-11-28T10:00:00Z"}\n`,
    static: `{"Version":1,"AccessKeyId":"AKIAEXAMPLEKEY654321","SecretAccessKey":"static/Secret+Key="}\n`,
  },
  json: {
    role: `{
  "Profile": "prod-admin",
  "RoleArn": "arn:aws:iam::123456789012:role/admin",
  "Region": "eu-west-1",
  "AccessKeyId": "ASIAEXAMPLEKEY123456",
  "SecretAccessKey": "${ROLE_SECRET}",
  "SessionToken": "${ROLE_TOKEN}",
  "Expiration": "2026-11-28T10:00:00Z"
}
`,
    static: `{
  "Profile": "dev",
  "RoleArn": null,
  "Region": null,
  "AccessKeyId": "AKIAEXAMPLEKEY654321",
  "SecretAccessKey": "static/Secret+Key=",
  "SessionToken": null,
  "Expiration": null
}
`,
  },
  ini: {
    role: `[prod-admin]
aws_access_key_id = ASIAEXAMPLEKEY123456
aws_secret_access_key = ${ROLE_SECRET}
aws_session_token = ${ROLE_TOKEN}
`,
    static: `[dev]
aws_access_key_id = AKIAEXAMPLEKEY654321
aws_secret_access_key = static/Secret+Key=
`,
  },
};

describe(formatSession.name, () => {
  describe.each(Object.keys(expected) as FormatName[])('%s', (format) => {
    it('an assumed role (token, expiry, region)', () => {
      expect(formatSession(format, roleSession)).toBe(expected[format].role);
    });
    it('static keys (no token, expiry or region)', () => {
      expect(formatSession(format, staticSession)).toBe(expected[format].static);
    });
  });

  it('env without a region: no region line, no region cleared', () => {
    expect(formatSession('env', noRegionSession)).toBe(`unset AWS_PROFILE
unset AWS_DEFAULT_PROFILE
unset AWS_SECURITY_TOKEN
export AWS_ACCESS_KEY_ID='ASIAMFAKEY'
export AWS_SECRET_ACCESS_KEY='mfaSecret'
export AWS_SESSION_TOKEN='mfaToken'
export AWS_CREDENTIAL_EXPIRATION='2030-01-02T03:04:05Z'
export AWS_SESSION_EXPIRATION='2030-01-02T03:04:05Z'
export AWSROLE_PROFILE='mfa'
`);
  });

  it('json and process without a region or role', () => {
    expect(formatSession('process', noRegionSession)).toBe(
      '{"Version":1,"AccessKeyId":"ASIAMFAKEY","SecretAccessKey":"mfaSecret","SessionToken":"mfaToken","Expiration":"2030-01-02T03:04:05Z"}\n',
    );
    expect(JSON.parse(formatSession('json', noRegionSession))).toEqual({
      Profile: 'mfa',
      RoleArn: null,
      Region: null,
      AccessKeyId: 'ASIAMFAKEY',
      SecretAccessKey: 'mfaSecret',
      SessionToken: 'mfaToken',
      Expiration: '2030-01-02T03:04:05Z',
    });
  });

  it('every format ends in exactly one LF and has no CR', () => {
    for (const format of FORMAT_NAMES) {
      const text = formatSession(format, roleSession);
      expect(text.endsWith('\n') && !text.endsWith('\n\n'), format).toBe(true);
      expect(text, format).not.toContain('\r');
    }
  });

  it('json escapes what JSON must', () => {
    const session = { ...staticSession, profile: 'a"b\\c\nd' };
    expect(JSON.parse(formatSession('json', session)).Profile).toBe('a"b\\c\nd');
    expect(formatSession('json', session)).toContain('"Profile": "a\\"b\\\\c\\nd"');
  });

  it('a value a format cannot hold is an exit-1 error naming the variable, with a hint, without the value', () => {
    const secret = 'abc%PATH%def';
    const session = { ...staticSession, credentials: { ...staticSession.credentials, secretAccessKey: secret } };
    let caught: unknown;
    try {
      formatSession('windows-cmd', session);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AwsroleError);
    const error = caught as AwsroleError;
    expect(error.exitCode).toBe(ExitCode.unexpected);
    expect(error.message).toContain('AWS_SECRET_ACCESS_KEY');
    expect(error.message).not.toContain(secret);
    expect(error.hint).toMatch(/powershell/);
    // The same value is fine where it can be quoted.
    expect(formatSession('powershell', session)).toContain(`$Env:AWS_SECRET_ACCESS_KEY = '${secret}'\n`);
  });
});

describe(parseFormatName.name, () => {
  it.each([
    ['env', 'env'],
    ['env-no-export', 'env-no-export'],
    ['fish', 'fish'],
    ['powershell', 'powershell'],
    ['windows-cmd', 'windows-cmd'],
    ['dotenv', 'dotenv'],
    ['docker', 'docker'],
    ['process', 'process'],
    ['credential-process', 'process'],
    ['json', 'json'],
    ['ini', 'ini'],
    ['ENV', undefined],
    ['bash', undefined],
    ['', undefined],
    ['toString', undefined],
    ['__proto__', undefined],
  ])('%j → %j', (input, format) => {
    expect(parseFormatName(input)).toBe(format);
  });

  it('FORMAT_NAMES lists the ten formats', () => {
    expect(FORMAT_NAMES).toEqual(['env', 'env-no-export', 'fish', 'powershell', 'windows-cmd', 'dotenv', 'docker', 'process', 'json', 'ini']);
  });
});
