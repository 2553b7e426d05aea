#!/bin/sh
# Wrap the PyInstaller .app in a drag-to-Applications disk image (run on macOS).
#   sh packaging/macos/build_dmg.sh "dist/pyinstaller/AIML Desktop.app"
# packaging/build.py --installer builds the .app first and then runs this.
# Output: dist/aiml-desktop-<version>.dmg. The app is signed ad hoc; for distribution outside
# your own machines sign with a Developer ID and notarize (set CODESIGN_IDENTITY to sign here).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
APP=${1:-$REPO/dist/pyinstaller/AIML Desktop.app}
IDENTITY=${CODESIGN_IDENTITY:--}

if [ "$(uname -s)" != "Darwin" ]; then
    echo "build_dmg.sh: needs macOS (hdiutil, codesign)" >&2
    exit 1
fi
if [ ! -d "$APP" ]; then
    echo "build_dmg.sh: $APP not found; run python packaging/build.py first" >&2
    exit 1
fi

VERSION=$(/usr/libexec/PlistBuddy -c "Print :CFBundleShortVersionString" "$APP/Contents/Info.plist")
DMG=$REPO/dist/aiml-desktop-$VERSION.dmg
STAGING=$(mktemp -d)
trap 'rm -rf "$STAGING"' EXIT

if [ "$IDENTITY" = "-" ]; then
    codesign --force --deep --sign - "$APP"
else
    codesign --force --deep --options runtime --timestamp --sign "$IDENTITY" "$APP"
fi
codesign --verify --deep --strict "$APP"

cp -R "$APP" "$STAGING/"
ln -s /Applications "$STAGING/Applications"
mkdir -p "$(dirname "$DMG")"
rm -f "$DMG"
hdiutil create -volname "AIML Desktop $VERSION" -srcfolder "$STAGING" -ov -format UDZO "$DMG"
echo "built $DMG"
