import { describe, expect, it } from 'vitest';
import { AwsroleError } from '../../../src/errors/errors.js';
import { USE_VARIABLES, sessionVariables } from '../../../src/output/variables.js';
import { formatTimestamp } from '../../../src/output/timestamp.js';
import { noRegionSession, roleSession, staticSession } from './helpers.js';

describe(sessionVariables.name, () => {
  it('sets everything for an assumed role, expiry cut to the second, and clears the profile variables', () => {
    expect(sessionVariables(roleSession)).toEqual({
      set: [
        ['AWS_ACCESS_KEY_ID', 'ASIAEXAMPLEKEY123456'],
        ['AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
        ['AWS_SESSION_TOKEN', 'FwoGZXIvYXdzEJr//////////wEaDH+tok='],
        ['AWS_CREDENTIAL_EXPIRATION', '2026-11-28T10:00:00Z'],
        ['AWS_SESSION_EXPIRATION', '2026-11-28T10:00:00Z'],
        ['AWS_REGION', 'eu-west-1'],
        ['AWS_DEFAULT_REGION', 'eu-west-1'],
        ['AWSROLE_PROFILE', 'prod-admin'],
      ],
      clear: ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN'],
    });
  });

  it('clears the token and expirations for static keys, and leaves the region alone', () => {
    expect(sessionVariables(staticSession)).toEqual({
      set: [
        ['AWS_ACCESS_KEY_ID', 'AKIAEXAMPLEKEY654321'],
        ['AWS_SECRET_ACCESS_KEY', 'static/Secret+Key='],
        ['AWSROLE_PROFILE', 'dev'],
      ],
      clear: [
        'AWS_PROFILE',
        'AWS_DEFAULT_PROFILE',
        'AWS_SECURITY_TOKEN',
        'AWS_SESSION_TOKEN',
        'AWS_CREDENTIAL_EXPIRATION',
        'AWS_SESSION_EXPIRATION',
      ],
    });
  });

  it('sets no region variable when no region is known, and clears none', () => {
    const { set, clear } = sessionVariables(noRegionSession);
    expect(set.map(([name]) => name)).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_CREDENTIAL_EXPIRATION',
      'AWS_SESSION_EXPIRATION',
      'AWSROLE_PROFILE',
    ]);
    expect(clear).toEqual(['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN']);
  });

  it('treats an empty token and an empty region as absent', () => {
    const { set, clear } = sessionVariables({
      profile: 'p',
      region: '',
      credentials: { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: '' },
    });
    expect(set.map(([name]) => name)).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWSROLE_PROFILE']);
    expect(clear).toContain('AWS_SESSION_TOKEN');
    expect(clear).not.toContain('AWS_REGION');
  });
});

describe(`${sessionVariables.name} with the user's own region known`, () => {
  const regionOf = (changes: ReturnType<typeof sessionVariables>) => ({
    set: changes.set.filter(([name]) => /REGION/.test(name)),
    clear: changes.clear.filter((name) => /REGION/.test(name)),
  });

  it("sets the profile's region in both variables, and remembers the user's", () => {
    const session = { ...roleSession, userRegion: { variables: { AWS_DEFAULT_REGION: 'ap-south-1' }, handedOn: false } };
    expect(regionOf(sessionVariables(session))).toEqual({
      set: [
        ['AWS_REGION', 'eu-west-1'],
        ['AWS_DEFAULT_REGION', 'eu-west-1'],
        ['AWSROLE_USER_REGION', '{"AWS_DEFAULT_REGION":"ap-south-1"}'],
      ],
      clear: [],
    });
  });

  it("without a region of its own, sets the user's variables back exactly: the one they had, not the other", () => {
    const session = { ...noRegionSession, region: 'ap-south-1', userRegion: { variables: { AWS_DEFAULT_REGION: 'ap-south-1' }, handedOn: true } };
    expect(regionOf(sessionVariables(session))).toEqual({
      set: [
        ['AWS_DEFAULT_REGION', 'ap-south-1'],
        ['AWSROLE_USER_REGION', '{"AWS_DEFAULT_REGION":"ap-south-1"}'],
      ],
      clear: ['AWS_REGION'],
    });
  });

  it('without a region anywhere, clears both, so no earlier profile\'s region stays', () => {
    const session = { ...noRegionSession, userRegion: { variables: {}, handedOn: true } };
    expect(regionOf(sessionVariables(session))).toEqual({
      set: [['AWSROLE_USER_REGION', '{}']],
      clear: ['AWS_REGION', 'AWS_DEFAULT_REGION'],
    });
  });
});

describe('USE_VARIABLES', () => {
  it('lists every variable use can set', () => {
    expect(USE_VARIABLES).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_CREDENTIAL_EXPIRATION',
      'AWS_SESSION_EXPIRATION',
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      'AWSROLE_PROFILE',
      'AWSROLE_USER_REGION',
    ]);
  });
});

describe(formatTimestamp.name, () => {
  it.each([
    ['whole seconds', '2026-11-28T10:00:00Z', '2026-11-28T10:00:00Z'],
    ['milliseconds are cut, not rounded', '2026-11-28T10:00:00.999Z', '2026-11-28T10:00:00Z'],
    ['an offset becomes UTC', '2026-11-28T12:30:05+02:00', '2026-11-28T10:30:05Z'],
  ])('%s', (_, input, expected) => {
    expect(formatTimestamp(new Date(input))).toBe(expected);
  });
  it('refuses an invalid date and a year past 9999 or before 0', () => {
    expect(() => formatTimestamp(new Date('nope'))).toThrow(AwsroleError);
    expect(() => formatTimestamp(new Date(Date.UTC(10000, 0, 1)))).toThrow(AwsroleError);
    expect(() => formatTimestamp(new Date('-000001-12-31T23:59:59Z'))).toThrow(AwsroleError);
  });
  it('is toISOString() without the fraction, for dates across the whole range', () => {
    for (let ms = Date.parse('0000-01-01T00:00:00Z'); ms < Date.parse('9999-12-31T00:00:00Z'); ms += 86_400_000 * 97.3 + 3_723_456) {
      expect(formatTimestamp(new Date(ms))).toBe(new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    }
    expect(formatTimestamp(new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)))).toBe('9999-12-31T23:59:59Z');
    expect(formatTimestamp(new Date('0000-01-01T00:00:00.500Z'))).toBe('0000-01-01T00:00:00Z');
  });
});
