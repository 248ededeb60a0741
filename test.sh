#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the unit tests, then the integration tests that
# boot real guests under QEMU (TCG). A test whose tool is missing fails; none is skipped.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

status=0
# Code style: the build enforces analyzers and code style with warnings as errors (Directory.Build.props), so
# only whitespace is left to check; `dotnet format` over the solution would compile everything a second time.
say "code style (dotnet format whitespace --verify-no-changes)"
dotnet format whitespace --folder --verify-no-changes . || { echo "test.sh: run 'dotnet format Hospes.slnx' and commit the result" >&2; status=1; }

say "build (every project, benchmarks included; warnings are errors)"
dotnet build Hospes.slnx -c Release --nologo -v quiet -clp:ErrorsOnly || { echo "test.sh: the build failed" >&2; exit 1; }

# Fast unit tests first, then the real guests.
# tests/Shared holds source compiled into every test project; it is not a project itself.
for project in $(ls tests/*/*.Tests.csproj | grep -v Integration) tests/Hospes.Integration.Tests/Hospes.Integration.Tests.csproj; do
    say "$(basename "$project" .csproj)"
    # A test that hangs is killed after 10 minutes and named (the longest, a migration round trip, takes about 2):
    # a hang must be a failure that says where, never a CI run that times out with nothing to show.
    dotnet test "$project" -c Release --no-build --nologo --logger "console;verbosity=normal" \
        --blame-hang-timeout 10m --blame-hang-dump-type none || status=1
done
exit $status
