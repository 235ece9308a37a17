#!/usr/bin/env bash
# Installs code-server (a real VS Code 1.100 server build) into a tools folder outside the
# project's dependencies, from the lock file kept beside this script. Needs Debian's
# libkrb5-dev, pkg-config and ripgrep (its postinstall compiles native modules and would
# otherwise download ripgrep, which this network does not allow).
#   test/e2e/tools/install-code-server.sh [DEST]     (default: .e2e-tools)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DEST="$(mkdir -p "${1:-$HERE/../../../.e2e-tools}" && cd "${1:-$HERE/../../../.e2e-tools}" && pwd)"
CS_VER="$(node -p "require('$HERE/package.json').dependencies['code-server']")"
if [ -x "$DEST/node_modules/.bin/code-server" ] && [ "$("$DEST/node_modules/.bin/code-server" --version 2>/dev/null | head -1 | cut -d' ' -f1)" = "$CS_VER" ]; then
  echo "code-server $CS_VER already in $DEST"; exit 0
fi
for tool in rg pkg-config; do command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y ripgrep pkg-config libkrb5-dev" >&2; exit 1; }; done
mkdir -p "$DEST/.tmp"
cp "$HERE/package.json" "$HERE/package-lock.json" "$DEST/" 2>/dev/null || cp "$HERE/package.json" "$DEST/"
cd "$DEST"
export TMPDIR="$DEST/.tmp"
# Seed @vscode/ripgrep's download cache with Debian's rg so its postinstall finds it offline.
npm pack "code-server@$CS_VER" --pack-destination .tmp >/dev/null
RG_PKG_VER=$(tar -xzf ".tmp/code-server-$CS_VER.tgz" package/lib/vscode/npm-shrinkwrap.json -O | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const p=JSON.parse(s).packages["node_modules/@vscode/ripgrep"];console.log(p&&p.hasInstallScript?p.version:"")})')
if [ -n "$RG_PKG_VER" ]; then
  RG_TGZ=$(cd .tmp && npm pack "@vscode/ripgrep@$RG_PKG_VER" 2>/dev/null | tail -1)
  RG_ASSET_VER=$(tar -xzf ".tmp/$RG_TGZ" package/lib/postinstall.js -O | sed -n "s/^const VERSION = '\(.*\)';/\1/p")
  CACHE="$TMPDIR/vscode-ripgrep-cache-$RG_PKG_VER"; mkdir -p "$CACHE/rg"; cp "$(command -v rg)" "$CACHE/rg/rg"
  tar -czf "$CACHE/ripgrep-$RG_ASSET_VER-x86_64-unknown-linux-musl.tar.gz" -C "$CACHE/rg" rg
fi
export npm_config_dangerously_allow_all_scripts=true npm_config_unsafe_perm=true npm_config_yes=true
if [ -f package-lock.json ]; then npm ci --foreground-scripts --no-audit --no-fund; else npm install --foreground-scripts --no-audit --no-fund; fi
[ -f "$HERE/package-lock.json" ] || cp package-lock.json "$HERE/package-lock.json"
"$DEST/node_modules/.bin/code-server" --version | head -1
