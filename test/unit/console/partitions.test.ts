import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors/errors.js';
import { CONSOLE_HOSTS, consolePartition } from '../../../src/console/partitions.js';

describe('CONSOLE_HOSTS', () => {
  it.each([
    ['aws', 'https://signin.aws.amazon.com', 'https://console.aws.amazon.com'],
    ['aws-us-gov', 'https://signin.amazonaws-us-gov.com', 'https://console.amazonaws-us-gov.com'],
    ['aws-cn', 'https://signin.amazonaws.cn', 'https://console.amazonaws.cn'],
  ] as const)('%s → %s and %s', (partition, signin, console) => {
    expect(CONSOLE_HOSTS[partition]).toEqual({ signin, console });
  });
});

describe(consolePartition.name, () => {
  it.each([
    // role ARN, region → partition
    ['arn:aws:iam::123456789012:role/Admin', undefined, 'aws'],
    ['arn:aws-us-gov:iam::123456789012:role/Admin', undefined, 'aws-us-gov'],
    ['arn:aws-cn:iam::123456789012:role/Admin', undefined, 'aws-cn'],
    // The ARN wins over the region.
    ['arn:aws:iam::123456789012:role/Admin', 'cn-north-1', 'aws'],
    ['arn:aws-cn:iam::123456789012:role/Admin', 'eu-west-1', 'aws-cn'],
    // No ARN (an SSO profile): the region decides.
    [undefined, 'cn-north-1', 'aws-cn'],
    [undefined, 'cn-northwest-1', 'aws-cn'],
    [undefined, 'us-gov-west-1', 'aws-us-gov'],
    [undefined, 'us-gov-east-1', 'aws-us-gov'],
    [undefined, 'eu-west-1', 'aws'],
    [undefined, 'us-east-1', 'aws'],
    [undefined, undefined, 'aws'],
    // Something that is not an ARN is no evidence either way.
    ['', 'cn-north-1', 'aws-cn'],
  ] as const)('%s in %s → %s', (roleArn, region, partition) => {
    expect(consolePartition(roleArn, region).partition).toBe(partition);
  });

  it('says why, for --debug', () => {
    expect(consolePartition('arn:aws-cn:iam::1:role/R', undefined).reason).toBe('from role arn:aws-cn:iam::1:role/R');
    expect(consolePartition(undefined, 'us-gov-west-1').reason).toBe('from region us-gov-west-1');
  });

  it('refuses a partition without a known console, rather than building a URL that cannot work', () => {
    expect(() => consolePartition('arn:aws-iso:iam::123456789012:role/Admin', 'us-iso-east-1')).toThrow(ConfigError);
    expect(() => consolePartition('arn:aws-iso:iam::123456789012:role/Admin', undefined)).toThrow('no console sign-in endpoint is known for partition "aws-iso"');
  });
});
