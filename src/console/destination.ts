import { UsageError } from '../errors/errors.js';

/** What `--destination` asked for, checked before anything else runs. */
export type DestinationSpec =
  | { kind: 'default' }
  | { kind: 'url'; url: string }
  | { kind: 'service'; service: string };

const SERVICE = /^[a-z0-9-]+$/;
const HINT = 'give a console service name such as s3 or ec2, or a full https:// URL';

/** `--destination`: absent → the console home; `https://…` → as is; `s3`, `ec2`, `cloudwatch` → that service. */
export function parseDestination(raw: string | undefined): DestinationSpec {
  if (raw === undefined) return { kind: 'default' };
  if (SERVICE.test(raw)) return { kind: 'service', service: raw };
  // A host right after the `//`, and no whitespace or control characters: URL parsing would
  // silently repair `https:///x` or drop a newline, and "as is" would not be what the user wrote.
  if (/^https:\/\/[^/\\?#]/i.test(raw) && !/[\s\u0000-\u001f\u007f]/.test(raw)) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(raw);
    } catch {
      parsed = undefined;
    }
    if (parsed?.protocol === 'https:' && parsed.hostname !== '') return { kind: 'url', url: raw };
  }
  throw new UsageError(`--destination must be an https URL or a console service name, not ${JSON.stringify(raw)}`, HINT);
}

/** The console URL to land on: `<console>/<service>/home?region=<region>`, the region left out when unknown. */
export function destinationUrl(spec: DestinationSpec, consoleHost: string, region: string | undefined): string {
  if (spec.kind === 'url') return spec.url;
  const path = spec.kind === 'service' ? `/${spec.service}/home` : '/console/home';
  return `${consoleHost}${path}${region ? `?region=${encodeURIComponent(region)}` : ''}`;
}
