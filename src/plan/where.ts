import type { Origin, Setting } from '../config/types.js';
import type { Planned, ValueSource } from './types.js';

export function formatOrigin(origin: Origin): string {
  return `${origin.file}:${origin.line}`;
}

export function describeSource(source: ValueSource): string {
  switch (source.kind) {
    case 'file':
      return formatOrigin(source.origin);
    case 'flag':
      return source.flag;
    case 'env':
      return `$${source.variable}`;
    case 'default':
      return source.reason;
  }
}

export function fromSetting(setting: Setting): Planned<string> {
  return { value: setting.value, source: { kind: 'file', origin: setting.origin } };
}

/**
 * Where a credential_source step comes from, for messages: the `credential_source = NAME` line,
 * or (the default chain's fall-through, a profile without credentials) the reason.
 */
export function describeCredentialSource(profile: string, name: string, source: ValueSource): string {
  if (source.kind === 'default') return source.reason;
  return `profile "${profile}", credential_source = ${name} at ${describeSource(source)}`;
}
