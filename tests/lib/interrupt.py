#!/usr/bin/python3
"""interrupt.py - signal a command while it writes its temporary file.

  interrupt.py DIR SIGNAL -- COMMAND ARGS...

Starts COMMAND (SIGINT, SIGTERM and SIGHUP at their default actions,
whatever this script inherited), watches DIR for a name that was not there
when it started (the temporary file of a report being written, whatever it
is called) and sends SIGNAL (INT, TERM or HUP) to the command as soon as
one appears. Prints "seen=1" or "seen=0"
(the command finished before a temporary file was seen) and exits with the
command's status (128+N when a signal N ended it). Gives up after 60 s.
"""
import os
import signal
import subprocess
import sys
import time


def main():
    d, sig = sys.argv[1], getattr(signal, "SIG" + sys.argv[2])
    cmd = sys.argv[sys.argv.index("--") + 1:]

    def defaults():
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)

    before = set(os.listdir(d))
    p = subprocess.Popen(cmd, preexec_fn=defaults, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = 0
    deadline = time.time() + 60
    while p.poll() is None and time.time() < deadline:
        if set(os.listdir(d)) - before:
            seen = 1
            p.send_signal(sig)
            break
        time.sleep(0.0005)
    try:
        rc = p.wait(timeout=max(1, deadline - time.time()))
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
    print("seen=%d" % seen)
    sys.exit(128 - rc if rc < 0 else rc)


main()
