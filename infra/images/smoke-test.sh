#!/usr/bin/env bash
# Runs the two image tarballs built by `./mvnw -Pimages package` without a container engine: unpacks each image's
# layers in order into a root file system and runs the image's own entrypoint there, as the image's user, with a
# private /proc (Linux namespaces; needs root or unprivileged user namespaces).
#   consumer:       entrypoint + --help  -> exit 0 and the list of VIGIL_* variables
#   dashboard-api:  entrypoint, no configuration -> exit 2 naming VIGIL_JWT_SECRET (the JVM, classpath and main
#                   class all load; the API refuses to start without its secret)
# Usage: infra/images/smoke-test.sh
set -euo pipefail
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
command -v python3 >/dev/null || { echo "smoke-test: python3 is needed to read the image config" >&2; exit 2; }
chroot=$(command -v chroot || echo /usr/sbin/chroot)
if ! unshare --mount --pid --fork true 2>/dev/null; then
  echo "smoke-test: SKIPPED: cannot create mount/pid namespaces here (run as root, or enable user namespaces)" >&2
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_image() { # image-tar, expected exit, expected text, args...
  local tar=$1 want_rc=$2 want_text=$3; shift 3
  local dir="$work/$(basename "$(dirname "$(dirname "$tar")")")"
  mkdir -p "$dir/image" "$dir/root"
  tar -xf "$tar" -C "$dir/image"
  # manifest.json lists the layers bottom-up and names the config (entrypoint, user, environment).
  python3 - "$dir/image" > "$dir/plan" <<'PY'
import json, sys, os
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))[0]
c = json.load(open(os.path.join(d, m["Config"])))["config"]
print(c.get("User") or "0:0")
print("\x1f".join(c.get("Env") or []))
print("\x1f".join((c.get("Entrypoint") or []) + (c.get("Cmd") or [])))
for layer in m["Layers"]:
    print(layer)
PY
  local user env entry
  { read -r user; read -r env; read -r entry; } < "$dir/plan"
  tail -n +4 "$dir/plan" | while read -r layer; do
    tar --warning=no-unknown-keyword -xf "$dir/image/$layer" -C "$dir/root"
  done
  mkdir -p "$dir/root/proc"
  local -a envs cmd
  IFS=$'\x1f' read -r -a envs <<< "$env"
  IFS=$'\x1f' read -r -a cmd <<< "$entry"
  set +e
  # The image has no shell and no env(1): the environment is set outside, then chroot runs the entrypoint with it.
  unshare --mount --pid --fork --mount-proc="$dir/root/proc" \
    env -i "${envs[@]}" "$chroot" --userspec="$user" "$dir/root" "${cmd[@]}" "$@" > "$dir/out" 2>&1
  local rc=$?
  set -e
  if [ "$rc" -ne "$want_rc" ] || ! grep -q -- "$want_text" "$dir/out"; then
    echo "smoke-test: FAILED $tar (exit $rc, wanted $want_rc and '$want_text'):" >&2
    sed 's/^/  | /' "$dir/out" >&2
    return 1
  fi
  echo "smoke-test: ok $(basename "$(dirname "$(dirname "$tar")")") (user $user, exit $rc): $(grep -m1 -- "$want_text" "$dir/out")"
}

run_image "$here/consumer/target/jib-image.tar" 0 "VIGIL_STREAM" --help
run_image "$here/dashboard-api/target/jib-image.tar" 2 "VIGIL_JWT_SECRET is required"
