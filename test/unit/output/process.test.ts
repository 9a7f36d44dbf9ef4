/**
 * The `process` format read back as JSON and by botocore's real credential_process provider
 * (`credential_process = cat FILE`), with HOME and both AWS files pointed at temporary files.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../src/run/credentials.js';
import { formatSession } from '../../../src/output/formats.js';
import { isolatedAwsEnv, pythonHas, run, staticSession, tempDir } from './helpers.js';

const dir = tempDir('process');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An hour from now, to the second: botocore refuses an expiry in the past. */
const inAnHour = new Date(Math.floor(Date.now() / 1000) * 1000 + 3600_000);

const tricky: Session = {
  profile: 'proc',
  region: 'eu-west-1',
  credentials: {
    accessKeyId: 'ASIAPROCESS',
    secretAccessKey: 'se"cr\\et/é🙂\nline2',
    sessionToken: 'tok+/=',
    expiration: inAnHour,
  },
};

describe('process format', () => {
  it('is one line of JSON with exactly the credential_process fields', () => {
    const text = formatSession('process', tricky);
    expect(text.split('\n')).toEqual([expect.any(String), '']);
    expect(JSON.parse(text)).toEqual({
      Version: 1,
      AccessKeyId: 'ASIAPROCESS',
      SecretAccessKey: 'se"cr\\et/é🙂\nline2',
      SessionToken: 'tok+/=',
      Expiration: inAnHour.toISOString().replace('.000Z', 'Z'),
    });
  });
});

/** What botocore's provider makes of the format's output for `session`. */
function botocoreReads(session: Session, name: string) {
  const output = join(dir, `${name}.json`);
  writeFileSync(output, formatSession('process', session));
  const config = join(dir, `${name}.config`);
  writeFileSync(config, `[profile ${name}]\ncredential_process = cat ${output}\n`);
  const script = [
    'import json, sys, boto3',
    'c = boto3.Session(profile_name=sys.argv[1]).get_credentials()',
    'f = c.get_frozen_credentials()',
    'e = getattr(c, "_expiry_time", None)',
    'print(json.dumps({"method": c.method, "access_key": f.access_key, "secret_key": f.secret_key,',
    '  "token": f.token, "expiry": e.isoformat() if e else None}))',
  ].join('\n');
  const env = isolatedAwsEnv(dir, { config, credentials: join(dir, 'no-credentials') });
  const result = run('python3', ['-c', script, name], { ...env, PYTHONIOENCODING: 'utf-8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as Record<string, string | null>;
}

describe.runIf(pythonHas('boto3'))("botocore's credential_process provider", () => {
  it('accepts temporary credentials with an expiry, and reads every field exactly', () => {
    expect(botocoreReads(tricky, 'temporary')).toEqual({
      method: 'custom-process',
      access_key: 'ASIAPROCESS',
      secret_key: 'se"cr\\et/é🙂\nline2',
      token: 'tok+/=',
      expiry: inAnHour.toISOString().replace('.000Z', '+00:00'),
    });
  });

  it('accepts static keys without token or expiry', () => {
    expect(botocoreReads(staticSession, 'static')).toEqual({
      method: 'custom-process',
      access_key: 'AKIAEXAMPLEKEY654321',
      secret_key: 'static/Secret+Key=',
      token: null,
      expiry: null,
    });
  });
});
