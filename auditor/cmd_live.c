/*
 * cmd_live.c - `crashsafe live`: audit running servers.
 *
 * Parses the connection options (the mysql client's spelling) and the
 * common audit options, collects every target concurrently (live.c),
 * optionally compares each with an option file (--config) and writes a
 * capture (--capture), then hands the targets to audit_run_with_catalog().
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "audit.h"
#include "cli.h"
#include "cmd.h"
#include "config.h"
#include "fileio.h"
#include "fleet.h"
#include "inventory.h"
#include "live.h"
#include "optfile.h"
#include "progress.h"
#include "util.h"
#include "banned.h"

enum {
	OPT_HELP = 1,
	OPT_VERSION,
	OPT_USER,
	OPT_PASSWORD,
	OPT_PASSWORD_FILE,
	OPT_SOCKET,
	OPT_DEFAULTS_FILE,
	OPT_DEFAULTS_EXTRA_FILE,
	OPT_NO_DEFAULTS,
	OPT_SSL_MODE,
	OPT_SSL_CA,
	OPT_SSL_CAPATH,
	OPT_SSL_CERT,
	OPT_SSL_KEY,
	OPT_CONNECT_TIMEOUT,
	OPT_READ_TIMEOUT,
	OPT_WRITE_TIMEOUT,
	OPT_TARGET_TIMEOUT,
	OPT_CONFIG,
	OPT_CAPTURE,
	OPT_CAPTURE_DIR,
	OPT_JOBS,
};

static const struct cli_option live_options[] = {
	{ "help", 'h', CLI_NO_ARG, OPT_HELP, NULL,
	  "show this help and exit (-h is not --host: hosts are operands, as HOST[:PORT])" },
	{ "version", 0, CLI_NO_ARG, OPT_VERSION, NULL, "print crashsafe's version and exit" },
	{ "user", 'u', CLI_REQUIRED_ARG, OPT_USER, "NAME", "user to connect as" },
	{ "password", 'p', CLI_OPTIONAL_SECRET, OPT_PASSWORD, "PASSWORD",
	  "the password, attached (-pX, --password=X; insecure), or bare: ask on the terminal" },
	{ "password-file", 0, CLI_REQUIRED_ARG, OPT_PASSWORD_FILE, "FILE",
	  "read the password from FILE (its first line)" },
	{ "socket", 'S', CLI_REQUIRED_ARG, OPT_SOCKET, "PATH", "Unix socket for localhost (no HOST: audit it)" },
	{ "defaults-file", 0, CLI_REQUIRED_ARG, OPT_DEFAULTS_FILE, "FILE",
	  "read the [client] group of FILE only" },
	{ "defaults-extra-file", 0, CLI_REQUIRED_ARG, OPT_DEFAULTS_EXTRA_FILE, "FILE",
	  "read the [client] group of FILE (see docs/live.md)" },
	{ "no-defaults", 0, CLI_NO_ARG, OPT_NO_DEFAULTS, NULL, "read no option file" },
	{ "ssl-mode", 0, CLI_REQUIRED_ARG, OPT_SSL_MODE, "MODE",
	  "DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY" },
	{ "ssl-ca", 0, CLI_REQUIRED_ARG, OPT_SSL_CA, "FILE", "CA certificates to verify the server with" },
	{ "ssl-capath", 0, CLI_REQUIRED_ARG, OPT_SSL_CAPATH, "DIR", "directory of CA certificates" },
	{ "ssl-cert", 0, CLI_REQUIRED_ARG, OPT_SSL_CERT, "FILE", "client certificate" },
	{ "ssl-key", 0, CLI_REQUIRED_ARG, OPT_SSL_KEY, "FILE", "client private key" },
	{ "connect-timeout", 0, CLI_REQUIRED_ARG, OPT_CONNECT_TIMEOUT, "SECONDS",
	  "give up logging in after SECONDS (default 10)" },
	{ "read-timeout", 0, CLI_REQUIRED_ARG, OPT_READ_TIMEOUT, "SECONDS",
	  "give up when the server sends nothing for SECONDS (default 30)" },
	{ "write-timeout", 0, CLI_REQUIRED_ARG, OPT_WRITE_TIMEOUT, "SECONDS",
	  "give up sending after SECONDS (default 30)" },
	{ "target-timeout", 0, CLI_REQUIRED_ARG, OPT_TARGET_TIMEOUT, "SECONDS",
	  "give up on a server after SECONDS in all (default: connect + 2 x read timeout)" },
	{ "config", 0, CLI_REPEATABLE_ARG, OPT_CONFIG, "[HOST=]FILE",
	  "a server's option file: report config-drift and refine runtime-only-change "
	  "(HOST=FILE per server, repeatable; plain FILE with one server only)" },
	{ "capture", 0, CLI_REQUIRED_ARG, OPT_CAPTURE, "FILE",
	  "write what was collected (one HOST) for `crashsafe check --variables FILE`" },
	{ "capture-dir", 0, CLI_REQUIRED_ARG, OPT_CAPTURE_DIR, "DIR",
	  "write one capture per server to DIR/NAME.capture (for check --inventory --variables DIR/*)" },
	{ "jobs", 'j', CLI_REQUIRED_ARG, OPT_JOBS, "N",
	  "threads that drive the connections (default 2; 128 with Oracle's libmysqlclient)" },
};

struct live_cmd {
	struct audit_options audit;
	struct live_conn conn;
	char *password;              /* owned copy (command line, terminal or --password-file) */
	int password_on_command_line;
	int password_prompt;         /* bare -p / --password: ask on the terminal */
	const char *password_file;
	const char **configs;        /* --config [HOST=]FILE, in order */
	size_t nconfigs, configs_cap;
	const char *capture;
	const char *capture_dir;
	unsigned jobs;
	int help, version;
	int defaults_list_fd;        /* live_default_files(): the list of default files read, or -1 */
	size_t include_errors;       /* world-writable files the option files read include */
	char *defaults_list;         /* its name, /proc/self/fd/N */
};

static int live_parse_seconds(unsigned *out, const char *opt, const char *arg)
{
	unsigned long v;
	if (parse_uint_strict(arg, 1, 86400, &v))
		return cli_usage_error("option '--%s' needs a whole number of seconds from 1 to 86400, not '%s'",
				       opt, arg);
	*out = (unsigned)v;
	return 0;
}

static int live_option(void *ctx, int id, const char *arg)
{
	struct live_cmd *lc = ctx;
	struct live_conn *c = &lc->conn;
	switch (id) {
	case OPT_HELP: lc->help = 1; return 0;
	case OPT_VERSION: lc->version = 1; return 0;
	case OPT_USER: c->user = arg; return 0;
	case OPT_PASSWORD:
		/* As the mysql client: attached value, or bare and asked for; cli_parse() scrubs argv. */
		free_secret(lc->password);
		lc->password = arg ? xstrdup(arg) : NULL;
		lc->password_on_command_line = arg != NULL;
		lc->password_prompt = arg == NULL;
		return 0;
	case OPT_PASSWORD_FILE: lc->password_file = arg; return 0;
	case OPT_SOCKET: c->socket = arg; return 0;
	case OPT_DEFAULTS_FILE: c->defaults_file = arg; return 0;
	case OPT_DEFAULTS_EXTRA_FILE: c->defaults_extra_file = arg; return 0;
	case OPT_NO_DEFAULTS: c->no_defaults = 1; return 0;
	case OPT_SSL_MODE:
		if (live_ssl_mode_parse(&c->ssl_mode, arg) < 0)
			return cli_usage_error("unknown --ssl-mode '%s' (DISABLED, PREFERRED, REQUIRED, "
					       "VERIFY_CA, VERIFY_IDENTITY)", arg);
		return 0;
	case OPT_SSL_CA: c->ssl_ca = arg; return 0;
	case OPT_SSL_CAPATH: c->ssl_capath = arg; return 0;
	case OPT_SSL_CERT: c->ssl_cert = arg; return 0;
	case OPT_SSL_KEY: c->ssl_key = arg; return 0;
	case OPT_CONNECT_TIMEOUT: return live_parse_seconds(&c->connect_timeout, "connect-timeout", arg);
	case OPT_READ_TIMEOUT: return live_parse_seconds(&c->read_timeout, "read-timeout", arg);
	case OPT_WRITE_TIMEOUT: return live_parse_seconds(&c->write_timeout, "write-timeout", arg);
	case OPT_TARGET_TIMEOUT: return live_parse_seconds(&c->target_timeout, "target-timeout", arg);
	case OPT_CONFIG:
		ARRAY_GROW(lc->configs, lc->nconfigs + 1, lc->configs_cap);
		lc->configs[lc->nconfigs++] = arg;
		return 0;
	case OPT_CAPTURE: lc->capture = arg; return 0;
	case OPT_CAPTURE_DIR: lc->capture_dir = arg; return 0;
	case OPT_JOBS: {
		unsigned long v;
		if (parse_uint_strict(arg, 1, 1024, &v))
			return cli_usage_error("option '--jobs' needs a number from 1 to 1024, not '%s'", arg);
		lc->jobs = (unsigned)v;
		return 0;
	}
	}
	switch (audit_options_handle(&lc->audit, id, arg)) {
	case 0: return 0;
	case 1: return cli_usage_error("option id %d is not handled (a bug)", id);
	default: return EXIT_USAGE;
	}
}

static int live_read_password_file(struct live_cmd *lc)
{
	struct fileio_data fd;
	char *why = NULL;
	if (fileio_read(lc->password_file, FILEIO_PASSWORD, &fd, &why) != FILEIO_OK) {
		diag_emit(DIAG_ERROR, lc->password_file, 0, "cannot read the password file: %s", why);
		free(why);
		return -1;
	}
	/* The first line, without its line ending. */
	size_t cut = strcspn(fd.data, "\r\n");
	explicit_bzero(fd.data + cut, fd.len - cut);   /* the other lines are not needed either */
	free_secret(lc->password);
	lc->password = fd.data;
	return 0;
}

/*
 * As ssh warns about a private key (any access for the group or others,
 * mode & 077): a password file others can read (or replace) is no secret.
 */
static void live_password_file_mode(const char *path)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & (S_IRWXG | S_IRWXO)))
		diag_emit(DIAG_WARNING, path, 0, "the password file is %s by others (mode %04o): chmod 600 it",
			  st.st_mode & (S_IWGRP | S_IWOTH) ? "writable" : "readable", (unsigned)(st.st_mode & 07777));
}

/*
 * As the mysql client (mysys/my_default.c): a world-writable regular option
 * file is ignored, with the client's own warning. Clears *path when so.
 */
static void live_ignore_world_writable(const char **path)
{
	struct stat st;
	if (*path && stat(*path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IWOTH)) {
		diag_emit(DIAG_WARNING, NULL, 0, "World-writable config file '%s' is ignored", *path);
		*path = NULL;
	}
}

/*
 * The files an option file of the client library !includes, recursively
 * (at most LIVE_INCLUDE_DEPTH deep), read as Connector/C reads them
 * (libmariadb/ma_default.c): after leading blanks, '!', a word up to the
 * first space ("include" FILE, "includedir" DIR: its *.cnf files), the rest
 * of the line without its trailing blanks. The library reads them without
 * the mysql client's permission check, and one file of a chain cannot be
 * left out of it; so a world-writable one is an error here (the run does not
 * start), where the mysql client would ignore it with its warning.
 * Returns the number of such files (each with an error at FILE:LINE).
 */
#define LIVE_INCLUDE_DEPTH 16
static size_t live_scan_includes(const char *path, unsigned depth);

static size_t live_check_included(const char *parent, unsigned line, const char *path, unsigned depth)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;   /* the library skips what it cannot open */
	if (st.st_mode & S_IWOTH) {
		diag_emit(DIAG_ERROR, parent, line,
			  "'%s' is world-writable: the mysql client would ignore it, the client library "
			  "reads it; make it writable by its owner only (chmod o-w)", path);
		return 1;
	}
	return live_scan_includes(path, depth + 1);
}

static size_t live_scan_includes(const char *path, unsigned depth)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0, found = 0;
	unsigned line = 0;
	if (depth > LIVE_INCLUDE_DEPTH || stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
	    read_file(path, &data, &len) != 0)
		return 0;
	for (char *p = data; p && *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		line++;
		char *q = p;
		while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\v' || *q == '\f')
			q++;
		char *val = *q == '!' ? strchr(q + 1, ' ') : NULL;
		if (val) {
			*val++ = '\0';
			size_t n = strlen(val);
			while (n && (val[n - 1] == ' ' || val[n - 1] == '\t' || val[n - 1] == '\r'))
				val[--n] = '\0';
			if (!strcmp(q + 1, "include")) {
				found += live_check_included(path, line, val, depth);
			} else if (!strcmp(q + 1, "includedir")) {
				DIR *dir = opendir(val);
				struct dirent *e;
				while (dir && (e = readdir(dir)) != NULL) {
					size_t el = strlen(e->d_name);
					if (el > 4 && !strcmp(e->d_name + el - 4, ".cnf")) {
						char *f = xasprintf("%s/%s", val, e->d_name);
						found += live_check_included(path, line, f, depth);
						free(f);
					}
				}
				if (dir)
					closedir(dir);
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	free(data);
	return found;
}

/*
 * The default option files, when neither --defaults-file nor --no-defaults
 * names what to read. The client library reads them itself, but:
 *
 * - MariaDB Connector/C reads a world-writable one as any other
 *   (libmariadb/ma_default.c: /etc/my.cnf, /etc/mysql/my.cnf,
 *   $MARIADB_HOME/my.cnf or else $MYSQL_HOME/my.cnf, ~/.my.cnf, each when
 *   access(R_OK) allows), where the mysql client ignores it with the warning
 *   above (mysys/my_default.c). Such a file could point the auditor's
 *   connection at another host, or load a plugin (plugin-dir, default-auth).
 * - It reads one file when told of one (MYSQL_READ_DEFAULT_FILE), so
 *   --defaults-extra-file FILE would be read instead of the default files;
 *   the mysql client reads FILE after $MYSQL_HOME/my.cnf and before
 *   ~/.my.cnf (MariaDB KB "Configuring MariaDB with Option Files").
 *
 * So when a default file is world-writable, or --defaults-extra-file is
 * given, the library is given one file made here that !includes the files
 * the mysql client would read, in its order, without the world-writable
 * ones (an unlinked temporary file, 0600, read through /proc/self/fd/N while
 * the run lasts: it holds only paths). Otherwise nothing changes. Returns 0,
 * or -1 when the list could not be made (no /proc, a path no !include line
 * can carry): then, as before, only --defaults-extra-file is read, or no
 * option file at all when one was ignored; a warning says which.
 * What these files (and --defaults-file) !include is checked by
 * live_scan_includes(): a world-writable one there is an error.
 */
static int live_default_files(struct live_cmd *lc)
{
	const char *home_dir = getenv("MARIADB_HOME");
	const char *home = getenv("HOME");
	const char *extra = lc->conn.defaults_extra_file;   /* already checked: readable, not world-writable */
	char *cand[5] = { NULL, NULL, NULL, NULL, NULL };
	struct strbuf list;
	size_t nc = 0, ignored = 0, extra_at = (size_t)-1;
	int rc = 0;

	if (lc->conn.defaults_file && !lc->conn.no_defaults)
		lc->include_errors += live_scan_includes(lc->conn.defaults_file, 0);
	if (lc->conn.no_defaults || lc->conn.defaults_file)
		return 0;
	if (!home_dir)
		home_dir = getenv("MYSQL_HOME");
	cand[nc++] = xstrdup("/etc/my.cnf");
	cand[nc++] = xstrdup("/etc/mysql/my.cnf");
	if (home_dir && *home_dir)
		cand[nc++] = xasprintf("%s/my.cnf", home_dir);
	if (extra) {
		extra_at = nc;
		cand[nc++] = xstrdup(extra);
	}
	if (home && *home)
		cand[nc++] = xasprintf("%s/.my.cnf", home);

	strbuf_init(&list);
	for (size_t i = 0; i < nc; i++) {
		struct stat st;
		size_t len = strlen(cand[i]);
		if (i != extra_at) {
			if (access(cand[i], R_OK) != 0)
				continue;
			if (stat(cand[i], &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IWOTH)) {
				diag_emit(DIAG_WARNING, NULL, 0, "World-writable config file '%s' is ignored", cand[i]);
				ignored++;
				continue;
			}
		}
		/* "!include PATH": the readers cut at the first blank and trim the line's end. */
		if (!len || strpbrk(cand[i], "\r\n") || cand[i][0] == ' ' || cand[i][0] == '\t' ||
		    cand[i][len - 1] == ' ' || cand[i][len - 1] == '\t')
			rc = -1;
		strbuf_addf(&list, "!include %s\n", cand[i]);
		lc->include_errors += live_scan_includes(cand[i], 0);
	}
	if (!ignored && !extra)
		goto out;
	if (rc == 0 && list.len == 0) {
		lc->conn.no_defaults = 1;   /* nothing else to read */
		goto out;
	}
	if (rc == 0) {
		const char *tmpdir = getenv("TMPDIR");
		char *tmp = xasprintf("%s/crashsafe-defaults-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
		int fd = mkstemp(tmp);   /* O_EXCL, 0600 */
		rc = -1;
		if (fd >= 0) {
			unlink(tmp);
			char *name = xasprintf("/proc/self/fd/%d", fd);
			if (write(fd, list.buf, list.len) == (ssize_t)list.len && access(name, R_OK) == 0) {
				lc->defaults_list_fd = fd;
				lc->defaults_list = name;
				lc->conn.defaults_file = name;
				lc->conn.defaults_extra_file = NULL;
				rc = 0;
			} else {
				free(name);
				close(fd);
			}
		}
		free(tmp);
	}
	if (rc && extra) {
		diag_emit(DIAG_WARNING, NULL, 0, "cannot give the client library the default option files with "
			  "--defaults-extra-file: only '%s' is read", extra);
	} else if (rc) {
		diag_emit(DIAG_WARNING, NULL, 0, "cannot give the client library the other default option files "
			  "without the ignored one: none is read (name one with --defaults-file)");
		lc->conn.no_defaults = 1;
	}
out:
	strbuf_release(&list);
	for (size_t i = 0; i < nc; i++)
		free(cand[i]);
	return rc;
}

static void live_usage(FILE *fp, const struct cli_option *opts, size_t n)
{
	fputs("usage: crashsafe live [OPTIONS] [HOST[:PORT]...]\n"
	      "       crashsafe live [OPTIONS] --inventory FILE [HOST[:PORT]...]\n\n"
	      "Audit running MySQL, Percona Server and MariaDB servers: variables and where\n"
	      "each value came from, every replication channel, the replica metadata tables.\n"
	      "HOST is a name or address, [IPV6]:PORT, or localhost (with --socket).\n"
	      "All servers are audited at once; each one that does not finish within\n"
	      "--target-timeout is reported as not audited, so a run ends by then.\n"
	      "The password comes from --password-file, a [client] group, MYSQL_PWD, or -p\n"
	      "(bare: asked on the terminal, never read from a pipe); it is never printed or\n"
	      "written into a report or capture, and is scrubbed from the process list.\n\nOptions:\n",
	      fp);
	cli_print_options(fp, opts, n);
	fputs("\nExit status: 0 nothing at or above --fail-on, 1 findings at or above it,\n"
	      "2 usage error or unusable input (a --config file or capture that failed: the\n"
	      "reports are still written and say 2), 3 some server could not be audited\n"
	      "(refused, unreachable, denied, timed out) or an error-severity rule could not\n"
	      "be evaluated. See docs/live.md for the least privileges an auditing account\n"
	      "needs.\n",
	      fp);
}

static void live_progress_tick(void *ctx, int failed)
{
	progress_tick(ctx, failed);
}

/* The target's own connection options (inventory socket, defaults_file), or NULL: the run's. */
static struct live_conn *live_target_conn(const struct live_conn *run, const struct fleet_target *ft)
{
	const char *socket = fleet_target_socket(ft), *defaults_file = fleet_target_defaults_file(ft);
	if (!socket && !defaults_file)
		return NULL;
	struct live_conn *c = xmalloc(sizeof(*c));
	*c = *run;
	if (socket)
		c->socket = socket;
	if (defaults_file) {
		/* The inventory's file replaces the run's, as --defaults-file would (and is ignored as it would be). */
		c->defaults_file = defaults_file;
		c->defaults_extra_file = NULL;
		live_ignore_world_writable(&c->defaults_file);
		c->no_defaults = c->defaults_file == NULL;
	}
	return c;
}

/*
 * --capture-dir: one capture per audited server, DIR/NAME.capture. DIR is
 * made (mode 0700: captures hold every setting) when it does not exist.
 * Returns the number of captures that could not be written.
 */
static size_t live_capture_all(const char *dir, struct live_target *lt, size_t n)
{
	size_t failed = 0;
	struct stat st;
	if (stat(dir, &st) && (errno != ENOENT || mkdir(dir, 0700))) {
		diag_emit(DIAG_ERROR, dir, 0, "cannot make the capture directory: %s", strerror(errno));
		return n;
	}
	if (!stat(dir, &st) && !S_ISDIR(st.st_mode)) {
		diag_emit(DIAG_ERROR, dir, 0, "--capture-dir: not a directory");
		return n;
	}
	for (size_t i = 0; i < n; i++) {
		if (lt[i].s->error)
			continue;   /* nothing was collected: the report says why */
		char *path = fleet_capture_path(dir, lt[i].s->target);
		if (live_capture_write(&lt[i], path) < 0) {
			diag_emit(DIAG_ERROR, path, 0, "cannot write the capture: %s", strerror(errno));
			failed++;
		}
		free(path);
	}
	return failed;
}

int cmd_live(int argc, char **argv)
{
	struct live_cmd lc;
	struct cli_option *opts;
	size_t nopts;
	int noperands = 0, rc;
	struct catalog cat;
	struct diag_list d;
	struct settings *targets = NULL;
	struct live_target *lt = NULL;
	struct live_conn **conns = NULL;
	size_t n = 0;
	int capture_failed = 0, config_failed = 0;
	struct inventory inv;
	struct fleet_plan plan;

	memset(&lc, 0, sizeof(lc));
	lc.defaults_list_fd = -1;
	audit_options_init(&lc.audit);
	catalog_init(&cat);
	diag_list_init(&d);
	inventory_init(&inv);
	fleet_plan_init(&plan);

	nopts = ARRAY_SIZE(live_options) + audit_common_noptions;
	opts = xcalloc(nopts, sizeof(*opts));
	memcpy(opts, live_options, sizeof(live_options));
	memcpy(opts + ARRAY_SIZE(live_options), audit_common_options,
	       audit_common_noptions * sizeof(*opts));

	rc = cli_parse(argc, argv, opts, nopts, live_option, &lc, &noperands);
	if (rc)
		goto out;
	if (lc.help && noperands) {
		/* the mysql client's -h HOST: here a request for help, and auditing nothing must not look like success */
		rc = cli_usage_error("-h is --help; hosts are operands: crashsafe live [OPTIONS] HOST[:PORT]...");
		goto out;
	}
	if (lc.help || lc.version) {
		if (lc.help)
			live_usage(stdout, opts, nopts);
		else
			printf("crashsafe %s\n", CRASHSAFE_VERSION);
		rc = EXIT_OK;
		goto out;
	}
	if (audit_options_check(&lc.audit)) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (lc.password_file && (lc.password_prompt || lc.password_on_command_line)) {
		rc = cli_usage_error("give the password with -p/--password or --password-file, not both");
		goto out;
	}
	if ((rc = audit_options_check(&lc.audit)))
		goto out;
	if (lc.password_on_command_line)
		diag_emit(DIAG_WARNING, NULL, 0, "using a password on the command line interface can be insecure");
	if (lc.password_prompt) {
		const char *why;
		if (cli_read_password("Enter password: ", &lc.password, &why) < 0) {
			rc = cli_usage_error("-p without a value asks for the password, but %s: give it with "
					     "--password-file FILE, a [client] group or MYSQL_PWD", why);
			goto out;
		}
	}
	if (lc.password_file)
		live_password_file_mode(lc.password_file);
	if (lc.password_file && live_read_password_file(&lc) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	lc.conn.password = lc.password;
	lc.conn.all_variables = lc.capture != NULL;   /* a capture keeps every variable */
	if (lc.conn.defaults_file && lc.conn.defaults_extra_file) {
		rc = cli_usage_error("give --defaults-file or --defaults-extra-file, not both");
		goto out;
	}
	if (lc.conn.no_defaults && (lc.conn.defaults_file || lc.conn.defaults_extra_file)) {
		rc = cli_usage_error("--no-defaults reads no option file: drop --defaults-file/--defaults-extra-file");
		goto out;
	}
	if (lc.conn.defaults_file) {
		/* Ignoring the only file the client was told to read leaves it reading none. */
		live_ignore_world_writable(&lc.conn.defaults_file);
		lc.conn.no_defaults = lc.conn.defaults_file == NULL;
	}
	live_ignore_world_writable(&lc.conn.defaults_extra_file);
	{
		const char *files[] = { lc.conn.defaults_file, lc.conn.defaults_extra_file };
		for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
			if (files[i] && access(files[i], R_OK) != 0) {
				diag_emit(DIAG_ERROR, files[i], 0, "cannot read: %s", strerror(errno));
				rc = EXIT_USAGE;
				goto out;
			}
		}
	}
	live_default_files(&lc);
	if (lc.include_errors) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (lc.audit.inventory && inventory_load(&inv, lc.audit.inventory, &d) < 0) {
		diag_print(&d, stderr);
		rc = EXIT_USAGE;
		goto out;
	}
	if (noperands == 0 && !lc.conn.socket && !lc.audit.inventory) {
		rc = cli_usage_error("no server to audit: give HOST[:PORT] (or --socket PATH, or --inventory FILE); "
				     "see --help");
		goto out;
	}
	for (int i = 0; i < noperands; i++) {
		char *host = NULL;
		unsigned port;
		const char *why = NULL;
		if (argv[i][0] == '-') {
			/* No host name starts with '-' (RFC 1123): an option after "--", maybe -pSECRET: not echoed. */
			char *shown = cli_arg_display(argv[i]);
			rc = cli_usage_error("bad server '%s...': a host name does not start with '-'", shown);
			free(shown);
			goto out;
		}
		if (!argv[i][0]) {
			rc = cli_usage_error("bad server '': an empty host name (localhost is written localhost)");
			goto out;
		}
		if (live_parse_host(argv[i], &host, &port, &why) < 0) {
			rc = cli_usage_error("bad server '%s': %s (HOST, HOST:PORT or [IPV6]:PORT)", argv[i], why);
			goto out;
		}
		free(host);
	}
	if (lc.capture) {
		struct stat st;
		/* The capture replaces its file by a rename: never a device, FIFO or directory. */
		if (stat(lc.capture, &st) == 0 && !S_ISREG(st.st_mode)) {
			rc = cli_usage_error("--capture %s: not a regular file", lc.capture);
			goto out;
		}
	}
	if (lc.capture && (noperands > 1 || lc.audit.inventory)) {
		rc = cli_usage_error("--capture writes one server: give exactly one HOST (--capture-dir DIR writes "
				     "one capture per server)");
		goto out;
	}
	if (lc.capture && lc.capture_dir) {
		rc = cli_usage_error("give --capture FILE or --capture-dir DIR, not both");
		goto out;
	}
	{
		/* Without HOST nor inventory: the local server over --socket, named by the socket. */
		char *local[] = { (char *)(uintptr_t)(lc.conn.socket ? lc.conn.socket : "") };
		int local_only = noperands == 0 && !lc.audit.inventory;
		if (fleet_plan_live(&plan, lc.audit.inventory ? &inv : NULL, local_only ? local : argv,
				    local_only ? 1 : (size_t)noperands, lc.configs, lc.nconfigs, &lc.audit.shard, &d) < 0) {
			diag_print(&d, stderr);
			rc = EXIT_USAGE;
			goto out;
		}
		if (local_only)
			plan.t[0].spec = "localhost";
		if (plan.total == 0) {
			rc = cli_usage_error("%s: no section has a host or socket: nothing for live to audit",
					     lc.audit.inventory);
			goto out;
		}
		for (size_t i = 0; i < plan.n; i++) {
			/* A --config given on the command line must be readable before anything is audited. */
			const struct fleet_target *ft = &plan.t[i];
			if (ft->config && !ft->inv && access(ft->config, R_OK) != 0) {
				diag_emit(DIAG_ERROR, ft->config, 0, "cannot read: %s", strerror(errno));
				rc = EXIT_USAGE;
				goto out;
			}
		}
		if (lc.audit.verbose && plan.skipped)
			diag_emit(DIAG_NOTE, lc.audit.inventory, 0, "%zu section%s without host or socket: not audited live",
				  plan.skipped, plan.skipped == 1 ? "" : "s");
	}
	lc.audit.run_total = plan.total;

	if (audit_load_catalog(&cat, &d) < 0) {
		diag_print(&d, stderr);
		rc = EXIT_USAGE;
		goto out;
	}

	n = plan.n;
	targets = xcalloc(n ? n : 1, sizeof(*targets));
	lt = xcalloc(n ? n : 1, sizeof(*lt));
	conns = xcalloc(n ? n : 1, sizeof(*conns));
	for (size_t i = 0; i < n; i++) {
		const struct fleet_target *ft = &plan.t[i];
		settings_init(&targets[i], ft->name, "live");
		/* Unknown until the server says (a target that cannot be reached stays so). */
		targets[i].flavor = lc.audit.flavor_set ? lc.audit.flavor : FLAVOR_UNKNOWN;
		if (lc.audit.version_set)
			targets[i].version = lc.audit.version;
		else
			targets[i].version = (struct version){ 0, 0, -1 };
		live_target_init(&lt[i], &targets[i], ft->spec);
		if (lc.audit.role_set) {
			targets[i].role = lc.audit.role;
			lt[i].role_given = 1;
		}
		fleet_target_apply(ft, &targets[i]);
		if (ft->inv && inventory_target_has(ft->inv, INVENTORY_ROLE))
			lt[i].role_given = 1;
		conns[i] = live_target_conn(&lc.conn, ft);
		lt[i].conn = conns[i];
		if (ft->inv && fleet_target_defaults_file(ft) && access(fleet_target_defaults_file(ft), R_OK) != 0) {
			/* Not contacted: without its credentials the login would fail for another reason. */
			char *msg = xasprintf("cannot read defaults_file %s (%s:%u): %s", fleet_target_defaults_file(ft),
					      lc.audit.inventory, ft->inv->line_of[INVENTORY_DEFAULTS_FILE], strerror(errno));
			targets[i].error = settings_intern(&targets[i], msg);
			free(msg);
		} else if (ft->inv && conns[i] && conns[i]->defaults_file &&
			   live_scan_includes(conns[i]->defaults_file, 0) > 0) {
			/* Not contacted: the library would read the world-writable file (the error above names it). */
			char *msg = xasprintf("defaults_file %s (%s:%u) includes a world-writable option file",
					      conns[i]->defaults_file, lc.audit.inventory,
					      ft->inv->line_of[INVENTORY_DEFAULTS_FILE]);
			targets[i].error = settings_intern(&targets[i], msg);
			free(msg);
		}
	}

	if (live_library_init() < 0) {
		fputs("crashsafe: error: cannot initialise the MySQL client library\n", stderr);
		rc = EXIT_INCOMPLETE;
		goto out;
	}
	{
		struct progress pg;
		progress_start(&pg, n, "servers", "unreachable");
		live_collect_all_tick(lt, n, &lc.conn, &cat, lc.jobs, live_progress_tick, &pg);
		progress_end(&pg);
	}
	for (size_t i = 0; i < n; i++) {
		const char *config = plan.t[i].config;
		if (config && !targets[i].error && fleet_compare_config(&targets[i], config, &cat, lc.audit.group_suffix) < 0)
			config_failed = 1;
		if (lc.audit.verbose)
			diag_emit(DIAG_NOTE, targets[i].target, 0, "collected in %.3f s%s%s", lt[i].seconds,
				  targets[i].error ? ": " : "", targets[i].error ? targets[i].error : "");
	}
	if (lc.capture) {
		if (targets[0].error) {
			diag_emit(DIAG_ERROR, lc.capture, 0, "nothing captured: %s", targets[0].error);
		} else if (live_capture_write(&lt[0], lc.capture) < 0) {
			diag_emit(DIAG_ERROR, lc.capture, 0, "cannot write the capture: %s", strerror(errno));
			capture_failed = 1;
		}
	}

	if (lc.capture_dir && live_capture_all(lc.capture_dir, lt, n))
		capture_failed = 1;

	lc.audit.input_errors = (size_t)(capture_failed + config_failed);
	rc = audit_run_with_catalog(&lc.audit, "live", &cat, targets, n);
	live_library_end();

out:
	for (size_t i = 0; i < n && lt; i++) {
		live_target_release(&lt[i]);
		settings_release(&targets[i]);
		free(conns[i]);
	}
	free(lt);
	free(conns);
	free(targets);
	free(lc.configs);
	fleet_plan_release(&plan);
	inventory_release(&inv);
	free_secret(lc.password);
	if (lc.defaults_list_fd >= 0)
		close(lc.defaults_list_fd);
	free(lc.defaults_list);
	free(opts);
	catalog_release(&cat);
	diag_list_release(&d);
	return rc;
}
