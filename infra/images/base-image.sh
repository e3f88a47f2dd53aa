#!/usr/bin/env bash
# Builds Vigil's Java base image as a `docker save`-format tarball, offline, from the build machine's own JDK:
# a jlink'ed Java 17 runtime plus exactly the shared libraries it links against (found with ldd), CA certificates,
# /tmp and an unprivileged user. No container engine, no registry. Jib reads it with from.image=tar://<file>.
#
# Usage: infra/images/base-image.sh [OUTPUT_TAR]      (default: infra/images/target/java17-base.tar)
# Needs: a JDK 17 with jmods (JAVA_HOME or the one on PATH), ldd, tar, sha256sum. Linux only; the image has the
# build machine's CPU architecture (linux/amd64 on the project's machines).
set -euo pipefail

here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
out=${1:-"$here/target/java17-base.tar"}
java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
[ -d "$java_home/jmods" ] || { echo "base-image: $java_home has no jmods; install a full JDK 17" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root/opt" "$root/etc" "$root/tmp" "$root/home/app" "$root/proc" "$root/sys" "$root/dev"
chmod 1777 "$root/tmp"

# Modules used by the consumer (KCL, Netty, AWS SDK) and the API (Javalin/Jetty, Jackson, Nimbus), with headroom.
modules=java.base,java.desktop,java.instrument,java.logging,java.management,java.naming,java.net.http,\
java.scripting,java.security.jgss,java.security.sasl,java.sql,java.xml,jdk.crypto.cryptoki,jdk.crypto.ec,\
jdk.management,jdk.naming.dns,jdk.unsupported,jdk.zipfs
"$java_home/bin/jlink" --module-path "$java_home/jmods" --add-modules "$modules" \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$root/opt/java"

# Trust store: a JDK may link it to the OS store; the image needs the file itself.
if [ -L "$java_home/lib/security/cacerts" ] || [ ! -s "$root/opt/java/lib/security/cacerts" ]; then
  cp -L "$java_home/lib/security/cacerts" "$root/opt/java/lib/security/cacerts"
fi

# Shared libraries: everything the launcher and the runtime's own libraries resolve to, plus the dynamic loader.
# GUI libraries of java.desktop (X11, sound, fonts, splash) are left out: the services run headless and only need
# java.desktop for java.beans.
find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
  ! -name libawt_xawt.so ! -name libsplashscreen.so ! -name libjsound.so ! -name libfontmanager.so -print0 \
  | xargs -0 ldd 2>/dev/null \
  | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }' \
  | sort -u \
  | while read -r lib; do
      case "$lib" in "$root"*) continue ;; esac
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
      # Keep the loader reachable under the path programs ask for (e.g. /lib64 -> /usr/lib64 links).
      real=$(readlink -f "$lib")
      if [ "$real" != "$lib" ]; then mkdir -p "$root$(dirname "$real")"; cp -L "$lib" "$root$real"; fi
    done
# Some runtimes dlopen these without an ldd-visible dependency (name resolution on older glibc, libgcc_s for
# thread cancellation).
for pattern in libnss_files.so.2 libnss_dns.so.2 libresolv.so.2 libgcc_s.so.1; do
  for lib in /lib/x86_64-linux-gnu/$pattern /usr/lib/x86_64-linux-gnu/$pattern /lib64/$pattern; do
    if [ -e "$lib" ] && [ ! -e "$root$lib" ]; then mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; fi
  done
done

cat > "$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
app:x:65532:65532:app:/home/app:/sbin/nologin
PASSWD
cat > "$root/etc/group" <<'GROUP'
root:x:0:
app:x:65532:
GROUP
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
chown -R 65532:65532 "$root/home/app" 2>/dev/null || true

# One layer, reproducible: sorted entries, fixed times, numeric root ownership (except /home/app).
layer="$work/layer.tar"
(cd "$root" && tar --sort=name --mtime='2000-01-01 00:00:00Z' --numeric-owner --owner=0 --group=0 \
  --exclude=./home/app -cf "$layer" . && tar --sort=name --mtime='2000-01-01 00:00:00Z' --numeric-owner \
  --owner=65532 --group=65532 -rf "$layer" ./home/app)
diff_id=$(sha256sum "$layer" | cut -d' ' -f1)

cat > "$work/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"User":"65532:65532","WorkingDir":"/home/app",
   "Env":["PATH=/opt/java/bin:/usr/local/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"2000-01-01T00:00:00Z","created_by":"infra/images/base-image.sh: jlink runtime of the build JDK ($("$java_home/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p')) and its shared libraries"}]}
JSON
config_id=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/$config_id.json"
mv "$layer" "$work/$diff_id.tar"
printf '[{"Config":"%s.json","RepoTags":["vigil/java17-base:local"],"Layers":["%s.tar"]}]\n' \
  "$config_id" "$diff_id" > "$work/manifest.json"

mkdir -p "$(dirname "$out")"
(cd "$work" && tar --sort=name --mtime='2000-01-01 00:00:00Z' --numeric-owner --owner=0 --group=0 \
  -cf "$out" manifest.json "$config_id.json" "$diff_id.tar")
echo "base-image: $out ($(du -h "$out" | cut -f1), layer sha256:$diff_id)"
