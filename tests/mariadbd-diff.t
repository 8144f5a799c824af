#!/usr/bin/python3
# mariadbd-diff.t - differential test of the option catalog and value
# parsing against the real server. For every option file below:
#
#   server:    mariadbd --defaults-file=F --user=mysql --datadir=DIR --verbose --help
#              (--defaults-file first). It refuses to start when it exits
#              non-zero, or when its option parser disables a plugin it
#              cannot run without ("Parsing options for plugin 'InnoDB'
#              failed", for the plugins rules/options.tsv marks
#              builtin-required: --help itself still exits 0 then). Cases
#              marked REAL are decided by starting a scratch server instead,
#              where --help cannot tell (innodb=OFF: --help exits 0, a real
#              start aborts).
#   crashsafe: crashsafe resolve --effective --flavor mariadb
#              --server-version VERSION F   (exit 2: the server refuses)
#
# and the two must agree: the same verdict, and, when the server starts,
# the same value for every option the file changes from the server's
# defaults (and for every option crashsafe prints that the server lists).
# Values are compared after the server's spelling is mapped to crashsafe's
# (TRUE/FALSE -> ON/OFF, "(No default value)" -> \N, decimals as numbers).
#
# Cases cover every option type (boolean, boolean without argument, signed,
# unsigned with range and block size, decimal, enumeration, set, flag set,
# string, no-argument option), right and wrong values, prefixes (loose-,
# skip-, enable-, maximum-, autoset-), abbreviations, struct names, plugins,
# unknown and removed options. Without mariadbd (or not root) it is skipped
# by hand and fails under CI.
import os
import re
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRASHSAFE = os.environ.get('CRASHSAFE') or os.path.join(REPO, 'build', 'crashsafe')

# (name, option lines, flags). Flags: REAL = decide by a real start.
CASES = [
    # booleans (GET_BOOL, OPT_ARG)
    ('bool-on', 'relay_log_recovery = ON', ''),
    ('bool-lower', 'relay_log_recovery = on', ''),
    ('bool-true', 'relay-log-recovery = TRUE', ''),
    ('bool-one', 'log_slave_updates = 1', ''),
    ('bool-bare', 'gtid_strict_mode', ''),
    ('bool-yes', 'relay_log_recovery = yes', ''),
    ('bool-skip', 'skip-log-slave-updates', ''),
    ('bool-skip-0', 'skip-relay-log-recovery = 0', ''),
    ('bool-disable', 'disable-read-only', ''),
    ('bool-enable-0', 'enable-gtid-strict-mode = 0', ''),
    ('bool-loose-skip', 'loose-skip-read-only', ''),
    # booleans of a plugin without argument (NO_ARG): a bad value is ignored
    ('noargbool-yes', 'innodb_doublewrite = yes', ''),
    ('noargbool-0', 'innodb_doublewrite = 0', ''),
    ('noargbool-skip', 'skip-innodb-doublewrite', ''),
    # unsigned numbers
    ('uint-plain', 'sync_binlog = 1', ''),
    ('uint-k', 'sync_binlog = 1k', ''),
    ('uint-kx', 'sync_binlog = 1kx', ''),
    ('uint-big', 'sync_binlog = 99999999999', ''),
    ('uint-overflow', 'sync_binlog = 99999999999999999999', ''),
    ('uint-negative', 'sync_binlog = -1', ''),
    ('uint-comment', 'sync_binlog = 1 ; sync every commit', ''),
    ('uint-empty', 'sync_binlog =', ''),
    ('uint-bare', 'sync_binlog', ''),
    ('uint-junk', 'max_connections = many', ''),
    ('uint-min', 'server_id = 0', ''),
    ('uint-max', 'gtid_domain_id = 4294967296', ''),
    ('uint-mb', 'max_allowed_packet = 64M', ''),
    ('uint-block', 'aria_block_size = 5000', ''),
    ('uint-plugin-bare-optarg', 'innodb_flush_log_at_trx_commit', ''),
    ('uint-plugin-clamp', 'innodb_flush_log_at_trx_commit = 5', ''),
    ('uint-skip', 'skip-sync-binlog', ''),
    ('uint-loose-junk', 'loose-sync-binlog = abc', ''),
    ('uint-struct-global', 'master1.sync_binlog = 5', ''),
    # signed numbers
    ('int-plain', 'tcp_keepalive_time = 20', ''),
    # decimals
    ('double-half', 'long_query_time = 0.5', ''),
    ('double-junk', 'long_query_time = 1x', ''),
    ('double-negative', 'long_query_time = -1', ''),
    # enumerations
    ('enum-name', 'binlog_format = ROW', ''),
    ('enum-case', 'binlog_format = row', ''),
    ('enum-prefix', 'binlog_format = r', ''),
    ('enum-ordinal', 'binlog_format = 2', ''),
    ('enum-ordinal-out', 'binlog_format = 3', ''),
    ('enum-unknown', 'binlog_format = genlog', ''),
    ('enum-empty', 'binlog_format =', ''),
    ('enum-bare', 'binlog_format', ''),
    ('enum-prefix-mode', 'slave_parallel_mode = opt', ''),
    ('enum-ambiguous', 'binlog_row_image = m', ''),
    # sets
    ('set-two', 'sql_mode = ANSI_QUOTES,STRICT_ALL_TABLES', ''),
    ('set-empty', 'sql_mode =', ''),
    ('set-unknown', 'sql_mode = NO_SUCH_MODE', ''),
    # flag sets
    ('flagset-one', 'optimizer_switch = index_merge=off', ''),
    ('flagset-default', 'optimizer_switch = default', ''),
    ('flagset-unknown', 'optimizer_switch = no_such_flag=on', ''),
    # strings
    ('string-plain', 'report_host = replica-7', ''),
    ('string-quoted', 'init_connect = "SET NAMES utf8mb4"', ''),
    # options without argument
    ('noarg', 'skip-host-cache', ''),
    ('noarg-value', 'skip-host-cache = 1', ''),
    # unknown, removed, other flavors' options
    ('unknown-typo', 'relay_log_recovey = ON', ''),
    ('unknown-loose', 'loose-relay_log_recovey = ON', ''),
    ('unknown-bare', 'no-such-option', ''),
    ('removed-file-format', 'innodb_file_format = Barracuda', ''),
    ('removed-large-prefix', 'innodb_large_prefix = 1', ''),
    ('removed-loose', 'loose-innodb_file_format = Barracuda', ''),
    ('mysql-gtid-mode', 'gtid_mode = ON', ''),
    ('mysql-super-read-only', 'super_read_only = ON', ''),
    ('mysql-replica-spelling', 'log_replica_updates = ON', ''),
    ('mysql-compat-ignored', 'master_info_repository = TABLE', ''),
    ('removed-noop', 'innodb_purge_rseg_truncate_frequency = 3', ''),
    ('case-sensitive', 'wsrep_slave_fk_checks = ON', ''),
    ('case-exact', 'wsrep_slave_FK_checks = OFF', ''),
    # abbreviations (MariaDB prefix matching)
    ('abbrev-unique', 'relay-log-rec = ON', ''),
    ('abbrev-ambiguous', 'sync = 1', ''),
    ('abbrev-plugin-ambiguous', 'innodb-flush-log = 1', ''),
    # special prefixes
    ('maximum-global', 'maximum-sync-binlog = 5', ''),
    ('maximum-session', 'maximum-sort-buffer-size = 1M', ''),
    ('autoset-unsupported', 'autoset-sync-binlog', ''),
    ('autoset-auto', 'autoset-back-log', ''),
    # struct names
    ('struct-filter', 'conn.replicate_do_db = app', ''),
    ('struct-keycache', 'hot.key_buffer_size = 1M', ''),
    ('struct-unknown', 'master1.no_such_option = 1', ''),
    # plugins
    ('plugin-loaded', 'plugin_load_add = server_audit\nserver_audit_logging = ON', ''),
    ('plugin-innodb-value', 'innodb_flush_log_at_trx_commit = abc', ''),
    ('plugin-aria-bare', 'aria_page_checksum', ''),
    ('plugin-aria-value', 'aria_block_size = abc', 'REAL'),
    ('plugin-feedback-value', 'feedback_send_timeout = abc', 'REAL'),
    ('plugin-innodb-off', 'innodb = OFF', 'REAL'),
    ('plugin-skip-innodb', 'skip-innodb', 'REAL'),
    # the binary log: a base name, not a boolean
    ('log-bin-bare', 'log-bin', ''),
    ('log-bin-off', 'log-bin = OFF', ''),
    ('log-bin-skip', 'skip-log-bin', ''),
    # several lines: the last wins
    ('last-wins', 'sync_binlog = 1\nsync-binlog = 0\nbinlog_format = ROW\nbinlog-format = MIXED', ''),
    ('realistic-replica',
     'server_id = 3\nlog_bin = mysql-bin\nlog_slave_updates = ON\nrelay_log_recovery = ON\n'
     'gtid_strict_mode = ON\nsync_binlog = 1\ninnodb_flush_log_at_trx_commit = 1\nread_only = ON\n'
     'slave_parallel_threads = 4\nslave_parallel_mode = optimistic\nbinlog_format = ROW', ''),
]


def tap(ok, n, name, details=()):
    print('%sok %d - %s' % ('' if ok else 'not ', n, name))
    if not ok:
        for d in details:
            print('#   ' + d)
    sys.stdout.flush()


def skip(reason):
    if os.environ.get('CI'):
        print('1..1\nnot ok 1 - %s (required under CI)' % reason)
        sys.exit(1)
    print('1..0 # SKIP %s' % reason)
    sys.exit(0)


def mariadbd_path():
    p = shutil.which('mariadbd')
    if p:
        return p
    return '/usr/sbin/mariadbd' if os.path.exists('/usr/sbin/mariadbd') else None


def table(out):
    """The Variables table of --verbose --help: {name with '_': value}."""
    values, on = {}, False
    for line in out.split('\n'):
        if line.startswith('Variables (--variable-name=value)'):
            on = True
            continue
        if not on or line.startswith('and boolean options') or re.match(r'^-+ -+$', line):
            continue
        if not line.strip():
            if values:
                break
            continue
        m = re.match(r'^(\S+)(?: +(.*))?$', line)
        if m:
            values[m.group(1).replace('-', '_')] = (m.group(2) or '').rstrip()
    return values


def norm(v):
    """The server's spelling of a value, in crashsafe's."""
    if v == 'TRUE':
        return 'ON'
    if v == 'FALSE':
        return 'OFF'
    if v == '(No default value)':
        return '\\N'
    return v


def same(a, b):
    if a == b:
        return True
    try:
        return float(a) == float(b)
    except ValueError:
        pass
    # a flag set: the server prints flags only up to the last one set
    # (my_print_variables stops when the remaining bits are 0)
    if '=' in a and '=' in b:
        fa = dict(x.split('=', 1) for x in a.split(',') if '=' in x)
        fb = dict(x.split('=', 1) for x in b.split(',') if '=' in x)
        return all(fa.get(k, 'off') == fb.get(k, 'off') for k in set(fa) | set(fb))
    return False


def derived_options(version):
    """Options whose value the server computes (default ? in rules/options.tsv) or prints its own."""
    out = {'version'}
    with open(os.path.join(REPO, 'rules', 'options.tsv')) as fp:
        for line in fp:
            f = line.rstrip('\n').split('\t')
            if len(f) == 15 and f[0] == 'mariadb' and f[7] == '?':
                out.add(f[1])
    return out


def required_plugins():
    out = []
    with open(os.path.join(REPO, 'rules', 'options.tsv')) as fp:
        for line in fp:
            f = line.rstrip('\n').split('\t')
            if f[0] == '#@plugin' and f[1] == 'mariadb' and f[4] == 'builtin-required':
                out.append(f[2])
    return out


class Scratch:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='mariadbd-diff.')
        os.chmod(self.dir, 0o755)
        shutil.chown(self.dir, user='mysql')
        self.datadir = os.path.join(self.dir, 'data')
        os.mkdir(self.datadir)
        shutil.chown(self.datadir, user='mysql')

    def write(self, name, body):
        path = os.path.join(self.dir, name + '.cnf')
        with open(path, 'w') as fp:
            fp.write('[mysqld]\n' + body + '\n')
        os.chmod(path, 0o644)
        return path


def server_help(mariadbd, path, datadir):
    p = subprocess.run([mariadbd, '--defaults-file=' + path, '--user=mysql', '--datadir=' + datadir,
                        '--verbose', '--help'], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def server_real_start(mariadbd, scratch, name, body):
    """Start a server with the case's lines on a scratch datadir: (started, log)."""
    install = shutil.which('mariadb-install-db') or '/usr/bin/mariadb-install-db'
    client = shutil.which('mariadb-admin') or '/usr/bin/mariadb-admin'
    d = os.path.join(scratch.dir, 'real-' + name)
    os.mkdir(d)
    shutil.chown(d, user='mysql')
    data, sock, tmp = os.path.join(d, 'data'), os.path.join(d, 's.sock'), os.path.join(d, 'tmp')
    os.mkdir(tmp)
    shutil.chown(tmp, user='mysql')
    subprocess.run([install, '--no-defaults', '--user=mysql', '--datadir=' + data, '--tmpdir=' + tmp,
                    '--auth-root-authentication-method=socket'], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120)
    cnf = os.path.join(d, 'my.cnf')
    with open(cnf, 'w') as fp:
        fp.write('[mysqld]\nsocket=%s\nskip-networking\npid-file=%s\ntmpdir=%s\ninnodb-buffer-pool-size=32M\n%s\n'
                 % (sock, os.path.join(d, 'p.pid'), tmp, body))
    os.chmod(cnf, 0o644)
    log = open(os.path.join(d, 'log'), 'w')
    srv = subprocess.Popen([mariadbd, '--defaults-file=' + cnf, '--user=mysql', '--datadir=' + data],
                           stdout=log, stderr=subprocess.STDOUT)
    started = False
    try:
        for _ in range(300):
            if os.path.exists(sock):
                started = True
                break
            if srv.poll() is not None:
                break
            subprocess.run(['sleep', '0.1'])
        if started:
            subprocess.run([client, '--no-defaults', '-S', sock, '-uroot', 'shutdown'],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
            srv.wait(timeout=60)
    finally:
        if srv.poll() is None:
            srv.terminate()
            srv.wait()
        log.close()
    return started


def main():
    mariadbd = mariadbd_path()
    if not mariadbd:
        skip('mariadbd not installed (Debian package mariadb-server)')
    if os.geteuid() != 0:
        skip('mariadbd --user=mysql needs root')
    if not os.path.exists(CRASHSAFE):
        skip('build crashsafe first (make)')
    p = subprocess.run([mariadbd, '--version'], stdout=subprocess.PIPE, universal_newlines=True)
    m = re.search(r'Ver (\d+\.\d+\.\d+)', p.stdout)
    version = m.group(1) if m else '10.11'
    required = required_plugins()
    derived = derived_options(version)
    scratch = Scratch()
    print('1..%d' % (len(CASES) + 2))
    n = 0
    mismatches = 0
    try:
        base_path = scratch.write('baseline', '')
        rc, out, err = server_help(mariadbd, base_path, scratch.datadir)
        base = table(out)
        n += 1
        tap(rc == 0 and len(base) > 500, n, 'the server prints its defaults (%d options)' % len(base),
            [err[-500:]])
        for name, body, flags in CASES:
            n += 1
            path = scratch.write(name, body)
            rc, out, err = server_help(mariadbd, path, scratch.datadir)
            disabled = [p for p in required if ("Parsing options for plugin '%s' failed" % p) in err]
            if 'REAL' in flags:
                refuses = not server_real_start(mariadbd, scratch, name, body)
            else:
                refuses = rc != 0 or bool(disabled)
            c = subprocess.run([CRASHSAFE, 'resolve', '--effective', '--flavor', 'mariadb', '--server-version',
                                version, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True, timeout=60)
            mine = {}
            for line in c.stdout.split('\n'):
                f = line.split('\t')
                if len(f) == 3:
                    mine[f[0]] = f[1]
            problems = []
            crefuses = c.returncode == 2
            if c.returncode not in (0, 2):
                problems.append('crashsafe exited %d: %s' % (c.returncode, c.stderr.strip()))
            if crefuses != refuses:
                problems.append('the server %s; crashsafe says it %s' %
                                ('refuses to start' if refuses else 'starts',
                                 'refuses' if crefuses else 'starts'))
                problems.append('server: rc %d %s' % (rc, ' | '.join(
                    l[20:] for l in err.split('\n') if 'ERROR' in l or 'Warning' in l)[:400]))
                problems.append('crashsafe: %s' % c.stderr.strip().replace('\n', ' | ')[:400])
            if not refuses and not crefuses and 'REAL' not in flags:
                got = table(out)
                for opt, value in got.items():
                    if opt == 'log_bin':
                        # a base name: crashsafe keeps whether the binary log is on ("0" is
                        # skip-log-bin's disabled_my_option, or a base name "0")
                        if opt in mine and value != '0' and (mine[opt] == 'ON') != (value != '(No default value)'):
                            problems.append('log_bin: server %r, crashsafe %r' % (value, mine[opt]))
                        continue
                    # only options the server listed before too (a loaded plugin adds its own)
                    changed = opt in base and base[opt] != value and opt not in derived
                    if opt in mine:
                        if not same(norm(value), mine[opt]):
                            problems.append('%s: server %r, crashsafe %r' % (opt, norm(value), mine[opt]))
                    elif changed:
                        problems.append('%s: the server changed it to %r, crashsafe has no value' %
                                        (opt, norm(value)))
            mismatches += bool(problems)
            tap(not problems, n, '%s: %s' % (name, body.replace('\n', '; ')), problems)
        n += 1
        tap(mismatches == 0, n, 'zero mismatches over %d option files' % len(CASES))
    finally:
        shutil.rmtree(scratch.dir, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
