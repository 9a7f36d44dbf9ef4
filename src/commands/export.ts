import { UsageError } from '../errors.js';
import { FORMAT_NAMES, formatSession, parseFormatName } from '../output/formats.js';
import { didYouMean } from '../suggest.js';
import type { CommandContext, CredentialOptions } from './context.js';
import { obtainSession } from './obtain-session.js';

export interface ExportOptions extends CredentialOptions {
  format: string;
}

export async function exportCommand(profile: string, options: ExportOptions, context: CommandContext): Promise<void> {
  const format = parseFormatName(options.format);
  if (!format) {
    throw new UsageError(
      `unknown format "${options.format}"`,
      didYouMean(options.format, FORMAT_NAMES) ?? `formats: ${FORMAT_NAMES.join(', ')}`,
    );
  }
  const session = await obtainSession(profile, options, context);
  context.stdout.write(formatSession(format, session));
}

/** For `credential_process = awsrole credential-process <profile>` in a config file. */
export async function credentialProcessCommand(
  profile: string,
  options: CredentialOptions,
  context: CommandContext,
): Promise<void> {
  const session = await obtainSession(profile, options, context);
  context.stdout.write(formatSession('process', session));
}
