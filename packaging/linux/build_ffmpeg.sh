#!/bin/sh
# Build audio-only, statically linked ffmpeg and ffprobe for the Linux bundle (a few MB each,
# against ~210 MB for Debian's ffmpeg with every shared library it links).
#
#   packaging/linux/build_ffmpeg.sh [OUT_DIR] [SOURCE_TARBALL]
#
# OUT_DIR defaults to packaging/build/ffmpeg; packaging/build.py bundles the pair from there.
# Without SOURCE_TARBALL the FFmpeg source is fetched from Debian with `apt-get source`
# (as root, through a temporary deb-src entry that is removed again).
# Needs: gcc, make, pkg-config, xz-utils and the static libraries of
#   libmp3lame-dev libopus-dev libvorbis-dev   (MP3, Opus and Vorbis encoders)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=${1:-$REPO/packaging/build/ffmpeg}
TARBALL=${2:-}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fetch_debian_source() {
    list=/etc/apt/sources.list.d/aiml-desktop-ffmpeg-src.sources
    cat >"$list" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    apt-get update -o Dir::Etc::sourcelist="$list" -o Dir::Etc::sourceparts=- \
        -o APT::Get::List-Cleanup=0 >/dev/null
    (cd "$WORK" && apt-get source --download-only ffmpeg >/dev/null 2>&1) || {
        rm -f "$list"
        echo "could not download the FFmpeg source from Debian" >&2
        exit 1
    }
    rm -f "$list"
    ls "$WORK"/ffmpeg_*.orig.tar.xz
}

if [ -z "$TARBALL" ]; then
    TARBALL=$(fetch_debian_source)
fi
tar -xf "$TARBALL" -C "$WORK"
SRC=$(find "$WORK" -maxdepth 1 -type d -name 'ffmpeg-*' | head -n 1)

DECODERS="pcm_s16le,pcm_s16be,pcm_s24le,pcm_s32le,pcm_f32le,pcm_f64le,pcm_u8,pcm_alaw,pcm_mulaw,\
mp3,mp3float,mp2,mp2float,aac,aac_latm,ac3,eac3,flac,alac,vorbis,opus,wavpack,wmav1,wmav2,\
adpcm_ima_wav,adpcm_ms,gsm_ms"
ENCODERS="pcm_s16le,pcm_s24le,pcm_s32le,pcm_f32le,pcm_u8,flac,aac,libmp3lame,libvorbis,libopus"
DEMUXERS="wav,w64,mp3,aac,ac3,eac3,flac,ogg,mov,matroska,asf,aiff,caf,au,wv,avi,mpegts,\
pcm_s16le,pcm_s32le,pcm_f32le,pcm_u8"
MUXERS="wav,mp3,adts,ipod,mp4,flac,ogg,opus,webm,matroska,pcm_s16le,pcm_s32le,pcm_f32le,pcm_u8,null"
PARSERS="aac,aac_latm,ac3,flac,mpegaudio,opus,vorbis"
FILTERS="aresample,aformat,anull,atrim,concat,volume,amix,apad,asetpts,pan,afade,acopy,asplit,\
anullsrc,aselect,silencedetect,null,format,trim"
BSFS="aac_adtstoasc,mp3_header_decompress,opus_metadata,null"

configure() { # configure LOG [feature options...]: the shared base plus the given features
    log=$1
    shift
    ./configure \
        --prefix="$WORK/prefix" \
        --pkg-config-flags=--static \
        --extra-ldflags=-static \
        --extra-ldexeflags=-static \
        --disable-autodetect --disable-debug --disable-doc --disable-network --disable-x86asm \
        --enable-small --disable-shared --enable-static --disable-ffplay \
        --disable-everything \
        --enable-protocol=file,pipe \
        --enable-decoder="$DECODERS" --enable-demuxer="$DEMUXERS" --enable-parser="$PARSERS" \
        "$@" >"$WORK/$log" 2>&1 || {
        tail -n 30 "$WORK/$log" >&2
        exit 1
    }
}

build() { # build PROGRAM
    make -j"$(nproc)" "$1" >"$WORK/make-$1.log" 2>&1 || {
        tail -n 30 "$WORK/make-$1.log" >&2
        exit 1
    }
    cp "$1" "$WORK/$1"
}

cd "$SRC"
# ffmpeg converts: decoders plus encoders, muxers and filters.
configure configure-ffmpeg.log \
    --enable-libmp3lame --enable-libvorbis --enable-libopus --enable-swresample \
    --enable-encoder="$ENCODERS" --enable-muxer="$MUXERS" --enable-filter="$FILTERS" \
    --enable-bsf="$BSFS"
build ffmpeg
# ffprobe only reads, so it is configured again without the encoding side (half the size).
configure configure-ffprobe.log
build ffprobe

mkdir -p "$OUT"
install -m 755 "$WORK/ffmpeg" "$WORK/ffprobe" "$OUT/"
strip "$OUT/ffmpeg" "$OUT/ffprobe"
echo "built $("$OUT/ffmpeg" -hide_banner -version | head -n 1) into $OUT"
du -h "$OUT/ffmpeg" "$OUT/ffprobe"
