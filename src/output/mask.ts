/**
 * Access key ids are identifiers rather than secrets, but they are still shown only in part
 * (`AKIA…WXYZ`), as aws-vault's FormatKeyForDisplay does.
 */
export function maskAccessKeyId(id: string): string {
  return id.length <= 8 ? '****' : `${id.slice(0, 4)}…${id.slice(-4)}`;
}

const KEY_ID = /\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b/g;

export function maskAccessKeyIds(text: string): string {
  return text.replace(KEY_ID, (id) => maskAccessKeyId(id));
}
