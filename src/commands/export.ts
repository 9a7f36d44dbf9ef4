import { UsageError } from '../errors/errors.js';
import { FORMAT_NAMES, formatSession, parseFormatName } from '../output/formats.js';
import { sectionNameProblem } from '../output/ini.js';
import { didYouMean } from '../plan/suggest.js';
import type { CommandContext, CredentialOptions } from './context.js';
import { obtainSession } from './obtain-session.js';

export interface ExportOptions extends CredentialOptions {
  format: string;
  /** --section: the section name of the ini format. */
  section?: string;
}

export async function exportCommand(profile: string, options: ExportOptions, context: CommandContext): Promise<void> {
  const format = parseFormatName(options.format);
  if (!format) {
    throw new UsageError(
      `unknown format "${options.format}"`,
      didYouMean(options.format, FORMAT_NAMES) ?? `formats: ${FORMAT_NAMES.join(', ')}`,
    );
  }
  if (options.section !== undefined) {
    if (format !== 'ini') throw new UsageError(`--section is for --format ini, not ${format}`);
    // Checked before any credentials are obtained: the name is the user's, so a bad one is usage.
    const problem = sectionNameProblem(options.section);
    if (problem) throw new UsageError(`--section ${JSON.stringify(options.section)} cannot be written as a credentials-file section: ${problem}`);
  }
  const session = await obtainSession(profile, options, context);
  context.stdout.write(formatSession(format, session, { section: options.section }));
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
