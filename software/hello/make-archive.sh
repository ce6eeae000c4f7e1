#!/bin/sh
# Rebuilds hello-1.0.tar.gz from src/ reproducibly (same bytes for the same sources) and prints
# its md5, to be written as [hello-server] md5sum in software.cfg.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/hello-1.0"
cp src/hello.c src/configure src/Makefile.in "$tmp/hello-1.0/"
chmod 755 "$tmp/hello-1.0/configure"
chmod 644 "$tmp/hello-1.0/hello.c" "$tmp/hello-1.0/Makefile.in"
tar -C "$tmp" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf - hello-1.0 | gzip -n -9 > hello-1.0.tar.gz
md5sum hello-1.0.tar.gz
