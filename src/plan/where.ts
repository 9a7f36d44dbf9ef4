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
