#!/usr/bin/env bash
# Builds tidb-server from the Go module proxy at a pinned version, and caches the
# binary on this machine keyed by that version. Prints the binary's path.
#
#   test/tidb/build.sh            # builds once (about 7 minutes on 2 idle cores), then reuses
#
# TiDB is not published as a versioned Go module with a main package one can
# `go install` (its go.mod has replace lines that only apply in its own module), so
# the build uses a small wrapper module that requires TiDB at the pinned
# pseudo-version and repeats TiDB's own replace lines (its parser is a nested module
# replaced by a relative path there; here by the parser's pseudo-version at the same
# commit) and its go.sum.
set -euo pipefail

TIDB_VERSION="${TIDB_VERSION:-v1.1.0-beta.0.20241125141335-ec8b81b98edc}"
# The parser module at the same commit (TiDB's go.mod replaces it with ./pkg/parser).
TIDB_PARSER_VERSION="${TIDB_PARSER_VERSION:-v0.0.0-20241125141335-ec8b81b98edc}"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/coursegraph/tidb-${TIDB_VERSION}"
bin="$cache/tidb-server"
if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

export PATH="$PATH:/usr/local/go/bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# At low priority, and by default one package at a time, so that a build on a
# shared machine leaves it usable (about 9 CPU-minutes in all); CI, which has the
# machine to itself, sets TIDB_BUILD_GOFLAGS= (empty) to compile in parallel.
export GOFLAGS="${TIDB_BUILD_GOFLAGS--p=1} -mod=mod"
export GOTOOLCHAIN=local

cat >go.mod <<MOD
module coursegraph.local/tidbbuild

go 1.23

require github.com/pingcap/tidb ${TIDB_VERSION}
MOD

echo "tidb build: downloading github.com/pingcap/tidb@${TIDB_VERSION}" >&2
go mod download github.com/pingcap/tidb
modfile="$(go mod download -json "github.com/pingcap/tidb@${TIDB_VERSION}" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')"
moddir="$(go mod download -json "github.com/pingcap/tidb@${TIDB_VERSION}" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
[ -f "$modfile" ] && [ -d "$moddir" ] || { echo "tidb build: module not found in the module cache" >&2; exit 1; }

# TiDB's replace lines (single-line and inside replace blocks), with the parser's
# relative path replaced by its pseudo-version at the same commit.
{
  echo
  echo "replace ("
  awk '
    /^replace \($/ { inblock = 1; next }
    inblock && /^\)$/ { inblock = 0; next }
    inblock { print; next }
    /^replace / { sub(/^replace /, ""); print }
  ' "$modfile" | sed 's#=> \./pkg/parser.*$#=> github.com/pingcap/tidb/pkg/parser '"$TIDB_PARSER_VERSION"'#'
  echo ")"
} >>go.mod
cp "$moddir/go.sum" go.sum
chmod u+w go.mod go.sum
echo "tidb build: wrapper module:" >&2
cat go.mod >&2

mkdir -p "$cache"
echo "tidb build: compiling tidb-server (GOFLAGS=$GOFLAGS)" >&2
start=$(date +%s)
nice -n 10 go build -trimpath -o "$bin.tmp" github.com/pingcap/tidb/cmd/tidb-server
mv "$bin.tmp" "$bin"
echo "tidb build: built in $(( $(date +%s) - start )) s: $bin" >&2
echo "$bin"
