#!/usr/bin/env bash
# Whole-process time of the commands that must feel instant, against the floor of any Node.js
# CLI (`node -e 0`). None of them may load the AWS SDK. Needs hyperfine (Debian package) and a
# build (`npm run build`). Usage: bench/startup.sh [extra hyperfine options]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli.js ] || npm run build >/dev/null

sandbox=$(mktemp -d)
trap 'rm -rf "$sandbox"' EXIT
export HOME=$sandbox AWS_CONFIG_FILE=$sandbox/config AWS_SHARED_CREDENTIALS_FILE=$sandbox/credentials
export AWS_EC2_METADATA_DISABLED=true SHELL=/bin/bash
printf '[static]\naws_access_key_id = AKIAEXAMPLESTATIC001\naws_secret_access_key = secret\n' >"$AWS_SHARED_CREDENTIALS_FILE"
{
  printf '[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = static\nregion = eu-west-1\n'
  # A big config: 2,000 profiles, about 10,000 lines, as people with many accounts have.
  for i in $(seq 1 2000); do
    printf '[profile acct-%d]\nrole_arn = arn:aws:iam::%012d:role/admin\nsource_profile = static\nregion = us-east-1\n\n' "$i" "$i"
  done
} >"$AWS_CONFIG_FILE"

printf '[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = static\n' >"$sandbox/small-config"

# `__complete` is what every TAB runs, on the 10,000-line config.
# `use static` runs twice: with a three-line config, and with the 10,000-line one.
hyperfine --warmup 3 --min-runs 20 -N "$@" \
  'node -e 0' \
  'node bin/awsrole.js --help' \
  "env AWS_CONFIG_FILE=$sandbox/small-config node bin/awsrole.js use static" \
  'node bin/awsrole.js use static' \
  'node bin/awsrole.js explain role' \
  'node bin/awsrole.js list --json' \
  'node bin/awsrole.js __complete --current=acct-19 -- use'
