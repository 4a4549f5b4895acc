#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal of a given width and prints what it
wrote, as JSON: {"rc": N, "out": "...", "segments": [[cols, text], ...]}.

Usage: pty_run.py COLS [--resize-after S NEWCOLS] -- COMMAND ARGS...

Each segment is one redraw of a progress line (the text between carriage
returns and line ends, with the erase-to-end-of-line code taken out),
together with the width the terminal had when it was read (0 for what was
read in the 0.3 s after a resize, which may have been drawn before it). With
--resize-after, the terminal is resized S seconds after the command's first
output, as a user dragging the window would.
"""
import fcntl
import json
import os
import pty
import select
import struct
import sys
import termios
import time


def set_size(fd, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))


def main():
    args = sys.argv[1:]
    cols = int(args.pop(0))
    resize = None
    if args[0] == "--resize-after":
        resize = (float(args[1]), int(args[2]))
        args = args[3:]
    assert args.pop(0) == "--"
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(args[0], args)
    set_size(fd, cols)
    start = None  # when the first output came
    resized = None  # when the terminal was resized
    chunks = []  # (cols at the time, bytes)
    while True:
        if resize and start is not None and time.monotonic() - start >= resize[0]:
            cols = resize[1]
            set_size(fd, cols)
            resized = time.monotonic()
            resize = None
        r, _, _ = select.select([fd], [], [], 0.05)
        if not r:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        if start is None:
            start = time.monotonic()
        # a line read just after a resize may have been drawn before it:
        # its width is unknown (0)
        settled = resized is None or time.monotonic() - resized > 0.3
        chunks.append((cols if settled else 0, data))
    _, status = os.waitpid(pid, 0)
    out = b"".join(d for _, d in chunks).decode("utf-8", "replace")
    segments = []
    for c, d in chunks:
        text = d.decode("utf-8", "replace").replace("\x1b[K", "")
        for piece in text.replace("\r\n", "\n").split("\r"):
            line = piece.split("\n")[0]
            if line:
                segments.append([c, line])
    print(json.dumps({"rc": os.waitstatus_to_exitcode(status), "out": out, "segments": segments}))


main()
