#!/usr/bin/env bash
# Startup, measured as people feel it: whole-process times of the commands that must answer at
# once, against the floor of any Node.js program (`node -e 0`), in one hyperfine run so that the
# ratios compare runs made under the same load; then peak memory of a cached use. Prints a
# Markdown table (README.md, "Performance", shows one) with the machine and the date.
#
#   bench/startup.sh [rounds [runs]]   # default 5 rounds of 5 runs of each command; each ratio is
#                                      # taken within a round (same load), then the median of rounds
#
# Needs hyperfine, python3 with moto (a local STS fills the session cache once; nothing leaves the
# machine) and a build (`npm run build`). Where /usr/bin/aws is the AWS CLI v2, its
# `configure export-credentials` of the same cached profile is timed too.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli.js ] || npm run build >/dev/null
rounds=${1:-5}
runs=${2:-5}

work=$(mktemp -d)
moto_pid=
trap '[ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null; rm -rf "$work"' EXIT
export HOME=$work SHELL=/bin/bash AWS_EC2_METADATA_DISABLED=true
export AWS_CONFIG_FILE=$work/config AWS_SHARED_CREDENTIALS_FILE=$work/credentials
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
export AWS_ENDPOINT_URL_STS=http://127.0.0.1:$port
for _ in $(seq 100); do
  python3 -c "import urllib.request; urllib.request.urlopen('$AWS_ENDPOINT_URL_STS/moto-api/')" 2>/dev/null && break
  sleep 0.1
done

# A three-hop chain (base keys → dev → stage → prod) and static keys, in a small config and in a
# 4,000-profile one (20,000 lines), as people with many accounts have.
printf '[base]\naws_access_key_id = AKIAEXAMPLEBENCH0001\naws_secret_access_key = secret\n' >"$AWS_SHARED_CREDENTIALS_FILE"
chain='[profile dev]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = base
[profile stage]
role_arn = arn:aws:iam::123456789012:role/stage
source_profile = dev
[profile prod]
role_arn = arn:aws:iam::123456789012:role/prod
source_profile = stage
region = eu-west-1
'
printf '%s' "$chain" >"$AWS_CONFIG_FILE"
{
  printf '%s\n' "$chain"
  for i in $(seq 1 3997); do
    printf '[profile acct-%d]\nrole_arn = arn:aws:iam::%012d:role/admin\nsource_profile = base\nregion = us-east-1\n\n' "$i" "$i"
  done
} >"$work/big-config"
node bin/awsrole.js use prod --shell bash >/dev/null # fills awsrole's cache and the AWS CLI's
# The AWS CLI v2 must answer from that cache: it is timed on the same cached profile, never on STS.
aws_v2=
if /usr/bin/aws --version 2>&1 | grep -q '^aws-cli/2' &&
  AWS_ENDPOINT_URL_STS=http://127.0.0.1:9 /usr/bin/aws configure export-credentials --profile prod >/dev/null; then
  aws_v2=yes
fi
big="env AWS_CONFIG_FILE=$work/big-config"

commands=(
  'node -e 0'
  'node bin/awsrole.js use prod --shell bash'
  'node bin/awsrole.js use base --shell bash'
  'node bin/awsrole.js __complete --current=pro -- use'
  "$big node bin/awsrole.js use prod --shell bash"
  "$big node bin/awsrole.js __complete --current=pro -- use"
  "$big node bin/awsrole.js list"
)
labels=(
  'node -e 0'
  'cached use, 3-hop chain'
  'static-keys use'
  'one TAB (__complete use pro)'
  '4,000 profiles: cached use'
  '4,000 profiles: TAB'
  '4,000 profiles: list'
)
goals=('' '1.2' '1.2' '1.2' '1.4' '1.4' '2')
if [ -n "$aws_v2" ]; then
  commands+=('/usr/bin/aws configure export-credentials --profile prod')
  labels+=('AWS CLI v2 export-credentials, same cached profile')
  goals+=('')
fi

# stdout is a pipe, as people run these: `eval "$(awsrole use …)"`, the shell function, TAB, and an
# SDK's credential_process all read awsrole through one (a terminal or /dev/null as stdout makes
# awsrole ask whether it is a terminal, which loads Node's tty module).
for round in $(seq 1 "$rounds"); do
  hyperfine -N --output=pipe --warmup 2 --runs "$runs" --style none --export-json "$work/round-$round.json" "${commands[@]}" \
    >/dev/null 2>"$work/hyperfine.err" || { cat "$work/hyperfine.err" >&2; exit 1; }
done

# Peak memory (max RSS) of a cached use, the largest of 20 runs.
peak_kib=$(python3 -c '
import resource, subprocess, sys
peak = 0
for _ in range(20):
    subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
    peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(peak)' node bin/awsrole.js use prod --shell bash)

python3 - "$work" "$rounds" "$peak_kib" "${#commands[@]}" "${labels[@]}" "${goals[@]}" <<'EOF'
import json, os, platform, statistics, subprocess, sys, time
work, rounds, peak_kib, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
labels, goals = sys.argv[5:5 + n], sys.argv[5 + n:5 + 2 * n]
medians = [[statistics.median(r['times']) for r in json.load(open(f'{work}/round-{k}.json'))['results']] for k in range(1, rounds + 1)]
median_ms = [statistics.median(m[i] for m in medians) * 1000 for i in range(n)]
# Each ratio is taken within a round (the same load for both), then the median over the rounds.
ratio = [statistics.median(m[i] / m[0] for m in medians) for i in range(n)]
cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')), platform.processor())
node = subprocess.run(['node', '--version'], capture_output=True, text=True).stdout.strip()
print(f'{time.strftime("%Y-%m-%d")}, {cpu}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end, Node {node}; '
      f'median of {rounds} hyperfine rounds (each ratio taken within its round)\n')
print('| what | median | vs `node -e 0` | goal |')
print('|---|---:|---:|---:|')
for i in range(n):
    goal = f'≤ {goals[i]}×' if goals[i] else ''
    print(f'| {labels[i]} | {median_ms[i]:.0f} ms | {ratio[i]:.2f}× | {goal} |')
if n > 7:
    cli = statistics.median(m[1] / m[n - 1] for m in medians)
    print(f'| cached use vs AWS CLI v2 export-credentials | | {cli:.2f}× | ≤ 0.2× |')
print(f'| peak memory of a cached use | {peak_kib / 1024:.0f} MiB | | ≤ 60 MiB |')
EOF
