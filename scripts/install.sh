#!/usr/bin/env bash
# Installs cronwatch from this checkout on a Debian/Ubuntu host, as systemd services:
#   sudo scripts/install.sh              install or upgrade (idempotent), migrate, start
#   sudo scripts/install.sh --uninstall  stop and remove the services and the program
#                                        (keeps /etc/cronwatch and /var/lib/cronwatch)
# Options for packaging and tests:
#   --root DIR       install below DIR instead of / (no user is created, nothing started)
#   --no-deps        do not run npm: copy the program and this checkout's dist/ only, for
#                    packagers that bring node_modules themselves (and for the tests)
#   --no-systemctl   write the files but do not call systemctl
# Needs: Node.js 20+ at /usr/bin/node, npm, and a PostgreSQL server for DATABASE_URL.
set -euo pipefail

root=""
deps=1
systemctl=1
action=install
while [ $# -gt 0 ]; do
  case "$1" in
    --root) root="${2:?--root needs a directory}"; shift 2 ;;
    --no-deps) deps=0; shift ;;
    --no-systemctl) systemctl=0; shift ;;
    --uninstall) action=uninstall; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$root" ] && systemctl=0

src="$(cd "$(dirname "$0")/.." && pwd)"
app="$root/opt/cronwatch"
etc="$root/etc/cronwatch"
units="$root/etc/systemd/system"
data="$root/var/lib/cronwatch"
services=(cronwatch-migrate.service cronwatch-front.service cronwatch-back.service)

say() { printf 'cronwatch install: %s\n' "$*"; }

if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: run as root (sudo), or pass --root DIR" >&2
  exit 1
fi

if [ "$action" = uninstall ]; then
  if [ "$systemctl" = 1 ]; then
    systemctl disable --now cronwatch-front.service cronwatch-back.service cronwatch-migrate.service 2>/dev/null || true
  fi
  for u in "${services[@]}"; do rm -f "$units/$u"; done
  [ "$systemctl" = 1 ] && systemctl daemon-reload
  rm -rf "$app"
  say "removed the services and $app; kept $etc and $data (delete them by hand to purge)"
  exit 0
fi

node_version=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_version" -lt 20 ]; then
  echo "install.sh: Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# 1. The program: built in a staging copy, swapped in at the end, so a failed build leaves
#    the running version alone.
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
for f in package.json package-lock.json tsconfig.json bin src migrations public; do
  cp -R "$src/$f" "$stage/"
done
if [ "$deps" = 1 ]; then
  say "building (npm ci, then production dependencies only)"
  (cd "$stage" && npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund) >&2
else
  if [ -d "$src/dist" ]; then cp -R "$src/dist" "$stage/"; fi
fi
mkdir -p "$(dirname "$app")"
rm -rf "$app.new"
mv "$stage" "$app.new"
trap - EXIT
rm -rf "$app.old"
[ -d "$app" ] && mv "$app" "$app.old"
mv "$app.new" "$app"
rm -rf "$app.old"
chmod 755 "$app"
say "program in $app"

# 2. The user and its data directory.
if [ -z "$root" ] && ! id cronwatch >/dev/null 2>&1; then
  useradd --system --user-group --home-dir /var/lib/cronwatch --shell /usr/sbin/nologin cronwatch
  say "created system user cronwatch"
fi
mkdir -p "$data"
[ -z "$root" ] && chown cronwatch:cronwatch "$data"

# 3. Configuration: written once, never overwritten (it holds the operator's settings).
mkdir -p "$etc"
if [ ! -f "$etc/cronwatch.env" ]; then
  install -m 600 "$src/systemd/cronwatch.env.example" "$etc/cronwatch.env"
  say "wrote $etc/cronwatch.env: set DATABASE_URL (and SMTP / Slack) there"
else
  chmod 600 "$etc/cronwatch.env"
fi

# 4. The units.
mkdir -p "$units"
for u in "${services[@]}"; do
  install -m 644 "$src/systemd/$u" "$units/$u"
done
say "units in $units"

if [ "$systemctl" = 1 ]; then
  systemctl daemon-reload
  if grep -q 'CHANGE-ME' "$etc/cronwatch.env"; then
    say "edit $etc/cronwatch.env, then: systemctl enable --now cronwatch-front cronwatch-back"
    exit 0
  fi
  # Migrations run (and must succeed) before the roles start: they Require the oneshot.
  systemctl restart cronwatch-migrate.service
  systemctl enable cronwatch-migrate.service cronwatch-front.service cronwatch-back.service
  systemctl restart cronwatch-front.service cronwatch-back.service
  say "running: systemctl status cronwatch-front cronwatch-back"
fi
