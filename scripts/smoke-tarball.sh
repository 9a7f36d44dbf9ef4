#!/usr/bin/env bash
# Runs the packed tarball (`npm pack`), unpacked with no node_modules beside it, on each Node given:
# --version, explain, use through a two-hop chain against a local moto STS, the same use again from
# the cache with STS unreachable, and exec of a command that sees the role's credentials (boto3
# asks moto who it is). On Node ≥ 22.1 it also checks that the compile cache went into a 0700
# directory. Needs python3 with moto and boto3. Nothing leaves the machine.
#
#   scripts/smoke-tarball.sh awsrole-0.1.0.tgz /path/to/node [/path/to/other/node …]
set -euo pipefail
tarball=$(realpath "$1")
shift

work=$(mktemp -d)
moto_pid=
trap '[ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null; rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work"
bin=$work/package/bin/awsrole.js
# The interpreter itself, not a pyenv shim: the runs below get a HOME of their own.
python=$(python3 -c 'import sys; print(sys.executable)')
version=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["version"])' "$work/package/package.json")

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
sts=http://127.0.0.1:$port
for _ in $(seq 100); do
  python3 -c "import urllib.request; urllib.request.urlopen('$sts/moto-api/')" 2>/dev/null && break
  sleep 0.1
done

fail() {
  echo "smoke: $node_version: $*" >&2
  exit 1
}

for node in "$@"; do
  node_version=$("$node" --version)
  home=$work/home-$node_version
  mkdir -p "$home/.aws"
  printf '[base]\naws_access_key_id = AKIAEXAMPLESMOKE0001\naws_secret_access_key = secret\n' >"$home/.aws/credentials"
  printf '[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n[profile prod]\nrole_arn = arn:aws:iam::123456789012:role/prod\nsource_profile = dev\nregion = eu-west-1\n' >"$home/.aws/config"
  awsrole() {
    env -i PATH="$PATH" HOME="$home" SHELL=/bin/bash AWS_EC2_METADATA_DISABLED=true AWS_ENDPOINT_URL_STS="$endpoint" \
      "$node" "$bin" "$@"
  }
  cd "$work"
  endpoint=$sts

  [ "$(awsrole --version)" = "$version" ] || fail "--version is not $version"
  [[ $(awsrole explain prod) == *arn:aws:iam::123456789012:role/prod* ]] || fail 'explain does not show the role'
  [[ $(awsrole use prod --shell bash) == *"export AWS_SESSION_TOKEN="* ]] || fail 'use obtained no session'
  endpoint=http://127.0.0.1:9 # discard port: only the cache can answer now
  [[ $(awsrole use prod --shell bash) == *"export AWS_SESSION_TOKEN="* ]] || fail 'a second use did not come from the cache'
  endpoint=$sts
  arn=$(awsrole exec prod -- "$python" -c 'import boto3, os; print(boto3.client("sts", endpoint_url=os.environ["AWS_ENDPOINT_URL_STS"]).get_caller_identity()["Arn"])')
  [[ $arn == arn:aws:sts::123456789012:assumed-role/prod/* ]] || fail "exec ran as $arn, not as the prod role"

  # Node's own compile cache (Node ≥ 22.1), else awsrole's code cache of dist/cli.js (Node 20).
  cache=$home/.cache/awsrole/compile-cache
  [ "$(stat -c %a "$cache")" = 700 ] || fail "the compile cache directory is not 0700"
  if "$node" -e 'process.exit(typeof require("node:module").enableCompileCache === "function" ? 0 : 1)'; then
    [ -n "$(find "$cache" -type f | head -1)" ] || fail 'nothing was written to the compile cache'
  else
    [ "$(find "$cache" -name 'cli-*.v8cache' -perm 600 | wc -l)" = 1 ] || fail 'no 0600 code cache of dist/cli.js was written'
  fi
  # Keys in the encrypted file (the OS keystore's native module is not installed here, by design).
  keys() { env -i PATH="$PATH" HOME="$home" AWSROLE_KEYSTORE=file AWSROLE_FILE_PASSPHRASE=smoke "$node" "$bin" "$@"; }
  printf 'AKIAEXAMPLESMOKE0002\nsmoke-secret\n' | keys keys add keysmoke --stdin 2>/dev/null || fail 'keys add into the encrypted file failed'
  [[ $(keys credential-process --keys keysmoke) == *'"SecretAccessKey":"smoke-secret"'* ]] || fail 'credential-process --keys did not give the stored keys'
  echo "smoke: $node_version: --version, explain, use, cached use, exec, keys: ok"
done
