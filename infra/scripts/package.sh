#!/bin/sh
# Stages the deployment package in dist/deploy: the compiled app (tsc), host.json, package.json
# and production dependencies only. No TypeScript, tests, simulator or local host, and none of
# the dev dependencies (the `node` binary package among them). azd runs this as the prepackage
# hook of service `app` (azure.yaml) and zips dist/deploy; for Core Tools, publish from there.
set -eu
cd "$(dirname "$0")/../.."

[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build

out=dist/deploy
rm -rf "$out"
mkdir -p "$out/dist"
for dir in functions orchestrations activities core adapters; do
  cp -R "dist/$dir" "$out/dist/"
done
cp host.json package.json package-lock.json .funcignore "$out/"
(cd "$out" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund)
echo "deployment package staged in $out"
