#!/usr/bin/env bash
# Shows awsrole working end to end against a local moto STS (no AWS account, no network):
# a sample config with a two-hop role chain, then list, explain, use, exec and credential_process.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/cli.js ] || npm run build >/dev/null
awsrole() { node "$PWD/bin/awsrole.js" "$@"; }
say() { printf '\n\033[1m$ %s\033[0m\n' "$*" >&2; }

work=$(mktemp -d)
moto_pid=
cleanup() { [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

# Everything points into $work: the demo never reads or writes your own ~/.aws.
export HOME=$work AWS_CONFIG_FILE=$work/config AWS_SHARED_CREDENTIALS_FILE=$work/credentials
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_REGION AWS_DEFAULT_REGION

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
export AWS_ENDPOINT_URL_STS=http://127.0.0.1:$port

# Seed moto: a user with keys, a "dev" role it may assume, a "prod" role that dev may assume.
python3 - "$port" "$work" <<'PY'
import json, sys, time, urllib.request, boto3
port, work = sys.argv[1], sys.argv[2]
url = f"http://127.0.0.1:{port}"
for _ in range(100):
    try:
        urllib.request.urlopen(url + "/moto-api/", timeout=1); break
    except Exception:
        time.sleep(0.1)
iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                   aws_access_key_id="seed", aws_secret_access_key="seed")
allow = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]})
trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})
iam.create_user(UserName="demo")
iam.put_user_policy(UserName="demo", PolicyName="assume", PolicyDocument=allow)
key = iam.create_access_key(UserName="demo")["AccessKey"]
for role in ("dev", "prod"):
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)
    iam.put_role_policy(RoleName=role, PolicyName="assume", PolicyDocument=allow)
with open(f"{work}/credentials", "w") as f:
    f.write(f"[demo]\naws_access_key_id = {key['AccessKeyId']}\naws_secret_access_key = {key['SecretAccessKey']}\n")
with open(f"{work}/config", "w") as f:
    f.write("""[profile dev]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = demo
region = eu-west-1

[profile prod]
role_arn = arn:aws:iam::123456789012:role/prod
source_profile = dev
role_session_name = demo-session
region = eu-central-1

[profile prod-sdk]
credential_process = node bin/awsrole.js credential-process prod
""")
# From here on moto checks signatures, keys and policies as STS would.
urllib.request.urlopen(urllib.request.Request(url + "/moto-api/reset-auth", data=b"0",
                       headers={"Content-Type": "text/plain"}))
PY

say 'cat ~/.aws/config'; cat "$AWS_CONFIG_FILE"
say 'awsrole list'; awsrole list
say 'awsrole explain prod'; awsrole explain prod
say 'eval "$(awsrole use prod)"'; eval "$(awsrole use prod --shell bash)"
for name in AWSROLE_PROFILE AWS_REGION AWS_DEFAULT_REGION AWS_SESSION_EXPIRATION AWS_ACCESS_KEY_ID; do
  printf '%s=%s\n' "$name" "${!name}"
done
echo "AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN are set too (not shown)"
say 'awsrole exec prod -- python3 (boto3 GetCallerIdentity)'
awsrole exec prod -- python3 -c 'import boto3; print(boto3.client("sts").get_caller_identity()["Arn"])'
say 'eval "$(awsrole init bash)"; awsrole unset; awsrole use dev   (the shell function)'
mkdir -p "$work/bin" && ln -s "$PWD/bin/awsrole.js" "$work/bin/awsrole"
unset -f awsrole
PATH=$work/bin:$PATH
eval "$(awsrole init bash)"
awsrole unset
printf 'after unset: AWSROLE_PROFILE=%s\n' "${AWSROLE_PROFILE-}"
awsrole use dev
printf 'after use dev: AWSROLE_PROFILE=%s AWS_REGION=%s\n' "$AWSROLE_PROFILE" "$AWS_REGION"
say 'awsrole __complete --current=pr -- use   (what TAB after "awsrole use pr" asks)'
awsrole __complete --current=pr -- use
say 'boto3 with profile prod-sdk (credential_process = awsrole credential-process prod)'
python3 -c 'import boto3; print(boto3.Session(profile_name="prod-sdk").client("sts", region_name="us-east-1").get_caller_identity()["Arn"])'
echo >&2
echo "demo: done — prod was reached through demo → dev → prod against a local moto STS" >&2
