// The credentials server end to end: `exec --server` with real SDK clients as the child (boto3,
// the JS SDK, the AWS CLI), renewal across expiry against moto's recorder, `serve --ecs` and
// `serve --imds` read by boto3 and the JS SDK, and the endpoint's refusals.
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runAwsrole, runProgram, runPython, startAwsrole, type Running } from '../support/cli.js';
import { pythonExecutable, startMoto, type MotoServer, type UserCredentials } from '../support/moto.js';
import { createSandbox, type Sandbox } from '../support/sandbox.js';

let moto: MotoServer;
let alice: UserCredentials;
let sandbox: Sandbox;
let env: Record<string, string>;
const roleArn = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

/** A node script run as the child, with the repository's @aws-sdk/client-sts importable. */
function nodeScript(body: string): string[] {
  const prelude = `const { createRequire } = require('node:module'); const requireRepo = createRequire(${JSON.stringify(join(REPO_ROOT, 'package.json'))});`;
  return [process.execPath, '-e', `${prelude}\n(async () => {\n${body}\n})().catch((e) => { console.error(e); process.exit(99); });`];
}

const JS_SDK_CALLER = `
  const { STSClient, GetCallerIdentityCommand } = requireRepo('@aws-sdk/client-sts');
  const client = new STSClient({});
  for (let i = 0; i < 3; i++) console.log((await client.send(new GetCallerIdentityCommand({}))).Arn);
`;

const BOTO3_CALLER = `
import boto3, os
sts = boto3.client("sts")
for _ in range(3):
    print(sts.get_caller_identity()["Arn"])
`;

async function assumeRoleCount(): Promise<number> {
  return (await moto.recordedStsActions()).filter((call) => call.action === 'AssumeRole').length;
}

/** Reads stdout of a running awsrole until `pattern` matches. */
function waitForOutput(running: Running, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${pattern} on stdout within ${timeoutMs} ms: ${text}`)), timeoutMs);
    running.child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const match = pattern.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
  });
}

beforeAll(async () => {
  moto = await startMoto();
  alice = await moto.createUser('alice');
  const a = await moto.createRole('A', { trust: [alice.arn] });
  await moto.createRole('B', { trust: [a.arn] });
  await moto.enableAuth();
  sandbox = createSandbox();
  sandbox.writeCredentials(`[base]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n`);
  sandbox.writeConfig(`[profile a]
role_arn = ${roleArn('A')}
source_profile = base
region = eu-west-1

[profile short]
role_arn = ${roleArn('A')}
source_profile = base
region = eu-west-1
duration_seconds = 900

[profile chained]
role_arn = ${roleArn('B')}
source_profile = a
duration_seconds = 7200

[profile always]
role_arn = ${roleArn('A')}
source_profile = base
awsrole_exec_server = true
`);
  env = { ...sandbox.env(moto), USER: 'tester' };
});

afterAll(async () => {
  await moto?.stop();
  sandbox?.cleanup();
});

beforeEach(async () => {
  await runAwsrole(['cache', 'clear'], { env });
  await moto.startRecording();
});

describe('exec --server with real SDK clients as the child', () => {
  it('boto3 calls STS as the role, with no keys in its environment', async () => {
    const script = `${BOTO3_CALLER}
for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
    print(name, name in os.environ)
print("uri", os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"].startswith("http://127.0.0.1:"))
print("region", os.environ["AWS_REGION"], os.environ["AWSROLE_PROFILE"])
`;
    const result = await runAwsrole(['exec', '--server', 'a', '--', pythonExecutable(), '-c', script], {
      env: { ...env, AWS_ACCESS_KEY_ID: 'AKIASTALESTALESTALE0', AWS_SECRET_ACCESS_KEY: 'stale', AWS_PROFILE: 'base' },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n').filter((line) => line.startsWith('arn:'))).toEqual(Array(3).fill('arn:aws:sts::123456789012:assumed-role/A/awsrole-tester'));
    expect(result.stdout).toContain('AWS_ACCESS_KEY_ID False\nAWS_SECRET_ACCESS_KEY False\nAWS_SESSION_TOKEN False\nuri True\nregion eu-west-1 a\n');
    expect(await assumeRoleCount()).toBe(1);
  });

  it('the JS SDK calls STS as the role', async () => {
    const result = await runAwsrole(['exec', '--server', 'a', '--', ...nodeScript(JS_SDK_CALLER)], { env });
    expect(result.stderr).not.toContain('awsrole');
    expect(result.stdout).toBe('arn:aws:sts::123456789012:assumed-role/A/awsrole-tester\n'.repeat(3));
    expect(result.code).toBe(0);
    expect(await assumeRoleCount()).toBe(1);
  });

  it('the AWS CLI calls STS as the role', async () => {
    const result = await runAwsrole(['exec', '--server', 'a', '--', 'aws', 'sts', 'get-caller-identity', '--query', 'Arn', '--output', 'text'], {
      env,
      timeoutMs: 30_000,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('arn:aws:sts::123456789012:assumed-role/A/awsrole-tester\n');
    expect(result.code).toBe(0);
  });

  it("returns the child's exit code", async () => {
    const result = await runAwsrole(['exec', '--server', 'a', '--', 'sh', '-c', 'exit 7'], { env });
    expect(result.code).toBe(7);
  });

  it('is the default where the profile says awsrole_exec_server = true or $AWSROLE_EXEC_SERVER=true; --no-server overrides', async () => {
    const probe = ['sh', '-c', 'echo "${AWS_CONTAINER_CREDENTIALS_FULL_URI:+server}${AWS_ACCESS_KEY_ID:+keys}"'];
    expect((await runAwsrole(['exec', 'always', '--', ...probe], { env })).stdout).toBe('server\n');
    expect((await runAwsrole(['exec', '--no-server', 'always', '--', ...probe], { env })).stdout).toBe('keys\n');
    expect((await runAwsrole(['exec', 'a', '--', ...probe], { env })).stdout).toBe('keys\n');
    expect((await runAwsrole(['exec', 'a', '--', ...probe], { env: { ...env, AWSROLE_EXEC_SERVER: 'true' } })).stdout).toBe('server\n');
    expect((await runAwsrole(['exec', 'always', '--', ...probe], { env: { ...env, AWSROLE_EXEC_SERVER: 'false' } })).stdout).toBe('keys\n');
    const bad = await runAwsrole(['exec', 'a', '--', ...probe], { env: { ...env, AWSROLE_EXEC_SERVER: 'yes' } });
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('$AWSROLE_EXEC_SERVER must be true or false');
  });

  it('explain and --debug say that a server is in use and when it renews the credentials', async () => {
    const explained = await runAwsrole(['explain', 'always'], { env });
    expect(explained.stdout).toContain(`  exec through a local credentials server (--server), renewed when less than 15 min remain  (${sandbox.configPath}:20)\n`);
    expect((await runAwsrole(['explain', 'a'], { env })).stdout).not.toContain('exec');
    const body = `
      const url = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, token = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
      await fetch(url, { headers: { Authorization: token } });
      console.log(token, new URL(url).pathname.slice(1));
    `;
    const debug = await runAwsrole(['exec', '--debug', 'always', '--', ...nodeScript(body)], { env });
    expect(debug.stderr).toMatch(/awsrole: debug: server: \S+Z 127\.0\.0\.1 GET \/\(credentials path\) 200\n/);
    const [token, path] = debug.stdout.trim().split(' ');
    expect(token!.length).toBeGreaterThan(20);
    expect(path!.length).toBeGreaterThan(20);
    expect(debug.stderr).not.toContain(token);
    expect(debug.stderr).not.toContain(path);
    expect(debug.stderr).toMatch(/exec: through a credentials server \(.*config:20\)/);
    expect(debug.stderr).toMatch(/server: container credentials endpoint on http:\/\/127\.0\.0\.1:\d+; next refresh at \S+Z \(in 45 min\)/);
  });

  it('without --server, warns when the keys expire before the time given with --for', async () => {
    const result = await runAwsrole(['exec', '--for', '3h', 'a', '--', 'true'], { env });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/awsrole: warning: the credentials expire at .* before the 3 h given with --for; awsrole exec --server a -- … renews them/);
    const enough = await runAwsrole(['exec', '--for', '30m', 'a', '--', 'true'], { env });
    expect(enough.stderr).toBe('');
    const chained = await runAwsrole(['exec', 'chained', '--', 'true'], { env });
    expect(chained.code).toBe(0);
    expect(chained.stderr).toContain('awsrole: warning: the credentials of chained last 1 hour at most (role chaining); awsrole exec --server chained -- … renews them');
  });

  it('warns that a default profile with credentials would win over the server', async () => {
    const credentials = sandbox.writeFile('with-default', `[base]\naws_access_key_id = ${alice.accessKeyId}\naws_secret_access_key = ${alice.secretAccessKey}\n[default]\naws_access_key_id = AKIAOTHEROTHEROTHER0\naws_secret_access_key = x\n`);
    const result = await runAwsrole(['exec', '--server', 'a', '--', 'true'], { env: { ...env, AWS_SHARED_CREDENTIALS_FILE: credentials } });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('awsrole: warning: the "default" profile has credentials (static keys), which the AWS SDKs use before a credentials server');
  });
});

describe('the endpoint refuses', () => {
  it('a missing or wrong token (401), another method (405), another path (404)', async () => {
    const body = `
      const url = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, token = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
      const status = async (target, init) => (await fetch(target, init)).status;
      console.log(await status(url));
      console.log(await status(url, { headers: { Authorization: token + 'x' } }));
      console.log(await status(url, { headers: { Authorization: token.slice(0, -1) } }));
      console.log(await status(url, { method: 'POST', headers: { Authorization: token } }));
      console.log(await status(new URL('/other', url), { headers: { Authorization: token } }));
      console.log(await status(url, { headers: { Authorization: token } }));
    `;
    const result = await runAwsrole(['exec', '--server', 'a', '--', ...nodeScript(body)], { env });
    expect(result.stdout).toBe('401\n401\n401\n405\n404\n200\n');
    expect(result.code).toBe(0);
  });

  it('answers a flood of 1,000 requests without another STS call', async () => {
    const body = `
      const url = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, headers = { Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN };
      const keys = new Set();
      for (let batch = 0; batch < 20; batch++) {
        const answers = await Promise.all(Array.from({ length: 50 }, () => fetch(url, { headers }).then((r) => r.json())));
        for (const answer of answers) keys.add(answer.AccessKeyId);
      }
      console.log(keys.size);
    `;
    // --no-cache: every renewal would be an AssumeRole, so none may happen.
    const result = await runAwsrole(['exec', '--server', '--no-cache', 'a', '--', ...nodeScript(body)], { env, timeoutMs: 60_000 });
    expect(result.stdout).toBe('1\n');
    expect(await assumeRoleCount()).toBe(1);
  });
});

describe('renewal', () => {
  // 900 s (STS's shortest session) with --min-ttl 895: each session is due for renewal 5 s after
  // it was obtained. --debug logs every session obtained ("server: credentials until …").
  it('boto3 sees a new access key id without restarting, one AssumeRole per renewal', async () => {
    const script = `
import boto3, time
session = boto3.Session()
sts = session.client("sts")
seen = []
deadline = time.time() + 60
while time.time() < deadline:
    arn = sts.get_caller_identity()["Arn"]
    key = session.get_credentials().get_frozen_credentials().access_key
    if key not in seen:
        seen.append(key)
        print(arn, flush=True)
    if len(seen) == 2:
        break
    time.sleep(0.5)
print(len(seen), len(set(seen)))
`;
    const result = await runAwsrole(['exec', '--server', '--debug', '--min-ttl', '895', 'short', '--', pythonExecutable(), '-c', script], {
      env,
      timeoutMs: 90_000,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${'arn:aws:sts::123456789012:assumed-role/A/awsrole-tester\n'.repeat(2)}2 2\n`);
    const obtained = result.stderr.match(/server: credentials until/g)?.length ?? 0;
    expect(obtained).toBeGreaterThanOrEqual(2);
    expect(await assumeRoleCount()).toBe(obtained);
  }, 120_000);

  it('twenty concurrent requests while a renewal is due make one AssumeRole between them', async () => {
    // Batches of twenty at once, back to back, until the renewal 5 s in has been seen: some batch
    // arrives while it is due or under way, and every request of it must wait for that one call.
    const body = `
      const url = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, headers = { Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN };
      const get = () => fetch(url, { headers }).then((r) => r.json());
      const first = (await get()).AccessKeyId;
      const deadline = Date.now() + 30000;
      let batches = 0;
      while (Date.now() < deadline) {
        const keys = (await Promise.all(Array.from({ length: 20 }, get))).map((answer) => answer.AccessKeyId);
        batches++;
        if (keys.every((key) => key !== first)) break;
      }
      console.log(batches > 1, Date.now() < deadline);
    `;
    // --no-cache: the cache's lock alone would also make concurrent renewals share one call; this is the server's own.
    const result = await runAwsrole(['exec', '--server', '--no-cache', '--debug', '--min-ttl', '895', 'short', '--', ...nodeScript(body)], { env, timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('true true\n');
    const obtained = result.stderr.match(/server: credentials until/g)?.length ?? 0;
    expect(await assumeRoleCount()).toBe(obtained);
    // The first session, the renewal the batches shared, and at most one more if the child was slow to stop.
    expect(obtained).toBeGreaterThanOrEqual(2);
    expect(obtained).toBeLessThanOrEqual(3);
  }, 90_000);
});

describe('when STS fails', () => {
  it('keeps serving the credentials it has until they expire, and says so on stderr', async () => {
    // A moto of its own, stopped while the child runs: every renewal after that fails.
    const doomed = await startMoto();
    const bob = await doomed.createUser('bob');
    await doomed.createRole('A', { trust: [bob.arn] });
    await doomed.enableAuth();
    const own = createSandbox({ moto: doomed });
    own.writeCredentials(`[base]\naws_access_key_id = ${bob.accessKeyId}\naws_secret_access_key = ${bob.secretAccessKey}\n`);
    own.writeConfig(`[profile short]\nrole_arn = ${roleArn('A')}\nsource_profile = base\nduration_seconds = 900\n`);
    const signal = join(own.home, 'moto-stopped');
    try {
      const body = `
        const { existsSync } = require('node:fs');
        const url = process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, headers = { Authorization: process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN };
        const get = () => fetch(url, { headers }).then((r) => r.json());
        const first = (await get()).AccessKeyId;
        console.log('ready');
        while (!existsSync(${JSON.stringify(signal)})) await new Promise((resolve) => setTimeout(resolve, 100));
        await new Promise((resolve) => setTimeout(resolve, 6000));
        const later = await get();
        console.log(later.AccessKeyId === first, Date.parse(later.Expiration) > Date.now());
      `;
      const running = startAwsrole(['exec', '--server', '--no-cache', '--min-ttl', '895', 'short', '--', ...nodeScript(body)], {
        env: { ...own.env(), USER: 'tester', AWSROLE_STS_TIMEOUT: '2' },
        timeoutMs: 60_000,
      });
      await waitForOutput(running, /ready/);
      await doomed.stop();
      own.writeFile('moto-stopped', '');
      const result = await running.result;
      expect(result.stdout).toBe('ready\ntrue true\n');
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/awsrole: warning: server: refreshing the credentials failed: .*; the current credentials serve until \S+Z/);
    } finally {
      await doomed.stop();
      own.cleanup();
    }
  }, 90_000);
});

describe('serve --listen', () => {
  it('warns that anyone who reaches it can take the role, and answers only the --allow list', async () => {
    const running = startAwsrole(['serve', 'a', '--imds', '--listen', '0.0.0.0:0', '--allow', '10.0.0.0/8', '--shell', 'bash'], { env, timeoutMs: 30_000 });
    const [, port] = await waitForOutput(running, /^export AWS_EC2_METADATA_SERVICE_ENDPOINT='http:\/\/0\.0\.0\.0:(\d+)\/'\n/);
    const answer = await fetch(`http://127.0.0.1:${port}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' } });
    expect(answer.status).toBe(403);
    running.child.kill('SIGTERM');
    const result = await running.result;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('awsrole: warning: serving on 0.0.0.0:0: any process that can reach it can take the role, if its address is allowed');
  });
});

describe('kill -TERM of awsrole exec --server', () => {
  it('ends the child and the server, with 128+15', async () => {
    const body = `
      console.log(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
      process.on('SIGTERM', () => { console.log('child got SIGTERM'); process.exit(143); });
      setInterval(() => {}, 1000);
    `;
    const running = startAwsrole(['exec', '--server', 'a', '--', ...nodeScript(body)], { env });
    const [url] = await waitForOutput(running, /http:\/\/127\.0\.0\.1:\d+\/\S+/);
    running.child.kill('SIGTERM');
    const result = await running.result;
    expect({ stdout: result.stdout.replace(url, 'URL'), code: result.code, stderr: result.stderr }).toEqual({ stdout: 'URL\nchild got SIGTERM\n', code: 143, stderr: '' });
    await expect(fetch(url)).rejects.toThrow();
  });
});

describe('serve', () => {
  it('--ecs prints the two variables; boto3 and the JS SDK use them; SIGTERM stops it', async () => {
    const running = startAwsrole(['serve', 'a', '--shell', 'bash'], { env, timeoutMs: 60_000 });
    const [, uri, token] = await waitForOutput(
      running,
      /^export AWS_CONTAINER_CREDENTIALS_FULL_URI='([^']+)'\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN='([^']+)'\n/,
    );
    const clientEnv = { ...env, AWS_CONTAINER_CREDENTIALS_FULL_URI: uri!, AWS_CONTAINER_AUTHORIZATION_TOKEN: token!, AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' };
    const boto3 = await runPython(BOTO3_CALLER, clientEnv);
    expect(boto3.stdout).toBe('arn:aws:sts::123456789012:assumed-role/A/awsrole-tester\n'.repeat(3));
    const [node, ...args] = nodeScript(JS_SDK_CALLER);
    const js = await runProgram(node!, args, { env: clientEnv });
    expect(js.stdout).toBe('arn:aws:sts::123456789012:assumed-role/A/awsrole-tester\n'.repeat(3));
    expect((await fetch(uri!)).status).toBe(401);
    running.child.kill('SIGTERM');
    const result = await running.result;
    expect(result.code).toBe(0);
    expect(await assumeRoleCount()).toBe(1);
  }, 60_000);

  it('--imds is read by boto3 and the JS SDK through AWS_EC2_METADATA_SERVICE_ENDPOINT; IMDSv1 is refused', async () => {
    const running = startAwsrole(['serve', 'a', '--imds', '--shell', 'bash'], { env, timeoutMs: 60_000 });
    const [, endpoint] = await waitForOutput(running, /^export AWS_EC2_METADATA_SERVICE_ENDPOINT='([^']+)'\n/);
    const clientEnv = { ...env, AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint!, AWS_EC2_METADATA_DISABLED: 'false', AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' };
    const boto3 = await runPython(BOTO3_CALLER, clientEnv);
    expect(boto3.stdout).toBe('arn:aws:sts::123456789012:assumed-role/A/awsrole-tester\n'.repeat(3));
    const [node, ...args] = nodeScript(JS_SDK_CALLER);
    const js = await runProgram(node!, args, { env: clientEnv });
    expect(js.stdout).toBe('arn:aws:sts::123456789012:assumed-role/A/awsrole-tester\n'.repeat(3));

    const credentialsUrl = new URL('latest/meta-data/iam/security-credentials/A', endpoint);
    expect((await fetch(credentialsUrl)).status).toBe(401);
    const token = await (await fetch(new URL('latest/api/token', endpoint), { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '60' } })).text();
    expect((await fetch(credentialsUrl, { headers: { 'X-aws-ec2-metadata-token': `${token}x` } })).status).toBe(401);
    expect((await fetch(credentialsUrl, { headers: { 'X-aws-ec2-metadata-token': token } })).status).toBe(200);
    expect(await (await fetch(new URL('latest/meta-data/placement/region', endpoint), { headers: { 'X-aws-ec2-metadata-token': token } })).text()).toBe('eu-west-1');
    running.child.kill('SIGTERM');
    expect((await running.result).code).toBe(0);
  }, 60_000);
});
