/*
 * test_live.c - the parts of the live collector (live.c) that need no server:
 * target specs, --ssl-mode names, the option-file comparison behind
 * config-drift and runtime-only-change, the capture writer (read back with
 * snapshot_load), and a refused connection. tests/live.t and
 * tests/live-faults.t run the collector against real MariaDB servers.
 * Runs from the repository root (prove does): the catalog is
 * rules/variables.ini.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "live.h"
#include "settings.h"
#include "snapshot.h"
#include "tap.h"

#include "banned.h"

static struct catalog cat;

static void test_parse_host(void)
{
	static const struct {
		const char *spec, *host;
		unsigned port;
		int rc;
	} cases[] = {
		{ "db1", "db1", 0, 0 },
		{ "db1:3307", "db1", 3307, 0 },
		{ "127.0.0.1:23300", "127.0.0.1", 23300, 0 },
		{ "[::1]:3306", "::1", 3306, 0 },
		{ "[::1]", "::1", 0, 0 },
		{ "::1", "::1", 0, 0 },
		{ "fe80::1:2", "fe80::1:2", 0, 0 },
		{ "", NULL, 0, 0 },
		{ "db1:", NULL, 0, -1 },
		{ "db1:0", NULL, 0, -1 },
		{ "db1:65536", NULL, 0, -1 },
		{ "db1:33x", NULL, 0, -1 },
		{ "db1:-1", NULL, 0, -1 },
		{ ":3306", NULL, 0, -1 },
		{ "[::1", NULL, 0, -1 },
		{ "[]:3306", NULL, 0, -1 },
		{ "[::1]x", NULL, 0, -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *host = NULL;
		unsigned port = 99;
		const char *why = NULL;
		int rc = live_parse_host(cases[i].spec, &host, &port, &why);
		char name[128];
		snprintf(name, sizeof(name), "live_parse_host('%s')", cases[i].spec);
		if (cases[i].rc == 0) {
			ok(rc == 0 && port == cases[i].port &&
				   ((!host && !cases[i].host) || (host && cases[i].host && !strcmp(host, cases[i].host))),
			   "%s: host '%s' port %u", name, host ? host : "(none)", port);
		} else {
			ok(rc == -1 && why && !host, "%s is refused: %s", name, why ? why : "(no reason)");
		}
		free(host);
	}
}

static void test_ssl_mode(void)
{
	enum live_ssl_mode m = LIVE_SSL_DEFAULT;
	is_int(live_ssl_mode_parse(&m, "verify_identity"), 0, "--ssl-mode is case-insensitive");
	is_int(m, LIVE_SSL_VERIFY_IDENTITY, "... VERIFY_IDENTITY");
	is_int(live_ssl_mode_parse(&m, "DISABLED") == 0 && m == LIVE_SSL_DISABLED, 1, "DISABLED");
	is_int(live_ssl_mode_parse(&m, "VERIFY"), -1, "an unknown mode is refused");
	is_int(live_ssl_mode_parse(&m, ""), -1, "an empty mode is refused");
}

static void set(struct settings *s, const char *name, const char *value, enum settings_source src,
		const char *file, unsigned line, const char *detail)
{
	struct settings_origin o = { .source = src, .file = file, .line = line, .detail = detail };
	settings_set(s, name, value, name, &o);
}

static const char *value(const struct settings *s, const char *name)
{
	const struct settings_var *v = settings_get(s, name);
	return v ? v->current.value : "(absent)";
}

static void test_compare_config(void)
{
	struct settings live, file;
	struct live_target t;

	settings_init(&live, "db1:3306", "live");
	live.flavor = FLAVOR_MARIADB;
	version_parse(&live.version, "10.11.6");
	set(&live, "sync_binlog", "0", SETTINGS_SRC_LIVE, NULL, 0, "live, set at runtime (SET GLOBAL): lost on restart");
	set(&live, "read_only", "ON", SETTINGS_SRC_LIVE, NULL, 0, "live, set at runtime (SET GLOBAL): lost on restart");
	set(&live, "server_id", "7", SETTINGS_SRC_LIVE, NULL, 0, "live, from an option file");
	set(&live, "relay_log_recovery", "ON", SETTINGS_SRC_LIVE, NULL, 0, "live, from an option file");
	set(&live, "runtime_only_changes", "sync_binlog=0, read_only=ON", SETTINGS_SRC_LIVE, NULL, 0, "live");
	live_target_init(&t, &live, "db1:3306");

	settings_init(&file, "my.cnf", "file");
	file.flavor = FLAVOR_MARIADB;
	file.version = live.version;
	set(&file, "sync_binlog", "1", SETTINGS_SRC_FILE, "my.cnf", 7, NULL);
	set(&file, "read_only", "1", SETTINGS_SRC_FILE, "my.cnf", 8, NULL);
	set(&file, "server_id", "7", SETTINGS_SRC_FILE, "my.cnf", 9, NULL);
	/* a default is not something the file says */
	set(&file, "relay_log_recovery", "OFF", SETTINGS_SRC_DEFAULT, NULL, 0, "default for MariaDB 10.11");

	live_compare_config(&t, &file, &cat);
	is_str(value(&live, "config_drift"), "sync_binlog: running 0, option file 1 at my.cnf:7",
	       "config_drift names the running value, the file's value and file:line; defaults and "
	       "equal values (read_only ON = 1) are no drift");
	is_str(value(&live, "runtime_only_changes"), "sync_binlog=0",
	       "a runtime change the option file also makes (read_only) survives a restart: dropped");

	settings_release(&file);
	settings_init(&file, "same.cnf", "file");
	set(&file, "server_id", "7", SETTINGS_SRC_FILE, "same.cnf", 3, NULL);
	live_compare_config(&t, &file, &cat);
	is_str(value(&live, "config_drift"), "", "no drift: config_drift is empty");

	live_target_release(&t);
	settings_release(&file);
	settings_release(&live);
}

static void test_capture(void)
{
	struct settings live, back;
	struct live_target t;
	char path[] = "/tmp/crashsafe-test-live-XXXXXX";
	int fd = mkstemp(path);
	struct settings_channel *ch;
	const struct live_raw_var raw[] = {
		{ "version", "10.11.6-MariaDB-log", "COMPILE-TIME", NULL },
		{ "version_comment", "MariaDB Server", "COMPILE-TIME", NULL },
		{ "sync_binlog", "0", "SQL", NULL },
		{ "server_id", "3", "CONFIG", "/etc/mysql/my.cnf" },
		{ "init_connect", "SET a=1;\tSET b='x\\y'\nSET c=2", "COMPILE-TIME", NULL },
	};

	ok(fd >= 0, "a temporary file for the capture");
	if (fd >= 0)
		close(fd);
	settings_init(&live, "10.0.0.5:3306", "live");
	live.flavor = FLAVOR_MARIADB;
	version_parse(&live.version, "10.11.6");
	live.role = ROLE_REPLICA;
	live.channels_known = 1;
	ch = settings_add_channel(&live, "");
	ch->using_gtid = "No";
	ch->io_running = "Yes";
	ch->sql_running = "Yes";
	ch->source_host = "10.0.0.1";
	ch->source_port = 3306;
	ch = settings_add_channel(&live, "east");
	ch->using_gtid = "Slave_Pos";
	set(&live, "metadata_tables_innodb", NULL, SETTINGS_SRC_LIVE, NULL, 0,
	    "information_schema.TABLES shows no mysql.gtid_slave_pos (needs SELECT on mysql.gtid_slave_pos)");
	set(&live, "runtime_only_changes", "sync_binlog=0", SETTINGS_SRC_LIVE, NULL, 0, "live");
	set(&live, "replication_channels", "2", SETTINGS_SRC_LIVE, NULL, 0, "live");
	live_target_init(&t, &live, "10.0.0.5:3306");
	t.raw = (struct live_raw_var *)malloc(sizeof(raw));
	memcpy(t.raw, raw, sizeof(raw));
	t.nraw = t.raw_cap = sizeof(raw) / sizeof(raw[0]);

	is_int(live_capture_write(&t, path), 0, "live_capture_write writes the capture");
	{
		FILE *fp = fopen(path, "r");
		char line[512];
		int header = 0, unknown = 0, escaped = 0;
		while (fp && fgets(line, sizeof(line), fp)) {
			if (!strcmp(line, "# crashsafe capture 1\n"))
				header = 1;
			if (!strncmp(line, "# unknown metadata_tables_innodb\tinformation_schema.TABLES", 58))
				unknown = 1;
			if (!strcmp(line, "init_connect\tSET a=1;\\tSET b='x\\\\y'\\nSET c=2\n"))
				escaped = 1;
		}
		if (fp)
			fclose(fp);
		ok(header, "it starts with '# crashsafe capture 1'");
		ok(unknown, "an unknown fact is written as '# unknown NAME<TAB>REASON'");
		ok(escaped, "tabs, newlines and backslashes in values are escaped as mysql -NB does");
	}

	settings_init(&back, path, "snapshot");
	is_int(snapshot_load(&back, path, &cat), 0, "snapshot_load reads the capture back");
	is_int(back.flavor, FLAVOR_MARIADB, "... flavor from version");
	is_int(back.role, ROLE_REPLICA, "... the role");
	is_int(back.channels_known, 1, "... channels are known");
	is_int((long)back.nchannels, 2, "... both channels");
	if (back.nchannels == 2) {
		is_str(back.channels[0].name, "", "... the default channel's name is ''");
		is_str(back.channels[0].using_gtid, "No", "... its Using_Gtid");
		is_str(back.channels[0].source_host, "10.0.0.1", "... its source host");
		is_int(back.channels[0].source_port, 3306, "... its source port");
		is_str(back.channels[1].using_gtid, "Slave_Pos", "... the second channel's Using_Gtid");
	}
	is_str(value(&back, "runtime_only_changes"), "sync_binlog=0", "... the facts");
	is_str(value(&back, "metadata_tables_innodb"), "(absent)", "... an unknown fact stays unknown");
	is_str(value(&back, "sync_binlog"), "0", "... the variables");
	is_str(value(&back, "init_connect"), "SET a=1;\tSET b='x\\y'\nSET c=2", "... escaped values unescaped");
	{
		const struct settings_var *v = settings_get(&back, "sync_binlog");
		ok(v && v->current.origin.detail && strstr(v->current.origin.detail, "SET GLOBAL"),
		   "... each value's live origin (sync_binlog: %s)",
		   v && v->current.origin.detail ? v->current.origin.detail : "(none)");
	}

	settings_release(&back);
	live_target_release(&t);
	settings_release(&live);
	unlink(path);

	/* Nothing is written for a target that could not be audited. */
	settings_init(&live, "x", "live");
	live.error = "cannot connect";
	live_target_init(&t, &live, "x");
	is_int(live_capture_write(&t, path), -1, "no capture for a target with an error");
	ok(access(path, F_OK) != 0, "... and no file is left");
	settings_release(&live);
}

static void test_refused(void)
{
	struct settings s;
	struct live_target t;
	struct live_conn o = { .user = "nobody", .no_defaults = 1, .connect_timeout = 2 };

	is_int(live_library_init(), 0, "libmysqlclient initialises");
	settings_init(&s, "127.0.0.1:1", "live");
	live_target_init(&t, &s, "127.0.0.1:1");
	is_int((long)live_collect_all(&t, 1, &o, &cat, 0), 1, "a port nobody listens on: not audited");
	ok(s.error && strstr(s.error, "cannot connect"), "... error: %s", s.error ? s.error : "(none)");
	is_int(s.version_detected, 0, "... and nothing was detected");
	live_target_release(&t);
	settings_release(&s);

	settings_init(&s, "db1:x", "live");
	live_target_init(&t, &s, "db1:x");
	is_int(live_collect(&t, &o, &cat), -1, "a malformed target is not audited");
	ok(s.error && strstr(s.error, "bad target 'db1:x'"), "... error: %s", s.error ? s.error : "(none)");
	live_target_release(&t);
	settings_release(&s);
	live_library_end();
}

int main(void)
{
	struct diag_list d;
	catalog_init(&cat);
	diag_list_init(&d);
	if (!ok(catalog_load(&cat, "rules/variables.ini", &d) == 0, "the catalog loads")) {
		diag_print(&d, stdout);
		return done_testing();
	}
	test_parse_host();
	test_ssl_mode();
	test_compare_config();
	test_capture();
	test_refused();
	catalog_release(&cat);
	diag_list_release(&d);
	return done_testing();
}
