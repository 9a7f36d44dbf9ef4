import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchPageHtml, removeStalePages, writeLaunchPage } from '../../../src/console/launch-page.js';

const URL_WITH_TOKEN = 'https://signin.aws.amazon.com/federation?Action=login&Issuer=awsrole&Destination=x&SigninToken=a"b<c>d\'e';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'awsrole-console-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe(launchPageHtml.name, () => {
  it('escapes the URL in the meta refresh and the link', () => {
    const html = launchPageHtml(URL_WITH_TOKEN, '<prod>');
    const escaped = 'https://signin.aws.amazon.com/federation?Action=login&#38;Issuer=awsrole&#38;Destination=x&#38;SigninToken=a&#34;b&#60;c&#62;d&#39;e';
    expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${escaped}">`);
    expect(html).toContain(`<a href="${escaped}" rel="noreferrer">Sign in to the AWS console as &#60;prod&#62;</a>`);
    expect(html).not.toContain('<prod>');
  });
});

describe(writeLaunchPage.name, () => {
  it('writes a 0600 page into a 0700 directory it creates, and gives a file:// URL without the secret', () => {
    const dir = join(root, 'cache', 'console');
    const page = writeLaunchPage(dir, URL_WITH_TOKEN, 'p');
    expect(fileURLToPath(page.fileUrl)).toBe(page.path);
    expect(page.fileUrl).not.toContain('SigninToken');
    expect(statSync(page.path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(page.path, 'utf8')).toBe(launchPageHtml(URL_WITH_TOKEN, 'p'));
  });

  it('narrows an existing directory of ours to 0700', () => {
    const dir = join(root, 'console');
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    writeLaunchPage(dir, URL_WITH_TOKEN, 'p');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });
});

describe(removeStalePages.name, () => {
  it('removes pages and leftovers older than the limit, and nothing else', () => {
    const now = Date.now();
    const files = {
      'signin-00aa.html': now - 61_000,
      'signin-00bb.html': now - 10_000,
      '.signin-00cc.html.0123abcd.tmp': now - 61_000,
      'other.html': now - 600_000,
    };
    for (const [name, mtime] of Object.entries(files)) {
      writeFileSync(join(root, name), 'x');
      utimesSync(join(root, name), new Date(mtime), new Date(mtime));
    }
    expect(removeStalePages(root, now)).toBe(2);
    expect(readdirSync(root).sort()).toEqual(['other.html', 'signin-00bb.html']);
  });

  it('a directory that does not exist yet: nothing to do', () => {
    expect(removeStalePages(join(root, 'missing'), Date.now())).toBe(0);
  });
});
