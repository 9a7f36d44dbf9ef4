import { describe, expect, it } from 'vitest';
import { describeBody, judgeStsAnswer } from '../../../src/sts/answer.js';

const ASSUMED = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId></Credentials></AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe</RequestId></ResponseMetadata>
</AssumeRoleResponse>
`;
const REFUSAL = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized</Message></Error>
  <RequestId>c6104cbe</RequestId>
</ErrorResponse>`;
const HTML = '<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>';

describe(judgeStsAnswer.name, () => {
  it.each([
    // What STS sends
    [200, ASSUMED, undefined, { kind: 'sts' }],
    [200, `<?xml version="1.0" encoding="UTF-8"?>\n${ASSUMED}`, undefined, { kind: 'sts' }],
    [403, REFUSAL, undefined, { kind: 'sts' }],
    [400, REFUSAL.replace('AccessDenied', 'Throttling'), undefined, { kind: 'sts' }],
    // What something else sends
    [200, HTML, undefined, { kind: 'not-sts', description: 'HTTP 200 with an HTML page' }],
    [200, '', undefined, { kind: 'not-sts', description: 'HTTP 200 with an empty body' }],
    [200, ASSUMED.slice(0, 120), undefined, { kind: 'not-sts', description: 'HTTP 200 with an XML answer that is cut off or not from STS' }],
    [200, '{"Credentials": {}}', undefined, { kind: 'not-sts', description: 'HTTP 200 with JSON instead of XML' }],
    [200, '\u0007\u00ff garbage', undefined, { kind: 'not-sts', description: 'HTTP 200 with something that is not XML' }],
    [404, HTML, undefined, { kind: 'not-sts', description: 'HTTP 404 with an HTML page' }],
    [403, '', undefined, { kind: 'not-sts', description: 'HTTP 403 with an empty body' }],
    [302, '', 'https://portal.example.com/login?next=secret', { kind: 'not-sts', description: 'HTTP 302, a redirect to https://portal.example.com' }],
    [301, '', undefined, { kind: 'not-sts', description: 'HTTP 301, a redirect' }],
    // STS, or what stands in front of it, failing
    [503, 'Service Unavailable', undefined, { kind: 'failing', description: 'HTTP 503' }],
    [500, REFUSAL.replace('AccessDenied', 'InternalFailure'), undefined, { kind: 'failing', description: 'HTTP 500 InternalFailure' }],
  ])('HTTP %i %j → %j', (status, body, location, verdict) => {
    expect(judgeStsAnswer(status, body, location)).toEqual(verdict);
  });

  it('never quotes the body (it may echo a secret)', () => {
    expect(describeBody('AKIAIOSFODNN7EXAMPLE secret')).toBe('something that is not XML');
  });
});
