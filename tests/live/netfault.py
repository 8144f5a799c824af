#!/usr/bin/python3
"""netfault.py - network faults for the live tests (run with /usr/bin/python3).

  netfault.py silent PORT READYFILE
      Listen on 127.0.0.1:PORT, accept every connection and never send a
      byte: a host that accepts and never answers.

  netfault.py kill PORT TARGET-PORT PID MARKER READYFILE
      Forward 127.0.0.1:PORT to 127.0.0.1:TARGET-PORT. When the client sends
      a query (a MySQL packet with sequence id 0 and command byte 0x03) whose
      text contains MARKER, send SIGKILL to PID (the server behind the
      proxy), wait until it is dead, then drop the connection: the client
      loses its server in the middle of the audit, at a chosen statement.

  netfault.py stall PORT TARGET-PORT - MARKER READYFILE
      The same, but instead of killing anything, hold that query forever:
      the server never answers it (the client's read timeout must end it).

  netfault.py drip PORT TARGET-PORT MILLISECONDS MARKER READYFILE
      Forward 127.0.0.1:PORT to 127.0.0.1:TARGET-PORT. Once the client sends
      a query whose text contains MARKER, the server's answer (and all that
      follows) reaches the client one byte every MILLISECONDS: a server that
      never goes silent long enough for a read timeout, yet never finishes.

  netfault.py delay FIRST-PORT COUNT TARGET-PORT MILLISECONDS READYFILE
      Listen on COUNT ports from FIRST-PORT and forward each to TARGET-PORT,
      holding every chunk of data MILLISECONDS in each direction: COUNT
      distant servers (a round trip of twice MILLISECONDS) for the fleet
      benchmark, all backed by one real server.

Every mode writes READYFILE once it listens and exits after 60 seconds
(delay: 600 seconds).
"""
import os
import select
import signal
import socket
import sys
import time

DEADLINE = time.time() + 60


def listen(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    return s


def ready(path):
    with open(path + ".tmp", "w") as f:
        f.write(str(os.getpid()) + "\n")
    os.rename(path + ".tmp", path)


def dead(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ", 1)[1][0] in "ZX"
    except OSError:
        return True


def silent(port, readyfile):
    s = listen(port)
    ready(readyfile)
    held = []
    while time.time() < DEADLINE:
        r, _, _ = select.select([s], [], [], 0.5)
        if r:
            c, _ = s.accept()
            held.append(c)


def proxy(mode, port, target, pid, marker, readyfile):
    s = listen(port)
    ready(readyfile)
    conns = {}          # socket -> peer
    inbuf = {}          # client socket -> unparsed client->server bytes
    while time.time() < DEADLINE:
        r, _, _ = select.select([s] + list(conns), [], [], 0.5)
        for sock in r:
            if sock is s:
                c, _ = s.accept()
                u = socket.create_connection(("127.0.0.1", target))
                conns[c], conns[u] = u, c
                inbuf[c] = b""
                continue
            if sock not in conns:
                continue
            data = sock.recv(65536)
            peer = conns[sock]
            if not data:
                for x in (sock, peer):
                    conns.pop(x, None)
                    inbuf.pop(x, None)
                    x.close()
                continue
            if sock not in inbuf:       # server -> client: pass through
                peer.sendall(data)
                continue
            buf = inbuf[sock] + data
            out = b""
            while len(buf) >= 4:
                n = buf[0] | buf[1] << 8 | buf[2] << 16
                if len(buf) < 4 + n:
                    break
                packet, buf = buf[:4 + n], buf[4 + n:]
                seq, payload = packet[3], packet[4:]
                if seq == 0 and payload[:1] == b"\x03" and marker.encode() in payload:
                    peer.sendall(out)
                    out = b""
                    if mode == "kill":
                        os.kill(pid, signal.SIGKILL)
                        while not dead(pid) and time.time() < DEADLINE:
                            time.sleep(0.01)
                        for x in (sock, peer):
                            conns.pop(x, None)
                            inbuf.pop(x, None)
                            x.close()
                    else:
                        # stall: forget the client's traffic from here on
                        inbuf.pop(sock, None)
                        conns.pop(sock, None)
                        conns.pop(peer, None)
                        stalled = (sock, peer)   # keep both open
                        proxy.stalled = getattr(proxy, "stalled", []) + [stalled]
                    buf = None
                    break
                out += packet
            if buf is None:
                continue
            inbuf[sock] = buf
            if out:
                peer.sendall(out)


def drip(port, target, ms, marker, readyfile):
    s = listen(port)
    ready(readyfile)
    peer = {}           # socket -> the socket its data goes to
    client = set()      # the client side of each pair
    dripping = {}       # client socket -> bytes still to send it, one at a time
    every = ms / 1000.0
    next_drip = time.time()
    while time.time() < DEADLINE:
        wait = max(0.0, next_drip - time.time()) if any(dripping.values()) else 0.5
        r, _, _ = select.select([s] + list(peer), [], [], wait)
        for sock in r:
            if sock is s:
                c, _ = s.accept()
                u = socket.create_connection(("127.0.0.1", target))
                peer[c], peer[u] = u, c
                client.add(c)
                continue
            if sock not in peer:
                continue
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            other = peer[sock]
            if not data:
                for x in (sock, other):
                    peer.pop(x, None)
                    client.discard(x)
                    dripping.pop(x, None)
                    x.close()
                continue
            if sock in client:
                if marker.encode() in data and sock not in dripping:
                    dripping[sock] = b""
                other.sendall(data)
            elif other in dripping:
                dripping[other] += data
            else:
                other.sendall(data)
        if time.time() >= next_drip:
            next_drip = time.time() + every
            for c, buf in list(dripping.items()):
                if buf:
                    try:
                        c.send(buf[:1])
                    except OSError:
                        continue
                    dripping[c] = buf[1:]


def delay(first, count, target, ms, readyfile):
    global DEADLINE
    DEADLINE = time.time() + 600
    listeners = [listen(first + i) for i in range(count)]
    ready(readyfile)
    peer = {}           # socket -> the socket its data goes to
    queue = {}          # socket -> [(due, bytes)] waiting to be sent on it
    wait = ms / 1000.0
    while time.time() < DEADLINE:
        now = time.time()
        due = [q[0][0] for q in queue.values() if q]
        timeout = max(0.0, min(due) - now) if due else 0.5
        r, _, _ = select.select(listeners + list(peer), [], [], min(timeout, 0.5))
        for sock in r:
            if sock in listeners:
                c, _ = sock.accept()
                u = socket.create_connection(("127.0.0.1", target))
                for x in (c, u):
                    x.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                peer[c], peer[u] = u, c
                queue[c], queue[u] = [], []
                continue
            if sock not in peer:
                continue
            try:
                data = sock.recv(65536)
            except OSError:
                data = b""
            # an empty chunk is the close, delivered in order like data
            queue[peer[sock]].append((time.time() + wait, data))
        now = time.time()
        for sock in list(queue):
            q = queue.get(sock)
            while q and q[0][0] <= now:
                _, data = q.pop(0)
                if not data:
                    other = peer.get(sock)
                    for x in (sock, other):
                        if x is not None:
                            peer.pop(x, None)
                            queue.pop(x, None)
                            x.close()
                    break
                try:
                    sock.sendall(data)
                except OSError:
                    pass


def main(argv):
    if len(argv) == 4 and argv[1] == "silent":
        silent(int(argv[2]), argv[3])
    elif len(argv) == 7 and argv[1] == "drip":
        drip(int(argv[2]), int(argv[3]), int(argv[4]), argv[5], argv[6])
    elif len(argv) == 7 and argv[1] == "delay":
        delay(int(argv[2]), int(argv[3]), int(argv[4]), int(argv[5]), argv[6])
    elif len(argv) == 7 and argv[1] in ("kill", "stall"):
        pid = int(argv[4]) if argv[4] != "-" else 0
        proxy(argv[1], int(argv[2]), int(argv[3]), pid, argv[5], argv[6])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
