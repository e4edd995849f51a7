#!/usr/bin/env python3
"""Writes the service worker with a version derived from the files it caches, so a
new build is a new version and an unchanged build is not."""
import hashlib, sys

template, out, *files = sys.argv[1:]
h = hashlib.sha256()
for f in files:
    with open(f, "rb") as fh:
        h.update(fh.read())
with open(template, encoding="utf-8") as fh:
    text = fh.read().replace("@VERSION@", h.hexdigest()[:12])
with open(out, "w", encoding="utf-8") as fh:
    fh.write(text)
