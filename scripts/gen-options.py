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
        # a wrapped description line can start with "--": an option line's name
        # is followed by its argument marker, a blank and the description, or
        # nothing; description lines in raw output are indented 22 blanks
        if m and not line.startswith('   '):
            name = m.group(1).replace('-', '_')
            marker = m.group(2) or ''
            kind = 'num' if '#' in marker else 'name' if 'name' in marker else 'flag'
            arg = 'opt' if marker.startswith('[') else 'req'
            cur = {'kind': kind, 'arg': arg, 'comment': line[m.end():].strip()}
            if name not in opts:
                order.append(name)
            opts[name] = cur
            continue
        if cur is not None:
            cur['comment'] = (cur['comment'] + ' ' + line.strip()).strip()
    values = {}
    for line in tablelines[3:]:
        if not line.strip():
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
    'slow_query_log_file', 'plugin_dir', 'lc_messages_dir', 'character_sets_dir', 'language',
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
    p = subprocess.run([install, '--no-defaults', '--user=mysql', '--datadir=' + data,
                        '--auth-root-authentication-method=socket'],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    if p.returncode:
        die('mariadb-install-db failed:\n' + p.stdout)
    srv = subprocess.Popen([mariadbd, '--no-defaults', '--user=mysql', '--datadir=' + data,
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


def release_from_mariadb(help_text, sv_text, probe=None, probe_num=None, plugins=(), plugin_help=None):
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
    for name, repl in MARIADB_HIDDEN:
        if name in rel:
            continue
        if probe and not probe(name):
            continue
        rel[name] = {'type': 'string', 'arg': 'opt', 'values': '', 'default': NULL, 'min': '',
                     'max': '', 'block': '', 'flags': '', 'provider': '', 'replacement': repl,
                     'source': 'mysqld.cc'}
    return rel


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


def mariadb_live(mariadbd):
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

        def probe(name):
            rc, _out, _err = mariadbd_run(mariadbd, scratch, ['--' + name + '=1', '--verbose', '--help'])
            return rc == 0

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
        rel = release_from_mariadb(help_text, sv_text, probe, probe_num, plugins, plugin_help)
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


def rows_for_product(product, releases, exact=None):
    """
    releases: [(version, {name: facts})] sorted by version. Returns rows
    (name, from, until, facts) merging consecutive releases with equal facts.
    """
    exact = exact or {}
    names = sorted({n for _v, rel in releases for n in rel})
    rows = []
    versions = [v for v, _rel in releases]
    for name in names:
        run = None   # [first index, last index, facts]
        for i, (v, rel) in enumerate(releases):
            f = rel.get(name)
            if f is not None and run is not None and facts_key(run[2]) == facts_key(f) and run[1] == i - 1:
                run[1] = i
                continue
            if run is not None:
                rows.append((name, run))
                run = None
            if f is not None:
                run = [i, i, f]
        if run is not None:
            rows.append((name, run))
    out = []
    for name, (first, last, f) in rows:
        frm = versions[first] if first == 0 else '%s..%s' % (versions[first - 1], versions[first])
        if first == 0:
            frm = '..' + versions[0]
        until = '-' if last == len(versions) - 1 else '%s..%s' % (versions[last], versions[last + 1])
        ex = exact.get(name, {})
        if 'added' in ex and first > 0:
            frm = ex['added']
        if 'removed' in ex and last < len(versions) - 1:
            until = ex['removed']
        out.append((name, frm, until, f))
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

def cmd_live(args):
    version, rel, directives = mariadb_live(args.mariadbd)
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

# (product, version, kind, source). kind "live": the local mariadbd (its
# --verbose --help and SYSTEM_VARIABLES); kind "tree": a source tree's files
# copied into CACHE/<product>-<version>/ by scripts/gen-options-cache.sh.
MANIFEST = [
    ('mariadb', '10.11.19', 'live',
     'mariadbd --verbose --help and information_schema.SYSTEM_VARIABLES of Debian 12 '
     'mariadb-server 1:10.11.19-0+deb12u1'),
]

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
#                bare=V (the value of the option given without one)
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
# option table, for options --help does not print.
#
"""


def product_index(p):
    return PRODUCTS.index(p)


def cmd_build(args):
    by_product = {p: [] for p in PRODUCTS}
    releases = []
    plugin_lines = []
    for product, version, kind, source in MANIFEST:
        if kind == 'live':
            got, rel, directives = mariadb_live(args.mariadbd)
            plugin_lines.extend(d + (source_key(product, version),) for d in directives)
            if got != version:
                die('the manifest names mariadb %s but %s is %s: update MANIFEST' %
                    (version, args.mariadbd, got))
            coverage = 'complete'
        else:
            die('unknown release kind %r' % kind)
        by_product[product].append((version, rel))
        releases.append((product, version, coverage, source))
    rows = []
    for product in PRODUCTS:
        rels = sorted(by_product[product], key=lambda r: vkey(r[0]))
        for name, frm, until, f in rows_for_product(product, rels):
            rows.append((name, product_index(product), vkey(frm.split('..')[-1]), product, frm, until, f))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    with open(args.output + '.tmp', 'w') as fp:
        fp.write(HEADER)
        for product, version, coverage, source in releases:
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
PLUGINS = []


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
