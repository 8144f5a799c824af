#!/usr/bin/python3
"""fakemysql.py - a MySQL-protocol server that answers what no real server
answers, for the robustness tests of `crashsafe live` (run with /usr/bin/python3).

  fakemysql.py PORT READYFILE SCENARIO...
      Listen on 127.0.0.(1 + i):PORT for the i-th SCENARIO (Linux routes
      all of 127.0.0.0/8 to the loopback interface, so one port serves up
      to 254 scenarios); write READYFILE once every address listens; exit
      after 120 seconds.

It speaks just enough of the client/server protocol for Connector/C: the
HandshakeV10 greeting (no TLS), any login accepted with an OK packet,
COM_QUERY answered with text result sets (column definitions, EOF packets,
rows), COM_QUIT. A query of several statements separated by ';' (crashsafe
sends its statements in one batch) gets one answer per statement, each but
the last flagged SERVER_MORE_RESULTS_EXISTS, and stops at the first error,
as a real server does. Each scenario answers crashsafe's statements (recognised by
a keyword of their text) with one malformed answer; the statements before it
get the smallest well-formed answer that lets crashsafe go on. Nothing here
stands in for a real server's behaviour: the tests check only that the
malformed answer becomes a clear per-target error.

Scenarios (M: the greeting says MySQL 8.0.36; D: MariaDB 10.11.6):

  vars-1col       M  SHOW GLOBAL VARIABLES with one column
  vars-wrong-names M SHOW GLOBAL VARIABLES with two columns named a and b
  vars-null-name  M  SHOW GLOBAL VARIABLES with a NULL Variable_name
  vars-huge       M  SHOW GLOBAL VARIABLES with 17 values of 1 MB each
  sysvars-2col    D  information_schema.SYSTEM_VARIABLES with two columns
  sysvars-close   D  information_schema.SYSTEM_VARIABLES: two rows, then the
                     connection is closed in the middle of the result set
  fallback-1col   D  SYSTEM_VARIABLES fails (error 1109), then SHOW GLOBAL
                     VARIABLES has one column
  fallback-ok     D  SYSTEM_VARIABLES fails (error 1109), the rest is well
                     formed (crashsafe goes on with SHOW GLOBAL VARIABLES)
  origins-1col    M  performance_schema.variables_info with one column
  persisted-1col  M  performance_schema.persisted_variables with one column
  rcc-null        M  replication_connection_configuration: NULL CHANNEL_NAME
  status-none     D  SHOW ALL SLAVES STATUS answered with an OK packet (no
                     result set)
  tables-1col     D  information_schema.TABLES with one column
  malformed       M  SHOW GLOBAL VARIABLES: the column count says 2, one
                     column definition follows (a malformed packet stream)
  reordered       M  every answer well formed, with the columns in reverse
                     order and an extra column (a positive control: crashsafe
                     must audit it without an error)

Scenarios for the batching of statements (tests/live-batch.t; every answer
well formed):

  batch-mysql     M  MySQL 8.0.36: six statements
  greeting-57     O  the greeting says 5.7.44, the variables say 8.0.36: the
                     statements predicted from the greeting are not the ones
                     crashsafe needs
  no-multi        M  a query with several statements is a syntax error
                     (error 1064), as from a proxy that takes one at a time

With FAKEMYSQL_LOG=FILE set, every query is logged to FILE as one line:
the scenario, a tab, and the kinds of its statements, comma-separated.
"""
import os
import select
import socket
import struct
import sys
import time

MYSQL = "8.0.36-fake"
MARIADB = "5.5.5-10.11.6-MariaDB-fake"
OLD_GREETING = "5.7.44-fake"   # scenario flavor "O": answers as MySQL 8.0.36

# Capabilities: LONG_PASSWORD FOUND_ROWS LONG_FLAG CONNECT_WITH_DB PROTOCOL_41
# TRANSACTIONS SECURE_CONNECTION MULTI_STATEMENTS MULTI_RESULTS PLUGIN_AUTH.
# No SSL, no DEPRECATE_EOF (so result sets end with EOF packets).
CAPS = 0x1 | 0x2 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x10000 | 0x20000 | 0x80000
# Server status: SERVER_STATUS_AUTOCOMMIT, and SERVER_MORE_RESULTS_EXISTS
# while answers of the same query follow (include/mysql_com.h).
STATUS_AUTOCOMMIT = 0x2
STATUS_MORE_RESULTS = 0x8


def lenenc_int(n):
    if n < 251:
        return bytes([n])
    if n < 1 << 16:
        return b"\xfc" + struct.pack("<H", n)
    if n < 1 << 24:
        return b"\xfd" + struct.pack("<I", n)[:3]
    return b"\xfe" + struct.pack("<Q", n)


def lenenc_str(s):
    if isinstance(s, str):
        s = s.encode()
    return lenenc_int(len(s)) + s


class Conn:
    def __init__(self, sock, scenario):
        self.sock = sock
        self.scenario = scenario
        self.seq = 0
        self.inbuf = b""
        self.more = False        # answers of the same query follow this one
        self.failed = False      # this statement was answered with an error

    def send(self, payload):
        data = b""
        while True:       # split at 16 MB - 1 as the protocol says
            chunk, payload = payload[:0xFFFFFF], payload[0xFFFFFF:]
            data += struct.pack("<I", len(chunk))[:3] + bytes([self.seq & 0xFF]) + chunk
            self.seq += 1
            if len(chunk) < 0xFFFFFF:
                break
        self.sock.sendall(data)

    def read_packet(self):
        while True:
            if len(self.inbuf) >= 4:
                n = self.inbuf[0] | self.inbuf[1] << 8 | self.inbuf[2] << 16
                if len(self.inbuf) >= 4 + n:
                    seq, payload = self.inbuf[3], self.inbuf[4:4 + n]
                    self.inbuf = self.inbuf[4 + n:]
                    self.seq = seq + 1
                    return payload
            data = self.sock.recv(65536)
            if not data:
                return None
            self.inbuf += data

    def greeting(self):
        version = {"D": MARIADB, "O": OLD_GREETING}.get(self.scenario[1], MYSQL)
        salt = b"abcdefgh" + b"ijklmnopqrst"
        p = bytes([10]) + version.encode() + b"\0" + struct.pack("<I", 7)
        p += salt[:8] + b"\0" + struct.pack("<H", CAPS & 0xFFFF) + bytes([0x21])
        p += struct.pack("<H", 2) + struct.pack("<H", CAPS >> 16) + bytes([21]) + b"\0" * 10
        p += salt[8:] + b"\0" + b"mysql_native_password\0"
        self.seq = 0
        self.send(p)

    def status(self):
        return STATUS_AUTOCOMMIT | (STATUS_MORE_RESULTS if self.more else 0)

    def ok(self):
        self.send(b"\x00\x00\x00" + struct.pack("<HH", self.status(), 0))

    def eof(self):
        self.send(b"\xfe" + struct.pack("<HH", 0, self.status()))

    def error(self, code, message):
        self.failed = True
        self.send(b"\xff" + struct.pack("<H", code) + b"#42S02" + message.encode())

    def coldef(self, name):
        p = lenenc_str("def") + lenenc_str("") + lenenc_str("") + lenenc_str("")
        p += lenenc_str(name) + lenenc_str(name) + lenenc_int(0x0C)
        p += struct.pack("<HIBHB", 0x21, 1024, 0xFD, 0, 0) + b"\0\0"
        self.send(p)

    def result(self, names, rows, count=None, close_after=None):
        """A text result set; a None cell is NULL. count overrides the column
        count; close_after closes the connection after that many rows."""
        self.send(lenenc_int(len(names) if count is None else count))
        for n in names:
            self.coldef(n)
        self.eof()
        for i, row in enumerate(rows):
            if close_after is not None and i == close_after:
                self.sock.close()
                return False
            self.send(b"".join(b"\xfb" if c is None else lenenc_str(c) for c in row))
        self.eof()
        return True


def well_formed(kind, flavor):
    """The smallest well-formed answer to each statement: (names, rows)."""
    version = "10.11.6-MariaDB-fake" if flavor == "D" else "8.0.36"
    table = {
        "sysvars": (["VARIABLE_NAME", "GLOBAL_VALUE", "GLOBAL_VALUE_ORIGIN", "GLOBAL_VALUE_PATH"],
                    [["version", version, "COMPILE-TIME", None], ["server_id", "5", "CONFIG", None]]),
        "vars": (["Variable_name", "Value"], [["version", version], ["server_id", "5"]]),
        "origins": (["VARIABLE_NAME", "VARIABLE_SOURCE", "VARIABLE_PATH"],
                    [["server_id", "GLOBAL", "/etc/my.cnf"], ["version", "COMPILED", ""]]),
        "persisted": (["VARIABLE_NAME", "VARIABLE_VALUE"], []),
        "rcc": (["CHANNEL_NAME", "HOST", "PORT", "AUTO_POSITION"], []),
        "status": (["Replica_IO_Running", "Replica_SQL_Running", "Source_Host", "Source_Port",
                    "Auto_Position", "Channel_Name"], []),
        "allstatus": (["Connection_name", "Using_Gtid", "Slave_IO_Running", "Slave_SQL_Running",
                       "Master_Host", "Master_Port"], []),
        "tables": (["TABLE_NAME", "ENGINE"], [["gtid_slave_pos", "InnoDB"], ["gtid_executed", "InnoDB"],
                                            ["slave_relay_log_info", "InnoDB"],
                                            ["slave_worker_info", "InnoDB"]]),
    }
    return table[kind]


# Which statement a query is, by a keyword of its text (most specific first).
KINDS = [
    ("SYSTEM_VARIABLES", "sysvars"),
    ("variables_info", "origins"),
    ("persisted_variables", "persisted"),
    ("replication_connection_configuration", "rcc"),
    ("SHOW ALL SLAVES STATUS", "allstatus"),
    ("SHOW REPLICA STATUS", "status"),
    ("SHOW SLAVE STATUS", "status"),
    ("SHOW GLOBAL VARIABLES", "vars"),
    ("information_schema.TABLES", "tables"),
]

MB = "x" * (1 << 20)

# scenario -> (flavor, {statement kind: answer}); an answer is a function of the connection.
SCENARIOS = {
    "vars-1col": ("M", {"vars": lambda c: c.result(["Variable_name"], [["version"], ["server_id"]])}),
    "vars-wrong-names": ("M", {"vars": lambda c: c.result(["a", "b"], [["version", "8.0.36"]])}),
    "vars-null-name": ("M", {"vars": lambda c: c.result(["Variable_name", "Value"],
                                                        [["version", "8.0.36"], [None, "1"]])}),
    "vars-huge": ("M", {"vars": lambda c: c.result(["Variable_name", "Value"],
                                                   [["v%d" % i, MB] for i in range(17)])}),
    "sysvars-2col": ("D", {"sysvars": lambda c: c.result(["VARIABLE_NAME", "GLOBAL_VALUE"],
                                                         [["version", "10.11.6-MariaDB"]])}),
    "sysvars-close": ("D", {"sysvars": lambda c: c.result(
        well_formed("sysvars", "D")[0], well_formed("sysvars", "D")[1] * 3, close_after=2)}),
    "fallback-1col": ("D", {"sysvars": lambda c: c.error(1109, "Unknown table 'SYSTEM_VARIABLES'"),
                            "vars": lambda c: c.result(["Variable_name"], [["version"]])}),
    "fallback-ok": ("D", {"sysvars": lambda c: c.error(1109, "Unknown table 'SYSTEM_VARIABLES'")}),
    "origins-1col": ("M", {"origins": lambda c: c.result(["VARIABLE_NAME"], [["server_id"]])}),
    "persisted-1col": ("M", {"persisted": lambda c: c.result(["VARIABLE_NAME"], [["sync_binlog"]])}),
    "rcc-null": ("M", {"rcc": lambda c: c.result(well_formed("rcc", "M")[0], [[None, "h", "3306", "1"]])}),
    "status-none": ("D", {"allstatus": lambda c: c.ok()}),
    "tables-1col": ("D", {"tables": lambda c: c.result(["TABLE_NAME"], [["gtid_slave_pos"]])}),
    "malformed": ("M", {"vars": lambda c: c.result(["Variable_name"], [["version"]], count=2)}),
    "reordered": ("M", {}),
    "batch-mysql": ("M", {}),
    "greeting-57": ("O", {}),
    "no-multi": ("M", {}),
}


def reordered(c, kind):
    names, rows = well_formed(kind, "M")
    names = ["Extra_column"] + names[::-1]
    rows = [["?"] + r[::-1] for r in rows]
    return c.result(names, rows)


def kind_of(query):
    for key, kind in KINDS:
        if key.encode() in query:
            return kind
    return "unknown"


def answer(c, query):
    """Answer every statement of the query in turn; stop at an error or a close."""
    statements = [q for q in query.split(b";") if q.strip()] or [query]
    log = os.environ.get("FAKEMYSQL_LOG")
    if log:
        with open(log, "a") as f:
            f.write("%s\t%s\n" % (c.scenario[0], ",".join(kind_of(q) for q in statements)))
    if c.scenario[0] == "no-multi" and len(statements) > 1:
        c.more = False
        c.error(1064, "You have an error in your SQL syntax (fakemysql: one statement per query)")
        return True
    for i, q in enumerate(statements):
        c.more = i + 1 < len(statements)
        c.failed = False
        if not answer_one(c, q):
            return False
        if c.failed:
            break
    return True


def answer_one(c, query):
    flavor, answers = SCENARIOS[c.scenario[0]]
    flavor = "M" if flavor == "O" else flavor
    for key, kind in KINDS:
        if key.encode() in query:
            break
    else:
        c.error(1064, "fakemysql: unknown statement")
        return True
    if kind in answers:
        return answers[kind](c) is not False
    if c.scenario[0] == "reordered":
        return reordered(c, kind)
    return c.result(*well_formed(kind, flavor))


def serve(conns, sock):
    c = conns[sock]
    try:
        p = c.read_packet()
        if p is None:
            raise OSError("closed")
        if c.state == "login":
            c.ok()
            c.state = "command"
        elif p[:1] == b"\x01":          # COM_QUIT
            raise OSError("quit")
        elif p[:1] == b"\x03":          # COM_QUERY
            if not answer(c, p[1:]):
                raise OSError("closed by the scenario")
        else:
            c.error(1047, "fakemysql: unknown command")
    except OSError:
        conns.pop(sock, None)
        try:
            sock.close()
        except OSError:
            pass


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    port, readyfile, names = int(argv[1]), argv[2], argv[3:]
    if len(names) > 254:
        sys.stderr.write("fakemysql.py: at most 254 scenarios\n")
        return 2
    for n in names:
        if n not in SCENARIOS:
            sys.stderr.write("fakemysql.py: unknown scenario %s\n" % n)
            return 2
    listeners = {}
    for i, n in enumerate(names):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.%d" % (1 + i), port))
        s.listen(64)
        listeners[s] = n
    with open(readyfile + ".tmp", "w") as f:
        f.write(str(os.getpid()) + "\n")
    os.rename(readyfile + ".tmp", readyfile)
    conns = {}
    deadline = time.time() + 120
    while time.time() < deadline:
        r, _, _ = select.select(list(listeners) + list(conns), [], [], 0.5)
        for sock in r:
            if sock in listeners:
                s, _ = sock.accept()
                name = listeners[sock]
                c = Conn(s, (name, SCENARIOS[name][0]))
                c.state = "login"
                conns[s] = c
                try:
                    c.greeting()
                except OSError:
                    conns.pop(s, None)
                    s.close()
            elif sock in conns:
                serve(conns, sock)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
