#!/usr/bin/env bash
# Build the one-folder bundle from this checkout and pack it:
#   dist/mrecist-workstation-<version>-linux-x86_64.tar.gz
# holding mrecist-workstation-<version>/ with the executables mrecist-workstation and
# mrecist, their _internal/ folder and INSTALL.md (docs/install.md).
#
# Needs the installer extra in the environment it runs with (PYTHON, default .venv/bin/python):
#   .venv/bin/pip install -e '.[installer]'
# MRECIST_SIGN_COMMAND, if set, runs on each executable and then on the archive (the file
# appended), e.g. "gpg --detach-sign --armor" for the archive's signature.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-.venv/bin/python}
if ! "$python" -c 'import PyInstaller' 2>/dev/null; then
  echo "installer/build.sh: PyInstaller is not installed for $python; run: $python -m pip install -e '.[installer]'" >&2
  exit 2
fi
version=$("$python" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
machine=$(uname -m)
name="mrecist-workstation-${version}-linux-${machine}"
work=build/installer

started=$SECONDS
# MRECIST_SIGN_COMMAND is for the archive here; the spec would run it on each executable.
MRECIST_SIGN_COMMAND= "$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$work/dist" --workpath "$work/work" installer/mrecist-workstation.spec

folder="$work/dist/mrecist-workstation"
cp docs/install.md "$folder/INSTALL.md"
if [ -n "${MRECIST_SIGN_COMMAND:-}" ]; then
  for executable in "$folder/mrecist-workstation" "$folder/mrecist"; do
    $MRECIST_SIGN_COMMAND "$executable"
  done
fi
mkdir -p dist
rm -f "dist/$name.tar.gz"
# Reproducible order and owners; the top folder carries the version.
tar --sort=name --owner=0 --group=0 --numeric-owner \
  --transform "s|^mrecist-workstation|mrecist-workstation-$version|" \
  -C "$work/dist" -czf "dist/$name.tar.gz" mrecist-workstation
if [ -n "${MRECIST_SIGN_COMMAND:-}" ]; then
  $MRECIST_SIGN_COMMAND "dist/$name.tar.gz"
fi
size=$(du -sm "$folder" | cut -f1)
echo "dist/$name.tar.gz: $(du -m "dist/$name.tar.gz" | cut -f1) MiB packed, ${size} MiB unpacked, built in $((SECONDS - started)) s"
