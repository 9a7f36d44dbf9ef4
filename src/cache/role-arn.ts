/**
 * Whether a session is what was asked for, judged from what STS says it is: the assumed-role ARN
 * in its AssumedRoleUser. A cache key is only a file name; a file copied under another role's key
 * (or written there by mistake) must not be served for that role.
 *
 * The two ARNs have different shapes: a role is `arn:<partition>:iam::<account>:role/<path/>name`,
 * its sessions are `arn:<partition>:sts::<account>:assumed-role/<name>/<session name>` — the
 * role's path is not in the assumed-role ARN, so the role is matched by partition, account and
 * name. IAM role names are unique ignoring case (the IAM user guide, "IAM identifiers"), and STS
 * accepts a role ARN in another case, so names are compared ignoring case.
 */
const ROLE = /^arn:([^:]+):iam::(\d{12}):role\/(?:[^:]*\/)?([^/:]+)$/;
const ASSUMED = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/:]+)\/([^/:]+)$/;

export function assumedRoleMatches(assumedRoleArn: string, roleArn: string, sessionName?: string): boolean {
  const role = ROLE.exec(roleArn);
  const assumed = ASSUMED.exec(assumedRoleArn);
  if (!role || !assumed) return false;
  const [, partition, account, name] = role;
  const [, assumedPartition, assumedAccount, assumedName, assumedSession] = assumed;
  if (partition !== assumedPartition || account !== assumedAccount) return false;
  if (name!.toLowerCase() !== assumedName!.toLowerCase()) return false;
  return sessionName === undefined || sessionName === assumedSession;
}
