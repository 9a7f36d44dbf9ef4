// Opening the sign-in URL without putting it in a process argument (which every local user can
// read in `ps`): the URL goes into a small HTML page, private to the user, and the browser is
// given the page's file:// address. The page redirects at once. It is useless after the token's
// 15 minutes, and is removed by the next `awsrole console` run after a minute.

import { randomBytes } from 'node:crypto';
import { chmodSync, lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { makePrivateDirectories, writeFileAtomic } from '../cache/atomic-file.js';
import { ConfigError } from '../errors/errors.js';

/** How long a page is kept: long enough for a slow browser to start and read it. */
export const PAGE_MAX_AGE_MS = 60_000;

const PAGE = /^signin-[0-9a-f]+\.html$/;
// What writeFileAtomic leaves behind if it was killed between open and rename.
const LEFTOVER = /^\.signin-[0-9a-f]+\.html\.[0-9a-f]+\.tmp$/;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page: a meta refresh to `url`, and a link for a browser that does not follow it. */
export function launchPageHtml(url: string, profile: string): string {
  const href = escapeHtml(url);
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url=${href}">
<title>AWS console sign-in (awsrole)</title>
</head>
<body>
<p><a href="${href}" rel="noreferrer">Sign in to the AWS console as ${escapeHtml(profile)}</a></p>
</body>
</html>
`;
}

/**
 * The directory of the pages, created 0700 (or narrowed to 0700: it is ours). A symlink, or a
 * directory of another user, is refused: the page holds a sign-in token.
 */
export function ensurePageDirectory(dir: string): void {
  try {
    makePrivateDirectories(dir);
  } catch (error) {
    if (!lstatSync(dir, { throwIfNoEntry: false })) {
      throw new ConfigError(`cannot create the directory for console sign-in pages: ${(error as NodeJS.ErrnoException).code ?? String(error)} (${dir})`);
    }
  }
  const stats = lstatSync(dir);
  if (stats.isSymbolicLink() || !stats.isDirectory()) {
    throw new ConfigError(`not a directory of its own: awsrole keeps console sign-in pages only in a real directory (${dir})`, `remove it; awsrole creates the directory`);
  }
  const uid = process.getuid?.();
  if (uid === undefined) return; // Windows: no POSIX owner or mode bits
  if (stats.uid !== uid) {
    throw new ConfigError(`the directory for console sign-in pages belongs to another user (uid ${stats.uid}), not to you (uid ${uid}) (${dir})`, 'remove it; awsrole creates the directory');
  }
  if ((stats.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** Removes pages (and leftovers of interrupted writes) older than maxAgeMs; returns how many. */
export function removeStalePages(dir: string, now: number, maxAgeMs = PAGE_MAX_AGE_MS): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!PAGE.test(name) && !LEFTOVER.test(name)) continue;
    const path = join(dir, name);
    try {
      const stats = lstatSync(path);
      if (now - stats.mtimeMs <= maxAgeMs) continue;
      unlinkSync(path); // a symlink: removes the link, never its target
      removed++;
    } catch {
      // Gone already (another run), or not ours to remove: either way not this run's problem.
    }
  }
  return removed;
}

export interface LaunchPage {
  path: string;
  /** The `file://` address to give the browser: no secret in it. */
  fileUrl: string;
}

/** Writes a new page for `url` into `dir` (0600, atomically, under a random name). */
export function writeLaunchPage(dir: string, url: string, profile: string): LaunchPage {
  ensurePageDirectory(dir);
  const path = join(dir, `signin-${randomBytes(16).toString('hex')}.html`);
  writeFileAtomic(path, launchPageHtml(url, profile));
  return { path, fileUrl: pathToFileURL(path).href };
}

/** Removes one page, quietly if it is gone. */
export function removeLaunchPage(page: LaunchPage): void {
  try {
    unlinkSync(page.path);
  } catch {
    // Already removed.
  }
}
