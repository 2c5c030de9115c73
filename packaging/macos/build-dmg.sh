#!/usr/bin/env bash
# Build Galley.app with PyInstaller and pack it into a compressed disk image.
#
# Run on macOS from anywhere, in an environment with Galley installed
# (e.g. `python3 dev.py run --version` once, then `source .venv/bin/activate`):
#     bash packaging/macos/build-dmg.sh
# Output: dist/Galley-<version>.dmg. The app is not signed or notarised; see
# packaging/README.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

python="${PYTHON:-python3}"
version="$("$python" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"

"$python" -m pip install --quiet pyinstaller
# The spec sets the windowed mode (console=False) and builds the .app bundle;
# PyInstaller refuses command-line options such as --windowed next to a spec.
"$python" -m PyInstaller --noconfirm --clean packaging/galley.spec

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
cp -R dist/Galley.app "$staging/"
ln -s /Applications "$staging/Applications"

dmg="dist/Galley-$version.dmg"
rm -f "$dmg"
hdiutil create -volname "Galley $version" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg"
echo "built $dmg"
