#!/usr/bin/env python3
"""gen-options.py - build rules/options.tsv, the full option catalog.

Every server prints its whole option list with `--verbose --help`, and the
MySQL, Percona Server and MariaDB source trees keep that output as a test
result per release (mysql-test/r/mysqld--help-notwin.result, MariaDB
mysql-test/main/mysqld--help.result). This script turns such outputs, and the
source files that define the options the results leave out, into one data
file of extracted facts (never help text): per product and release range,
each option's name, type, how it takes an argument, its allowed values and
aliases, default, range, the plugin that provides it and the replacement of a
renamed or removed option. docs/variables.md describes the file.

  gen-options.py build --cache DIR [--mariadbd PATH] [-o rules/options.tsv]
      the whole catalog from the releases in the manifest below: each
      release's files are read from DIR/<product>-<version>/ (see
      scripts/gen-options-cache.sh, which fills DIR from the source trees);
      a release of kind "live" is read from the local server (--mariadbd)
  gen-options.py live --mariadbd PATH
      the facts of the local server, one option per line (the live check)
  gen-options.py project FILE PRODUCT VERSION
      the facts FILE gives for one release, in the same form as `live`

Only the Python standard library is used. Nothing here runs at build time.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

PRODUCTS = ('mysql', 'percona', 'pxc', 'mariadb')

# Column order of rules/options.tsv.
COLUMNS = ('product', 'name', 'from', 'until', 'type', 'arg', 'values', 'default',
           'min', 'max', 'block', 'flags', 'provider', 'replacement', 'source')
FACTS = ('type', 'arg', 'values', 'default', 'min', 'max', 'block', 'flags', 'provider',
         'replacement')

TYPES = ('bool', 'noarg', 'int', 'uint', 'num', 'double', 'enum', 'multienum', 'set', 'flagset',
         'string')

NULL = '\\N'     # no value (a NULL string option)
UNKNOWN = '?'    # a value that depends on the machine or the build (paths, sizes computed at startup)


def die(msg):
    sys.stderr.write('gen-options: error: %s\n' % msg)
    sys.exit(2)


def vkey(v):
    """Sort key of a version string 'X.Y.Z'."""
    return tuple(int(p) for p in re.findall(r'\d+', v)[:3])


# ---------------------------------------------------------------------------
# --verbose --help output (raw, or as kept in the test suites: leading blanks
# squeezed to one, the table's columns squeezed to one blank)
# ---------------------------------------------------------------------------

OPT_LINE = re.compile(r'^ {1,2}(?:-[^\s,], )?--([A-Za-z0-9_.-]+)(\[=(?:#|name)\]|=#|=name)?(?: |$)')


def help_sections(text):
    """(option lines, table lines) of a --verbose --help output."""
    lines = text.split('\n')
    start = 0
    for i, line in enumerate(lines):
        # the options begin after the --defaults-group-suffix / --login-path lines
        if re.match(r'^ {1,2}(?:-[^\s,], )?--[A-Za-z]', line):
            start = i
            break
    table = len(lines)
    for i, line in enumerate(lines):
        if line.startswith('Variables (--variable-name=value)'):
            table = i
            break
    return lines[start:table], lines[table:]


def parse_help(text):
    """
    Options of a help output: name -> dict(kind, arg, comment, tabled, value).
    kind is 'num' (=#), 'name' (=name) or 'flag' (no argument shown); arg is
    'req' or 'opt' ('flag' options get theirs later).
    """
    opts = {}
    order = []
    optlines, tablelines = help_sections(text)
    cur = None
    for line in optlines:
        m = OPT_LINE.match(line)
        # A wrapped description line can start with "--" too (the test suites'
        # results squeeze the indentation). my_print_help puts the description
        # on the option's own line only when the option ends before column 22
        # (name_space); a longer option with text after it is a description.
        if m and not line.startswith('   ') and line[m.end():].strip():
            col = 2 + (4 if re.match(r'^ {1,2}-[^-]', line) else 0) + 2 + len(m.group(1)) + \
                len(m.group(2) or '') + 1
            if col > 22:
                m = None
        if m and m.group(1)[-1] in '.,':
            m = None
        if m and not line.startswith('   '):
            name = m.group(1).replace('-', '_')
            marker = m.group(2) or ''
            kind = 'num' if '#' in marker else 'name' if 'name' in marker else 'flag'
            arg = 'opt' if marker.startswith('[') else 'req'
            rest = line[m.end():].strip()
            cur = {'kind': kind, 'arg': arg, 'comment': rest,
                   'score': 2 if marker else 1 if not rest else 0}
            if name not in opts:
                order.append(name)
                opts[name] = cur
            elif cur['score'] > opts[name]['score']:
                # the same name twice: one is a description line naming the
                # option; the one with an argument marker, or alone on its
                # line, is the option
                opts[name] = cur
            else:
                cur = {'comment': ''}     # a description line: its text is dropped
            continue
        if cur is not None:
            cur['comment'] = (cur['comment'] + ' ' + line.strip()).strip()
    values = {}
    for line in tablelines[1:]:
        if line.startswith('and boolean options') or re.match(r'^-+ -+$', line):
            continue
        if not line.strip() or line.startswith('To see what'):
            break
        m = re.match(r'^(\S+)(?: +(.*))?$', line)
        if not m:
            continue
        values[m.group(1).replace('-', '_')] = (m.group(2) or '').rstrip()
    for name in opts:
        opts[name]['tabled'] = name in values
        opts[name]['value'] = values.get(name)
    return opts, order, values


def comment_list(comment, lead):
    """The comma list after lead ('One of: ') in a help comment, or None."""
    i = comment.rfind(lead)
    if i < 0:
        return None
    rest = comment[i + len(lead):]
    rest = re.sub(r'\([^)]*\)', '', rest)   # "FORCE (don't start if ...)"
    items = [w.strip().rstrip('.') for w in rest.split(',')]
    items = [w for w in items if w]
    if not items or any(not re.match(r'^[A-Za-z0-9_-]+$', w) for w in items):
        return None
    return items


PLUGIN_POLICY = ['OFF', 'ON', 'FORCE', 'FORCE_PLUS_PERMANENT']   # sql/sql_plugin.cc global_plugin_typelib_names


def facts_from_help(name, o):
    """Facts a help entry alone gives (types that need the source are refined later)."""
    f = {'type': 'string', 'arg': o['arg'], 'values': '', 'default': NULL, 'min': '', 'max': '',
         'block': '', 'flags': '', 'provider': '', 'replacement': ''}
    comment = o['comment']
    value = o['value']
    if o['kind'] == 'flag':
        if value in ('TRUE', 'FALSE'):
            f['type'], f['arg'] = 'bool', 'opt'
            f['default'] = 'ON' if value == 'TRUE' else 'OFF'
        else:
            f['type'], f['arg'] = 'noarg', 'none'
            f['default'] = ''
        return f
    if o['kind'] == 'num':
        f['type'] = 'num'
        f['default'] = value if value not in (None, '') else NULL
        return f
    if comment.startswith('Enable or disable') and 'plugin' in comment and 'FORCE' in comment:
        f['type'], f['values'] = 'enum', ','.join(PLUGIN_POLICY)
        f['default'] = value if value else 'ON'
        return f
    for lead, kind in (('. One of: ', 'enum'), ('One of: ', 'enum'),
                       ('Any combination of: ', 'set'),
                       ('and options are: ', 'flagset')):
        items = comment_list(comment, lead)
        if items:
            f['type'] = kind
            f['values'] = ','.join(i for i in items if not (kind == 'flagset' and i == 'default'))
            break
    if value is None or value == '(No default value)':
        f['default'] = NULL
    else:
        f['default'] = value
    return f


# ---------------------------------------------------------------------------
# MariaDB: information_schema.SYSTEM_VARIABLES of a running server
# ---------------------------------------------------------------------------

SV_TYPES = {'BOOLEAN': 'bool', 'INT': 'int', 'BIGINT': 'int', 'INT UNSIGNED': 'uint',
            'BIGINT UNSIGNED': 'uint', 'DOUBLE': 'double', 'ENUM': 'enum', 'SET': 'set',
            'FLAGSET': 'flagset', 'VARCHAR': 'string'}
SV_ARGS = {'REQUIRED': 'req', 'OPTIONAL': 'opt', 'NONE': 'none'}
SV_QUERY = ('SELECT VARIABLE_NAME, VARIABLE_TYPE, NUMERIC_MIN_VALUE, NUMERIC_MAX_VALUE, '
            'NUMERIC_BLOCK_SIZE, ENUM_VALUE_LIST, VARIABLE_SCOPE, COMMAND_LINE_ARGUMENT, DEFAULT_VALUE '
            'FROM information_schema.SYSTEM_VARIABLES ORDER BY VARIABLE_NAME')


def parse_sv(text):
    out = {}
    for line in text.strip().split('\n'):
        if not line:
            continue
        cols = line.split('\t')
        if len(cols) != 9:
            die('SYSTEM_VARIABLES row with %d columns: %r' % (len(cols), line))
        name, vtype, lo, hi, block, enum, scope, cmd, default = cols
        if cmd == 'NULL':
            continue        # no command-line option: an option file cannot set it
        f = {'type': SV_TYPES[vtype], 'arg': SV_ARGS[cmd], 'values': '', 'default': default,
             'min': '', 'max': '', 'block': '', 'flags': '', 'provider': '', 'replacement': ''}
        # a session variable keeps a maximum the maximum- prefix can set
        if scope == 'SESSION':
            f['flags'] = 'session'
        if f['type'] in ('int', 'uint', 'double'):
            f['min'] = '' if lo == 'NULL' else lo
            f['max'] = '' if hi == 'NULL' else hi
            f['block'] = '' if block in ('NULL', '1', '0') else block
        if f['type'] in ('enum', 'set', 'flagset'):
            vals = enum.split(',')
            if f['type'] == 'flagset':
                vals = [v for v in vals if v != 'default']
            f['values'] = ','.join(vals)
        if f['type'] == 'bool':
            f['values'] = ''
        out[name.lower()] = f
    return out


# ---------------------------------------------------------------------------
# Normalising defaults: the form the server prints in --verbose --help
# ---------------------------------------------------------------------------

def norm_default(f, printed):
    """The default as crashsafe stores it, from what the server printed."""
    t = f['type']
    if printed is None:
        return NULL
    if t == 'bool':
        up = printed.upper()
        if up in ('TRUE', 'ON', '1'):
            return 'ON'
        if up in ('FALSE', 'OFF', '0'):
            return 'OFF'
        return UNKNOWN
    if printed == '(No default value)':
        return NULL
    if t in ('int', 'uint', 'num'):
        return printed if re.match(r'^-?\d+$', printed) else UNKNOWN
    if t == 'double':
        try:
            return '%g' % float(printed)
        except ValueError:
            return UNKNOWN
    return printed


# Options whose printed value is the machine's or the run's, not a compiled
# default: paths, host names, sizes computed from the machine. The help
# results of the test suites show the test run's values for them.
MACHINE_VALUES = {
    'basedir', 'datadir', 'tmpdir', 'socket', 'pid_file', 'log_error', 'general_log_file',
    'slow_query_log_file', 'log_slow_query_file', 'plugin_dir', 'lc_messages_dir', 'character_sets_dir', 'language',
    'secure_file_priv', 'aria_log_dir_path', 'innodb_data_home_dir', 'innodb_log_group_home_dir',
    'innodb_undo_directory', 'innodb_tmpdir', 'report_host', 'hostname', 'log_basename',
    'relay_log', 'relay_log_index', 'relay_log_info_file', 'master_info_file', 'log_bin_index',
    'log_bin', 'slave_load_tmpdir', 'replica_load_tmpdir', 'open_files_limit',
    'table_open_cache', 'table_definition_cache', 'thread_cache_size', 'max_connections',
    'innodb_buffer_pool_instances', 'innodb_read_io_threads', 'innodb_write_io_threads',
    'back_log', 'host_cache_size', 'performance_schema_max_table_instances',
    'version', 'version_comment', 'version_compile_machine', 'version_compile_os',
    'version_malloc_library', 'version_source_revision', 'version_ssl_library',
    'wsrep_node_name', 'wsrep_node_address', 'wsrep_node_incoming_address',
    'wsrep_data_home_dir', 'wsrep_sst_receive_address', 'wsrep_provider',
    'thread_pool_size', 'thread_pool_max_threads', 'innodb_max_dirty_pages_pct_lwm',
    'server_uid', 'system_time_zone', 'log_tc', 'tc_heuristic_recover',
    'innodb_log_buffer_size', 'innodb_io_capacity_max', 'table_open_cache_instances',
    'innodb_page_cleaners', 'innodb_purge_threads', 'plugin_maturity',
    'mysqlx_socket', 'mysqlx_port_open_timeout', 'tls_version', 'admin_tls_version',
    'ssl_ca', 'ssl_cert', 'ssl_key', 'sha256_password_private_key_path',
    'sha256_password_public_key_path', 'caching_sha2_password_private_key_path',
    'caching_sha2_password_public_key_path', 'lower_case_table_names', 'symbolic_links',
    'large_pages', 'large_page_size', 'myisam_mmap_size', 'log_bin_basename',
}


# ---------------------------------------------------------------------------
# One release from the local MariaDB server
# ---------------------------------------------------------------------------

MARIADB_HIDDEN = (
    # sql/mysqld.cc my_long_options entries without a comment (not printed by
    # --help): MYSQL_COMPATIBILITY_OPTION, MYSQL_TO_BE_IMPLEMENTED_OPTION and
    # MYSQL_SUGGEST_ANALOG_OPTION (GET_STR, OPT_ARG; the server warns and
    # ignores them). Read in MariaDB 10.4.12 sql/mysqld.cc; each is probed on
    # the local server before it is kept for a live release.
    ('log_raw', ''), ('log_bin_use_v1_row_events', ''), ('default_authentication_plugin', ''),
    ('binlog_max_flush_queue_time', ''), ('master_info_repository', ''),
    ('relay_log_info_repository', ''), ('binlog_rows_query_log_events', 'binlog_annotate_row_events'),
    ('binlog_order_commits', ''), ('log_throttle_queries_not_using_indexes', ''),
    ('end_markers_in_json', ''), ('optimizer_trace_features', ''), ('optimizer_trace_offset', ''),
    ('optimizer_trace_limit', ''), ('server_id_bits', ''), ('slave_rows_search_algorithms', ''),
    ('slave_allow_batching', ''), ('slave_checkpoint_period', ''), ('slave_checkpoint_group', ''),
    ('slave_pending_jobs_size_max', 'slave_parallel_max_queued'),
    ('sha256_password_private_key_path', ''), ('sha256_password_public_key_path', ''),
    ('abort_slave_event_count', 'debug_abort_slave_event_count'),
    ('disconnect_slave_event_count', 'debug_disconnect_slave_event_count'),
    ('exit_info', 'debug_exit_info'), ('max_binlog_dump_events', 'debug_max_binlog_dump_events'),
    ('sporadic_binlog_dump_fail', 'debug_sporadic_binlog_dump_fail'), ('new', ''),
    ('show_compatibility_56', ''), ('rpl_stop_slave_timeout', ''), ('validate_user_plugins', ''),
)


# Options that take a "name." prefix as an instance of their own (GET_ASK_ADDR):
# key caches and the multi-source replication filters. Any other option
# accepts the prefix too and then sets its one global value. Probed on
# MariaDB 10.11.19 (--conn.OPTION=VALUE --verbose --help).
MARIADB_STRUCT = {
    'key_buffer_size', 'key_cache_block_size', 'key_cache_division_limit',
    'key_cache_age_threshold', 'key_cache_file_hash_size', 'key_cache_segments',
    'replicate_do_db', 'replicate_ignore_db', 'replicate_do_table', 'replicate_ignore_table',
    'replicate_wild_do_table', 'replicate_wild_ignore_table',
}


class Scratch:
    """A scratch directory the mysql user owns (mariadbd refuses to run as root without --user)."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix='gen-options.')
        os.chmod(self.dir, 0o755)
        if os.geteuid() == 0:
            shutil.chown(self.dir, user='mysql')

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def mariadbd_run(mariadbd, scratch, args):
    cmd = [mariadbd, '--no-defaults', '--user=mysql', '--datadir=' + scratch.dir] + args
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    return p.returncode, p.stdout, p.stderr


PLUGIN_QUERY = ('SELECT PLUGIN_NAME, IFNULL(PLUGIN_LIBRARY, \'-\'), LOAD_OPTION '
                'FROM information_schema.ALL_PLUGINS ORDER BY PLUGIN_NAME')

# Libraries not loaded together with the others: each provides a plugin that
# another library provides too (pam, FEDERATED).
PLUGIN_LIBRARY_SKIP = {'auth_pam_v1.so', 'ha_federated.so'}


def plugin_libraries(mariadbd):
    """The plugin libraries installed beside mariadbd (Debian: /usr/lib/mysql/plugin)."""
    for d in ('/usr/lib/mysql/plugin', '/usr/lib64/mysql/plugin',
              os.path.join(os.path.dirname(os.path.dirname(mariadbd)), 'lib', 'plugin')):
        if os.path.isdir(d):
            return sorted(f for f in os.listdir(d) if f.endswith('.so') and f not in PLUGIN_LIBRARY_SKIP)
    return []


def plugin_load_args(libs):
    return ['--plugin-maturity=unknown'] + ['--plugin-load-add=' + lib for lib in libs]


def mariadbd_server_facts(mariadbd, scratch, libs):
    """
    SYSTEM_VARIABLES and ALL_PLUGINS of a scratch server started here with
    every plugin library loaded, then stopped: (sv text, plugins text).
    """
    base = os.path.dirname(mariadbd)
    install = shutil.which('mariadb-install-db') or os.path.join(base, 'mariadb-install-db')
    client = shutil.which('mariadb') or '/usr/bin/mariadb'
    data = os.path.join(scratch.dir, 'sv')
    sock = os.path.join(scratch.dir, 'sv.sock')
    tmp = os.path.join(scratch.dir, 'tmp')
    os.mkdir(tmp)
    if os.geteuid() == 0:
        shutil.chown(tmp, user='mysql')
    for attempt in range(3):
        shutil.rmtree(data, ignore_errors=True)
        p = subprocess.run([install, '--no-defaults', '--user=mysql', '--datadir=' + data, '--tmpdir=' + tmp,
                            '--auth-root-authentication-method=socket'],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
        if p.returncode == 0:
            break
    if p.returncode:
        die('mariadb-install-db failed:\n' + p.stdout)
    srv = subprocess.Popen([mariadbd, '--no-defaults', '--user=mysql', '--datadir=' + data, '--tmpdir=' + tmp,
                            '--socket=' + sock, '--skip-networking',
                            '--pid-file=' + os.path.join(scratch.dir, 'sv.pid'),
                            '--innodb-buffer-pool-size=32M'] + plugin_load_args(libs),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def query(sql):
        return subprocess.run([client, '--no-defaults', '-S', sock, '-uroot', '-N', '-B', '-e', sql],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True)
    try:
        sv = None
        for _ in range(300):
            p = query(SV_QUERY)
            if p.returncode == 0:
                sv = p.stdout
                break
            if srv.poll() is not None:
                break
            subprocess.run(['sleep', '0.1'])
        if sv is None:
            die('the scratch server did not answer')
        plugins = query(PLUGIN_QUERY).stdout
        query('SHUTDOWN')
        srv.wait(timeout=60)
    finally:
        if srv.poll() is None:
            srv.terminate()
            srv.wait()
    return sv, plugins


def mariadbd_version(help_text):
    m = re.search(r'Ver (\d+\.\d+\.\d+)', help_text)
    if not m:
        die('no version in the help output')
    return m.group(1)


def parse_plugins(text):
    """ALL_PLUGINS rows: [(plugin name, library or '-', load option)]."""
    out = []
    for line in text.strip().split('\n'):
        if line:
            name, lib, load = line.split('\t')
            out.append((name, lib, load))
    return out


def plugin_of(name, plugins):
    """The plugin whose name prefixes an option (its enable option, or NAME_...)."""
    best = None
    low = name.lower()
    for pname, lib, load in plugins:
        key = pname.lower().replace('-', '_')
        if low == key or low.startswith(key + '_'):
            if best is None or len(key) > len(best[0].lower()):
                best = (pname, lib, load)
    return best


def release_from_mariadb(help_text, sv_text, probe=None, probe_num=None, plugins=(), plugin_help=None,
                         candidates=()):
    """
    The facts of one MariaDB release: {name: facts}. plugin_help is the
    --help output with every plugin library loaded: the options only it has
    belong to dynamically loaded plugins.
    """
    opts, _order, _values = parse_help(help_text)
    if plugin_help:
        popts, _o, _v = parse_help(plugin_help)
        for name, o in popts.items():
            if name not in opts:
                o['dynamic'] = True
                opts[name] = o
    sv = parse_sv(sv_text) if sv_text else {}
    rel = {}
    spelled = {}
    for name, o in opts.items():
        f = facts_from_help(name, o)
        s = sv.get(name.lower())
        if s:
            g = dict(s)
            if o['kind'] == 'flag' and g['type'] != 'bool':
                g['type'], g['arg'] = 'noarg', 'none'
            # the option's argument kind is what --help prints (my_option), not
            # what SYSTEM_VARIABLES says for the variable
            if o['kind'] != 'flag':
                g['arg'] = o['arg']
            if g['type'] in ('enum', 'set', 'flagset') and not g['values']:
                g['values'] = f['values']
            g['default'] = norm_default(g, o['value'] if o['value'] is not None else g['default'])
            f = g
        else:
            f['default'] = norm_default(f, o['value']) if o['kind'] != 'flag' or f['type'] == 'bool' \
                else f['default']
        if name in MACHINE_VALUES:
            f['default'] = UNKNOWN
        flags = [x for x in f['flags'].split(',') if x]
        if 'Automatically configured unless set explicitly' in o['comment']:
            flags.append('auto')
        if name in MARIADB_STRUCT:
            flags.append('struct')
        f['flags'] = ','.join(flags)
        if f['type'] == 'num' and probe_num:
            probe_num(name, f)
        pl = plugin_of(name, plugins)
        if pl:
            f['provider'] = pl[0]
        if o.get('dynamic') and not pl:
            die('option %s appears only with the plugins loaded, but no plugin prefixes it' % name)
        f['source'] = 'help' + ('+sv' if s else '') + ('+probe' if f.get('probed') else '')
        f.pop('probed', None)
        rel[name] = f
        spelled[name.lower()] = name
    # system variables with a command-line option that --help does not print
    # (deprecated ones kept for old option files)
    for lname, s in sv.items():
        if lname in spelled:
            continue
        g = dict(s)
        g['default'] = norm_default(g, g['default'])
        pl = plugin_of(lname, plugins)
        if pl:
            g['provider'] = pl[0]
        g['source'] = 'sv'
        rel[lname] = g
    hidden = dict(MARIADB_HIDDEN)
    for name in sorted(set(hidden) | set(candidates or ())):
        if name in rel:
            continue
        if probe and not probe(name):
            continue
        # accepted, and not printed: a MySQL compatibility option or one the
        # server keeps "for compatibility with old my.cnf files" (it warns and
        # ignores the value)
        rel[name] = {'type': 'string', 'arg': 'opt', 'values': '', 'default': NULL, 'min': '',
                     'max': '', 'block': '', 'flags': '', 'provider': '', 'replacement': hidden.get(name, ''),
                     'source': 'mysqld.cc' if name in hidden else 'probe'}
    return rel


def probe_value(f):
    """A valid value other than f's default, to see which options share its variable; or None."""
    t, d = f['type'], f['default']
    if t == 'bool':
        return 'OFF' if d == 'ON' else 'ON'
    if t in ('int', 'uint'):
        try:
            lo = int(f['min']) if f['min'] else 0
            hi = int(f['max']) if f['max'] else lo + 1000
            blk = int(f['block']) if f['block'] else 1
            dv = int(d) if re.match(r'^-?\d+$', d) else None
        except ValueError:
            return None
        for v in (lo + blk, lo, hi - hi % blk):
            if lo <= v <= hi and v != dv and v % blk == 0:
                return str(v)
        return None
    if t == 'double':
        try:
            lo = float(f['min'] or 0)
            return '%g' % (lo + 1.5) if float(d) != lo + 1.5 else None
        except ValueError:
            return None
    if t == 'enum':
        vals = f['values'].split(',')
        others = [v for v in vals if v.upper() != d.upper()]
        return others[0] if others else None
    if t == 'string' and f['arg'] != 'none':
        return 'crashsafe_probe'
    return None


def mariadb_aliases(mariadbd, scratch, rel):
    """
    Options that are one variable under two names (long_query_time and
    log_slow_query_time): set one member of each group of options with the
    same facts to another value, and see which other member follows. One
    --help run per round covers every group. Sets the flag alias=A|B.
    """
    groups = {}
    for name, f in rel.items():
        if f['type'] in ('noarg',) or f['provider'] not in ('', 'InnoDB', 'Aria'):
            continue
        key = (f['type'], f['arg'], f['values'], f['default'], f['min'], f['max'], f['block'], f['provider'])
        groups.setdefault(key, []).append(name)
    groups = [sorted(g) for g in groups.values() if len(g) > 1]
    _rc, base_out, _err = mariadbd_run(mariadbd, scratch, ['--verbose', '--help'])
    _o, _ord, base = parse_help(base_out)
    follows = {}    # name -> the options that changed with it

    def run(probes):
        """probes: [(group, name, value)]; a run the server refuses is split in two."""
        if not probes:
            return
        rc, out, _err = mariadbd_run(mariadbd, scratch, ['--%s=%s' % (n, v) for _g, n, v in probes] +
                                     ['--verbose', '--help'])
        if rc:
            if len(probes) > 1:
                run(probes[:len(probes) // 2])
                run(probes[len(probes) // 2:])
            return
        _o2, _ord2, got = parse_help(out)
        for g, name, _v in probes:
            follows[name] = {o for o in g if o != name and o in base and got.get(o) != base.get(o)}
    rounds = max((len(g) for g in groups), default=0)
    for r in range(rounds):
        probes = []
        for g in groups:
            if r < len(g):
                v = probe_value(rel[g[r]])
                if v is not None and g[r] in base:
                    probes.append((g, g[r], v))
        run(probes)
    # one variable under two names follows both ways; a value derived from
    # another option (pid_file from datadir) follows one way only
    aliases = {}
    for name, others in follows.items():
        for o in others:
            if name in follows.get(o, ()):
                aliases.setdefault(name, set()).add(o)
    for name, others in aliases.items():
        flags = [x for x in rel[name]['flags'].split(',') if x and not x.startswith('alias=')]
        flags.append('alias=' + '|'.join(sorted(others)))
        rel[name]['flags'] = ','.join(flags)


def plugin_directives(product, plugins, used):
    """#@plugin lines for the plugins that provide options."""
    out = []
    for pname, lib, load in plugins:
        if pname not in used:
            continue
        if lib == '-':
            policy = 'builtin-required' if load == 'FORCE' or pname == 'InnoDB' else 'builtin'
        else:
            policy = 'dynamic'
        out.append((product, pname, lib, policy))
    return out


def mariadb_unknown_names(mariadbd, scratch, names):
    """The names (of names) the server calls unknown variables, given loose-."""
    if not names:
        return set()
    rc, _out, err = mariadbd_run(mariadbd, scratch, ['--loose-%s=1' % n.replace('_', '-') for n in names] +
                                 ['--verbose', '--help'])
    if rc != 0:
        if len(names) == 1:
            return set()        # it stopped the server on its value: the server has the option
        half = len(names) // 2
        return mariadb_unknown_names(mariadbd, scratch, names[:half]) | \
            mariadb_unknown_names(mariadbd, scratch, names[half:])
    return set(m.replace('-', '_') for m in re.findall(r"unknown (?:variable|option) '(?:--)?loose-([\w-]+)", err))


def mariadb_live(mariadbd, candidates=()):
    """(version, release facts, plugin directives) of the local server."""
    scratch = Scratch()
    try:
        rc, help_text, err = mariadbd_run(mariadbd, scratch, ['--verbose', '--help'])
        if rc:
            die('%s --verbose --help failed:\n%s' % (mariadbd, err))
        version = mariadbd_version(help_text)
        libs = plugin_libraries(mariadbd)
        sv_text, plugins_text = mariadbd_server_facts(mariadbd, scratch, libs)
        plugins = parse_plugins(plugins_text)
        rc, plugin_help, err = mariadbd_run(mariadbd, scratch, plugin_load_args(libs) + ['--verbose', '--help'])
        if rc:
            die('%s --verbose --help with the plugins loaded failed:\n%s' % (mariadbd, err))

        # which candidate names the server accepts without printing them: a
        # run with every such name loose- (an unknown one is only a warning
        # then, naming it). The server prints those warnings only when it
        # gets through all its options: a value it refuses stops it first
        # (a real option), so a run that fails is split in halves until each
        # run completes or names one option
        printed_names = set(parse_help(help_text)[0]) | set(parse_help(plugin_help)[0])
        names = sorted((set(n for n, _r in MARIADB_HIDDEN) | set(candidates)) - printed_names)
        unknown = mariadb_unknown_names(mariadbd, scratch, names)

        def probe(name):
            return name not in unknown

        def printed(name, value):
            rc, out, err = mariadbd_run(mariadbd, scratch, ['--%s=%s' % (name, value), '--verbose', '--help'])
            _o, _order, values = parse_help(out)
            return rc, values.get(name), err

        def probe_num(name, f):
            # a numeric option --help alone does not type: its sign and range,
            # read back from what the server makes of extreme values
            rc, _v, err = printed(name, '-1')
            signed = rc == 0
            f['type'] = 'int' if signed else 'uint'
            rc, lo, _err = printed(name, '-9223372036854775807' if signed else '0')
            rc2, hi, _err = printed(name, '9223372036854775807' if signed else '18446744073709551615')
            if rc == 0 and lo is not None and re.match(r'^-?\d+$', lo):
                f['min'] = lo
            if rc2 == 0 and hi is not None and re.match(r'^-?\d+$', hi):
                f['max'] = hi
            f['probed'] = True
        rel = release_from_mariadb(help_text, sv_text, probe, probe_num, plugins, plugin_help, candidates)
        mariadb_aliases(mariadbd, scratch, rel)
        # A built-in plugin's name also prefixes server options (binlog_*,
        # wsrep_*): one option of each built-in plugin is given a value its
        # parser refuses; only a plugin that reports the failure owns them.
        builtin = {pname for pname, lib, _load in plugins if lib == '-'}
        for pname in sorted({f['provider'] for f in rel.values() if f['provider'] in builtin}):
            probe_opt = next((n for n in sorted(rel) if rel[n]['provider'] == pname and
                              rel[n]['type'] in ('int', 'uint', 'enum', 'double')), None)
            owned = False
            if probe_opt:
                rc, _out, err = mariadbd_run(mariadbd, scratch,
                                             ['--%s=zz' % probe_opt, '--verbose', '--help'])
                owned = rc == 0 and ("Parsing options for plugin '%s'" % pname) in err
            if not owned:
                for f in rel.values():
                    if f['provider'] == pname:
                        f['provider'] = ''
        used = {f['provider'] for f in rel.values() if f['provider']}
        directives = plugin_directives('mariadb', plugins, used)
    finally:
        scratch.close()
    return version, rel, directives


# ---------------------------------------------------------------------------
# MySQL-family source trees: the help result, completed from the sources
# ---------------------------------------------------------------------------

# Preprocessor symbols of a Linux release build (-DNDEBUG, no debug code).
CPP_DEFINED = {'HAVE_REPLICATION', 'HAVE_OPENSSL', 'HAVE_ZLIB', 'NDEBUG', 'DBUG_OFF', 'HAVE_PSI_INTERFACE',
               'ENABLED_PROFILING', 'HAVE_QUERY_CACHE', 'HAVE_MY_TIMER', 'HAVE_LINUX_LARGE_PAGES',
               'HAVE_POOL_OF_THREADS', 'HAVE_GTID_NEXT_LIST', 'HAVE_NDB_BINLOG', 'OPTIMIZER_TRACE',
               'HAVE_EVENT_SCHEDULER', 'HAVE_SYS_UN_H', 'HAVE_STATIC_PLUGINS', 'HAVE_MLOCKALL',
               'HAVE_LIBNUMA', 'HAVE_PSI_MEMORY_INTERFACE', 'MYSQL_SERVER', 'HAVE_NATIVE_AIO',
               'LINUX_NATIVE_AIO', 'HAVE_FALLOC_PUNCH_HOLE_AND_KEEP_SIZE', 'UNIV_LINUX', 'UNIV_PFS_MUTEX',
               'HAVE_SYS_MMAN_H', 'HAVE_TCMALLOC', 'HAVE_SETNS', 'HAVE_PERFSCHEMA', 'WITH_PERFSCHEMA_STORAGE_ENGINE'}
CPP_UNDEFINED_PREFIXES = ('UNIV_DEBUG', 'UNIV_HOTBACKUP', '_WIN32', '__WIN__', '_WIN64', 'EMBEDDED_LIBRARY',
                          'HAVE_SOLARIS', 'ENABLED_DEBUG_SYNC', 'WITH_DEBUG', 'UNIV_ENABLE_UNIT_TEST',
                          'HAVE_VALGRIND', 'UNIV_IBUF_DEBUG', 'UNIV_BTR_DEBUG', 'UNIV_LRU_DEBUG',
                          'UNIV_PERF_DEBUG', 'UNIV_SEARCH_PERF_STAT', 'UNIV_MEMCHECK', '__APPLE__',
                          'HAVE_GCOV', 'XTRABACKUP', 'HAVE_UBSAN', 'HAVE_ASAN', 'UNIV_HOTBACKUP')


def cpp_filter(text, wsrep=False):
    """Drop the lines a Linux release build leaves out (#if branches, roughly)."""
    defined = set(CPP_DEFINED)
    if wsrep:
        defined.add('WITH_WSREP')

    def truth(expr):
        expr = expr.strip()
        expr = re.sub(r'/\*.*?\*/', '', expr).split('//')[0].strip()

        def atom(m):
            sym = m.group(1)
            if sym in defined:
                return ' True '
            if sym.startswith(CPP_UNDEFINED_PREFIXES) or sym == 'WITH_WSREP':
                return ' False '
            return ' None '
        e = re.sub(r'defined\s*\(?\s*(\w+)\s*\)?', atom, expr)
        e = e.replace('&&', ' and ').replace('||', ' or ').replace('!', ' not ')
        if re.search(r'[^\sA-Za-z()]', e) or re.search(r'\b(?!True\b|False\b|None\b|and\b|or\b|not\b)\w+', e):
            return True     # a condition on values: assume the common build takes it
        try:
            v = eval(e, {'__builtins__': {}}, {})
        except Exception:
            return True
        return True if v is None else bool(v)
    out = []
    stack = []      # (this branch active, some branch taken, parent active)
    active = True
    for line in text.split('\n'):
        st = line.strip()
        m = re.match(r'#\s*(ifdef|ifndef|if|elif|else|endif)\b(.*)', st)
        if m:
            kw, rest = m.group(1), m.group(2)
            if kw in ('ifdef', 'ifndef', 'if'):
                if kw == 'ifdef':
                    c = truth('defined(%s)' % rest.strip())
                elif kw == 'ifndef':
                    c = not truth('defined(%s)' % rest.strip())
                else:
                    c = truth(rest)
                stack.append([active and c, c, active])
                active = active and c
            elif kw == 'elif' and stack:
                top = stack[-1]
                c = (not top[1]) and truth(rest)
                top[0] = top[2] and c
                top[1] = top[1] or c
                active = top[0]
            elif kw == 'else' and stack:
                top = stack[-1]
                top[0] = top[2] and not top[1]
                top[1] = True
                active = top[0]
            elif kw == 'endif' and stack:
                top = stack.pop()
                active = top[2]
            out.append('')
            continue
        out.append(line if active else '')
    return '\n'.join(out)


def strip_comments(text):
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            i = n if j < 0 else j + 2
            out.append(' ')
        elif text.startswith('//', i):
            j = text.find('\n', i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def split_args(text):
    """Top-level comma-separated arguments of a C argument list (no outer parentheses)."""
    args, depth, cur, i = [], 0, [], 0
    while i < len(text):
        c = text[i]
        if c in '"\'':
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            cur.append(text[i:j + 1])
            i = j + 1
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
        if c == ',' and depth == 0:
            args.append(''.join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    if ''.join(cur).strip():
        args.append(''.join(cur).strip())
    return args


def balanced(text, start):
    """The text between the parenthesis or brace at start and its match."""
    open_c = text[start]
    close_c = {'(': ')', '{': '}', '[': ']'}[open_c]
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        if c in '"\'':
            j = i + 1
            while j < len(text) and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            i = j + 1
            continue
        if c == open_c:
            depth += 1
        elif c == close_c:
            depth -= 1
            if depth == 0:
                return text[start + 1:i]
        i += 1
    return text[start + 1:]


def c_string(expr):
    """The value of concatenated C string literals, or None."""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', expr)
    if not parts or re.sub(r'"((?:[^"\\]|\\.)*)"', '', expr).strip() not in ('',):
        return None
    return ''.join(parts).replace('\\"', '"').replace('\\\\', '\\')


C_CONSTANTS = {
    'UINT_MAX': 4294967295, 'UINT_MAX32': 4294967295, 'INT_MAX': 2147483647, 'INT_MAX32': 2147483647,
    'INT_MIN': -2147483648, 'INT_MIN32': -2147483648, 'ULONG_MAX': 18446744073709551615,
    'LONG_MAX': 9223372036854775807, 'LONG_MIN': -9223372036854775808, 'ULLONG_MAX': 18446744073709551615,
    'ULONGLONG_MAX': 18446744073709551615, 'LLONG_MAX': 9223372036854775807, 'UINT_MAX16': 65535,
    'UINT_MAX8': 255, 'INT_MAX16': 32767, 'INT_MAX8': 127, 'LONG_TIMEOUT': 31536000,
    'ULONG_MAX32': 4294967295, 'HA_POS_ERROR': 18446744073709551615, 'MAX_MEM_TABLE_SIZE': 18446744073709551615,
    'IO_SIZE': 4096, 'KEY_CACHE_SIZE': 8388608, 'KEY_CACHE_BLOCK_SIZE': 1024, 'MAX_PACKET_LENGTH': 1073741824,
    'MALLOC_OVERHEAD': 8, 'MY_ALIGN': None, 'TRUE': 1, 'FALSE': 0, 'true': 1, 'false': 0,
    'SIZE_T_MAX': 18446744073709551615, 'MAX_CONNECTIONS': 100000, 'ULONG_MAX64': 18446744073709551615,
    'SSIZE_MAX': 9223372036854775807, 'OPT_MAX_ALLOWED_PACKET': 1073741824,
}


def c_number(expr, extra=None):
    """Evaluate a simple C constant expression, or None."""
    e = expr.strip()
    e = re.sub(r'\b(\d+)(?:ULL|LL|UL|U|L)\b', r'\1', e, flags=re.I)
    e = re.sub(r'\(\s*(?:u?longlong|ulong|long|uint|int|size_t|double|ha_rows|my_off_t|unsigned|'
               r'unsigned long|unsigned long long|long long)\s*\)', '', e)
    e = re.sub(r'static_cast<[^>]*>', '', e)
    consts = dict(C_CONSTANTS)
    if extra:
        consts.update(extra)

    def sym(m):
        v = consts.get(m.group(0))
        if v is None:
            raise ValueError(m.group(0))
        return '(%d)' % v
    try:
        e = re.sub(r'\b[A-Za-z_]\w*\b', sym, e)
        if not re.match(r'^[\d\s()+\-*/<>|&.]+$', e):
            return None
        v = eval(e.replace('/', '//'), {'__builtins__': {}}, {})
    except Exception:
        return None
    return int(v)


_ARRAY_INDEX = {}


def array_at(files_text, ident):
    """Where `ident[] = {` (or `TYPELIB ident = {`) opens its brace in files_text, or -1 (indexed once)."""
    key = id(files_text)
    if key not in _ARRAY_INDEX:
        idx = {}
        for m in re.finditer(r'\b(\w+)\s*(?:\[\s*\w*\s*\])?\s*=\s*\{', files_text):
            idx.setdefault(m.group(1), m.end() - 1)
        _ARRAY_INDEX.clear()
        _ARRAY_INDEX[key] = (files_text, idx)
    return _ARRAY_INDEX[key][1].get(ident, -1)


def typelib_names(files_text, ident):
    """The names of a C string array `ident[] = {"A", "B", NullS}`, or None."""
    if '::' in ident:
        # a class member (Gtid_mode::names): its definition names the class
        m = re.search(r'\b%s\s*\[\s*\w*\s*\]\s*=\s*\{' % re.escape(ident.strip()), files_text)
        at = m.end() - 1 if m else -1
    else:
        at = array_at(files_text, ident)
    if at < 0:
        return None
    body = balanced(files_text, at)
    names = []
    for a in split_args(body):
        v = c_string(a)
        if v is None:
            break
        names.append(v)
    return names or None


def typelib_of(files_text, ident):
    """A TYPELIB variable's names: TYPELIB x = {count, "", names_array, ...}."""
    ident = ident.lstrip('&').strip()
    names = typelib_names(files_text, ident)
    if names:
        return names
    at = array_at(files_text, ident)
    if at < 0:
        return None
    args = split_args(balanced(files_text, at))
    for a in args[2:3]:
        return typelib_names(files_text, a.strip())
    return None


SYSVAR_TYPES = {
    'Sys_var_bool': 'bool', 'Sys_var_mybool': 'bool', 'Sys_var_uint': 'uint', 'Sys_var_ulong': 'uint',
    'Sys_var_ulonglong': 'uint', 'Sys_var_harows': 'uint', 'Sys_var_int': 'int', 'Sys_var_long': 'int',
    'Sys_var_longlong': 'int', 'Sys_var_double': 'double', 'Sys_var_enum': 'enum', 'Sys_var_set': 'set',
    'Sys_var_flagset': 'flagset', 'Sys_var_charptr': 'string', 'Sys_var_lexstring': 'string',
    'Sys_var_charptr_func': 'string', 'Sys_var_plugin': 'string', 'Sys_var_tz': 'string',
    'Sys_var_struct': 'string', 'Sys_var_transaction_isolation': 'enum', 'Sys_var_gtid_mode': 'enum',
    'Sys_var_enforce_gtid_consistency': 'multienum', 'Sys_var_enum_binlog_checksum': 'enum',
    'Sys_var_binlog_encryption': 'bool', 'Sys_var_transaction_read_only': 'bool',
    'Sys_var_max_user_conn': 'uint', 'Sys_var_keycache': 'uint', 'Sys_var_charset': 'string',
    'Sys_var_dbug': 'string', 'Sys_var_multi_source_ulonglong': 'uint',
}
ARG_TYPES = {'REQUIRED_ARG': 'req', 'OPT_ARG': 'opt', 'NO_ARG': 'none'}


def parse_sys_vars(text, all_text):
    """sql/sys_vars.cc: {name: facts} for every system variable with a command-line option."""
    out, by_ident = {}, {}
    for m in re.finditer(r'\bstatic\s+(Sys_var_\w+)\s+(\w+)\s*\(', text):
        cls, ident = m.group(1), m.group(2)
        args = split_args(balanced(text, m.end() - 1))
        if not args:
            continue
        name = c_string(args[0])
        if cls == 'Sys_var_deprecated_alias' and name and len(args) > 1:
            target = args[1].strip()
            if target in by_ident:
                out[name] = dict(by_ident[target], replacement=by_ident[target]['_name'], _alias=True)
            continue
        if not name:
            continue
        body = ','.join(args[1:])
        cm = re.search(r'CMD_LINE\s*\(\s*(\w+)', body)
        f = {'type': SYSVAR_TYPES.get(cls, 'string'), 'arg': 'req', 'values': '', 'default': UNKNOWN,
             'min': '', 'max': '', 'block': '', 'flags': '', 'provider': '', 'replacement': '',
             '_name': name, '_class': cls}
        by_ident[ident] = f
        if not cm:
            continue        # NO_CMD_LINE: not an option
        f['arg'] = ARG_TYPES.get(cm.group(1), 'req')
        if re.search(r'\bSESSION_VAR\s*\(|\bSESSION_ONLY\s*\(', body):
            f['flags'] = 'session'
        rm = re.search(r'VALID_RANGE\s*\(', body)
        if rm:
            r = split_args(balanced(body, rm.end() - 1))
            if len(r) == 2:
                lo, hi = c_number(r[0]), c_number(r[1])
                f['min'] = '' if lo is None else str(lo)
                f['max'] = '' if hi is None else str(hi)
        bm = re.search(r'BLOCK_SIZE\s*\(', body)
        if bm:
            b = c_number(balanced(body, bm.end() - 1))
            f['block'] = '' if b in (None, 0, 1) else str(b)
        dm = re.search(r'\bDEFAULT\s*\(', body)
        dflt = balanced(body, dm.end() - 1) if dm else None
        if f['type'] in ('enum', 'set', 'flagset', 'multienum'):
            names = None
            # the names array follows the CMD_LINE(...) argument
            idx = next((i for i, a in enumerate(args) if a.strip().startswith('CMD_LINE')), None)
            if idx is not None and idx + 1 < len(args):
                names = typelib_names(all_text, args[idx + 1].strip())
            if f['type'] == 'multienum' and idx is not None and idx + 2 < len(args):
                # Sys_var_multi_enum(..., CMD_LINE(...), aliases, value_count, DEFAULT(alias index),
                #                    DEFAULT(value without an argument), ...)
                at = array_at(all_text, args[idx + 1].strip())
                pairs = re.findall(r'\{\s*"(\w+)"\s*,\s*(\d+)\s*\}', balanced(all_text, at)) \
                    if at >= 0 else []
                count = c_number(args[idx + 2])
                if pairs and count:
                    slots = [[] for _ in range(count)]
                    for alias, number in pairs:
                        slots[int(number)].append(alias)
                    f['values'] = ','.join('|'.join(x) for x in slots)
                    dflts = [balanced(a, a.index('(')) for a in args[idx + 3:] if a.strip().startswith('DEFAULT')]
                    consts = {'GTID_CONSISTENCY_MODE_OFF': 0, 'GTID_CONSISTENCY_MODE_ON': 1,
                              'GTID_CONSISTENCY_MODE_WARN': 2}
                    if dflts:
                        d = c_number(dflts[0])
                        if d is not None and d < len(pairs):
                            f['default'] = slots[int(pairs[d][1])][0]
                    if len(dflts) > 1:
                        d2 = c_number(dflts[1], consts)
                        if d2 is not None and d2 < count:
                            f['flags'] = ','.join(x for x in (f['flags'], 'bare=' + slots[d2][0]) if x)
                out[name] = f
                continue
            if names:
                if f['type'] == 'flagset' and names[-1] == 'default':
                    names = names[:-1]
                f['values'] = ','.join(names)
                if f['type'] == 'enum' and dflt is not None:
                    d = c_number(dflt)
                    if d is not None and 0 <= d < len(names):
                        f['default'] = names[d]
        elif dflt is not None:
            if f['type'] == 'bool':
                d = c_number(dflt)
                if d is not None:
                    f['default'] = 'ON' if d else 'OFF'
            elif f['type'] in ('int', 'uint'):
                d = c_number(dflt)
                if d is not None:
                    f['default'] = str(d)
            elif f['type'] == 'double':
                try:
                    f['default'] = '%g' % float(dflt)
                except ValueError:
                    pass
            elif f['type'] == 'string':
                v = c_string(dflt)
                if v is not None:
                    f['default'] = v
                elif dflt.strip() in ('nullptr', 'NULL', '0', 'NullS', '(char *)0', '0L'):
                    f['default'] = NULL
        out[name] = f
    return out


PLUGIN_ARG = (('PLUGIN_VAR_NOCMDARG', 'none'), ('PLUGIN_VAR_OPCMDARG', 'opt'))
PLUGIN_TYPES = {'BOOL': 'bool', 'STR': 'string', 'INT': 'int', 'LONG': 'int', 'LONGLONG': 'int',
                'UINT': 'uint', 'ULONG': 'uint', 'ULONGLONG': 'uint', 'DOUBLE': 'double', 'ENUM': 'enum',
                'SET': 'set'}


def parse_plugin_sysvars(text, all_text, prefix, provider=''):
    """MYSQL_SYSVAR_x / MYSQL_THDVAR_x definitions registered in a plugin's SYS_VAR array."""
    registered = None
    am = re.search(r'(?:SYS_VAR|struct\s+st_mysql_sys_var)\s*\*\s*\w+\s*\[\s*\]\s*=\s*\{', text)
    if am:
        registered = set(re.findall(r'MYSQL_SYSVAR\s*\(\s*(\w+)\s*\)', balanced(text, am.end() - 1)))
    out = {}
    for m in re.finditer(r'\b(?:static\s+)?MYSQL_(SYSVAR|THDVAR)_(\w+)\s*\(', text):
        kind, t = m.group(1), m.group(2)
        if t not in PLUGIN_TYPES:
            continue
        args = split_args(balanced(text, m.end() - 1))
        ident = args[0]
        if registered is not None and ident not in registered:
            continue
        rest = args[1:] if kind == 'THDVAR' else args[2:]
        if len(rest) < 4:
            continue
        flags = rest[0]
        if 'PLUGIN_VAR_NOCMDOPT' in flags:
            continue
        f = {'type': PLUGIN_TYPES[t], 'arg': 'req', 'values': '', 'default': UNKNOWN, 'min': '', 'max': '',
             'block': '', 'flags': 'session' if kind == 'THDVAR' else '', 'provider': provider,
             'replacement': ''}
        for flag, arg in PLUGIN_ARG:
            if flag in flags:
                f['arg'] = arg
        vals = rest[4:]
        if vals:
            if t == 'BOOL':
                d = c_number(vals[0])
                if d is not None:
                    f['default'] = 'ON' if d else 'OFF'
            elif t == 'STR':
                v = c_string(vals[0])
                f['default'] = v if v is not None else (NULL if vals[0].strip() in ('nullptr', 'NULL', '0') else UNKNOWN)
            elif t in ('ENUM', 'SET'):
                names = typelib_of(all_text, vals[1]) if len(vals) > 1 else None
                if names:
                    f['values'] = ','.join(names)
                    d = c_number(vals[0])
                    if t == 'ENUM' and d is not None and 0 <= d < len(names):
                        f['default'] = names[d]
            else:
                d = c_number(vals[0])
                lo = c_number(vals[1]) if len(vals) > 1 else None
                hi = c_number(vals[2]) if len(vals) > 2 else None
                blk = c_number(vals[3]) if len(vals) > 3 else None
                if t == 'DOUBLE':
                    f['default'] = UNKNOWN
                elif d is not None:
                    f['default'] = str(d)
                f['min'] = '' if lo is None else str(lo)
                f['max'] = '' if hi is None else str(hi)
                f['block'] = '' if blk in (None, 0, 1) else str(blk)
        out[prefix + ident] = f
    return out


GET_TYPES = {'GET_BOOL': 'bool', 'GET_NO_ARG': 'noarg', 'GET_INT': 'int', 'GET_UINT': 'uint', 'GET_LONG': 'int',
             'GET_ULONG': 'uint', 'GET_LL': 'int', 'GET_ULL': 'uint', 'GET_STR': 'string',
             'GET_STR_ALLOC': 'string', 'GET_PASSWORD': 'string', 'GET_ENUM': 'enum', 'GET_SET': 'set',
             'GET_FLAGSET': 'flagset', 'GET_DOUBLE': 'double', 'GET_DISABLED': 'string'}


def parse_long_options(text, all_text):
    """sql/mysqld.cc my_long_options[]: {name: (facts, has comment)}."""
    m = re.search(r'struct\s+my_option\s+my_long_options\s*\[\s*\w*\s*\]\s*=\s*\{', text)
    if not m:
        return {}
    out = {}
    for entry in split_args(balanced(text, m.end() - 1)):
        entry = entry.strip()
        if not entry.startswith('{'):
            continue
        a = split_args(balanced(entry, 0))
        if len(a) < 8:
            continue
        name = c_string(a[0])
        if not name:
            continue
        gtype = next((x for x in a if x.strip().startswith('GET_')), 'GET_STR').strip().split('|')[0].strip()
        argt = next((x.strip() for x in a if x.strip() in ARG_TYPES), 'REQUIRED_ARG')
        comment = a[2].strip() not in ('nullptr', 'NULL', '0', 'NullS')
        f = {'type': GET_TYPES.get(gtype, 'string'), 'arg': ARG_TYPES[argt], 'values': '', 'default': UNKNOWN,
             'min': '', 'max': '', 'block': '', 'flags': '', 'provider': '', 'replacement': ''}
        if f['type'] == 'noarg':
            f['arg'] = 'none'
            f['default'] = ''
        idx = [i for i, x in enumerate(a) if x.strip().startswith('GET_')]
        if idx:
            i = idx[0]
            if f['type'] in ('enum', 'set', 'flagset'):
                names = typelib_of(all_text, a[i - 1]) if a[i - 1].strip() not in ('nullptr', '0') else None
                if names:
                    f['values'] = ','.join(n for n in names if not (f['type'] == 'flagset' and n == 'default'))
            if len(a) > i + 4:
                d, lo, hi = c_number(a[i + 2]), c_number(a[i + 3]), c_number(a[i + 4])
                if f['type'] == 'bool' and d is not None:
                    f['default'] = 'ON' if d else 'OFF'
                elif f['type'] in ('int', 'uint') and d is not None:
                    f['default'] = str(d)
                if f['type'] in ('int', 'uint'):
                    f['min'] = '' if lo is None else str(lo)
                    f['max'] = '' if (hi is None or hi == 0) else str(hi)
        out[name.replace('-', '_')] = (f, comment)
    # MariaDB: MYSQL_COMPATIBILITY_OPTION("x"), MYSQL_TO_BE_IMPLEMENTED_OPTION("x"),
    # MYSQL_SUGGEST_ANALOG_OPTION("x", "--y"): GET_STR, OPT_ARG, no comment
    for mm in re.finditer(r'MYSQL_(?:COMPATIBILITY|TO_BE_IMPLEMENTED|SUGGEST_ANALOG)_OPTION\s*\(\s*"([\w-]+)"'
                          r'(?:\s*,\s*"--([\w-]+)")?', balanced(text, m.end() - 1)):
        f = {'type': 'string', 'arg': 'opt', 'values': '', 'default': NULL, 'min': '', 'max': '', 'block': '',
             'flags': '', 'provider': '', 'replacement': (mm.group(2) or '').replace('-', '_')}
        out.setdefault(mm.group(1).replace('-', '_'), (f, False))
    return out


# Values the test suite's help run sets itself (mysqld--help.inc and the
# bootstrap command): its table shows them, not the defaults.
MTR_SET = {'log_bin', 'log_slave_updates', 'log_replica_updates', 'skip_grant_tables', 'lower_case_table_names',
           'symbolic_links', 'relay_log', 'relay_log_index', 'bootstrap', 'initialize', 'port', 'secure_file_priv',
           'core_file', 'tmpdir'}

# Families the MySQL test suite's help result filters out (mysqld--help.inc
# @plugins) and that these sources do not complete: names that start so are
# not judged for MySQL-family releases.
TREE_UNCOVERED = ('ndb', 'mecab', 'archive', 'blackhole', 'federated', 'daemon_memcached', 'sha256_password',
                  'caching_sha2_password', 'null_audit', 'debug', 'mutex_deadlock', 'thread_concurrency',
                  'super_large_pages', 'des_key_file', 'ssl', 'tls', 'admin_ssl', 'admin_tls', 'mysqlx',
                  'ngram', 'keyring_migration', 'partition', 'auto_generate_certs', 'lock_order')


def read_text(path):
    with open(path, encoding='latin-1') as fp:
        return fp.read()


TREE_MAIN = ('sql/sys_vars.cc', 'sql/mysqld.cc', 'storage/innobase/handler/ha_innodb.cc',
             'storage/maria/ha_maria.cc', 'plugin/feedback/feedback.cc')


def tree_sources(d, wsrep):
    """
    The cached tree's sources: the files that define options preprocessed
    for a release build, and every file as it is (for the names arrays).
    """
    texts = {}
    for root, _dirs, files in os.walk(os.path.join(d, 'src')):
        for fn in sorted(files):
            rel = os.path.relpath(os.path.join(root, fn), os.path.join(d, 'src'))
            text = read_text(os.path.join(root, fn))
            texts[rel] = strip_comments(cpp_filter(text, wsrep)) if rel in TREE_MAIN else text
    return texts


def release_from_tree(d, product):
    """The facts of one MySQL-family release from its cached tree: {name: facts}."""
    wsrep = product in ('pxc', 'mariadb')    # MariaDB's Linux builds are all WITH_WSREP
    opts, _order, _values = parse_help(read_text(os.path.join(d, 'help.result')))
    texts = tree_sources(d, wsrep)
    all_text = '\n'.join(texts.values())
    sv = parse_sys_vars(texts.get('sql/sys_vars.cc', ''), all_text)
    longopts = parse_long_options(texts.get('sql/mysqld.cc', ''), all_text)
    inno = parse_plugin_sysvars(texts.get('storage/innobase/handler/ha_innodb.cc', ''), all_text, 'innodb_',
                                'InnoDB')
    if product == 'mariadb':
        inno.update(parse_plugin_sysvars(texts.get('storage/maria/ha_maria.cc', ''), all_text, 'aria_', 'Aria'))
        inno.update(parse_plugin_sysvars(texts.get('plugin/feedback/feedback.cc', ''), all_text, 'feedback_',
                                         'FEEDBACK'))
    rel = {}
    for name, o in opts.items():
        f = facts_from_help(name, o)
        src = sv.get(name) or (longopts.get(name) or (None,))[0] or inno.get(name)
        origin = 'help'
        if src:
            g = {k: v for k, v in src.items() if not k.startswith('_')}
            if o['kind'] == 'flag' and g['type'] not in ('bool', 'noarg'):
                g['type'] = f['type']
            if o['kind'] == 'num' and g['type'] not in ('int', 'uint', 'double'):
                g['type'] = 'num'
            if o['kind'] == 'name' and g['type'] in ('int', 'uint', 'double', 'bool', 'noarg'):
                g['type'] = f['type']
            g['arg'] = f['arg'] if o['kind'] != 'flag' else ('opt' if g['type'] == 'bool' and
                                                              g['arg'] == 'req' else g['arg'])
            if g['type'] == 'noarg':
                g['arg'] = 'none'
            if g['type'] in ('enum', 'set', 'flagset') and not g['values']:
                g['values'] = f['values']
            if g['type'] == 'multienum':
                g['arg'] = 'opt'
            if g['default'] == UNKNOWN and name not in MTR_SET:
                g['default'] = norm_default(g, o['value']) if o['value'] is not None else UNKNOWN
            f = g
            origin = 'help+src'
        elif name in MTR_SET:
            f['default'] = UNKNOWN
        else:
            f['default'] = norm_default(f, o['value']) if f['type'] not in ('noarg',) else ''
        if name in MACHINE_VALUES:
            f['default'] = UNKNOWN
        f['source'] = origin
        rel[name] = f
    # options the help result filters out or does not print, from the sources
    for name, f in sv.items():
        if name not in rel:
            g = {k: v for k, v in f.items() if not k.startswith('_')}
            if name in MACHINE_VALUES:
                g['default'] = UNKNOWN
            g['source'] = 'sys_vars.cc'
            rel[name] = g
    for name, (f, _comment) in longopts.items():
        if name not in rel:
            g = dict(f)
            if name in MACHINE_VALUES:
                g['default'] = UNKNOWN
            g['source'] = 'mysqld.cc'
            rel[name] = g
    for name, f in inno.items():
        if name not in rel:
            g = dict(f)
            if name in MACHINE_VALUES:
                g['default'] = UNKNOWN
            g['source'] = 'ha_innodb.cc'
            rel[name] = g
    if 'innodb' not in rel:
        # the plugin's own enable option (sql_plugin.cc construct_options)
        rel['innodb'] = {'type': 'enum', 'arg': 'opt', 'values': ','.join(PLUGIN_POLICY), 'default': 'ON',
                         'min': '', 'max': '', 'block': '', 'flags': '', 'provider': 'InnoDB',
                         'replacement': '', 'source': 'sql_plugin.cc'}
    for f in rel.values():
        if f['type'] == 'num' and not f['min'] and not f['max']:
            pass
    return rel


# ---------------------------------------------------------------------------
# Writing and reading the data file
# ---------------------------------------------------------------------------

def facts_key(f):
    return tuple(f[k] for k in FACTS)


def fmt_row(product, name, frm, until, f):
    cols = [product, name, frm, until] + [f[k] for k in FACTS] + [f.get('source', '')]
    for c in cols:
        if '\t' in c or '\n' in c:
            die('tab or newline in a value of %s' % name)
    return '\t'.join(c if c != '' else '' for c in cols)


def variables_ini_added(path):
    """
    rules/variables.ini names.FLAVOR = name@VERSION: the release that added a
    spelling, per product ({product: {name: version}}); Percona and PXC take
    MySQL's unless they have their own key.
    """
    out = {p: {} for p in PRODUCTS}
    section, keys = None, {}
    if not os.path.exists(path):
        return out

    def flush():
        for flavor, value in keys.items():
            for word in value.split():
                if '@' in word:
                    name, rng = word.split('@', 1)
                    targets = ('mysql', 'percona', 'pxc') if flavor == 'mysql' else (flavor,)
                    for p in targets:
                        out[p].setdefault(name.replace('-', '_'), rng.split('-')[0])
    with open(path) as fp:
        for line in fp:
            line = line.strip()
            if line.startswith('['):
                flush()
                section, keys = line.strip('[]'), {}
            elif line.startswith('names.') and '=' in line:
                k, v = line.split('=', 1)
                keys[k.strip()[6:]] = v.strip()
    flush()
    del section
    return out


def rows_for_product(product, releases, exact_removed=None, exact_added=None):
    """
    releases: [(version, {name: facts})] sorted by version. Returns rows
    (name, from, until, facts): each run of consecutive releases that list
    the option with the same facts. Where the option appears or disappears
    between two listed releases the bound is the range A..B, unless
    exact_removed[name] names the release that removed it; where only its
    facts change, the bound is the later release, exactly.
    """
    exact_removed = exact_removed or {}
    names = sorted({n for _v, rel in releases for n in rel})
    versions = [v for v, _rel in releases]
    n = len(versions)
    out = []
    for name in names:
        i = 0
        while i < n:
            if name not in releases[i][1]:
                i += 1
                continue
            start = i
            while i + 1 < n and name in releases[i + 1][1]:
                i += 1
            end = i           # present in releases[start..end]
            i += 1
            # split the run where the facts change
            seg = start
            for k in range(start, end + 1):
                last = k == end or facts_key(releases[k + 1][1][name]) != facts_key(releases[k][1][name])
                if not last:
                    continue
                f = releases[seg][1][name]
                if seg == start:
                    frm = '..' + versions[0] if start == 0 else '%s..%s' % (versions[start - 1], versions[start])
                    ex = (exact_added or {}).get(name)
                    if start > 0 and ex and vkey(versions[start - 1]) < vkey(ex) <= vkey(versions[start]):
                        frm = ex
                else:
                    frm = versions[seg]
                if k < end:
                    until = versions[k + 1]
                elif end == n - 1:
                    until = '-'
                else:
                    ex = exact_removed.get(name)
                    if ex and vkey(versions[end]) < vkey(ex) <= vkey(versions[end + 1]):
                        until = ex
                    else:
                        until = '%s..%s' % (versions[end], versions[end + 1])
                out.append((name, frm, until, f))
                seg = k + 1
    return out


def read_tsv(path):
    rows = []
    with open(path) as fp:
        for line in fp:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            cols = line.split('\t')
            if len(cols) != len(COLUMNS):
                die('%s: a row with %d columns' % (path, len(cols)))
            rows.append(dict(zip(COLUMNS, cols)))
    return rows


def in_range(version, spec, lower):
    """Whether version is on the right side of a from/until spec (certain only)."""
    if spec == '-':
        return True
    if '..' in spec:
        lo, hi = spec.split('..')
        point = hi if lower else lo
        if not point:
            return lower
        # from: certainly present from hi on; until: certainly present up to lo
        return vkey(version) >= vkey(point) if lower else vkey(version) <= vkey(point)
    return vkey(version) >= vkey(spec) if lower else vkey(version) < vkey(spec)


def project(rows, product, version):
    rel = {}
    for r in rows:
        if r['product'] != product:
            continue
        if in_range(version, r['from'], True) and in_range(version, r['until'], False):
            rel[r['name']] = {k: r[k] for k in FACTS}
            rel[r['name']]['source'] = r['source']
    return rel


def print_release(rel, fp):
    for name in sorted(rel):
        f = rel[name]
        fp.write('\t'.join([name] + [f[k] for k in FACTS]) + '\n')


# ---------------------------------------------------------------------------

def committed_mariadb_names(path):
    """The MariaDB option names rules/options.tsv has for any release (probe candidates)."""
    if not os.path.exists(path):
        return set()
    return {r['name'] for r in read_tsv(path) if r['product'] == 'mariadb'}


def cmd_live(args):
    version, rel, directives = mariadb_live(args.mariadbd, committed_mariadb_names(args.file))
    sys.stdout.write('# mariadb %s\n' % version)
    for d in directives:
        sys.stdout.write('#@plugin\t' + '\t'.join(d) + '\n')
    print_release(rel, sys.stdout)


def cmd_project(args):
    rows = read_tsv(args.file)
    sys.stdout.write('# %s %s\n' % (args.product, args.version))
    print_release(project(rows, args.product, args.version), sys.stdout)


# ---------------------------------------------------------------------------
# The manifest: every release the catalog holds, and where its facts come from
# ---------------------------------------------------------------------------

# (product, version, kind, source[, coverage]). kind "live": the local
# mariadbd (its --verbose --help and SYSTEM_VARIABLES); "tree": a source
# tree's files copied into CACHE/<product>-<version>/ by
# scripts/gen-options-cache.sh (the test suite's help result, completed from
# the sources); "derived": another release's list with the changes named in
# DERIVED below (where no help result of the release could be read).
MARIADB_TREE_UNCOVERED = (
    # mysql-test/main/mysqld--help.test @plugins that the sources read here do
    # not complete, and InnoDB's INFORMATION_SCHEMA plugins (their enable options)
    'archive', 'blackhole', 'federated', 'partition', 'debug', 'temp_pool', 'ssl', 'des_key_file', 'xtradb',
    'sequence', 'thread_concurrency', 'super_large_pages', 'mutex_deadlock_detector', 'connect', 'null_audit',
    'oqgraph', 'sphinx', 'thread_handling', 'test_sql_discovery', 'query_cache_info', 'query_response_time',
    'metadata_lock_info', 'locales', 'unix_socket', 'file_key_management', 'cracklib_password_check',
    'user_variables', 'feedback$', 'thread_pool', 'innodb_trx$', 'innodb_locks$', 'innodb_lock_waits$',
    'innodb_cmp$', 'innodb_cmp_reset$', 'innodb_cmpmem$', 'innodb_cmpmem_reset$', 'innodb_cmp_per_index$',
    'innodb_cmp_per_index_reset$', 'innodb_buffer_page$', 'innodb_buffer_page_lru$', 'innodb_buffer_pool_stats$',
    'innodb_metrics$', 'innodb_ft_', 'innodb_sys_', 'innodb_mutexes$', 'innodb_tablespaces_encryption$',
    'innodb_tablespaces_scrubbing$', 'log_tc_size$')

MANIFEST = [
    ('mysql', '5.6.10', 'tree', 'sysprg/percona-server@mysql-5.6.10 (MySQL 5.6.10, the first 5.6 GA)'),
    ('mysql', '5.6.23', 'tree', 'sysprg/percona-server@mysql-5.6.23'),
    ('mysql', '5.6.36', 'tree', 'sysprg/percona-server@3a4e7bc7 (upstream mysql-5.6.36, the second parent of '
     'Percona\'s merge a7a523f3)'),
    ('mysql', '5.7.18', 'tree', 'lalor/mysql-5.7.18@e91807b0 (less the fork\'s own option)',
     {'exclude': ('user_list_string',)}),
    ('mysql', '5.7.22', 'tree', 'hwCloudRDS/mysql-5.7@11250eba (less the fork\'s own options: those in '
     'neither lalor/mysql-5.7.18 nor a MySQL release note)',
     {'exclude': ('combine_engine_log_flush_threshold', 'extra_max_connections', 'extra_port',
                  'innodb_cleaner_real_time', 'innodb_doublewrite_batch_size', 'rds_permission_control',
                  'rds_reserved_users')}),
    ('mysql', '8.0.43', 'tree', 'xiebaoma/mysql-server@20c12b11'),
    ('mysql', '8.4.0', 'derived', 'the MySQL 8.4.3 list (the Version Reference, optvar-changes-8-4, names no '
     'option added or removed in 8.4.1-8.4.3)'),
    ('mysql', '8.4.3', 'tree', 'Shannon-Data/ShannonBase@a5905c40 (MYSQL_VERSION 8.4.3: upstream 8.4.3 merged; '
     'less the fork\'s own rapid_* options and the options the Version Reference removed before 8.4, which its '
     'sources kept)', {'exclude_prefix': ('rapid_',), 'exclude': ('llm_dir',)}),
    ('mysql', '8.4.8', 'tree', 'Shannon-Data/ShannonBase@d1995626 (MYSQL_VERSION 8.4.8, the commit "upgrade from '
     '8.4.4 to 8.4.8"; less the same)', {'exclude_prefix': ('rapid_',), 'exclude': ('llm_dir',)}),
    ('mysql', '9.3.0', 'table', 'villagesql/villagesql-server@e5f09548 mysql-test/r/mysqld--help-notwin.result, '
     'its option table (a 9.3 tree: check-table-functions and enable_secondary_engine_statistics of 9.3.0 '
     'present, server_memory of 9.4.0 absent); the facts of the options 8.4.8 has are 8.4.8\'s'),
    ('mysql', '9.5.0', 'table', 'percona/percona-xtrabackup@f92d0217 mysql-test/r/mysqld--help-notwin.result, '
     'its option table (9.5.0-9.6.x: activate_mandatory_roles of 9.5.0 present, the 9.7.0 additions absent); '
     'the facts of the options 9.3 has are 9.3\'s'),
    ('mysql', '9.6.0', 'derived', 'the 9.5.0 list (the same tree; the Version Reference, optvar-changes-9-6, '
     'names only audit log component variables for 9.6.0)'),
    ('mysql', '9.7.0', 'table', 'AKJUS/mysql-server@4299c713 mysql-test/r/mysqld--help-notwin.result, its option '
     'table (MYSQL_VERSION 9.7.0 at 6b54c3cb; replica_allow_higher_version_source of 9.7.0 present): the 9.5 table '
     'and three of the five 9.7.0 additions of optvar-changes-9-7; the other two (enable_cascade_triggers, '
     'object_policy_flush_interval_seconds) are not judged'),
    ('percona', '5.6.20', 'tree', 'sysprg/percona-server@Percona-Server-5.6.20-68.0'),
    ('percona', '5.6.21', 'tree', 'sysprg/percona-server@Percona-Server-5.6.21-70.0 (69.0 lacked super_read_only)'),
    ('percona', '5.6.36', 'tree', 'sysprg/percona-server@2594e3a9'),
    ('percona', '5.7.22', 'tree', 'gaopengcarl/percona-server-locks-detail-5.7.22@2f8823f2'),
    ('percona', '8.0.27', 'tree', 'session-replay-tools/percona-server-8.0.27-18@d142c33d'),
    ('percona', '8.4.0', 'derived', 'the Percona 8.4.5 list less check_table_functions (added in 8.4.5) and the '
     'three performance schema logger/meter options the PXC 8.4 table (before 8.4.5) lacks'),
    ('percona', '8.4.5', 'table', 'villagesql/villagesql-server@0cec592 mysql-test/r/mysqld--help-notwin.result, '
     'its option table (a Percona Server 8.4 fork at 8.4.5 or later: check_table_functions present), less the '
     'fork\'s own villagesql_*/vsql_* options; facts from the MySQL 8.4.8 list, then the Percona 8.0.27 list'),
    ('pxc', '5.6.22', 'tree', 'maginatics/pxc-from-apt-source@d8b330a9'),
    ('pxc', '5.7.31', 'table', 'percona/percona-xtradb-cluster@031a1f5a mysql-test/r/mysqld--help-notwin.result, its '
     'option table (a PXC 5.7 tree at 5.7.31 or later: coredumper of Percona Server 5.7.31-34 present); facts from '
     'the Percona 5.7.22 list, the wsrep_*/pxc_* options\' from the table\'s values'),
    ('pxc', '8.0.32', 'table', 'venkatesh-prasad-v/percona-xtradb-cluster@49fc4aee '
     'mysql-test/r/mysqld--help-notwin.result, its option table (a PXC 8.0 tree from 8.0.32 to 8.0.41: '
     'explain_format of MySQL 8.0.32 present, check_table_functions absent); facts from the Percona 8.0.27 and '
     'MySQL 8.0.43 lists, the wsrep_*/pxc_* options\' from the table\'s values'),
    ('pxc', '8.4.0', 'table', 'kamil-holubicki/percona-xtradb-cluster@2599271b '
     'mysql-test/r/mysqld--help-notwin.result, its option table (a PXC 8.4 tree before 8.4.5: '
     'restrict_fk_on_non_standard_key of 8.4.0 present, check_table_functions of 8.4.5 absent); facts from the '
     'Percona 8.4.5 and MySQL 8.4.8 lists, the wsrep_*/pxc_* options\' from the table\'s values'),
    ('mariadb', '10.4.12', 'tree', 'NathanYu17724/MariaDB@4bed139c'),
    ('mariadb', '10.5.0', 'table', 'SenZhangAI/server@8d9c207d mysql-test/main/mysqld--help.result, its option table '
     '(an early 10.5 tree, 10.5.0 or 10.5.1: binlog_row_metadata and thread_pool_dedicated_listener of 10.5.0 '
     'present, require_secure_transport of 10.5.2 and the performance schema variables of 10.5.2 absent); facts '
     'from 10.11.19, then 10.4.12'),
    ('mariadb', '10.6.1', 'table', 'Olernov/server@9fbf1db5 mysql-test/main/mysqld--help.result, its option table '
     '(a 10.6 tree between 10.6.1 and 10.6.15: binlog_expire_logs_seconds and log_ddl_recovery of 10.6.1 present, '
     'note_verbosity of 10.6.16 absent); facts from 10.11.19'),
    ('mariadb', '11.4.1', 'table', 'DeanKamali/server@917c99f1 mysql-test/main/mysqld--help.result, its option table '
     '(an 11.4 tree: binlog_gtid_index and max_binlog_total_size of 11.4 present, max_tmp_session_space_usage of '
     '11.5 absent); facts from 10.11.19, the new options\' from the table'),
    ('mariadb', '10.11.19', 'live',
     'mariadbd --verbose --help and information_schema.SYSTEM_VARIABLES of Debian 12 '
     'mariadb-server 1:10.11.19-0+deb12u1'),
]

# Removals the MySQL Server Version Reference documents (optvar-changes-8-2,
# -8-3, -8-4, -9-0 pages; mysql-facts.md A1; issue 7): (name, release,
# replacement, source). They give the rows' until column its exact release,
# and they are dropped from the lists of fork trees whose sources kept them
# (Shannon-Data/ShannonBase still defines innodb_api_*). MySQL, Percona
# Server and PXC alike.
DOC_REMOVED = [
    ('abort_slave_event_count', '8.2.0', '', 'optvar-changes-8-2'),
    ('disconnect_slave_event_count', '8.2.0', '', 'optvar-changes-8-2'),
    ('expire_logs_days', '8.2.0', 'binlog_expire_logs_seconds', 'optvar-changes-8-2'),
    ('character_set_client_handshake', '8.3.0', '', 'optvar-changes-8-3'),
    ('innodb', '8.3.0', '', 'optvar-changes-8-3'),
    ('innodb_api_bk_commit_interval', '8.3.0', '', 'optvar-changes-8-3'),
    ('innodb_api_disable_rowlock', '8.3.0', '', 'optvar-changes-8-3'),
    ('innodb_api_enable_binlog', '8.3.0', '', 'optvar-changes-8-3'),
    ('innodb_api_enable_mdl', '8.3.0', '', 'optvar-changes-8-3 (memcached removal)'),
    ('innodb_api_trx_level', '8.3.0', '', 'optvar-changes-8-3 (memcached removal)'),
    ('master_info_repository', '8.3.0', '', 'mysql-facts.md A1'),
    ('relay_log_info_repository', '8.3.0', '', 'mysql-facts.md A1'),
    ('master_info_file', '8.3.0', '', 'mysql-facts.md A1'),
    ('relay_log_info_file', '8.3.0', '', 'mysql-facts.md A1'),
    ('transaction_write_set_extraction', '8.3.0', '', 'rules/variables.ini'),
    ('admin_ssl', '8.4.0', '', 'optvar-changes-8-4'),
    ('avoid_temporal_upgrade', '8.4.0', '', 'optvar-changes-8-4'),
    ('binlog_transaction_dependency_tracking', '8.4.0', '', 'optvar-changes-8-4'),
    ('default_authentication_plugin', '8.4.0', 'authentication_policy', 'optvar-changes-8-4'),
    ('skip_host_cache', '8.4.0', 'host_cache_size', 'issue 7 (MySQL 8.4.0 release notes)'),
    ('mysql_native_password', '9.0.0', '', 'optvar-changes-9-0'),
    ('mysql_native_password_proxy_users', '9.0.0', '', 'optvar-changes-9-0'),
]

# Additions the Version Reference dates, where the lists leave a range:
# name -> (release, source); the first release of the rows' from column.
DOC_ADDED = {
    'check_table_functions': ('8.4.5', 'optvar-changes-8-4'),
}


def _facts(t, default, arg='req', values='', provider=''):
    return {'type': t, 'arg': arg, 'values': values, 'default': default, 'min': '', 'max': '', 'block': '',
            'flags': '', 'provider': provider, 'replacement': ''}


# Releases of which only the option table of a help result could be read
# (the "Variables (--variable-name=value)" part: one option and its value a
# line). kind "table": the names file (written by hand from the table into
# CACHE/<product>-<version>/table-names.txt, dash-separated as printed) says
# which options the release has; the facts of each are the base release's,
# and the options new in the table get the facts below (type from the value
# the table prints: TRUE/FALSE a boolean, digits a number). An option the
# base's own help table shows and the newer table lacks is gone; the names no
# help table shows (innodb_*, paths, the options without a value) are kept
# from the base and their families are partial.
_9X_ADDED = {
    'activate_mandatory_roles': _facts('bool', 'ON', 'opt'),
    'caching_sha2_password_proxy_users': _facts('bool', 'OFF', 'opt'),
    'connection_memory_status_limit': _facts('num', '18446744073709551615'),
    'container_aware': _facts('bool', 'OFF', 'opt'),
    'enable_secondary_engine_statistics': _facts('bool', 'ON', 'opt'),
    'global_connection_memory_status_limit': _facts('num', '18446744073709551615'),
    'performance_schema_logger': _facts('string', ''),
    'performance_schema_max_logger_classes': _facts('num', '80'),
    'performance_schema_meter': _facts('string', ''),
    'server_memory': _facts('num', '0'),
    'table_open_cache_triggers': _facts('num', '524288'),
}

# Percona Server 8.4: the options of the Percona Server 8.4 help table
# (villagesql/villagesql-server@0cec592) in neither the MySQL 8.4.8 nor the
# Percona 8.0.27 list, with the facts its table shows.
_P84_ADDED = {
    'performance_schema_logger': _facts('string', ''),
    'performance_schema_max_logger_classes': _facts('int', '80'),
    'performance_schema_meter': _facts('string', ''),
    'table_open_cache_triggers': _facts('uint', '524288'),
    'buffered_error_log_filename': _facts('string', ''),
    'buffered_error_log_size': _facts('uint', '0'),
    'secure_log_path': _facts('string', ''),
}

# MariaDB 11.4: the options of the 11.4 table that 10.11.19 lacks, with the
# value the table prints (a value list not read: string, any value accepted).
_MA114_ADDED = {
    'binlog_gtid_index': _facts('bool', 'ON', 'opt'),
    'binlog_gtid_index_page_size': _facts('num', '4096'),
    'binlog_gtid_index_span_min': _facts('num', '65536'),
    'binlog_legacy_event_pos': _facts('bool', 'OFF', 'opt'),
    'binlog_space_limit': _facts('num', '0'),
    'block_encryption_mode': _facts('string', 'aes-128-ecb'),
    'character_set_collations': _facts('string', ''),
    'max_binlog_total_size': _facts('num', '0'),
    'new_mode': _facts('string', ''),
    'optimizer_disk_read_cost': _facts('double', '10.24'),
    'optimizer_disk_read_ratio': _facts('double', '0.02'),
    'optimizer_index_block_copy_cost': _facts('double', '0.0356'),
    'optimizer_key_compare_cost': _facts('double', '0.011361'),
    'optimizer_key_copy_cost': _facts('double', '0.015685'),
    'optimizer_key_lookup_cost': _facts('double', '0.435777'),
    'optimizer_key_next_find_cost': _facts('double', '0.082347'),
    'optimizer_row_copy_cost': _facts('double', '0.060866'),
    'optimizer_row_lookup_cost': _facts('double', '0.130839'),
    'optimizer_row_next_find_cost': _facts('double', '0.045916'),
    'optimizer_rowid_compare_cost': _facts('double', '0.002653'),
    'optimizer_rowid_copy_cost': _facts('double', '0.002653'),
    'optimizer_scan_setup_cost': _facts('double', '10'),
    'optimizer_where_cost': _facts('double', '0.032'),
    'redirect_url': _facts('string', ''),
    'slave_connections_needed_for_purge': _facts('num', '1'),
}

# The families the MariaDB test suite's help result never shows
# (mysql-test/main/mysqld--help.test @plugins), kept from the base release
# and not judged when absent.
MARIADB_TABLE_UNCOVERED = ('innodb', 'aria', 'wsrep', 'feedback', 'archive', 'blackhole', 'federated', 'partition',
                           'sequence', 'connect', 'oqgraph', 'sphinx', 'unix_socket', 'file_key_management',
                           'cracklib_password_check', 'user_variables', 'locales', 'query_response_time',
                           'metadata_lock_info', 'thread_handling', 'thread_concurrency', 'debug', 'ssl', 'tls')

# Names the MariaDB help table prints that are not options (mariadbd 10.11.19:
# --protocol-version=10 is "unknown variable").
MARIADB_TABLE_NOT_OPTIONS = ('protocol_version',)

# MySQL 9.7.0: the options the 9.7 table (AKJUS/mysql-server@4299c713) adds
# to the 9.5 one, with the value it prints (optvar-changes-9-7 names them).
_97_TABLE_ADDED = {
    'caching_sha2_password_enforce_storage_format': _facts('bool', 'OFF', 'opt'),
    'caching_sha2_password_storage_format': _facts('string', 'CRYPT5'),
    'replica_allow_higher_version_source': _facts('bool', 'ON', 'opt'),
}

# Percona XtraDB Cluster: the wsrep_*/pxc_* options of each PXC help table
# and the value the table prints. The table shows the test suite's values;
# the facts of these options are taken from them (TRUE/FALSE a boolean,
# digits a number, else a string: the value lists were not read), except
# where the help text or the manual says otherwise (GALERA_DEFAULTS).
_PXC57_GALERA = {
    'pxc_encrypt_cluster_traffic': 'FALSE', 'pxc_maint_mode': 'DISABLED', 'pxc_maint_transition_period': '10',
    'pxc_strict_mode': 'DISABLED', 'wsrep_OSU_method': 'TOI', 'wsrep_RSU_commit_timeout': '5000',
    'wsrep_auto_increment_control': 'TRUE', 'wsrep_causal_reads': 'FALSE', 'wsrep_certification_rules': 'strict',
    'wsrep_certify_nonPK': 'TRUE', 'wsrep_cluster_address': '', 'wsrep_cluster_name': 'my_wsrep_cluster',
    'wsrep_convert_LOCK_to_trx': 'FALSE', 'wsrep_dbug_option': '', 'wsrep_debug': 'FALSE', 'wsrep_desync': 'FALSE',
    'wsrep_dirty_reads': 'FALSE', 'wsrep_drupal_282555_workaround': 'FALSE', 'wsrep_forced_binlog_format': 'NONE',
    'wsrep_load_data_splitting': 'TRUE', 'wsrep_log_conflicts': 'FALSE', 'wsrep_max_ws_rows': '0',
    'wsrep_max_ws_size': '2147483647', 'wsrep_node_address': '', 'wsrep_node_incoming_address': 'AUTO',
    'wsrep_notify_cmd': '', 'wsrep_on': 'FALSE', 'wsrep_preordered': 'FALSE', 'wsrep_provider': 'none',
    'wsrep_provider_options': '', 'wsrep_recover': 'FALSE', 'wsrep_reject_queries': 'NONE',
    'wsrep_replicate_myisam': 'FALSE', 'wsrep_restart_slave': 'FALSE', 'wsrep_retry_autocommit': '1',
    'wsrep_slave_FK_checks': 'TRUE', 'wsrep_slave_UK_checks': 'FALSE', 'wsrep_slave_threads': '1',
    'wsrep_sst_auth': '(No default value)', 'wsrep_sst_donor': '', 'wsrep_sst_donor_rejects_queries': 'FALSE',
    'wsrep_sst_method': 'xtrabackup-v2', 'wsrep_sst_receive_address': 'AUTO',
    'wsrep_start_position': '00000000-0000-0000-0000-000000000000:-1', 'wsrep_sync_wait': '0',
    # in the help text, not in the table (paths and host names are filtered)
    'wsrep_data_home_dir': '(No default value)', 'wsrep_node_name': '(No default value)',
}
# PXC 8.0 (8.0.32-8.0.41) and 8.4 (before 8.4.5) print the same ones.
_PXC8_GALERA = {
    'pxc_encrypt_cluster_traffic': 'TRUE', 'pxc_maint_mode': 'DISABLED', 'pxc_maint_transition_period': '10',
    'pxc_strict_mode': 'DISABLED', 'wsrep_OSU_method': 'TOI', 'wsrep_RSU_commit_timeout': '5000',
    'wsrep_SR_store': 'table', 'wsrep_applier_FK_checks': 'TRUE', 'wsrep_applier_UK_checks': 'FALSE',
    'wsrep_applier_threads': '1', 'wsrep_auto_increment_control': 'TRUE', 'wsrep_causal_reads': 'FALSE',
    'wsrep_certification_rules': 'strict', 'wsrep_certify_nonPK': 'TRUE', 'wsrep_cluster_address': '',
    'wsrep_cluster_name': 'my_wsrep_cluster', 'wsrep_dbug_option': '', 'wsrep_debug': 'NONE',
    'wsrep_desync': 'FALSE', 'wsrep_dirty_reads': 'FALSE', 'wsrep_disk_pages_encrypt': 'NONE',
    'wsrep_gcache_encrypt': 'NONE', 'wsrep_ignore_apply_errors': '0', 'wsrep_load_data_splitting': 'FALSE',
    'wsrep_log_conflicts': 'FALSE', 'wsrep_max_ws_rows': '0', 'wsrep_max_ws_size': '2147483647',
    'wsrep_min_log_verbosity': '3', 'wsrep_mode': '', 'wsrep_node_address': '', 'wsrep_node_incoming_address': 'AUTO',
    'wsrep_notify_cmd': '', 'wsrep_on': 'FALSE', 'wsrep_provider': 'none', 'wsrep_provider_options': '',
    'wsrep_recover': 'FALSE', 'wsrep_reject_queries': 'NONE', 'wsrep_replicate_myisam': 'FALSE',
    'wsrep_restart_replica': 'FALSE', 'wsrep_restart_slave': 'FALSE', 'wsrep_retry_autocommit': '1',
    'wsrep_slave_FK_checks': 'TRUE', 'wsrep_slave_UK_checks': 'FALSE', 'wsrep_slave_threads': '1',
    'wsrep_sst_allowed_methods': 'xtrabackup-v2', 'wsrep_sst_donor': '', 'wsrep_sst_donor_rejects_queries': 'FALSE',
    'wsrep_sst_method': 'xtrabackup-v2', 'wsrep_sst_receive_address': 'AUTO',
    'wsrep_start_position': '00000000-0000-0000-0000-000000000000:-1', 'wsrep_sync_wait': '0',
    'wsrep_trx_fragment_size': '0', 'wsrep_trx_fragment_unit': 'bytes',
}
_PXC84_GALERA = dict(_PXC8_GALERA, wsrep_node_name='(No default value)')   # in the 8.4 help text

# Defaults that the help text or the manual gives against the table's value:
# wsrep-on "(Defaults to on; use --skip-wsrep-on to disable.)" in every PXC
# help text read (the test suite runs without a provider); pxc_strict_mode:
# the PXC 8.0 upgrade guide, "PXC strict mode is enabled by default", while
# the table prints DISABLED, so its default is not known here.
GALERA_DEFAULTS = {'wsrep_on': 'ON', 'pxc_strict_mode': UNKNOWN}

# The non-wsrep options of the PXC tables that neither base list has.
_PXC57_ADDED = {
    'binlog_skip_flush_commands': _facts('bool', 'OFF', 'opt'),
    'binlog_space_limit': _facts('num', '0'),
    'coredumper': _facts('string', NULL, 'opt'),
}
_PXC80_ADDED = {
    'admin_ssl_ca': _facts('string', NULL),
    'buffered_error_log_filename': _facts('string', ''),
    'buffered_error_log_size': _facts('num', '0'),
    'secure_log_path': _facts('string', ''),
    'table_open_cache_triggers': _facts('num', '524288'),
}

TABLED = {
    ('pxc', '5.7.31'): {'base': [('percona', '5.7.22')], 'facts': [('pxc', '5.6.22')],
                        'names': 'pxc-5.7.31/table-names.txt', 'added': _PXC57_ADDED, 'galera': _PXC57_GALERA,
                        'uncovered': ('innodb_',)},
    ('pxc', '8.0.32'): {'base': [('percona', '8.0.27'), ('mysql', '8.0.43')], 'facts': [('pxc', '5.6.22')],
                        'names': 'pxc-8.0.32/table-names.txt', 'added': _PXC80_ADDED, 'galera': _PXC8_GALERA,
                        'uncovered': ('innodb_', 'wsrep_node_name$', 'wsrep_data_home_dir$')},
    ('pxc', '8.4.0'): {'base': [('percona', '8.4.5'), ('mysql', '8.4.8')], 'facts': [('pxc', '5.6.22')],
                       'names': 'pxc-8.4.0/table-names.txt', 'added': {}, 'galera': _PXC84_GALERA,
                       'uncovered': ('innodb_', 'wsrep_data_home_dir$')},
    ('mariadb', '10.5.0'): {'base': [('mariadb', '10.11.19'), ('mariadb', '10.4.12')],
                            'names': 'mariadb-10.5.0/table-names.txt', 'added': {}, 'mariadb': True,
                            'not_options': MARIADB_TABLE_NOT_OPTIONS},
    ('mariadb', '10.6.1'): {'base': [('mariadb', '10.11.19'), ('mariadb', '10.4.12')],
                            'names': 'mariadb-10.6.1/table-names.txt', 'added': {}, 'mariadb': True,
                            'not_options': MARIADB_TABLE_NOT_OPTIONS},
    ('mariadb', '11.4.1'): {'base': [('mariadb', '10.11.19'), ('mariadb', '10.4.12')],
                            'names': 'mariadb-11.4.1/table-names.txt', 'added': _MA114_ADDED, 'mariadb': True,
                            'not_options': MARIADB_TABLE_NOT_OPTIONS},
    ('percona', '8.4.5'): {'base': [('mysql', '8.4.8'), ('percona', '8.0.27')],
                           'names': 'percona-8.4.5/table-names.txt',
                           'added': _P84_ADDED, 'exclude_prefix': ('villagesql_', 'vsql_'), 'uncovered': ('innodb_',)},
    ('mysql', '9.3.0'): {'base': ('mysql', '8.4.8'), 'names': 'mysql-9.3.0/table-names.txt', 'added': _9X_ADDED,
                         'uncovered': ('innodb_',)},
    ('mysql', '9.5.0'): {'base': ('mysql', '9.3.0'), 'names': 'mysql-9.5.0/table-names.txt', 'added': _9X_ADDED,
                         'uncovered': ('innodb_',)},
    ('mysql', '9.7.0'): {'base': ('mysql', '9.5.0'), 'names': 'mysql-9.7.0/table-names.txt',
                         'added': dict(_9X_ADDED, **_97_TABLE_ADDED),
                         'uncovered': ('innodb_', 'enable_cascade_triggers$',
                                       'object_policy_flush_interval_seconds$')},
}



# Releases derived from listed ones: base lists (the first has priority),
# removed names (name, release or None, replacement, source), added facts.
DERIVED = {
    ('mysql', '8.4.0'): {'base': [('mysql', '8.4.3')], 'removed': [], 'added': {}, 'derived_source': False},
    ('mysql', '9.6.0'): {'base': [('mysql', '9.5.0')], 'removed': [], 'added': {}, 'derived_source': False,
                         'uncovered': ('innodb_',)},
    ('percona', '8.4.0'): {'base': [('percona', '8.4.5')], 'derived_source': False, 'added': {},
                           'removed': [('check_table_functions', None, '', 'optvar-changes-8-4: added in 8.4.5')] +
                           # not in the PXC 8.4 table (kamil-holubicki/percona-xtradb-cluster@2599271b, a tree
                           # on Percona Server 8.4 before 8.4.5), which has every other option of Percona 8.4.5
                           [(n, None, '', 'absent from the PXC 8.4 (before 8.4.5) option table')
                            for n in ('performance_schema_logger', 'performance_schema_max_logger_classes',
                                      'performance_schema_meter')]},
}

# Options removed before the first listed release, kept so that the message
# names the release that removed them and the replacement: (products, names,
# last release known to have them, first without, replacement, source).
REMOVED_EARLY = [
    (('mysql', 'percona', 'pxc'),
     ('master_host', 'master_user', 'master_password', 'master_port', 'master_connect_retry', 'master_ssl',
      'master_ssl_ca', 'master_ssl_capath', 'master_ssl_cert', 'master_ssl_cipher', 'master_ssl_key'),
     '5.1.73', '5.5.0', 'CHANGE MASTER TO',
     'sql/mysqld.cc my_long_options at tags mysql-5.1.73 (present) and mysql-5.5.0 (absent), '
     'sysprg/percona-server'),
]


# The MariaDB manual's variable pages (rusher/mariadb-docs, a copy of the
# MariaDB documentation; scripts/gen-options-cache.sh copies them into
# CACHE/mariadb-docs/): every variable of a family any MariaDB release had,
# one "#### `name`" heading each.
MARIADB_DOC_PAGES = {
    # family: (page, fewest headings expected)
    'innodb': ('innodb-system-variables.md', 100),
    'wsrep': ('galera-cluster-system-variables.md', 40),
}


def mariadb_doc_names(cache, family):
    page, least = MARIADB_DOC_PAGES[family]
    path = os.path.join(cache, 'mariadb-docs', page)
    if not os.path.exists(path):
        die('%s is missing: run scripts/gen-options-cache.sh first' % path)
    names = set(re.findall(r'^#### \**`([A-Za-z0-9_]+)`\**', read_text(path), re.M))
    if len(names) < least:
        die('%s: only %d variable headings: has the page changed its layout?' % (path, len(names)))
    return names


def table_names(cache, spec):
    path = os.path.join(cache, spec['names'])
    if not os.path.exists(path):
        die('%s is missing: write the release\'s option table names there (docs/variables.md 6.5)' % path)
    return [n.replace('-', '_') for n in read_text(path).split()]


def galera_facts(value, old):
    """The facts of a Galera option from the value a help table prints (and an older list's facts)."""
    t = 'bool' if value in ('TRUE', 'FALSE') else 'num' if re.match(r'^-?\d+$', value) else 'string'
    if old and (old['type'] == t or (t == 'num' and old['type'] in ('int', 'uint'))):
        g = dict(old)
        g['min'] = g['max'] = g['block'] = ''     # an older release's range is not this one's
    else:
        g = _facts(t, '', 'opt' if t == 'bool' else 'req')
    g['default'] = norm_default(g, value) if value else ''
    return g


def table_release(spec, lists, tabled, cache):
    """A release of which only the option table was read (TABLED)."""
    bases = spec['base'] if isinstance(spec['base'], list) else [spec['base']]
    base, btab = {}, set()
    facts_only = {}       # the later bases give facts to the table's names only
    for i, b in enumerate(bases):
        for name, f in lists[b].items():
            (base if i == 0 or not spec.get('mariadb') else facts_only).setdefault(name, f)
        if i == 0 or not spec.get('mariadb'):
            btab |= tabled[b]
    for b in spec.get('facts', ()):
        for name, f in lists[b].items():
            facts_only.setdefault(name, f)
    names = {n for n in table_names(cache, spec) if not n.startswith(tuple(spec.get('exclude_prefix', ())))
             and n not in spec.get('not_options', ())}
    names |= set(spec.get('galera', {}))
    rel = {}
    unsure = []
    for name, f in base.items():
        if name in btab and name not in names:
            if spec.get('mariadb'):
                # MariaDB keeps many removed options as accepted and ignored,
                # and its test suite's filter changes between releases: a name
                # this table lacks is not known, never unknown
                unsure.append(name)
            continue      # the base's table shows it, this one does not: gone
        g = dict(f)
        g['source'] = 'table' if name in names else 'base'
        rel[name] = g
    spec['_unsure'] = sorted(unsure)
    for name, value in sorted(spec.get('galera', {}).items()):
        base.pop(name, None)
        g = galera_facts(value, facts_only.get(name))
        if name in GALERA_DEFAULTS:
            g['default'] = GALERA_DEFAULTS[name]
        g['source'] = 'table'
        rel[name] = g
    for name in sorted(names - set(base) - set(spec.get('galera', {}))):
        if name in facts_only:
            g = dict(facts_only[name])
            g['source'] = 'table'
            rel[name] = g
            continue
        if name not in spec['added']:
            die('%s %s: %s is new in the table: give its facts in TABLED' % (spec['base'][0], spec['names'], name))
        g = dict(spec['added'][name])
        g['source'] = 'table'
        rel[name] = g
    return rel


def derive_release(spec, lists):
    """A derived release's facts: the union of its bases, less removals, plus additions."""
    rel = {}
    for base in spec['base']:
        for name, f in lists[base].items():
            rel.setdefault(name, dict(f))
    for name, _ver, _repl, _src in spec['removed']:
        rel.pop(name, None)
    for name, f in spec['added'].items():
        g = dict(f)
        g['source'] = 'derived'
        rel[name] = g
    for name, f in rel.items():
        if name.startswith(spec.get('defaults_unknown', ())) and f['type'] not in ('noarg',):
            f['default'] = UNKNOWN
        if spec.get('derived_source', True):
            f['source'] = 'derived'
    return rel


HEADER = """\
# rules/options.tsv - every option each server accepts, per product and release.
#
# GENERATED by scripts/gen-options.py from the servers' own --verbose --help
# outputs and the source files that define their options; do not edit by
# hand. Only extracted facts (names, types, values, defaults, versions) are
# kept, never help text. docs/variables.md explains every column and how
# crashsafe uses the file. To regenerate (Debian 12 with mariadb-server):
#
#   sh scripts/gen-options-cache.sh CACHE      # copies the source files below
#   python3 scripts/gen-options.py build --cache CACHE -o rules/options.tsv
#
# tests/options.t regenerates the MariaDB rows of the local mariadbd and
# compares them with this file; the build turns this file into a C table
# (scripts/gen-options-table.awk) that a unit test compares with it.
#
# Columns (tab-separated; an empty field is the empty string or "none"):
#   product      mysql, percona, pxc (Percona XtraDB Cluster) or mariadb
#   name         the option as the server spells it, '_' for '-' (case kept)
#   from         first release with these facts: X.Y.Z exact (a manual's
#                "added" list), or A..B (absent or different in the list of
#                release A, as here in the list of release B); ..B when B is
#                the first release listed for the product
#   until        first release without these facts: - (still in the newest
#                release listed), Y exact (removed or changed in Y), or C..D
#                (as here in C, absent or different in D)
#   type         bool noarg int uint num double enum multienum set flagset string
#   arg          req (--name=value), opt (value optional), none (no value)
#   values       enum/set/flagset names in ordinal order, comma-separated;
#                multienum aliases of one ordinal joined by |
#   default      compiled-in default as the server prints it (bool ON/OFF);
#                \\N no value; ? depends on the machine or the build
#   min max block  numeric range and block size (the server clamps into it)
#   flags        session (maximum- can set it), auto (autoset- can set it),
#                struct (a "name." prefix makes an instance of its own),
#                bare=V (the value of the option given without one),
#                alias=A|B (the same variable under other names: setting
#                one sets them all)
#   provider     the plugin or component that must be loaded for the option
#                to exist (empty: the server itself)
#   replacement  the option to use instead (renamed or removed options)
#   source       where the facts come from (keys in the #@release lines)
#
# Directives:
#   #@release PRODUCT VERSION COVERAGE SOURCE
#       a release whose option list the rows give. COVERAGE "complete": every
#       option of that build is listed; "partial:P1,P2": names starting with
#       these prefixes may be missing
#   #@plugin PRODUCT PLUGIN LIBRARY POLICY SOURCE
#       a plugin that provides options (the rows' provider column), named with
#       its name as a prefix: PLUGIN_option. LIBRARY is - for a plugin built
#       into the server. POLICY builtin-required: the server aborts when the
#       plugin cannot start (a value its option parser refuses); builtin: the
#       plugin is disabled with an error and the server starts; dynamic: the
#       options exist only once the library is loaded (plugin-load,
#       plugin-load-add, or INSTALL PLUGIN / INSTALL COMPONENT state that an
#       option file does not show)
#
# Source keys: help = the release's --verbose --help (#@release SOURCE);
# sv = information_schema.SYSTEM_VARIABLES of that build; probe = read back
# from what the server prints for extreme values; mysqld.cc = the server's
# option table, for options --help does not print; table = the option is in
# the option table of the release's help result, its facts are those of the
# release the #@release line names (or of the table's own value, for an
# option new there); base = kept from that release for a family the table
# does not show; derived = a release made from listed ones and the changes
# the MySQL Server Version Reference documents.
#
# The option tables read by hand (releases of kind "table" in
# scripts/gen-options.py) are not in the repository: write each table's
# option names, as printed, into CACHE/<product>-<version>/table-names.txt
# before regenerating (docs/variables.md 6.5 names the files they come from).
#
"""


def product_index(p):
    return PRODUCTS.index(p)


def cmd_build(args):
    lists = {}
    tabled = {}    # (product, version) -> the names its help table shows
    releases = []
    plugin_lines = []
    kind_order = {'live': 0, 'tree': 0, 'table': 1, 'derived': 2}   # a release after those it is made from
    for entry in sorted(MANIFEST, key=lambda e: kind_order.get(e[2], 3)):
        product, version, kind, source = entry[:4]
        if kind == 'live':
            candidates = set()
            for (p, _v), other in lists.items():
                if p == product:
                    candidates |= set(other)
            got, rel, directives = mariadb_live(args.mariadbd, candidates)
            plugin_lines.extend(d + (source_key(product, version),) for d in directives)
            if got != version:
                die('the manifest names mariadb %s but %s is %s: update MANIFEST' %
                    (version, args.mariadbd, got))
            coverage = 'complete'
        elif kind == 'tree':
            d = os.path.join(args.cache, '%s-%s' % (product, version))
            if not os.path.isdir(d):
                die('%s is missing: run scripts/gen-options-cache.sh first' % d)
            rel = release_from_tree(d, product)
            opts = entry[4] if len(entry) > 4 else {}
            for name in list(rel):
                if name in opts.get('exclude', ()) or name.startswith(tuple(opts.get('exclude_prefix', ()))):
                    del rel[name]
            tabled[(product, version)] = set(parse_help(read_text(os.path.join(d, 'help.result')))[2])
            uncovered = MARIADB_TREE_UNCOVERED if product == 'mariadb' else TREE_UNCOVERED
            coverage = 'partial:' + ','.join(uncovered)
        elif kind == 'table':
            spec = TABLED[(product, version)]
            if spec.get('mariadb'):
                # the names the MariaDB test-suite help tables of these
                # releases show: only these can be missing from one of them
                # for a reason (the filter of mysqld--help.test differs
                # between releases; older ones showed max_connections...)
                seen = set()
                for other in TABLED.values():
                    if other.get('mariadb'):
                        seen |= set(table_names(args.cache, other))
                for b in spec['base']:
                    tabled[b] = tabled.get(b, set()) & seen if b in tabled else \
                        {n for n in lists[b] if n in seen and not n.startswith(MARIADB_TABLE_UNCOVERED)}
            rel = table_release(spec, lists, tabled, args.cache)
            tabled[(product, version)] = set(rel) & set(table_names(args.cache, spec))
            if spec.get('mariadb'):
                # InnoDB and Galera: not the whole family, only the names some
                # MariaDB list or the MariaDB manual's page of the family has
                # and this release lacks; a name no MariaDB release ever had
                # is judged
                exact = ()
                for family in MARIADB_DOC_PAGES:
                    known = mariadb_doc_names(args.cache, family)
                    for (p, _v), other in lists.items():
                        if p == 'mariadb':
                            known |= {n for n in other if n.startswith(family)}
                    exact += tuple(sorted(n + '$' for n in known - set(rel)))
                coverage = 'partial:' + ','.join(MARIADB_TREE_UNCOVERED +
                                                 tuple(f for f in MARIADB_TABLE_UNCOVERED
                                                       if f not in MARIADB_DOC_PAGES) +
                                                 exact + tuple(n + '$' for n in spec['_unsure']))
            else:
                coverage = 'partial:' + ','.join(TREE_UNCOVERED + tuple(spec.get('uncovered', ())))
        elif kind == 'derived':
            spec = DERIVED[(product, version)]
            rel = derive_release(spec, lists)
            coverage = 'partial:' + ','.join(TREE_UNCOVERED + tuple(spec.get('uncovered', ())))
        else:
            die('unknown release kind %r' % kind)
        if product != 'mariadb':
            # a documented removal wins over a fork's sources (and the lists it kept the name from)
            for name, ver, _repl, _src in DOC_REMOVED:
                if vkey(ver) <= vkey(version):
                    rel.pop(name, None)
        lists[(product, version)] = rel
        releases.append((product, version, coverage, source))
    added = variables_ini_added(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'rules',
                                             'variables.ini'))
    rows = []
    for product in PRODUCTS:
        rels = sorted(((v, rel) for (p, v), rel in lists.items() if p == product), key=lambda r: vkey(r[0]))
        exact = {}
        for (p, v), spec in DERIVED.items():
            if p == product:
                for name, ver, repl, _src in spec['removed']:
                    if ver:
                        exact[name] = ver
        replacements = {}
        if product != 'mariadb':
            for name, ver, repl, _src in DOC_REMOVED:
                exact[name] = ver
                if repl:
                    replacements[name] = repl
            for name, (ver, _src) in DOC_ADDED.items():
                added[product].setdefault(name, ver)
        for name, frm, until, f in rows_for_product(product, rels, exact, added[product]):
            f = dict(f)
            for (p, v), spec in DERIVED.items():
                for rname, _ver, repl, _src in spec['removed'] if p == product else ():
                    if rname == name and repl and until != '-':
                        f['replacement'] = repl
            if name in replacements and until != '-':
                f['replacement'] = replacements[name]
            rows.append((name, product_index(product), vkey(frm.split('..')[-1]), product, frm, until, f))
        for products, names, last, gone, repl, src in REMOVED_EARLY:
            if product not in products:
                continue
            for name in names:
                if any(r[0] == name and r[3] == product for r in rows):
                    continue
                f = _facts('string', NULL)
                f['replacement'] = repl
                f['source'] = src.split(' ')[0]
                rows.append((name, product_index(product), vkey(last), product, '..' + last, gone, f))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    with open(args.output + '.tmp', 'w') as fp:
        fp.write(HEADER)
        for product, version, coverage, source in sorted(releases, key=lambda r: (product_index(r[0]), vkey(r[1]))):
            fp.write('#@release\t%s\t%s\t%s\t%s\n' % (product, version, coverage, source))
        for plugin in plugin_lines + PLUGINS:
            fp.write('#@plugin\t' + '\t'.join(plugin) + '\n')
        fp.write('#\n')
        fp.write('#@columns\t' + '\t'.join(COLUMNS) + '\n')
        for name, _pi, _fk, product, frm, until, f in rows:
            fp.write(fmt_row(product, name, frm, until, f) + '\n')
    os.replace(args.output + '.tmp', args.output)


# Plugins and components whose options are not in any list above, by name
# prefix: they exist only once the plugin is loaded, so an option file alone
# cannot prove them unknown. (product, plugin, library, policy, source)
_MYSQL_PLUGINS = [
    # (plugin, library, products) - the plugin's options are named PLUGIN_*;
    # library and option prefix from the MySQL and Percona manuals' plugin pages
    ('rpl_semi_sync_master', 'semisync_master.so'), ('rpl_semi_sync_slave', 'semisync_slave.so'),
    ('rpl_semi_sync_source', 'semisync_source.so'), ('rpl_semi_sync_replica', 'semisync_replica.so'),
    ('group_replication', 'group_replication.so'), ('validate_password', 'validate_password.so'),
    ('connection_control', 'connection_control.so'), ('audit_log', 'audit_log.so'),
    ('keyring_file', 'keyring_file.so'), ('keyring_encrypted_file', 'keyring_encrypted_file.so'),
    ('keyring_okv', 'keyring_okv.so'), ('keyring_aws', 'keyring_aws.so'),
    ('keyring_hashicorp', 'keyring_hashicorp.so'), ('keyring_vault', 'keyring_vault.so'),
    ('rewriter', 'rewriter.so'), ('version_tokens', 'version_token.so'), ('clone', 'mysql_clone.so'),
    ('ddl_rewriter', 'ddl_rewriter.so'), ('thread_pool', 'thread_pool.so'), ('tokudb', 'ha_tokudb.so'),
    ('rocksdb', 'ha_rocksdb.so'), ('query_response_time', 'query_response_time.so'),
    ('daemon_memcached', 'libmemcached.so'), ('mysql_firewall', 'firewall.so'),
    ('authentication_ldap_simple', 'authentication_ldap_simple.so'),
    ('authentication_ldap_sasl', 'authentication_ldap_sasl.so'),
    ('authentication_kerberos', 'authentication_kerberos.so'), ('authentication_fido', 'authentication_fido.so'),
    ('authentication_webauthn', 'authentication_webauthn.so'), ('mysqlx', 'mysqlx.so'),
    ('audit_log_filter', 'audit_log_filter.so'), ('data_masking', 'data_masking.so'),
]
_MARIADB_PLUGINS = [
    # MariaDB plugins Debian's mariadb-server does not install (separate packages)
    ('rocksdb', 'ha_rocksdb.so'), ('connect', 'ha_connect.so'), ('spider', 'ha_spider.so'),
    ('mroonga', 'ha_mroonga.so'), ('s3', 'ha_s3.so'), ('oqgraph', 'ha_oqgraph.so'), ('tokudb', 'ha_tokudb.so'),
    ('cracklib_password_check', 'cracklib_password_check.so'), ('gssapi', 'auth_gssapi.so'),
    ('hashicorp_key_management', 'hashicorp_key_management.so'),
    ('aws_key_management', 'aws_key_management.so'), ('columnstore', 'ha_columnstore.so'),
]
PLUGINS = [(p, name, lib, 'dynamic', 'manual') for p in ('mysql', 'percona', 'pxc')
           for name, lib in _MYSQL_PLUGINS] + \
          [('mariadb', name, lib, 'dynamic', 'manual') for name, lib in _MARIADB_PLUGINS]


def source_key(product, version):
    return '%s-%s' % (product, version)


def main():
    ap = argparse.ArgumentParser(description='build the full option catalog (rules/options.tsv)')
    sub = ap.add_subparsers(dest='cmd')
    b = sub.add_parser('build')
    b.add_argument('--cache', required=True)
    b.add_argument('--mariadbd', default=shutil.which('mariadbd') or '/usr/sbin/mariadbd')
    b.add_argument('-o', '--output', default='rules/options.tsv')
    li = sub.add_parser('live')
    li.add_argument('--mariadbd', default=shutil.which('mariadbd') or '/usr/sbin/mariadbd')
    li.add_argument('--file', default=os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'rules',
                                                   'options.tsv'),
                    help='the committed catalog: its MariaDB names are probed on the server')
    pr = sub.add_parser('project')
    pr.add_argument('file')
    pr.add_argument('product', choices=PRODUCTS)
    pr.add_argument('version')
    args = ap.parse_args()
    if args.cmd == 'live':
        cmd_live(args)
    elif args.cmd == 'project':
        cmd_project(args)
    elif args.cmd == 'build':
        cmd_build(args)
    else:
        ap.print_help()
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
