#!/usr/bin/env bash
# Build the one-folder desktop bundle with PyInstaller and run its self-test.
# Called by .ci/run after the tests; exits with the bundled self-test's status.
#   FIELDAPP_VENV=DIR                 virtualenv to use (default: .venv)
#   FIELDAPP_BUNDLE_SKIP_INSTALL=1    do not pip-install the build extra first
#   FIELDAPP_BUNDLE_DEBUG=1           build with a console (see build.spec)
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${FIELDAPP_VENV:-.venv}"
start=$(date +%s)

if [ "${FIELDAPP_BUNDLE_SKIP_INSTALL:-0}" != "1" ]; then
    echo "+ $venv/bin/pip install -e '.[build]'"
    "$venv/bin/pip" install --quiet -e '.[build]'
fi

# Translations are built from their .ts sources when a .qm is missing (pyside6-lrelease).
for ts in assets/i18n/*.ts; do
    [ -e "$ts" ] || continue
    qm="${ts%.ts}.qm"
    if [ ! -e "$qm" ]; then
        echo "+ pyside6-lrelease $ts -qm $qm"
        "$venv/bin/pyside6-lrelease" "$ts" -qm "$qm"
    fi
done

echo "+ pyinstaller --noconfirm --clean build.spec"
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN build.spec
built=$(date +%s)
echo "bundle built in $((built - start)) s: dist/fieldapp ($(du -sh dist/fieldapp | cut -f1))"

exe=dist/fieldapp/fieldapp
[ -x "$exe" ] || exe=dist/fieldapp/fieldapp.exe
echo "+ QT_QPA_PLATFORM=offscreen $exe --self-test"
status=0
QT_QPA_PLATFORM=offscreen "$exe" --self-test || status=$?
echo "bundled self-test exit status $status (total $(($(date +%s) - start)) s)"
exit "$status"
