#!/usr/bin/env bash
# Checks the release path end to end on this machine, the way a user meets it:
#   1. `dist build` makes the archive and the shell installer for this machine's target as the
#      releases ship it (on Linux the static musl build: `rustup target add x86_64-unknown-linux-musl`
#      and musl-tools needed);
#   2. the installer runs with a throwaway HOME, downloading that archive from a web server on
#      127.0.0.1 instead of GitHub; it must check the checksum, and refuse a damaged archive;
#   3. the installed `ailab` runs from a new shell's PATH: --version names the version and this
#      commit, and commands that need no model server work.
# Apart from the build (target/), nothing outside a temporary folder is changed. Not part of CI
# (.ci/run): a release build takes minutes. Set CARGO_TARGET_DIR to keep it apart from your usual one.
#
# Usage: scripts/check-install.sh            (needs `dist`: cargo install cargo-dist --locked)
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n==> %s\n' "$*"; }
fail() {
    printf '\ncheck-install: FAILED: %s\n' "$*" >&2
    exit 1
}

for tool in dist cargo rustc rustup python3 tar xz; do
    command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not installed (dist: cargo install cargo-dist --locked)"
done
command -v curl >/dev/null 2>&1 || command -v wget >/dev/null 2>&1 || fail "the installer needs curl or wget"

version=$(cargo metadata --no-deps --format-version 1 |
    python3 -c 'import json, sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "ailab"))')
commit=""
if [ -e .git ] && commit=$(git log -1 --format=%H 2>/dev/null); then
    commit=${commit:0:7}
fi

# This machine's target as the releases ship it (on Linux the static musl build): dist builds
# only the targets listed in dist-workspace.toml.
host=$(rustc -vV | sed -n 's/^host: //p')
case "$host" in
*-unknown-linux-gnu) target=${host%-gnu}-musl ;;
*) target=$host ;;
esac
grep -q "\"$target\"" dist-workspace.toml ||
    fail "the releases have no build for this machine ($target is not in dist-workspace.toml's targets)"
if [[ "$target" == *-linux-musl ]]; then
    rustup target list --installed | grep -qx "$target" ||
        fail "the Rust target $target is not installed; run: rustup target add $target"
    command -v musl-gcc >/dev/null 2>&1 ||
        fail "musl-gcc is missing (SQLite is compiled in); on Debian or Ubuntu: apt-get install musl-tools"
fi

say "dist build --target $target (a release build with LTO: a few minutes)"
manifest=$(mktemp)
work=$(mktemp -d)
server_pid=""
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work" "$manifest"
}
trap cleanup EXIT
dist build --target "$target" --output-format=json >"$manifest" || fail "dist build failed (see above)"

# The archive and the installer, as dist names them in its manifest.
read -r archive installer < <(python3 - "$manifest" "$target" <<'EOF'
import json, sys
manifest, target = json.load(open(sys.argv[1])), sys.argv[2]
arts = manifest["artifacts"].values()
archive = next(a["path"] for a in arts if a["kind"] == "executable-zip" and target in a["target_triples"])
installer = next(a["path"] for a in arts if a["kind"] == "installer" and a["name"].endswith(".sh"))
print(archive, installer)
EOF
) || fail "dist's manifest names no archive for $target or no shell installer"
[[ -f "$archive" && -f "$installer" ]] || fail "dist reported $archive and $installer, but they are not there"
echo "archive:   $archive"
echo "installer: $installer"

# good/: dist's output as built; bad/: the archive with one byte added, which must be refused.
say "serving $(dirname "$archive") on 127.0.0.1"
mkdir -p "$work/www/bad"
ln -s "$(dirname "$archive")" "$work/www/good"
cp "$archive" "$work/www/bad/" && printf 'x' >>"$work/www/bad/$(basename "$archive")"
port_file=$work/port
python3 - "$work/www" "$port_file" "$work/requests.log" <<'EOF' &
import functools, http.server, sys
directory, port_file, log = sys.argv[1:]
class Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, fmt, *args):
        with open(log, "a") as f:
            f.write(fmt % args + "\n")
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=directory))
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_port))
import os; os.rename(port_file + ".tmp", port_file)
server.serve_forever()
EOF
server_pid=$!
for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
[ -s "$port_file" ] || fail "the local web server did not start"
url="http://127.0.0.1:$(cat "$port_file")"
echo "at $url"

# The installer as a user runs it (`curl … | sh`), with a HOME of its own: it installs into
# ~/.local/bin and adds that to PATH in the shell's start-up files.
say "running the installer as a user would, with HOME=$work/home"
home=$work/home
mkdir -p "$home"
env -i HOME="$home" PATH=/usr/local/bin:/usr/bin:/bin SHELL=/bin/bash \
    AILAB_DOWNLOAD_URL="$url/good" sh <"$installer" 2>&1 | tee "$work/install.log" ||
    fail "the installer failed (see above)"
grep -q "GET /good/$(basename "$archive") .* 200" "$work/requests.log" ||
    fail "the installer did not download the archive from the local server"
grep -q "no checksums to verify" "$work/install.log" && fail "the installer checked no checksum"
bin=$home/.local/bin/ailab
[ -x "$bin" ] || fail "the installer did not put ailab in ~/.local/bin"
# "Open a terminal and type ailab": a new login shell reads ~/.profile, which must now find it.
# shellcheck disable=SC2016 # $HOME is for the new shell to expand
found=$(env -i HOME="$home" PATH=/usr/bin:/bin sh -c '. "$HOME/.profile" && command -v ailab') ||
    fail "a new shell does not find ailab: the installer did not put ~/.local/bin on PATH in ~/.profile"
[ "$found" = "$bin" ] || fail "a new shell finds $found, not $bin"
echo "ok: installed $bin, and a new shell finds it on PATH"

say "the installer refuses a damaged download"
if env -i HOME="$work/home-bad" PATH=/usr/local/bin:/usr/bin:/bin AILAB_DOWNLOAD_URL="$url/bad" \
    sh <"$installer" >"$work/install-bad.log" 2>&1; then
    cat "$work/install-bad.log"
    fail "the installer installed a damaged archive"
fi
grep -q "checksum mismatch" "$work/install-bad.log" ||
    { cat "$work/install-bad.log"; fail "the installer failed on a damaged archive, but not on its checksum"; }
[ ! -e "$work/home-bad/.local/bin/ailab" ] || fail "a damaged archive left an ailab behind"
echo "ok: checksum mismatch, nothing installed"

# The prefix override, for people who want it elsewhere.
say "running the installer into a chosen folder (AILAB_INSTALL_DIR), without touching PATH"
prefix=$work/prefix
env -i HOME="$home" PATH=/usr/local/bin:/usr/bin:/bin AILAB_DOWNLOAD_URL="$url/good" \
    AILAB_INSTALL_DIR="$prefix" AILAB_NO_MODIFY_PATH=1 sh <"$installer" >"$work/install2.log" 2>&1 ||
    { cat "$work/install2.log"; fail "the installer failed with AILAB_INSTALL_DIR"; }
[ -x "$prefix/ailab" ] || fail "AILAB_INSTALL_DIR=$prefix did not put ailab in $prefix"
echo "ok: installed $prefix/ailab"

say "the installed ailab"
# As in a new terminal: a login shell's PATH, no AILAB_* of this shell, data in the sandbox.
# shellcheck disable=SC2016 # the new shell expands $HOME and "$@"
run() { env -i HOME="$home" PATH=/usr/bin:/bin TERM=dumb sh -c '. "$HOME/.profile" && exec "$@"' sh "$@"; }
printed=$(run ailab --version) || fail "ailab --version failed"
echo "ailab --version: $printed"
if [ -n "$commit" ]; then
    [[ "$printed" =~ ^ailab\ $version\ \($commit\ [0-9]{4}-[0-9]{2}-[0-9]{2}\)$ ]] ||
        fail "expected 'ailab $version ($commit YYYY-MM-DD)', got '$printed'"
else
    [ "$printed" = "ailab $version" ] || fail "expected 'ailab $version' (no git here), got '$printed'"
fi
[ "$(run "$prefix/ailab" --version)" = "$printed" ] || fail "the two installs differ"
run ailab check --help | grep -q "Usage: ailab check" || fail "ailab check --help failed"
echo "ok: ailab check --help"
run ailab --help | grep -q -- "--demo" || fail "ailab --help does not mention --demo"
echo "ok: ailab --help"
# The record (SQLite, built into the binary) opens in the platform's data folder.
run ailab history list | grep -q "No runs recorded yet" || fail "ailab history list failed"
echo "ok: ailab history list"
# No server: check says what to do and fails, without a panic.
out=$(run ailab check --base-url http://127.0.0.1:9/v1 2>&1) && fail "ailab check passed with no server"
grep -q "cannot reach the server" <<<"$out" || fail "ailab check without a server said: $out"
grep -qi "panicked" <<<"$out" && fail "ailab check panicked: $out"
echo "ok: ailab check with no server explains what to do"
if [[ "$target" == *-linux-musl ]]; then
    # A static binary runs on any Linux, whatever its C library.
    ldd "$bin" 2>&1 | grep -qE "not a dynamic executable|statically linked" ||
        fail "the musl build is not static: $(ldd "$bin" 2>&1)"
    echo "ok: statically linked"
fi

say "PASSED: dist built $(basename "$archive") for $target; its installer installed a working ailab ($printed)"
