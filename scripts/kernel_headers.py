#!/usr/bin/env python3
"""Make DEST hold only the kernel's uapi headers from INCLUDE_DIR: symlinks
linux, asm-generic and asm (from INCLUDE_DIR/MULTIARCH/asm when the
multiarch layout has it there).  A compiler that hides the system include
path (musl-gcc) can then be given the kernel's headers without glibc's.

    kernel_headers.py INCLUDE_DIR MULTIARCH DEST
"""
import os
import sys


def main():
    include_dir, multiarch, dest = sys.argv[1:4]
    os.makedirs(dest, exist_ok=True)
    sources = {
        "linux": os.path.join(include_dir, "linux"),
        "asm-generic": os.path.join(include_dir, "asm-generic"),
        "asm": os.path.join(include_dir, "asm"),
    }
    if not os.path.isdir(sources["asm"]) and multiarch:
        sources["asm"] = os.path.join(include_dir, multiarch, "asm")
    for name, source in sources.items():
        if not os.path.isdir(source):
            sys.exit(f"kernel_headers: no {source}")
        link = os.path.join(dest, name)
        if os.path.islink(link):
            os.unlink(link)
        os.symlink(source, link)


if __name__ == "__main__":
    main()
