#!/bin/sh
# Install AIML Desktop for the current user, from the unpacked release tarball:
#   ./install.sh
# The program goes to ~/.local/opt/aiml-desktop, a command link to ~/.local/bin/aiml-desktop,
# the menu entry, icons and AppStream data under ${XDG_DATA_HOME:-~/.local/share}.
# Running it again upgrades in place. Remove with ~/.local/opt/aiml-desktop/uninstall.sh.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
APP_ID=aiml-desktop
METAINFO_ID=io.aimlapi.AimlDesktop
DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
PREFIX=${AIML_DESKTOP_PREFIX:-$HOME/.local/opt/$APP_ID}
BIN_DIR=${AIML_DESKTOP_BIN_DIR:-$HOME/.local/bin}
BUNDLE=$HERE/$APP_ID
RESOURCES=$BUNDLE/_internal/app/resources
MANIFEST=$PREFIX/installed-files.txt

if [ ! -x "$BUNDLE/$APP_ID" ]; then
    echo "install.sh: $BUNDLE/$APP_ID is missing; run me from the unpacked tarball" >&2
    exit 1
fi

# Copy the new bundle beside the old one, then swap, so a failed copy leaves the old install.
mkdir -p "$(dirname "$PREFIX")"
rm -rf "$PREFIX.new"
cp -R "$BUNDLE" "$PREFIX.new"
cp "$HERE/uninstall.sh" "$PREFIX.new/uninstall.sh"
chmod 755 "$PREFIX.new/uninstall.sh"
rm -rf "$PREFIX"
mv "$PREFIX.new" "$PREFIX"

: >"$MANIFEST"
place() { # place SOURCE TARGET: copy a file and remember it for uninstall.sh
    mkdir -p "$(dirname "$2")"
    cp "$1" "$2"
    echo "$2" >>"$MANIFEST"
}

mkdir -p "$BIN_DIR"
ln -sf "$PREFIX/$APP_ID" "$BIN_DIR/$APP_ID"
echo "$BIN_DIR/$APP_ID" >>"$MANIFEST"

DESKTOP_FILE=$DATA_HOME/applications/$APP_ID.desktop
mkdir -p "$(dirname "$DESKTOP_FILE")"
sed -e "s|^Exec=.*|Exec=\"$PREFIX/$APP_ID\"|" -e "s|^TryExec=.*|TryExec=$PREFIX/$APP_ID|" \
    "$RESOURCES/linux/$APP_ID.desktop" >"$DESKTOP_FILE"
echo "$DESKTOP_FILE" >>"$MANIFEST"

place "$RESOURCES/linux/$METAINFO_ID.metainfo.xml" "$DATA_HOME/metainfo/$METAINFO_ID.metainfo.xml"
place "$RESOURCES/icons/$APP_ID.svg" "$DATA_HOME/icons/hicolor/scalable/apps/$APP_ID.svg"
for png in "$RESOURCES"/linux/icons/hicolor/*/apps/$APP_ID.png; do
    size=$(basename "$(dirname "$(dirname "$png")")")
    place "$png" "$DATA_HOME/icons/hicolor/$size/apps/$APP_ID.png"
done

# Menus and icon themes pick the files up by themselves; these only make it immediate.
if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$DATA_HOME/applications" 2>/dev/null || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t "$DATA_HOME/icons/hicolor" 2>/dev/null || true
fi

echo "AIML Desktop is installed in $PREFIX"
echo "Start it from your application menu, or run: $BIN_DIR/$APP_ID"
case ":$PATH:" in
*":$BIN_DIR:"*) ;;
*) echo "($BIN_DIR is not on your PATH; add it to run 'aiml-desktop' by name)" ;;
esac
