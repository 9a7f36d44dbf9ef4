// Our reader against two others, on the same texts:
// - botocore (the reference: awsrole must read the files as the AWS CLI does), run once per file
//   through python3 on the hand-written and generated corpus; we must match it exactly;
// - @smithy/shared-ini-file-loader (the JS SDK's reader): equal wherever both agree, and every
//   known disagreement is one row of `differences`, asserting what each side does.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSharedConfigFiles, parseKnownFiles } from '@smithy/shared-ini-file-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIni } from '../../../src/config/ini.js';
import { buildProfiles, loadConfig } from '../../../src/config/load.js';
import type { IniFile, IniSection, Profile, Setting } from '../../../src/config/types.js';
import { ConfigError } from '../../../src/errors/errors.js';

interface Case {
  name: string;
  config?: string;
  credentials?: string;
}

type Value = string | Record<string, string>;
type Sections = Record<string, Record<string, Value>>;
/** What botocore shows: raw_config_parse of each file, and full_config's three maps. */
interface Reading {
  rawConfig: Sections;
  rawCredentials: Sections;
  profiles: Sections;
  ssoSessions: Sections;
  services: Sections;
}
type Outcome = Reading | { error: string };

// ---------------------------------------------------------------------------------------------
// Our side

function plain(settings: Map<string, Setting>): Record<string, Value> {
  return Object.fromEntries(
    [...settings].map(([k, s]) => [k, s.nested ? Object.fromEntries([...s.nested].map(([n, v]) => [n, v.value])) : s.value]),
  );
}

const bySection = (sections: Iterable<[string, IniSection]>): Sections =>
  Object.fromEntries([...sections].map(([name, s]) => [name, plain(s.settings)]));

function ours(c: Case): Outcome {
  try {
    const parse = (text: string | undefined, path: string): IniFile =>
      text === undefined ? { path, sections: [] } : parseIni(text, path);
    const config = parse(c.config, 'config');
    const credentials = parse(c.credentials, 'credentials');
    const loaded = buildProfiles(config, credentials);
    const profiles = Object.fromEntries([...loaded.profiles].map(([name, p]) => [name, plain(p.settings)]));
    expectSameByName(buildProfiles(config, credentials).profiles, profiles);
    for (const prefix of ['', 'p', 'pro', 'd', ...Object.keys(profiles).map((name) => name.slice(0, 2))]) {
      const names = buildProfiles(config, credentials).profiles.namesStartingWith(prefix);
      expect(names, prefix).toEqual(Object.keys(profiles).filter((name) => name.startsWith(prefix)));
    }
    return {
      rawConfig: bySection(config.sections.map((s) => [s.header, s])),
      rawCredentials: bySection(credentials.sections.map((s) => [s.header, s])),
      profiles,
      ssoSessions: bySection(loaded.ssoSessions),
      services: bySection(loaded.services),
    };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { error: error.message };
  }
}

/**
 * The profiles map made, as for `use`, only for the names asked for: asked before anything
 * iterates it, each name gives what iterating the whole map gives, and a name of no profile
 * (here: each name with a character more) gives nothing. Then its names alone, as TAB asks.
 */
function expectSameByName(lazy: Map<string, Profile>, whole: Sections): void {
  for (const [name, settings] of Object.entries(whole)) {
    expect(plain(lazy.get(name)!.settings), name).toEqual(settings);
    expect(lazy.has(`${name}x`), `${name}x`).toBe(Object.hasOwn(whole, `${name}x`));
  }
  expect([...lazy.keys()]).toEqual(Object.keys(whole));
  expect(lazy.size).toBe(Object.keys(whole).length);
}

/** The JS SDK's shape: nested settings flattened to `parent.name`. */
function flatten(sections: Sections): Record<string, Record<string, string>> {
  return Object.fromEntries(Object.entries(sections).map(([name, settings]) => [
    name,
    Object.fromEntries(Object.entries(settings).flatMap(([k, v]) =>
      typeof v === 'string' ? [[k, v]] : Object.entries(v).map(([n, nv]) => [`${k}.${n}`, nv]))),
  ]));
}

// ---------------------------------------------------------------------------------------------
// botocore: one python3 run for the whole corpus

const BOTOCORE = `
import json, os, sys
import botocore.configloader, botocore.session
directory = sys.argv[1]
result = []
for i, case in enumerate(json.load(sys.stdin)):
    paths = {}
    for which in ('config', 'credentials'):
        paths[which] = os.path.join(directory, '%d-%s' % (i, which))
        if case.get(which) is not None:
            with open(paths[which], 'w', encoding='utf-8', newline='') as f:
                f.write(case[which])
    os.environ['AWS_CONFIG_FILE'] = paths['config']
    os.environ['AWS_SHARED_CREDENTIALS_FILE'] = paths['credentials']
    def raw(which):
        return botocore.configloader.raw_config_parse(paths[which]) if case.get(which) is not None else {}
    try:
        full = botocore.session.Session().full_config
        result.append({'rawConfig': raw('config'), 'rawCredentials': raw('credentials'),
                       'profiles': full['profiles'], 'ssoSessions': full.get('sso_sessions', {}),
                       'services': full.get('services', {})})
    except Exception as e:
        result.append({'error': '%s: %s' % (type(e).__name__, e)})
json.dump(result, sys.stdout)
`;

function botocore(cases: Case[], directory: string): Outcome[] {
  const dir = join(directory, 'botocore');
  mkdirSync(dir);
  const out = execFileSync('python3', ['-c', BOTOCORE, dir], {
    input: JSON.stringify(cases.map(({ config, credentials }) => ({ config, credentials }))),
    encoding: 'utf8',
    // Nothing from the developer's environment; UTF-8 whatever the locale (as on a normal desktop).
    env: { PATH: process.env.PATH, HOME: directory, PYTHONUTF8: '1' },
    maxBuffer: 256 * 1024 * 1024,
  });
  return JSON.parse(out) as Outcome[];
}

// ---------------------------------------------------------------------------------------------
// smithy: its own file loader on temp files

let fileCount = 0;

async function smithy(c: Case, directory: string) {
  const configFilepath = join(directory, `smithy-${fileCount}-config`);
  const filepath = join(directory, `smithy-${fileCount++}-credentials`);
  if (c.config !== undefined) writeFileSync(configFilepath, c.config);
  if (c.credentials !== undefined) writeFileSync(filepath, c.credentials);
  const init = { configFilepath, filepath, ignoreCache: true };
  const merged = await parseKnownFiles(init);
  const { configFile } = await loadSharedConfigFiles(init);
  // The config file's `sso-session.x` / `services.x` entries ride along in smithy's profile map.
  const prefixed = (prefix: string) => Object.fromEntries(Object.entries(configFile)
    .filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
  return {
    profiles: Object.fromEntries(Object.entries(merged).filter(([k]) => !/^(sso-session|services)\./.test(k))),
    ssoSessions: prefixed('sso-session.'),
    services: prefixed('services.'),
  };
}

// ---------------------------------------------------------------------------------------------
// Hand-written corpus (botocore must agree on every one, errors included)

const handWritten: Case[] = [
  { name: 'empty files', config: '', credentials: '' },
  { name: 'no files' },
  { name: 'basic', config: '[default]\nregion = us-east-1\n\n[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = default\n', credentials: '[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n' },
  { name: 'comments', config: '# c\n; c\n[profile a]\n  # indented\nk = v # not a comment\nj = v ; nor this\nm = #x\n' },
  { name: 'key case and spacing', config: '[profile a]\nRegion=x\n  AWS_Access_Key_ID \t=   y  \n' },
  { name: 'only colons, no equals sign in the file', config: '[profile a]\nregion: x\nk:v\n[profile b]\nregion:y\n', credentials: '[a]\naws_access_key_id: AKIDEXAMPLE\n' },
  { name: 'only equals signs, no colon in the file', config: '[profile a]\nregion = x\n[profile b]\nregion=y\n' },
  { name: 'colon delimiter', config: '[profile a]\nk: v\nj: a=b\nm = a:b\nx:y = z\n' },
  { name: 'empty values', config: '[profile a]\nk =\nj:\n' },
  { name: 'empty sections', config: '[profile a]\n[default]\n[profile b]\n' },
  { name: 'continuation lines', config: '[profile a]\nk = one\n  two\n\n\tthree\n  # c\n  [b]\n  x = y\n\n\nj = 1\n' },
  { name: 'continuation: indentation rules', config: '[profile a]\n  k = 1\n  j = 2\n x = 3\n\tm = 4\n' },
  { name: 'nested', config: '[profile a]\ns3 =\n  addressing_style = path\n  Sig = v4\n\n  # c\n  x = a=b\nsts:\n\tendpoint_url = http://h:1/\nz = 1\n' },
  { name: 'nested: repeats and empties', config: '[profile a]\ns3 =\n  x = 1\n  x = 2\n  = v\n  w =\n  q =\n    r = 1\n' },
  { name: 'nested: only blank lines after', config: '[profile a]\nk =\n\n\n[profile b]\n' },
  { name: 'CRLF', config: '[profile a]\r\nk = v\r\ns3 =\r\n  x = 1\r\n', credentials: '[a]\r\nj = 2\r\n' },
  { name: 'lone CR and mixed', config: '[profile a]\rk = v\r\n\rj = w\n' },
  { name: 'Python whitespace', config: '[profile a]\nk =\v\x1cv\x85\xa0\n\ufeffj = 1\ns3 =\n  x = 1\fy = 2\nm = 1\fz\n' },
  { name: 'unicode', config: '[profile café]\nrégion = 日本\nK\u0130 = 1\n' },
  { name: 'section headers', config: '[ a ]\n[\tb]\n[a]]\n[[b]]\n[c] ] x\n[d] ; comment\n[e=f]\n  [g]\n[profile h] trailing\nk=1\n' },
  { name: 'profile headers split like a shell', config: '[profile "a b"]\n[profile  c]\n[profile\td]\n[profile \'e f\']\n[profile g\\ h]\n[profile "i\\"j\\k"]\n[profile ""]\nk = 1\n[profile l"m n"o]\n' },
  { name: 'headers that are not profiles', config: '[profile]\n[profile a b]\n[profile "c]\n[profile d\\]\n[ profile e]\n[Profile f]\n[foo]\n[Default]\n[ default ]\n' },
  { name: 'prefix only checked', config: '[profilex a]\n[profiles b]\n[sso-sessions c]\n[servicesx d]\n' },
  { name: 'default then profile default', config: '[default]\nk = 1\n[profile default]\nj = 2\n' },
  { name: 'profile default then default', config: '[profile default]\nj = 2\n[default]\nk = 1\n' },
  { name: 'same name twice, later wins', config: '[profile a]\nk = 1\n[profile "a"]\nj = 2\n[profile  a]\nm = 3\n[profile b]\n' },
  { name: 'sso-session and services', config: '[sso-session s]\nsso_start_url = https://x\n[sso-session "t u"]\nk = 1\n[services  v]\nsts =\n  endpoint_url = http://127.0.0.1:5000\n[profile a]\nservices = v\nsso_session = s\n' },
  { name: 'credentials names verbatim', credentials: '[profile foo]\nk = 1\n[ a ]\nj = 2\n[a b]\nm = 3\n[default]\nx = 1\n' },
  { name: 'merge key by key, credentials win', config: '[profile a]\nregion = x\nk = config\ns3 =\n  x = 1\n', credentials: '[a]\nk = credentials\ns3 =\n  y = 2\n[b]\nz = 1\n' },
  { name: '[DEFAULT] in both files', config: '[DEFAULT]\nregion = x\n[profile a]\n[profile b]\nregion = y\n[DEFAULT]\noutput = json\n', credentials: '[DEFAULT]\nk = 1\n[a]\n[DEFAULT]\n' },
  { name: '[DEFAULT] only', config: '[DEFAULT]\nregion = x\n' },
  { name: '__proto__', config: '[profile __proto__]\nk = 1\n[profile b]\nconstructor = 2\n', credentials: '[__proto__]\nj = 2\n' },
  // Errors: botocore refuses each of these files.
  { name: 'error: BOM', config: '\ufeff[profile a]\nk = 1\n' },
  { name: 'error: BOM in credentials', credentials: '\ufeff[a]\nk = 1\n' },
  { name: 'error: key before header', config: '# c\nk = 1\n[profile a]\n' },
  { name: 'error: [] before header', config: '[]\n[profile a]\n' },
  { name: 'error: no delimiter', config: '[profile a]\nk = 1\noops\n' },
  { name: 'error: unclosed header', config: '[profile a]\n[profile b\n' },
  { name: 'error: empty header', config: '[profile a]\n[]\n' },
  { name: 'error: empty key', config: '[profile a]\n = 1\n' },
  { name: 'error: empty key with colon', credentials: '[a]\n: 1\n' },
  { name: 'error: duplicate section', config: '[profile a]\n[profile b]\n[profile a]\n' },
  { name: 'error: duplicate key', credentials: '[a]\nk = 1\nK = 2\n' },
  { name: 'error: duplicate key across [DEFAULT]s', config: '[DEFAULT]\nk = 1\n[DEFAULT]\nk = 2\n' },
  { name: 'error: nested without =', config: '[profile a]\ns3 =\n  x: 1\n' },
  { name: 'error: nested without = in credentials', credentials: '[a]\ns3 =\n  x = 1\n  oops\n' },
];

// ---------------------------------------------------------------------------------------------
// Generated corpus

/** xorshift32: small, seeded, reproducible. */
function random(seed: number): () => number {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/**
 * `common`: only what botocore and smithy read the same way (unique sections and keys, `=`,
 * lowercase keys, no inline-comment look-alikes, nested sub-sections only in the config file,
 * no empty sections). `botocore`: adds everything else our reader must match botocore on.
 */
function generate(seed: number, dialect: 'common' | 'botocore'): Case {
  const rnd = random(seed);
  const pick = <T>(xs: ArrayLike<T>): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const wide = dialect === 'botocore';
  const nl = wide && chance(0.15) ? pick(['\r', '\r\n']) : chance(0.3) ? '\r\n' : '\n';

  const nameChars = 'abcdefghijklmnopqrstuvwxyz0123456789-_.@+%:/';
  const newName = () => {
    let s = pick(['dev', 'prod', 'ci', 'admin', 'acct', 'x']);
    for (let n = Math.floor(rnd() * 6); n > 0; n--) s += pick(nameChars);
    if (wide && chance(0.1)) s += pick([' y', ' two words', 'é']);
    return s;
  };
  const word = () => {
    let s = pick(['arn:aws:iam::123456789012:role/r', 'us-east-1', 'AKIDEXAMPLE', 'a/b+c=', 'x', 'http://h:1/p?q=1', 'v#1', 'v;2']);
    for (let n = Math.floor(rnd() * 4); n > 0; n--) s += pick('AZaz09/+=:._@,-#;');
    return s;
  };
  const value = () => {
    let v = word();
    if (chance(0.2)) v += ` ${word()}`;
    if (wide && chance(0.1)) v = pick(['#', ';']) + v;
    if (wide && chance(0.1)) v += pick([' # comment', ' ; comment', ' é 日本']);
    return v;
  };
  const space = () => pick(['', ' ', ' ', '  ', '\t', ...(wide ? ['\v', '\xa0', '\x1c'] : [])]);
  const keyPool = ['region', 'output', 'role_arn', 'source_profile', 'mfa_serial', 'role_session_name',
    'external_id', 'duration_seconds', 'credential_process', 'sso_session', 'aws_access_key_id',
    'aws_secret_access_key', 'aws_session_token', 'endpoint_url', 'k1', 'k2'];
  const key = (k: string) => (wide && chance(0.2) ? k.replace(/[a-z]/g, (c) => (chance(0.5) ? c.toUpperCase() : c)) : k);

  const lines: string[] = [];
  const filler = () => {
    if (chance(0.15)) lines.push(pick(['', ' ', '\t']));
    if (chance(0.1)) lines.push(`${pick(['', '  ', '\t'])}${pick(['#', ';'])}${pick(['', ' c', ' k = v', ' [profile z]'])}`);
  };
  const setting = (k: string) => {
    const delimiter = wide && chance(0.2) ? ':' : '=';
    if (wide && chance(0.08)) {
      lines.push(`${key(k)}${space()}${delimiter}`); // empty value
    } else if (wide && chance(0.1)) {
      lines.push(`${key(k)} ${delimiter} ${value()}`); // a value on several lines
      for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
        if (chance(0.3)) lines.push('');
        lines.push(`${pick(['  ', '\t', '    '])}${pick([value(), 'x = y', '[profile q]'])}`);
      }
    } else {
      lines.push(`${key(k)}${space()}${delimiter}${space()}${value()}${space()}`);
    }
    filler();
  };
  const nested = (parent: string) => {
    lines.push(`${parent}${space()}=${pick(['', ' '])}`);
    const names = ['addressing_style', 'endpoint_url', 'signature_version', 'use_fips'];
    for (let n = 1 + Math.floor(rnd() * 3); n > 0 && names.length > 0; n--) {
      if (chance(0.15)) lines.push('');
      if (chance(0.1)) lines.push('  # c');
      const name = names.splice(Math.floor(rnd() * names.length), 1)[0]!;
      // (Not \v or \x1c around "=" here: splitlines() would break the line there.)
      lines.push(`${pick(['  ', '    ', '\t'])}${name}${pick(['', ' ', '\t'])}=${pick(['', ' '])}${value()}`);
    }
  };
  const section = (header: string, inConfig: boolean) => {
    lines.push(`[${header}]${wide && chance(0.05) ? ' ; c' : ''}`);
    filler();
    const keys = [...keyPool];
    const count = wide && chance(0.1) ? 0 : 1 + Math.floor(rnd() * 5);
    for (let n = 0; n < count; n++) setting(keys.splice(Math.floor(rnd() * keys.length), 1)[0]!);
    if ((inConfig || wide) && chance(0.3)) nested(pick(['s3', 'sts', 'ec2']));
    if (inConfig && chance(0.1)) setting('services');
  };
  const file = (build: () => void) => {
    lines.length = 0;
    filler();
    build();
    if (wide && chance(0.1)) {
      const at = pick([...lines.keys()].filter((i) => lines[i]!.startsWith('[')).concat(lines.length));
      lines.splice(at, 0, '[DEFAULT]', `${pick(keyPool)} = ${value()}`);
    }
    return lines.join(nl) + (chance(0.8) ? nl : '');
  };

  const names = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 10) }, newName))];
  const profileHeader = (name: string) => {
    if (name === 'default' && chance(0.7)) return 'default';
    const q = name.includes(' ') || chance(0.15) ? pick(['"', "'"]) : '';
    const prefix = wide ? pick(['profile ', 'profile ', 'profile  ', 'profile\t', 'profiles ']) : 'profile ';
    return `${prefix}${q}${name}${q}`;
  };
  const config = file(() => {
    const used = new Set<string>();
    for (const name of chance(0.5) ? [...names, 'default'] : names) {
      const header = profileHeader(name);
      if (used.has(header)) continue;
      used.add(header);
      section(header, true);
      if (wide && chance(0.1)) {
        // A second header for the same name ([default] / [profile default], [profile "a"]): later wins.
        const again = name === 'default' && header === 'default' ? 'profile default' : profileHeader(name);
        if (!used.has(again)) {
          used.add(again);
          section(again, true);
        }
      }
    }
    if (chance(0.3)) section(`sso-session ${newName().replace(/ .*/, '')}`, true);
    if (chance(0.3)) {
      lines.push(`[services ${newName().replace(/ .*/, '')}]`);
      nested('sts');
    }
    if (wide && chance(0.2)) section(pick(['foo', 'preview', ' profile x', 'profile', 'profile a b']), true);
  });
  const credentials = file(() => {
    const own = names.filter(() => chance(0.5));
    if (chance(0.3)) own.push(newName());
    if (wide && chance(0.2)) own.push(`profile ${names[0]}`);
    for (const name of new Set(own)) section(wide ? name : name.replace(/ .*/, ''), false);
  });
  return { name: `${dialect} #${seed}`, config, credentials: chance(0.9) ? credentials : undefined };
}

const common = Array.from({ length: 150 }, (_, i) => generate(i + 1, 'common'));
const wide = Array.from({ length: 150 }, (_, i) => generate(1000 + i, 'botocore'));

// ---------------------------------------------------------------------------------------------
// The known disagreements with smithy. botocore is the reference: each row also runs through
// botocore below, which must agree with `ours`.

interface Difference extends Case {
  smithy: Record<string, Record<string, string>>;
  ours: Record<string, Record<string, string>> | { error: string };
}

const differences: Difference[] = [
  { name: 'inline comment', config: '[profile a]\nregion = us-east-1 # prod\nk = v ; c\n', smithy: { a: { region: 'us-east-1', k: 'v' } }, ours: { a: { region: 'us-east-1 # prod', k: 'v ; c' } } },
  { name: 'value starting with #', config: '[profile a]\nk = #x\nj = 1\n', smithy: { a: { j: '1' } }, ours: { a: { k: '#x', j: '1' } } },
  { name: 'key case', config: '[profile a]\nRegion = x\n', smithy: { a: { Region: 'x' } }, ours: { a: { region: 'x' } } },
  { name: '":" delimiter', config: '[profile a]\nregion: x\nk = 1\n', smithy: { a: { k: '1' } }, ours: { a: { region: 'x', k: '1' } } },
  { name: 'duplicate key', config: '[profile a]\nk = 1\nk = 2\n', smithy: { a: { k: '2' } }, ours: { error: 'key "k" appears twice' } },
  { name: 'duplicate section', config: '[profile a]\nk = 1\n[profile a]\nj = 2\n', smithy: { a: { k: '1', j: '2' } }, ours: { error: 'section [profile a] appears twice' } },
  { name: '[profile default] then [default]: later wins', config: '[profile default]\nj = 2\n[default]\nk = 1\n', smithy: { default: { j: '2' } }, ours: { default: { k: '1' } } },
  { name: '[profile a] then [profile "a"]: later wins whole', config: '[profile a]\nk = 1\n[profile "a"]\nj = 2\n', smithy: { a: { k: '1', j: '2' } }, ours: { a: { j: '2' } } },
  { name: 'empty section is a profile', config: '[profile a]\n', credentials: '[b]\n', smithy: {}, ours: { a: {}, b: {} } },
  { name: 'empty value kept', config: '[profile a]\nk =\nj = 1\n', smithy: { a: { j: '1' } }, ours: { a: { k: '', j: '1' } } },
  { name: 'continuation line', config: '[profile a]\nk = one\n  two\n', smithy: { a: { k: 'one' } }, ours: { a: { k: 'one\ntwo' } } },
  { name: 'indented setting continues the previous value', config: '[profile a]\nk = 1\n  j = 2\n', smithy: { a: { k: '1', j: '2' } }, ours: { a: { k: '1\nj = 2' } } },
  { name: 'nested block ends at the key line indentation', config: '[profile a]\n  s3 =\n  x = 1\n', smithy: { a: { 's3.x': '1' } }, ours: { a: { s3: '', x: '1' } } },
  { name: 'nested in both files: replaced whole', config: '[profile a]\ns3 =\n  x = 1\n', credentials: '[a]\ns3 =\n  y = 2\n', smithy: { a: { 's3.x': '1', 's3.y': '2' } }, ours: { a: { 's3.y': '2' } } },
  { name: '[profile  a] (two spaces)', config: '[profile  a]\nk = 1\n', smithy: {}, ours: { a: { k: '1' } } },
  { name: '[profile "a b"]', config: '[profile "a b"]\nk = 1\n', smithy: {}, ours: { 'a b': { k: '1' } } },
  { name: '[profilex a]', config: '[profilex a]\nk = 1\n', smithy: {}, ours: { a: { k: '1' } } },
  { name: 'text after a header', config: '[profile a] x\nk = 1\n', smithy: {}, ours: { a: { k: '1' } } },
  { name: 'credentials [profile foo]', credentials: '[profile foo]\nk = 1\n', smithy: { 'profile.foo': { k: '1' } }, ours: { 'profile foo': { k: '1' } } },
  { name: 'credentials [a b]', credentials: '[a b]\nk = 1\n', smithy: {}, ours: { 'a b': { k: '1' } } },
  { name: '[DEFAULT] in config', config: '[DEFAULT]\nregion = x\n[profile a]\nk = 1\n', smithy: { a: { k: '1' } }, ours: { a: { k: '1', region: 'x' } } },
  { name: '[DEFAULT] in credentials', credentials: '[DEFAULT]\nk = 1\n[a]\nj = 2\n', smithy: { DEFAULT: { k: '1' }, a: { j: '2' } }, ours: { a: { j: '2', k: '1' } } },
  { name: 'line without delimiter', config: '[profile a]\nk = 1\noops\n', smithy: { a: { k: '1' } }, ours: { error: 'not a [section] header' } },
  { name: 'setting before any header', config: 'k = 1\n[profile a]\nj = 2\n', smithy: { a: { j: '2' } }, ours: { error: 'before the first [section] header' } },
  { name: 'empty key', config: '[profile a]\n= 1\nj = 2\n', smithy: { a: { j: '2' } }, ours: { error: 'no key before "="' } },
  { name: 'nested line without "="', config: '[profile a]\ns3 =\n  x: 1\nj = 2\n', smithy: { a: { j: '2' } }, ours: { error: 'has no "="' } },
  { name: 'byte-order mark', config: '\ufeff[profile a]\nk = 1\n', smithy: { a: { k: '1' } }, ours: { error: 'byte-order mark' } },
  { name: 'lone CR line ends', config: '[profile a]\rk = 1\r', smithy: {}, ours: { a: { k: '1' } } },
  { name: "Python's whitespace: U+0085", config: '[profile a]\nk = v\x85\n', smithy: { a: { k: 'v\x85' } }, ours: { a: { k: 'v' } } },
  { name: '__proto__ profile', config: '[profile __proto__]\nk = 1\n[profile b]\nj = 2\n', smithy: {}, ours: { ['__proto__']: { k: '1' }, b: { j: '2' } } },
];

// ---------------------------------------------------------------------------------------------

let directory: string;
let reference: Map<Case, Outcome>;

beforeAll(() => {
  directory = mkdtempSync(join(tmpdir(), 'awsrole-oracle-'));
  const all = [...handWritten, ...common, ...wide, ...differences];
  const outcomes = botocore(all, directory);
  reference = new Map(all.map((c, i) => [c, outcomes[i]!]));
});

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** Same outcome as botocore: equal readings, or both refuse the file. */
function expectBotocore(c: Case) {
  const theirs = reference.get(c)!;
  const mine = ours(c);
  if ('error' in theirs || 'error' in mine) {
    expect('error' in mine, `botocore: ${JSON.stringify(theirs)}\nours: ${JSON.stringify(mine)}`).toBe('error' in theirs);
  } else {
    expect(mine).toEqual(theirs);
  }
}

describe('botocore oracle', () => {
  it.each(handWritten.map((c) => [c.name, c] as const))('hand-written: %s', (_name, c) => expectBotocore(c));

  it('agrees on every generated config', () => {
    for (const c of [...common, ...wide]) expectBotocore(c);
  });

  it('the generated corpus is not trivial', () => {
    const readings = [...common, ...wide].map((c) => reference.get(c)!).filter((o): o is Reading => !('error' in o));
    expect(readings.length).toBe(300);
    const profiles = readings.flatMap((r) => Object.values(r.profiles));
    expect(profiles.length).toBeGreaterThan(1000);
    expect(profiles.filter((p) => Object.values(p).some((v) => typeof v !== 'string')).length).toBeGreaterThan(50);
    expect(readings.filter((r) => Object.keys(r.services).length > 0).length).toBeGreaterThan(20);
    expect(profiles.filter((p) => Object.values(p).some((v) => typeof v === 'string' && v.includes('\n'))).length).toBeGreaterThan(20);
    expect(readings.filter((r) => Object.keys(r.profiles).some((name) => name.includes(' '))).length).toBeGreaterThan(10);
  });
});

describe('@smithy/shared-ini-file-loader oracle', () => {
  it('agrees on every generated config of the common dialect', async () => {
    let compared = 0;
    for (const c of common) {
      const mine = ours(c);
      if ('error' in mine) throw new Error(`${c.name}: ${mine.error}`);
      const theirs = await smithy(c, directory);
      expect(flatten(mine.profiles), c.name).toEqual(theirs.profiles);
      expect(flatten(mine.ssoSessions), c.name).toEqual(theirs.ssoSessions);
      expect(flatten(mine.services), c.name).toEqual(theirs.services);
      compared += Object.keys(theirs.profiles).length;
    }
    expect(compared).toBeGreaterThan(500);
  });

  it.each(differences.map((d) => [d.name, d] as const))('differs on purpose: %s', async (_name, d) => {
    expect((await smithy(d, directory)).profiles).toEqual(d.smithy);
    const mine = ours(d);
    if ('error' in d.ours) {
      expect('error' in mine && mine.error).toContain(d.ours.error);
    } else {
      expect('error' in mine ? mine : flatten(mine.profiles)).toEqual(d.ours);
    }
    expectBotocore(d);
  });

  it('differs on purpose: an unreadable file is an error, not an empty file', async () => {
    // smithy swallows any read error into {}; botocore treats a directory as missing. We refuse.
    const configFilepath = mkdtempSync(join(directory, 'dir-'));
    expect(await parseKnownFiles({ configFilepath, filepath: join(directory, 'none'), ignoreCache: true })).toEqual({});
    const env = { HOME: directory, AWS_CONFIG_FILE: configFilepath, AWS_SHARED_CREDENTIALS_FILE: join(directory, 'none') };
    expect(() => loadConfig(env)).toThrow(ConfigError);
  });
});
