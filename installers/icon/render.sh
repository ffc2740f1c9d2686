#!/usr/bin/env bash
# Rasterises llm-workbench.svg into each platform's icon. Needs rsvg-convert (librsvg2-bin), ImageMagick's
# convert (for the .ico) and png2icns (icnsutils).
# The results are committed, so building an installer needs neither tool.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in 16 32 48 64 128 256 512 1024; do
  rsvg-convert -w "$s" -h "$s" -o "$tmp/icon-$s.png" llm-workbench.svg
done
cp "$tmp/icon-256.png" ../linux/llm-workbench.png
convert "$tmp/icon-16.png" "$tmp/icon-32.png" "$tmp/icon-48.png" "$tmp/icon-64.png" "$tmp/icon-128.png" \
  "$tmp/icon-256.png" ../windows/llm-workbench.ico
png2icns ../macos/llm-workbench.icns "$tmp/icon-16.png" "$tmp/icon-32.png" "$tmp/icon-128.png" \
  "$tmp/icon-256.png" "$tmp/icon-512.png" "$tmp/icon-1024.png"
