import { maskAccessKeyIds } from '../output/mask.js';

/** An error as one line for a log or a response body: its message, access key ids masked. */
export function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return maskAccessKeyIds(message.replace(/\s+/g, ' ').trim());
}
