#!/usr/bin/python3
"""ptyrun.py - run a command on a new pseudo-terminal, as an operator would.

  ptyrun.py ANSWER OUT -- COMMAND ARGS...

The command gets a pty as its controlling terminal (stdin, stdout and stderr
too). When it writes "password: " to the terminal, ANSWER and a newline are
typed; an ANSWER of "@INT" sends SIGINT to the command instead (an operator
pressing Ctrl-C at the prompt). Everything the terminal showed (the command's output and the echo of
what was typed, if echo was on) is written to OUT, followed by one line
"ECHO-AFTER=1" or "ECHO-AFTER=0": whether the terminal's echo was on again
when the command ended. Exits with the command's exit status (128+N for a
signal); gives up after 30 seconds.
"""
import os
import pty
import select
import signal
import sys
import termios
import time


def main():
    answer, outpath = sys.argv[1], sys.argv[2]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    shown = b""
    typed = False
    deadline = time.time() + 30
    status = None
    echo_after = None
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                data = b""
            shown += data
            if not typed and b"password: " in shown:
                if answer == "@INT":
                    os.kill(pid, signal.SIGINT)
                else:
                    os.write(fd, answer.encode() + b"\n")
                typed = True
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            break
    if status is None:
        os.kill(pid, 9)
        _, status = os.waitpid(pid, 0)
    try:
        echo_after = 1 if termios.tcgetattr(fd)[3] & termios.ECHO else 0
    except termios.error:
        echo_after = -1
    try:
        while True:
            r, _, _ = select.select([fd], [], [], 0.05)
            if not r:
                break
            data = os.read(fd, 4096)
            if not data:
                break
            shown += data
    except OSError:
        pass
    with open(outpath, "wb") as f:
        f.write(shown)
        f.write(b"\nECHO-AFTER=%d\n" % echo_after)
    if os.WIFSIGNALED(status):
        sys.exit(128 + os.WTERMSIG(status))
    sys.exit(os.WEXITSTATUS(status))


main()
