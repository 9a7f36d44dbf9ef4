import { describe, expect, it } from 'vitest';
import { runPython } from '../../support/cli.js';
import { awsCliSsoCredentialsKey } from '../../../src/sso/sign-out.js';

describe(awsCliSsoCredentialsKey.name, () => {
  // botocore's own SSOCredentialFetcher._create_cache_key is the oracle.
  it.each([
    ['an sso-session', { accountId: '111122223333', roleName: 'Developer', startUrl: 'https://x.awsapps.com/start', sessionName: 'my-sso' }],
    ['the legacy form', { accountId: '111122223333', roleName: 'Developer', startUrl: 'https://x.awsapps.com/start' }],
    ['names beyond ASCII and quotes', { accountId: '000000000000', roleName: 'Admin+Ops', startUrl: 'https://é.example/start', sessionName: 'über "corp"' }],
  ])('is botocore\'s key: %s', async (_, args) => {
    const result = await runPython(`
from botocore.credentials import SSOCredentialFetcher
print(SSOCredentialFetcher(${JSON.stringify(args.startUrl)}, 'eu-west-1', ${JSON.stringify(args.roleName)}, ${JSON.stringify(args.accountId)}, client_creator=None, sso_session_name=${'sessionName' in args ? JSON.stringify(args.sessionName) : 'None'})._create_cache_key())
`, { PATH: process.env.PATH ?? '/usr/bin:/bin' });
    expect(result.stderr).toBe('');
    expect(awsCliSsoCredentialsKey(args)).toBe(result.stdout.trim());
  });
});
