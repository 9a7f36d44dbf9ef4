import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors/errors.js';
import { destinationUrl, parseDestination } from '../../../src/console/destination.js';

const AWS = 'https://console.aws.amazon.com';

describe(parseDestination.name, () => {
  it.each([
    [undefined, { kind: 'default' }],
    ['s3', { kind: 'service', service: 's3' }],
    ['ec2', { kind: 'service', service: 'ec2' }],
    ['cloudwatch', { kind: 'service', service: 'cloudwatch' }],
    ['systems-manager', { kind: 'service', service: 'systems-manager' }],
    ['route53', { kind: 'service', service: 'route53' }],
    ['https://console.aws.amazon.com/billing/home#/bills', { kind: 'url', url: 'https://console.aws.amazon.com/billing/home#/bills' }],
    ['https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:', { kind: 'url', url: 'https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:' }],
    ['HTTPS://console.aws.amazon.com/', { kind: 'url', url: 'HTTPS://console.aws.amazon.com/' }],
  ] as const)('%s → %j', (raw, spec) => {
    expect(parseDestination(raw)).toEqual(spec);
  });

  it.each([
    'http://console.aws.amazon.com/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'S3',
    's3/buckets',
    'ec2 ',
    '',
    '../s3',
    'https://',
    'https:///path',
    'https:/\\console.aws.amazon.com/',
    'https://console.aws.amazon.com/\nx',
    'https://console.aws.amazon.com/a b',
    '//console.aws.amazon.com/',
  ])('refuses %j (exit 2)', (raw) => {
    expect(() => parseDestination(raw)).toThrow(UsageError);
    expect(() => parseDestination(raw)).toThrow('--destination must be an https URL or a console service name');
  });
});

describe(destinationUrl.name, () => {
  it.each([
    [{ kind: 'default' }, 'eu-west-1', `${AWS}/console/home?region=eu-west-1`],
    [{ kind: 'default' }, undefined, `${AWS}/console/home`],
    [{ kind: 'service', service: 's3' }, 'us-east-1', `${AWS}/s3/home?region=us-east-1`],
    [{ kind: 'service', service: 'ec2' }, undefined, `${AWS}/ec2/home`],
    [{ kind: 'url', url: 'https://example.aws.amazon.com/x?y=1' }, 'eu-west-1', 'https://example.aws.amazon.com/x?y=1'],
  ] as const)('%j in %s → %s', (spec, region, url) => {
    expect(destinationUrl(spec, AWS, region)).toBe(url);
  });

  it('builds on the console host of the partition', () => {
    expect(destinationUrl({ kind: 'service', service: 's3' }, 'https://console.amazonaws.cn', 'cn-north-1')).toBe('https://console.amazonaws.cn/s3/home?region=cn-north-1');
  });
});
