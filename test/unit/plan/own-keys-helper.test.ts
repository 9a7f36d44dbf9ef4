import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { keysHelperCommand, ownKeysHelperProfile } from '../../../src/plan/own-keys-helper.js';

describe(ownKeysHelperProfile.name, () => {
  it.each([
    ['awsrole credential-process --keys base', 'base'],
    ['/usr/local/bin/awsrole credential-process --keys base', 'base'],
    ['/opt/awsrole/bin/awsrole.js  credential-process   --keys  base ', 'base'],
    ["awsrole credential-process --keys 'my base'", 'my base'],
    ['awsrole credential-process base', undefined],
    ['awsrole credential-process --keys base --debug', undefined],
    ['awsrole-wrapper credential-process --keys base', undefined],
    ['aws-vault export --format=json base', undefined],
    ["awsrole credential-process --keys 'unclosed", undefined],
  ])('%s → %s', (command, expected) => {
    expect(ownKeysHelperProfile(command)).toBe(expected);
  });
});

describe(keysHelperCommand.name, () => {
  // botocore splits credential_process with shlex.split: the oracle for what the AWS CLI runs.
  it.each(['base', 'team.prod-1', 'my base', "it's", 'a"b', '$HOME'])('botocore splits the line for %j back into the name', (name) => {
    const line = keysHelperCommand(name);
    const argv = JSON.parse(execFileSync('python3', ['-c', 'import json, shlex, sys; print(json.dumps(shlex.split(sys.argv[1])))', line], { encoding: 'utf8' })) as string[];
    expect(argv).toEqual(['awsrole', 'credential-process', '--keys', name]);
    expect(ownKeysHelperProfile(line)).toBe(name);
  });
});
