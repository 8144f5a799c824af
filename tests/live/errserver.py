#!/usr/bin/python3
"""errserver.py - a server that answers every connection with an error.

  errserver.py PORT CODE MESSAGE-HEX READYFILE

Listens on 127.0.0.1:PORT; each connection gets one MySQL protocol ERR
packet in place of the handshake (as a real server does for "Host is
blocked", error 1129: 0xff, the error code, the message), then is closed.
The message is given in hex, so that it can hold any byte: a real server
escapes what it quotes in its messages, a hostile server or a proxy does
not. Writes READYFILE once it listens; exits after 60 seconds.
"""
import os
import select
import socket
import struct
import sys
import time


def main():
    port, code, message, ready = int(sys.argv[1]), int(sys.argv[2]), bytes.fromhex(sys.argv[3]), sys.argv[4]
    payload = b"\xff" + struct.pack("<H", code) + message
    packet = struct.pack("<I", len(payload))[:3] + b"\x00" + payload
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(16)
    with open(ready + ".tmp", "w") as f:
        f.write(str(os.getpid()) + "\n")
    os.rename(ready + ".tmp", ready)
    deadline = time.time() + 60
    while time.time() < deadline:
        r, _, _ = select.select([s], [], [], 0.5)
        if not r:
            continue
        c, _ = s.accept()
        try:
            c.sendall(packet)
        finally:
            c.close()


main()
