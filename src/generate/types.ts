/** One role in one account that a generated profile reaches. */
export interface Assignment {
  accountId: string;
  /** The account's name as the organization or the SSO portal lists it (may be empty). */
  accountName: string;
  roleName: string;
}

/** A profile for the block: its name and its settings in the order they are written. */
export interface GeneratedProfile {
  name: string;
  settings: Array<[key: string, value: string]>;
  /** What it was made from; absent for a profile kept from the previous block. */
  assignment?: Assignment;
}
