# Windows twin of package.sh: stages the deployment package (compiled app, host.json,
# package.json, production dependencies only) in dist/deploy.
$ErrorActionPreference = 'Stop'
Set-Location (Join-Path $PSScriptRoot '../..')

if (-not (Test-Path node_modules)) { npm ci --no-audit --no-fund; if ($LASTEXITCODE) { exit $LASTEXITCODE } }
npm run build; if ($LASTEXITCODE) { exit $LASTEXITCODE }

$out = 'dist/deploy'
if (Test-Path $out) { Remove-Item -Recurse -Force $out }
New-Item -ItemType Directory -Force "$out/dist" | Out-Null
foreach ($dir in 'functions', 'orchestrations', 'activities', 'core', 'adapters') { Copy-Item -Recurse "dist/$dir" "$out/dist/" }
Copy-Item host.json, package.json, package-lock.json, .funcignore $out
Push-Location $out
npm ci --omit=dev --ignore-scripts --no-audit --no-fund
$code = $LASTEXITCODE
Pop-Location
if ($code) { exit $code }
Write-Output "deployment package staged in $out"
