#!/bin/sh
# Remove AIML Desktop installed by install.sh. Your settings, history and generated files
# (~/.config/aiml-desktop, ~/.local/share/aiml-desktop) and the key in your keyring stay;
# pass --purge to delete those folders too.
set -eu

APP_ID=aiml-desktop
PREFIX=${AIML_DESKTOP_PREFIX:-$HOME/.local/opt/$APP_ID}
DATA_HOME=${XDG_DATA_HOME:-$HOME/.local/share}
MANIFEST=$PREFIX/installed-files.txt

if [ ! -d "$PREFIX" ]; then
    echo "uninstall.sh: AIML Desktop is not installed in $PREFIX" >&2
    exit 1
fi
if [ -f "$MANIFEST" ]; then
    while IFS= read -r path; do
        [ -n "$path" ] && rm -f "$path"
    done <"$MANIFEST"
fi
rm -rf "$PREFIX"

if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$DATA_HOME/applications" 2>/dev/null || true
fi
if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t "$DATA_HOME/icons/hicolor" 2>/dev/null || true
fi

if [ "${1:-}" = "--purge" ]; then
    rm -rf "${XDG_CONFIG_HOME:-$HOME/.config}/$APP_ID" "$DATA_HOME/$APP_ID" \
        "${XDG_CACHE_HOME:-$HOME/.cache}/$APP_ID" "${XDG_STATE_HOME:-$HOME/.local/state}/$APP_ID"
    echo "AIML Desktop and its data are removed (the API key stays in your keyring)."
else
    echo "AIML Desktop is removed. Your settings and history are kept; --purge deletes them."
fi
