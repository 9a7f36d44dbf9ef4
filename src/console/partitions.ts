import { ConfigError } from '../errors/errors.js';

/** The partitions with a console that federation can sign in to. */
export type Partition = 'aws' | 'aws-us-gov' | 'aws-cn';

export interface ConsoleHosts {
  /** The sign-in service: `/federation` (getSigninToken, login) lives here. */
  signin: string;
  /** The console itself: destinations are built on it. */
  console: string;
}

export const CONSOLE_HOSTS: Readonly<Record<Partition, ConsoleHosts>> = {
  aws: { signin: 'https://signin.aws.amazon.com', console: 'https://console.aws.amazon.com' },
  'aws-us-gov': { signin: 'https://signin.amazonaws-us-gov.com', console: 'https://console.amazonaws-us-gov.com' },
  'aws-cn': { signin: 'https://signin.amazonaws.cn', console: 'https://console.amazonaws.cn' },
};

export interface PartitionChoice {
  partition: Partition;
  /** For --debug: why this partition. */
  reason: string;
}

function isPartition(name: string): name is Partition {
  return Object.hasOwn(CONSOLE_HOSTS, name);
}

/**
 * The partition whose console to sign in to: the one in the role ARN of the last hop
 * (`arn:aws-cn:iam::…`), else the one the region belongs to (`cn-*`, `us-gov-*`), else `aws`.
 * A role in a partition without a known console (the isolated ones) is a configuration error
 * rather than a URL that cannot work.
 */
export function consolePartition(roleArn: string | undefined, region: string | undefined): PartitionChoice {
  if (roleArn) {
    const name = /^arn:([^:]+):/.exec(roleArn)?.[1];
    if (name !== undefined) {
      if (isPartition(name)) return { partition: name, reason: `from role ${roleArn}` };
      throw new ConfigError(
        `no console sign-in endpoint is known for partition "${name}" (role ${roleArn})`,
        `awsrole knows ${Object.keys(CONSOLE_HOSTS).join(', ')}; AWSROLE_FEDERATION_ENDPOINT sets the sign-in endpoint by hand`,
      );
    }
  }
  if (region?.startsWith('cn-')) return { partition: 'aws-cn', reason: `from region ${region}` };
  if (region?.startsWith('us-gov-')) return { partition: 'aws-us-gov', reason: `from region ${region}` };
  return { partition: 'aws', reason: region ? `from region ${region}` : 'the default, with no role ARN or region' };
}
