import type { UserRegion } from '../environment/user-region.js';

/** Credentials as every source and STS call produce them. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Absent for long-term static keys. */
  sessionToken?: string;
  /** Absent when the credentials do not expire (static keys). */
  expiration?: Date;
}

/** What the output formatters and `exec` receive: the credentials and what they belong to. */
export interface Session {
  profile: string;
  credentials: Credentials;
  /** The region to hand on (AWS_REGION / AWS_DEFAULT_REGION), when one is known. */
  region?: string;
  /**
   * The user's own region variables, from before awsrole changed anything (src/environment/user-region.ts):
   * remembered by the env formats, and set back as they were when `region` is the user's own.
   */
  userRegion?: UserRegion;
  /** The role of the last hop, when the profile assumes one. */
  roleArn?: string;
}
