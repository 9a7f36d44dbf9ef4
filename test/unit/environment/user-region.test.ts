import { describe, expect, it } from 'vitest';
import { encodeUserRegion, regionOf, rememberedUserRegion, userRegionVariables } from '../../../src/environment/user-region.js';

describe(encodeUserRegion.name, () => {
  it.each([
    [{}, '{}'],
    [{ AWS_REGION: 'us-east-1' }, '{"AWS_REGION":"us-east-1"}'],
    [{ AWS_DEFAULT_REGION: 'us-east-1', AWS_REGION: 'eu-west-1' }, '{"AWS_REGION":"eu-west-1","AWS_DEFAULT_REGION":"us-east-1"}'],
    [{ AWS_REGION: '' }, '{"AWS_REGION":""}'],
  ])('%j → %s (never empty)', (variables, encoded) => {
    expect(encodeUserRegion(variables)).toBe(encoded);
    expect(rememberedUserRegion({ AWSROLE_USER_REGION: encoded })).toEqual(variables);
  });
});

describe(rememberedUserRegion.name, () => {
  it.each([
    ['unset', undefined],
    ['empty', ''],
    ['not JSON', 'us-east-1'],
    ['an array', '["AWS_REGION"]'],
    ['null', 'null'],
    ['another variable', '{"AWS_PROFILE":"x"}'],
    ['a number', '{"AWS_REGION":1}'],
  ])('ignores a value that is %s', (_what, value) => {
    expect(rememberedUserRegion({ AWSROLE_USER_REGION: value })).toBeUndefined();
  });
});

describe(userRegionVariables.name, () => {
  it('is what an earlier use remembered, whatever the environment holds now', () => {
    const env = { AWSROLE_USER_REGION: '{"AWS_DEFAULT_REGION":"us-east-1"}', AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-1' };
    expect(userRegionVariables(env)).toEqual({ AWS_DEFAULT_REGION: 'us-east-1' });
  });

  it('is the environment when nothing is remembered (or what is there is not ours)', () => {
    expect(userRegionVariables({ AWS_REGION: 'ap-south-1' })).toEqual({ AWS_REGION: 'ap-south-1' });
    expect(userRegionVariables({ AWS_REGION: '', AWSROLE_USER_REGION: 'junk' })).toEqual({ AWS_REGION: '' });
    expect(userRegionVariables({})).toEqual({});
  });
});

describe(regionOf.name, () => {
  it.each([
    [{ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-east-1' }, { variable: 'AWS_REGION', value: 'eu-west-1' }],
    [{ AWS_REGION: '', AWS_DEFAULT_REGION: 'us-east-1' }, { variable: 'AWS_DEFAULT_REGION', value: 'us-east-1' }],
    [{}, undefined],
  ])('%j → %j (AWS_REGION first, empty is none)', (variables, region) => {
    expect(regionOf(variables)).toEqual(region);
  });
});
