#!/usr/bin/python3
"""Write the option-file edge cases of tests/optfile.t into tests/optfile/cases/.

Every case is one top-level file cases/NAME.cnf (what the test hands to both
readers); files it includes live under cases/inc/ and cases/dir-*/. Relative
include paths resolve against the working directory, so the test runs both
readers from cases/. The comment next to each case says which rule it pins
down; docs/option-files.md has the rules.

The files are stored in the tree; run this script again after editing it:
    /usr/bin/python3 tests/optfile/make-cases.py
Cases that need special file modes (world-writable, a directory named
x.cnf, unreadable) cannot live in git: tests/optfile.t makes those itself.
"""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")

files = {}   # path under cases/ -> bytes


def case(name, data, why):
    """A top-level case: cases/NAME.cnf."""
    assert isinstance(data, bytes)
    files[name + ".cnf"] = data
    descriptions.append((name, why))


def aux(path, data):
    """A file some case includes (not run on its own unless it ends up in cases/)."""
    files[path] = data


descriptions = []
G = b"[mysqld]\n"

# ---- comments, blanks, the basic line ----------------------------------
case("basic", G + b"a=1\nbare-option\nb = 2\n  c  =  three words  \n", "name=value, bare name, trimming")
case("comments", b"# hash\n; semicolon\n   # indented hash\n\t; indented semicolon\n" + G +
     b"a=1 ; not a comment\nb=2 # a comment\nc=3#no space needed\n#d=4\n;e=5\n", "# and ; at line start, # anywhere, ; mid-line kept")
case("blank-lines", b"\n\n   \n\t\n" + G + b"\n\x0b\n\x0c\n\xa0\n\r\na=1\n\n", "blank lines made of every whitespace byte")
case("space-bytes", G + b"\x0ba=1\n\x0cb=2\n\rc=3\n\xa0d=4\n\te=5\n \t\x0b\x0c\r\xa0f=6\n"
     b"g=7\x0b\nh=8\x0c\ni=9\xa0\nj=\xa0ten\xa0\n\x85k=11\n", "latin1 my_isspace: \\t \\n \\v \\f \\r space 0xA0 (0x85 is not)")
case("trim", G + b"  a  =  b c  \nd= \ne =\nf\t=\tg\t\nh = = i\nj==k\nl=m=n\n", "spaces around = and at both ends")
case("empty-name", G + b"=x\n   =y\n\t= z \n = \n=\n  =a#b\n", "an empty name: the server's backward trim takes the rest of the line")
case("name-oddities", G + b"a b = c\n'q'=r\n\"dq\"=s\nt#=u\nv w\nx: y\nkey\tvalue\n", "spaces, quotes, colon and tab inside names")
case("hash-in-value", G + b"pass=ab#c\np2=\"ab#c\"\np3='ab#c'\np4=a\"b#c\np5=a'b#c'd#e\np6=\"x\\\"#y\"\n"
     b"p7='x\\'#y'\np8=x\\\"#y\np9=\"a\" # c\np10='a'#c\np11=\"a\"'b#c'\np12=\"open#\n", "# inside and outside quotes, escaped quotes toggle")
case("quotes", G + b"a=\"x\"\nb='x'\nc=\"x'\nd=\"\"\ne=''\nf=\"\ng='\nh=\"a\"b\"\ni='a'\"'\nj=  \"x\"  \n"
     b"k=\" spaced \"\nl=\"\"\"\nm=x\"y\"\nn='\"'\n", "a surrounding pair of matching quotes is stripped")
case("escapes", G + b"a=x\\ny\nb=x\\ty\nc=x\\ry\nd=x\\by\ne=x\\sy\nf=x\\\"y\ng=x\\'y\nh=x\\\\y\ni=x\\qy\n"
     b"j=x\\\nk=\\\nl=c:\\path\\new\\table\nm=\"x\\\"\nn=\\\\\\\no=\\s\\s\np=\"\\n\"\nq=x\\0y\n", "escape sequences, unknown kept, trailing backslash kept")
case("bare-options", G + b"skip-name-resolve\nloose-x\nlog_bin\nskip-slave-start # comment\nenable-y\n  spaced  \n", "bare options keep prefixes as written")
case("duplicates", G + b"sync_binlog=1\nsync-binlog=0\n[server]\nsync_binlog=2\n[mysqld]\nSYNC_BINLOG=3\n", "repeated options are all printed, in order")
case("values-unicode", G + "name=caf\u00e9\nq=\"\u2603 snow\"\nlatin1=\xe9\n".encode("utf-8") + b"raw=\xe9\xff\x80\n", "non-ASCII bytes pass through")
case("vt-ff-in-value", G + b"a=x\x0by\nb=x\x0cy\nc=x\xa0y\n", "whitespace bytes inside a value are kept")
case("empty", b"", "an empty file")
case("only-comments", b"# nothing\n; here\n", "only comments")
case("only-newlines", b"\n\n\n", "only newlines")
case("only-header", G, "a header and nothing else")
case("no-final-newline", G + b"a=1\nb = 2  ", "the last line has no newline")

# ---- groups -------------------------------------------------------------
case("groups-case", b"[MYSQLD]\na=1\n[MySqlD]\nb=2\n[Server]\nc=3\n[MARIADB-10.11]\nd=4\n[Client-Server]\ne=5\n[GALERA]\nf=6\n", "group names match in any case")
case("group-trailing", b"[mysqld ]\na=1\n[mysqld\t]\nb=2\n[mysqld] junk after\nc=3\n[ mysqld]\nd=4\n[mysqld]]\ne=5\n"
     b"[mysqld\x0b\x0c\xa0 ]\nf=6\n  [mysqld]\ng=7\n[mysqld]#comment\nh=8\n", "trailing blanks trimmed, leading not, text after ] ignored")
case("group-empty", b"[]\na=1\n[   ]\nb=2\n" + G + b"c=3\n", "an empty group name is a group that matches nothing")
case("group-nomatch", b"[client]\na=1\n[mysql]\nb=2\n[mysqld_safe]\nc=3\n[embedded]\nd=4\n[mysqld-8.0]\ne=5\n"
     b"[mariadb-10]\nf=6\n[mysqld.1]\ng=7\n[mysqld-10]\nh=8\n[mariadbd-10.6]\ni=9\n[mysqldx]\nj=10\n[mysql d]\nk=11\n", "groups mysqld does not read")
case("group-version", b"[mysqld-10.11]\na=1\n[mariadb-10.11]\nb=2\n[mariadbd-10.11]\nc=3\n[mariadb-10.6]\nd=4\n"
     b"[mysqld-10.11.6]\ne=5\n[server-10.11]\nf=6\n[mariadb]\ng=7\n[mariadbd]\nh=8\n[client-server]\ni=9\n[galera]\nj=10\n", "version groups: X.Y only")
case("group-order", b"[mysqld-10.11]\nsync_binlog=1\n[mysqld]\nsync_binlog=0\n", "precedence is by position, not by group")
case("group-latin1", b"[MYSQL\xc4]\na=1\n[mysql\xe4]\nb=2\n[mysqld\xa0]\nc=3\n[mysqld\x85]\nd=4\n", "latin1 case folding in headers")
case("group-suffix", b"[mysqld]\na=1\n[mysqld.2]\nb=2\n[server.2]\nc=3\n[mysqld-10.11.2]\nd=4\n[mariadb.2]\ne=5\n"
     b"[mariadbd-10.11.2]\nf=6\n[galera.2]\ng=7\n[client-server.2]\nh=8\n[mysqld.3]\ni=9\n", "suffixed groups (run again with --defaults-group-suffix=.2)")

# ---- fatal cases --------------------------------------------------------
case("fatal-no-group", b"a=1\n" + G + b"b=2\n", "an option before any group")
case("fatal-no-group-late", b"# comment\n\n;x\n   orphan\n" + G + b"b=2\n", "an option before any group, after comments")
case("fatal-missing-bracket", b"[mysqld\na=1\n", "a header without ]")
case("fatal-missing-bracket-late", G + b"a=1\nb=2\n[client\nc=3\n", "a header without ] after good lines: nothing is printed")
case("fatal-bom", b"\xef\xbb\xbf[mysqld]\na=1\n", "a UTF-8 BOM is an option before any group")
case("fatal-bom-comment", b"\xef\xbb\xbf# comment\n[mysqld]\na=1\n", "a BOM before a comment is still an option")
case("fatal-bom-blank", b"\xef\xbb\xbf\n[mysqld]\na=1\n", "a BOM on its own line")
case("fatal-header-nul", b"[mysqld\x00]\na=1\n", "a NUL byte hides the ]")
case("fatal-include-empty", G + b"!include\n", "!include without an argument")
case("fatal-include-blank", G + b"!include   \t \n", "!include with only blanks")
case("fatal-include-onechar-eof", G + b"!include   x", "one character and no newline: the server drops it and has nothing")
case("fatal-includedir-empty", G + b"!includedir \n", "!includedir without an argument")
case("fatal-includedir-missing", G + b"a=1\n!includedir dir-nosuch\nb=2\n", "a missing include directory")
case("fatal-includedir-file", G + b"!includedir inc/a.cnf\n", "an include directory that is a file")
case("fatal-includedir-dotdot", G + b"!includedir dir-nosuch/../dir-basic\n", "!includedir paths are not cleaned up: the kernel resolves them")
case("fatal-after-include", G + b"!include inc/a.cnf\n[client\n", "a fatal line after an include: nothing printed")
case("fatal-no-group-after-include", b"!include inc/a.cnf\nx=1\n", "an included file's groups do not carry over to the includer")

# ---- CR, LF, NUL ---------------------------------------------------------
case("crlf", b"[mysqld]\r\na=1\r\nb = 2 \r\nc=\"q\"\r\nd='#'\r\n!include inc/a.cnf\r\n# c\r\n;c\r\n\r\ne\r\n[client]\r\nf=1\r\n", "CRLF: \\r is whitespace")
case("crlf-header", b"[mysqld\r]\r\na=1\r\n[mysqld]\r junk\r\nb=2\r\n", "\\r inside the header is trimmed")
case("cr-only", b"[mysqld]\ra=1\rb=2\r", "CR-only endings: one line, the header swallows it")
case("nul-bytes", G + b"a=1\x00junk\nb\x00=2\n\x00c=3\nd=\"x\x00\"\n", "a NUL byte ends the line for the server")
case("nul-include", G + b"!include inc/a.cnfX\x00zz\n!include inc/b.cnf\x00\n", "a NUL byte: the directive loses the byte before it")
case("nul-only", G + b"\x00\x00\x00\n\x00\na=1\n", "lines of NUL bytes are empty")

# ---- long lines: 4094-byte chunks ---------------------------------------
case("long-4093", G + b"a=" + b"x" * 4091 + b"\nb=1\n", "a 4093-byte line plus newline fits one chunk")
case("long-4094", G + b"a=" + b"x" * 4092 + b"\nb=1\n", "a 4094-byte line: the newline is a chunk of its own")
case("long-4095", G + b"a=" + b"x" * 4093 + b"\nb=1\n", "a 4095-byte line: the last byte becomes an option")
case("long-8200", G + b"a=" + b"x" * 5000 + b"=yy" + b"z" * 3200 + b"\nb=1\n", "three chunks of one line")
case("long-comment", G + b"#" + b"x" * 5000 + b"=yy\nb=1\n", "a comment longer than a chunk: the rest is an option")
case("long-header", b"[" + b"m" * 4100 + b"]\na=1\n", "a header whose ] is past the chunk: fatal")
case("long-spaces", G + b" " * 4094 + b"a=1\n", "4094 blanks then an option on the next chunk")
case("long-crlf-boundary", G + b"a=" + b"x" * 4091 + b"\r\nb=1\n", "\\r at byte 4094, \\n on its own chunk")
case("long-include", G + b" " * 4090 + b"!include inc/a.cnf\n", "a directive split over two chunks")
case("long-value-quoted", G + b"a=\"" + b"y" * 4089 + b"\"\nb=1\n", "a quoted value that just fits")
case("long-many", G + b"".join(b"k%d=%s\n" % (i, b"v" * (i % 97)) for i in range(3000)), "3000 options")

# ---- !include -------------------------------------------------------------
aux("inc/a.cnf", b"[mysqld]\ninc_a=1\n")
aux("inc/a.cn", b"[mysqld]\ninc_a_cn=chopped\n")
aux("inc/b.cnf", b"[mysqld]\ninc_b=1\n")
aux("inc/b.cn", b"[mysqld]\ninc_b_cn=chopped\n")
aux("inc/client-only.cnf", b"[client]\nuser=x\n")
aux("inc/orphan.cnf", b"orphan=1\n[mysqld]\nafter_orphan=1\n")
aux("inc/bad-header.cnf", b"[mysqld]\nbefore_bad=1\n[mysqld\nafter_bad=1\n")
aux("inc/bad-includedir.cnf", b"[mysqld]\nbefore_dir=1\n!includedir dir-nosuch\nafter_dir=1\n")
aux("inc/empty-directive.cnf", b"[mysqld]\nbefore_empty=1\n!include  \nafter_empty=1\n")
aux("inc/bom.cnf", b"\xef\xbb\xbf[mysqld]\nafter_bom=1\n")
aux("inc/nested1.cnf", b"[mysqld]\nn1=1\n!include inc/nested2.cnf\nn1_after=1\n")
aux("inc/nested2.cnf", b"[server]\nn2=1\n!include inc/b.cnf\n")
aux("inc/self.cnf", b"[mysqld]\nself=1\n!include inc/self.cnf\n")
aux("inc/crlf.cnf", b"[mysqld]\r\ninc_crlf=1\r\n")
for i in range(1, 14):
    aux("inc/depth/d%d.cnf" % i, b"[mysqld]\nd%d=1\n!include inc/depth/d%d.cnf\nd%d_after=1\n" % (i, i + 1, i))

case("include-basic", G + b"a=1\n!include inc/a.cnf\nb=2\n", "!include reads the file in place")
case("include-spaces", G + b"!   include   inc/a.cnf   \n!include\tinc/b.cnf\n  !include inc/a.cnf\n", "blanks after ! and around the argument")
case("include-no-newline", G + b"!include inc/a.cnfX", "no newline: the server drops the last byte anyway")
case("include-no-newline-chop", G + b"!include inc/a.cnf", "no newline: inc/a.cnf becomes inc/a.cn")
case("include-missing", G + b"a=1\n!include inc/nosuch.cnf\n!include /nonexistent/dir/x.cnf\nb=2\n", "a missing include is skipped silently")
case("include-comment-after", G + b"!include inc/a.cnf # comment\n!include inc/b.cnf\n", "no comment stripping in directives")
case("include-unknown-directive", G + b"!foo bar\n!INCLUDE inc/a.cnf\n!includex inc/a.cnf\n!\n!include\x00 inc/a.cnf\na=1\n", "unknown directives are ignored")
case("include-keeps-group", G + b"a=1\n!include inc/client-only.cnf\nb=2\n", "after an include the includer's group goes on")
case("include-in-skipped-group", b"[client]\n!include inc/a.cnf\nx=1\n", "directives apply whatever the group")
case("include-before-group", b"!include inc/a.cnf\n" + G + b"b=2\n", "a directive before any group is fine")
case("include-orphan", G + b"a=1\n!include inc/orphan.cnf\nb=2\n", "an option before any group in an included file only stops that file")
case("include-bad-header", G + b"a=1\n!include inc/bad-header.cnf\nb=2\n", "a bad header in an included file only stops that file")
case("include-bad-includedir", G + b"a=1\n!include inc/bad-includedir.cnf\nb=2\n", "a missing includedir in an included file only stops that file")
case("include-empty-directive", G + b"a=1\n!include inc/empty-directive.cnf\nb=2\n", "an empty directive in an included file only stops that file")
case("include-bom", G + b"a=1\n!include inc/bom.cnf\nb=2\n", "a BOM in an included file only stops that file")
case("include-nested", G + b"!include inc/nested1.cnf\ntop=1\n", "nested includes")
case("include-self", G + b"!include inc/self.cnf\n", "a file including itself: the depth limit stops it")
case("include-self-top", G + b"top=1\n!include include-self-top.cnf\n", "the top file including itself")
case("include-depth", G + b"!include inc/depth/d1.cnf\n", "directives deeper than 10 levels are skipped")
case("include-dotdot", G + b"!include dir-nosuch/../inc/a.cnf\n!include inc/../inc/b.cnf\n!include a/b/../../inc/a.cnf\n", "!include paths are cleaned up lexically")
case("include-dot-slash", G + b"!include ./inc/a.cnf\n!include inc//b.cnf\n!include inc/./a.cnf\n!include .//inc/b.cnf\n", "./ and // in include paths")
case("include-trailing-slash", G + b"!include inc/a.cnf/\na=1\n", "a trailing slash: not a file")
case("include-directory", G + b"!include inc\na=1\n", "including a directory reads nothing")
case("include-crlf-target", G + b"!include inc/crlf.cnf\n", "an included CRLF file")
case("include-long-path-ok", G + b"!include " + b"./" * 249 + b"inc/a.cnf\n", "a 507-byte include path is read")
case("include-long-path-ignored", G + b"!include " + b"./" * 250 + b"inc/a.cnf\na=1\n", "a 509-byte include path is ignored")
case("include-trailing-spaces-name", G + b"!include inc/a.cnf \x0b\x0c\xa0\n", "trailing whitespace bytes are trimmed from the path")

# ---- !includedir ------------------------------------------------------------
for n in ["b.cnf", "a.cnf", "B.cnf", "_x.cnf", ".hidden.cnf", ".cnf", "x.CNF", "x.cnf.bak", "x.cnf~",
          "a.b.cnf", "10.cnf", "9.cnf", "noext", "\u00e9.cnf", "sp ace.cnf", "x.ini", "Z.cnf", "a.cnf.cnf"]:
    aux("dir-basic/" + n, b"[mysqld]\nfile=" + n.encode("utf-8") + b"\n")
aux("dir-basic/sub.cnf/inner.cnf", b"[mysqld]\nnot_recursed=1\n")
aux("dir-nocnf/README", b"no option files here\n")
aux("dir-nested/a.cnf", b"[mysqld]\nouter=1\n!includedir dir-nested2\nouter_after=1\n")
aux("dir-nested2/x.cnf", b"[mariadb]\ninner=1\n")
aux("dir-errors/1-orphan.cnf", b"orphan=1\n")
aux("dir-errors/2-ok.cnf", b"[mysqld]\nok=1\n")
aux("dir-errors/3-bad.cnf", b"[mysqld]\nbefore=1\n[mysqld\n")
aux("dir-errors/4-ok.cnf", b"[mysqld]\nok4=1\n")
aux("dir-self/s.cnf", b"[mysqld]\nds=1\n!includedir dir-self\n")

case("includedir-basic", G + b"a=1\n!includedir dir-basic\nb=2\n", "only *.cnf (last extension), strcmp order, no recursion")
case("includedir-trailing-slash", G + b"!includedir dir-basic/\n", "a trailing slash on the directory")
case("includedir-dotdot-ok", G + b"!includedir dir-basic/../dir-nested2\n", "the kernel resolves .. in the directory")
case("includedir-nocnf", G + b"!includedir dir-nocnf\na=1\n", "a directory without *.cnf files")
case("includedir-nested", G + b"!includedir dir-nested\n", "an includedir inside an includedir file")
case("includedir-errors", G + b"!includedir dir-errors\nlast=1\n", "errors in included files stop only those files")
case("includedir-self", G + b"!includedir dir-self\n", "a directory including itself: the depth limit")
case("includedir-skipped-group", b"[client]\n!includedir dir-nested2\n", "!includedir in a group mysqld does not read")
case("includedir-crlf", b"[mysqld]\r\n!includedir dir-nested2\r\n", "CRLF after the directory")
case("includedir-no-newline", G + b"!includedir dir-nested2X", "no newline: the last byte is dropped")

# ---- realistic trees ----------------------------------------------------------
aux("tree-debian/my.cnf", b"# The MariaDB configuration file\n#\n[client-server]\n# Port or socket location where to connect\n"
    b"# port = 3306\nsocket = /run/mysqld/mysqld.sock\n\n# Import all .cnf files from configuration directory\n"
    b"!includedir tree-debian/conf.d/\n!includedir tree-debian/mariadb.conf.d/\n")
aux("tree-debian/conf.d/mysql.cnf", b"[mysql]\n")
aux("tree-debian/conf.d/mysqldump.cnf", b"[mysqldump]\nquick\nquote-names\nmax_allowed_packet\t= 16M\n")
aux("tree-debian/mariadb.conf.d/50-server.cnf",
    b"[server]\n\n[mysqld]\nuser                    = mysql\npid-file                = /run/mysqld/mysqld.pid\n"
    b"basedir                 = /usr\n#datadir                 = /var/lib/mysql\nbind-address            = 127.0.0.1\n"
    b"#server-id              = 1\nlog_bin                 = /var/log/mysql/mysql-bin.log\nexpire_logs_days        = 10\n"
    b"character-set-server  = utf8mb4\ncollation-server      = utf8mb4_general_ci\n\n[embedded]\n\n[mariadb]\n\n[mariadb-10.11]\n")
aux("tree-debian/mariadb.conf.d/60-galera.cnf", b"[galera]\n#wsrep_on                 = ON\nbinlog_format = row\n")
aux("tree-debian/mariadb.conf.d/90-tuning.cnf", b"[mysqld]\nsync_binlog = 1\ninnodb_flush_log_at_trx_commit = 1\n"
    b"server-id = 42\nlog_slave_updates\nrelay_log_recovery = ON\n[mariadb]\nsync_binlog=0\n")
case("tree-debian", b"!include tree-debian/my.cnf\n", "a Debian-style tree with two includedirs")
case("realistic-replica", b"[client]\nport = 3306\nsocket = /run/mysqld/mysqld.sock\n\n[mysqld_safe]\nnice = 0\n\n[mysqld]\n"
     b"server-id\t\t= 2\nlog-bin\t\t\t= mysql-bin\nrelay-log               = relay-bin\nread_only               = ON\n"
     b"super_read_only\nrelay_log_recovery      = 1\nsync_binlog             = 1\nlog_slave_updates\ngtid_strict_mode = 1\n"
     b"innodb_flush_log_at_trx_commit = 1\nslave_parallel_threads = 4 # threads\nreport_host = \"replica-1\"\n"
     b"init_connect = 'SET NAMES utf8mb4'\n\n[mysqldump]\nquick\n", "a realistic replica my.cnf")

names = sorted(n for n, _ in descriptions)
if len(set(names)) != len(names):
    sys.exit("duplicate case names")

if os.path.isdir(CASES):
    shutil.rmtree(CASES)
for path, data in files.items():
    full = os.path.join(CASES, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)
with open(os.path.join(CASES, "CASES"), "w") as f:
    for n, why in descriptions:
        f.write("%s.cnf\t%s\n" % (n, why))
print("wrote %d cases, %d files" % (len(descriptions), len(files)))
