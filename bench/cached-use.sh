#!/usr/bin/env bash
# Whole-process time of a cached `awsrole use` of a two-hop role chain (no STS call, no AWS SDK),
# against `node -e 0`, and what the same switch costs without the cache. STS is a local moto.
# Needs hyperfine and python3 with moto and boto3. Usage: bench/cached-use.sh [hyperfine options]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli.js ] || npm run build >/dev/null

work=$(mktemp -d)
moto_pid=
trap '[ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null; rm -rf "$work"' EXIT
export HOME=$work AWS_CONFIG_FILE=$work/config AWS_SHARED_CREDENTIALS_FILE=$work/credentials
export AWS_EC2_METADATA_DISABLED=true
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
export AWS_ENDPOINT_URL_STS=http://127.0.0.1:$port
for _ in $(seq 100); do python3 -c "import urllib.request; urllib.request.urlopen('$AWS_ENDPOINT_URL_STS/moto-api/')" 2>/dev/null && break; sleep 0.1; done

printf '[base]\naws_access_key_id = AKIAEXAMPLEBENCH0001\naws_secret_access_key = secret\n' >"$AWS_SHARED_CREDENTIALS_FILE"
printf '[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n[profile prod]\nrole_arn = arn:aws:iam::123456789012:role/prod\nsource_profile = dev\nregion = eu-west-1\n' >"$AWS_CONFIG_FILE"
node bin/awsrole.js use prod --shell bash >/dev/null   # fills the cache

hyperfine --warmup 3 --min-runs 20 -N "$@" \
  'node -e 0' \
  'node bin/awsrole.js use prod --shell bash' \
  'node bin/awsrole.js use prod --shell bash --no-cache'
