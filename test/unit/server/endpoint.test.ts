import { describe, expect, it } from 'vitest';
import { parseAllowList, parseListen } from '../../../src/commands/server-options.js';
import { ecsHandler } from '../../../src/server/ecs.js';
import { imdsHandler } from '../../../src/server/imds.js';
import { startServer } from '../../../src/server/listen.js';
import type { Served } from '../../../src/server/protocol.js';
import { secretsEqual } from '../../../src/server/secrets.js';

const NOW = new Date('2026-12-01T12:00:00.500Z');
const served: Served = {
  credentials: async () => ({ accessKeyId: 'ASIAEXAMPLEEXAMPLE01', secretAccessKey: 'secret', sessionToken: 'token', expiration: new Date('2026-12-01T13:00:00.900Z') }),
  roleArn: 'arn:aws:iam::123456789012:role/deploy',
  region: 'eu-west-1',
  now: () => NOW,
};
const secret = { path: '/p4th', token: 't0ken' };
const get = (path: string, headers: Record<string, string> = {}) => ({ method: 'GET', path, headers });

describe(ecsHandler.name, () => {
  const handler = ecsHandler(served, secret);

  it.each([
    ['no token', get('/p4th'), 401],
    ['a wrong token', get('/p4th', { authorization: 't0kenx' }), 401],
    ['a prefix of the token', get('/p4th', { authorization: 't0ke' }), 401],
    ['another path', get('/other', { authorization: 't0ken' }), 404],
    ['a PUT', { method: 'PUT', path: '/p4th', headers: { authorization: 't0ken' } }, 405],
    ['a POST without token', { method: 'POST', path: '/p4th', headers: {} }, 401],
  ])('answers %s with %i', async (_, request, status) => {
    expect((await handler.handle(request)).status).toBe(status);
  });

  it('serves the credentials with their expiry to the second, the role and its account', async () => {
    const answer = await handler.handle(get('/p4th', { authorization: 't0ken' }));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({
      AccessKeyId: 'ASIAEXAMPLEEXAMPLE01',
      SecretAccessKey: 'secret',
      Token: 'token',
      Expiration: '2026-12-01T13:00:00Z',
      RoleArn: 'arn:aws:iam::123456789012:role/deploy',
      AccountId: '123456789012',
    });
  });

  it('never logs the random path', () => {
    expect(handler.logPath('/p4th')).not.toContain('p4th');
  });

  it('answers 503 with the reason when there are no valid credentials', async () => {
    const failing = ecsHandler({ ...served, credentials: async () => Promise.reject(new Error('STS said no')) }, secret);
    const answer = await failing.handle(get('/p4th', { authorization: 't0ken' }));
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body)).toEqual({ code: 'CredentialsUnavailable', message: 'STS said no' });
  });
});

describe(imdsHandler.name, () => {
  const token = async (handler: ReturnType<typeof imdsHandler>, ttl = '60') =>
    (await handler.handle({ method: 'PUT', path: '/latest/api/token', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': ttl } })).body;

  it('gives a token for a PUT with a TTL, and only then the role and its credentials', async () => {
    const handler = imdsHandler(served, 'deploy');
    expect((await handler.handle(get('/latest/meta-data/iam/security-credentials/'))).status).toBe(401);
    const t = await token(handler);
    const headers = { 'x-aws-ec2-metadata-token': t };
    expect((await handler.handle(get('/latest/meta-data/iam/security-credentials/', headers))).body).toBe('deploy');
    const answer = await handler.handle(get('/latest/meta-data/iam/security-credentials/deploy', headers));
    expect(JSON.parse(answer.body)).toEqual({
      Code: 'Success',
      LastUpdated: '2026-12-01T12:00:00Z',
      Type: 'AWS-HMAC',
      AccessKeyId: 'ASIAEXAMPLEEXAMPLE01',
      SecretAccessKey: 'secret',
      Token: 'token',
      Expiration: '2026-12-01T13:00:00Z',
    });
    expect((await handler.handle(get('/latest/meta-data/placement/region', headers))).body).toBe('eu-west-1');
    expect((await handler.handle(get('/latest/meta-data/iam/security-credentials/other', headers))).status).toBe(404);
    expect((await handler.handle(get('/latest/meta-data/iam/security-credentials/deploy', { 'x-aws-ec2-metadata-token': `${t}x` }))).status).toBe(401);
  });

  it.each([
    ['no TTL', {}, 400],
    ['a TTL of 0', { 'x-aws-ec2-metadata-token-ttl-seconds': '0' }, 400],
    ['a TTL over 6 hours', { 'x-aws-ec2-metadata-token-ttl-seconds': '21601' }, 400],
    ['X-Forwarded-For (a proxy)', { 'x-aws-ec2-metadata-token-ttl-seconds': '60', 'x-forwarded-for': '10.0.0.1' }, 403],
  ])('refuses a token for %s', async (_, headers, status) => {
    const handler = imdsHandler(served, 'deploy');
    expect((await handler.handle({ method: 'PUT', path: '/latest/api/token', headers })).status).toBe(status);
  });

  it('refuses a token once its TTL has passed', async () => {
    let now = NOW.getTime();
    const handler = imdsHandler({ ...served, now: () => new Date(now) }, 'deploy');
    const t = await token(handler, '2');
    now += 2000;
    expect((await handler.handle(get('/latest/meta-data/iam/security-credentials/', { 'x-aws-ec2-metadata-token': t }))).status).toBe(401);
  });

  it('refuses other methods', async () => {
    const handler = imdsHandler(served, 'deploy');
    expect((await handler.handle({ method: 'GET', path: '/latest/api/token', headers: {} })).status).toBe(405);
    expect((await handler.handle({ method: 'DELETE', path: '/latest/meta-data/', headers: {} })).status).toBe(405);
  });
});

describe(startServer.name, () => {
  const echo = { logPath: (path: string) => path, handle: async () => ({ status: 200, body: 'ok' }) };

  it('refuses a non-loopback address without --listen', async () => {
    await expect(startServer(echo, { host: '0.0.0.0', port: 0, explicit: false }, () => {}, () => NOW)).rejects.toThrow(/not a loopback address/);
  });

  it('answers only the allowed clients and only Host names that are addresses, one label or localhost; logs every request', async () => {
    const lines: string[] = [];
    const allowNothing = await startServer(echo, { host: '127.0.0.1', port: 0, explicit: true, allow: parseAllowList(['10.0.0.0/8']) }, (line) => lines.push(line), () => NOW);
    expect((await fetch(`${allowNothing.origin}/x`)).status).toBe(403);
    await allowNothing.close();
    const open = await startServer(echo, { host: '127.0.0.1', port: 0, explicit: false, allow: parseAllowList(['127.0.0.1']) }, (line) => lines.push(line), () => NOW);
    expect((await fetch(`${open.origin}/x`)).status).toBe(200);
    expect((await fetch(`http://localhost:${open.port}/x`)).status).toBe(200);
    const rebound = await rawStatus(open.port, 'evil.example.com');
    expect(rebound).toBe(403);
    await open.close();
    expect(lines[0]).toBe('server: 2026-12-01T12:00:00.500Z 127.0.0.1 GET /x 403');
    expect(lines[1]).toBe('server: 2026-12-01T12:00:00.500Z 127.0.0.1 GET /x 200');
  });
});

/** A GET with a Host header of our choosing (fetch sets its own). */
async function rawStatus(port: number, host: string): Promise<number> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/x', headers: { Host: host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('server options', () => {
  it.each([
    ['127.0.0.1:9911', { host: '127.0.0.1', port: 9911 }],
    ['[::1]:0', { host: '[::1]', port: 0 }],
    ['172.17.0.1:80', { host: '172.17.0.1', port: 80 }],
  ])('--listen %s', (text, expected) => {
    expect(parseListen(text)).toEqual(expected);
  });

  it.each(['9911', '127.0.0.1', '::1:9911', '127.0.0.1:70000'])('--listen %s is a usage error', (text) => {
    expect(() => parseListen(text)).toThrow(/--listen takes ADDRESS:PORT/);
  });

  it('--allow takes addresses and CIDR blocks, comma-separated or repeated', () => {
    const list = parseAllowList(['172.17.0.0/16,10.1.2.3', '::1']);
    expect(list.check('172.17.5.9', 'ipv4')).toBe(true);
    expect(list.check('10.1.2.3', 'ipv4')).toBe(true);
    expect(list.check('10.1.2.4', 'ipv4')).toBe(false);
    expect(list.check('::1', 'ipv6')).toBe(true);
    expect(() => parseAllowList(['172.17.0.0/33'])).toThrow(/--allow takes/);
    expect(() => parseAllowList(['docker0'])).toThrow(/--allow takes/);
  });
});

describe(secretsEqual.name, () => {
  it('is true only for the same text', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abd', 'abc')).toBe(false);
    expect(secretsEqual('ab', 'abc')).toBe(false);
    expect(secretsEqual(undefined, 'abc')).toBe(false);
  });
});
