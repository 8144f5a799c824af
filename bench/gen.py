#!/usr/bin/python3
"""bench/gen.py - inputs for the benchmarks (bench/run.sh); not a test.

  gen.py files N DIR
      N option files DIR/hI.cnf (I = 0..N-1), copies of the MySQL examples
      (examples/mysql-8.4/*.cnf, examples/mysql-5.7/*.cnf, in that order,
      round robin) with each `server_id`/`server-id` line set to I + 1, so
      that the fleet rule has distinct ids to compare (the example without a
      server_id keeps the default). The same files the earlier bench/run.sh
      made with one sed per file, written by one process (100,000 files in
      seconds).

  gen.py captures N DIR [VARIABLES]
      N captured SHOW GLOBAL VARIABLES files DIR/vI.txt, as
      `mysql -NBe 'SHOW GLOBAL VARIABLES'` prints them (name TAB value),
      alternately MariaDB 10.11 and MySQL 8.0: every variable the option
      catalog (rules/options.tsv) lists for that release (wsrep_* left out:
      plain builds), with its
      compiled-in default (about 600-700 a capture), VARIABLES extra
      variables var_0000.. (default 0), and server_id I + 1.

Deterministic: the same arguments write the same bytes.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def sources():
    out = []
    for sub in ("mysql-8.4", "mysql-5.7"):
        d = os.path.join(ROOT, "examples", sub)
        for name in sorted(os.listdir(d)):
            if name.endswith(".cnf"):
                with open(os.path.join(d, name)) as f:
                    out.append(f.read())
    return out


def files(n, d):
    os.makedirs(d, exist_ok=True)
    srcs = sources()
    pat = re.compile(r"^server[-_]id.*$", re.M)
    for i in range(n):
        text = pat.sub("server_id = %d" % (i + 1), srcs[i % len(srcs)])
        with open(os.path.join(d, "h%d.cnf" % i), "w") as f:
            f.write(text)


def version_key(v):
    return tuple(int(x) for x in re.findall(r"\d+", v)[:3])


def in_range(field, v, upper):
    """Is release v inside a `from` (upper=False) or `until` (upper=True) field?"""
    if field in ("", "-"):
        return True
    # X.Y.Z exact, A..B, ..B: the release the facts start (or stop) at is
    # the exact one or the later bound.
    bound = field.split("..")[-1]
    if not bound:
        return True
    b = version_key(bound)
    return version_key(v) < b if upper else version_key(v) >= b


def catalog(product, release):
    rows = {}
    with open(os.path.join(ROOT, "rules", "options.tsv")) as f:
        for line in f:
            if line.startswith("#"):
                continue
            c = line.rstrip("\n").split("\t")
            if len(c) < 8 or c[0] != product:
                continue
            if not in_range(c[2], release, False) or not in_range(c[3], release, True):
                continue
            # Options that are no variables, and the Galera build's (a plain server).
            if c[4] == "noarg" or c[1].startswith("wsrep_"):
                continue
            value = c[7]
            if value == "\\N":
                value = ""
            elif value == "?":
                value = "1"
            rows[c[1].lower()] = value
    return sorted(rows.items())


def captures(n, d, extra):
    os.makedirs(d, exist_ok=True)
    kinds = [
        ("10.11.6-MariaDB-log", "mariadb.org binary distribution", catalog("mariadb", "10.11.6")),
        ("8.0.36", "MySQL Community Server - GPL", catalog("mysql", "8.0.36")),
    ]
    for i in range(n):
        version, comment, rows = kinds[i % len(kinds)]
        out = []
        for name, value in rows:
            if name == "server_id":
                value = str(i + 1)
            elif name == "version":
                value = version
            elif name == "version_comment":
                value = comment
            out.append("%s\t%s\n" % (name, value))
        if "version" not in dict(rows):
            out.append("version\t%s\nversion_comment\t%s\n" % (version, comment))
        for k in range(extra):
            out.append("var_%04d\t%d\n" % (k, k))
        with open(os.path.join(d, "v%d.txt" % i), "w") as f:
            f.write("".join(out))


def main(argv):
    if len(argv) >= 4 and argv[1] == "files":
        files(int(argv[2]), argv[3])
    elif len(argv) >= 4 and argv[1] == "captures":
        captures(int(argv[2]), argv[3], int(argv[4]) if len(argv) > 4 else 0)
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
