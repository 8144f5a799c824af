#!/usr/bin/python3
"""rq.py - read a crashsafe JSON report (crashsafe-report/3) for the live tests.

  rq.py FILE finding TARGET RULE FIELD   FIELD (status, message, value, variable,
                                         origin.text...) of RULE's findings on
                                         TARGET, comma-separated
  rq.py FILE target TARGET FIELD         a target's FIELD (error, role, version,
                                         flavor, findings = how many); null -> none
  rq.py FILE targets FIELD               FIELD of every target, comma-separated
                                         (series = flavor and major.minor version)
  rq.py FILE count STATUS                findings with STATUS over all targets
  rq.py FILE summary KEY                 a summary member
  rq.py FILE statuses TARGET REGEX       "rule=status" of the rules matching REGEX
  rq.py FILE errored-findings            findings of targets that have an error

TARGET is a target name, or #N for the N-th target. FILE - reads stdin.
"""
import json
import re
import sys


def target(doc, name):
    if name.startswith("#"):
        return doc["targets"][int(name[1:])]
    for t in doc["targets"]:
        if t["name"] == name:
            return t
    return None


def field(obj, path):
    for part in path.split("."):
        if obj is None:
            return None
        obj = obj.get(part)
    return obj


def text(v):
    if v is None:
        return "none"
    return str(v)


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    src = sys.stdin if argv[1] == "-" else open(argv[1])
    try:
        doc = json.load(src)
    except ValueError as e:
        print("not JSON: %s" % e)
        return 1
    cmd, args = argv[2], argv[3:]
    if cmd == "finding":
        t = target(doc, args[0])
        vals = [text(field(f, args[2])) for f in (t["findings"] if t else []) if f["rule_id"] == args[1]]
        print(",".join(vals))
    elif cmd == "target":
        t = target(doc, args[0])
        if t is None:
            print("no such target")
        elif args[1] == "findings":
            print(len(t["findings"]))
        else:
            print(text(field(t, args[1])))
    elif cmd == "targets":
        out = []
        for t in doc["targets"]:
            if args[0] == "series":
                out.append("%s %s" % (t["flavor"], ".".join(t["version"].split(".")[:2])))
            else:
                out.append(text(field(t, args[0])))
        print(",".join(out))
    elif cmd == "count":
        print(sum(1 for t in doc["targets"] for f in t["findings"] if f["status"] == args[0]))
    elif cmd == "summary":
        print(text(field(doc["summary"], args[0])))
    elif cmd == "statuses":
        t = target(doc, args[0])
        pat = re.compile(args[1])
        print(" ".join(sorted("%s=%s" % (f["rule_id"], f["status"])
                              for f in (t["findings"] if t else []) if pat.search(f["rule_id"]))))
    elif cmd == "errored-findings":
        print(sum(len(t["findings"]) for t in doc["targets"] if t["error"] is not None))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
