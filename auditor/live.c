/*
 * live.c - the live collector (see live.h): one connection per target, the
 * statements chosen by flavor and version, everything stored in the
 * settings model with its live origin.
 */
#include "live.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mysql.h>

#include "util.h"
#include "persisted.h"
#include "secret.h"
#include "banned.h"

/* Server and client error codes the collector treats specially (mysqld_error.h, errmsg.h). */
enum {
	LIVE_ER_DBACCESS_DENIED = 1044,
	LIVE_ER_ACCESS_DENIED = 1045,
	LIVE_ER_SERVER_SHUTDOWN = 1053,
	LIVE_ER_TABLEACCESS_DENIED = 1142,
	LIVE_ER_COLUMNACCESS_DENIED = 1143,
	LIVE_ER_SPECIFIC_ACCESS_DENIED = 1227,
	LIVE_ER_SECURE_TRANSPORT_REQUIRED = 3159,
	LIVE_CR_MIN = 2000,
	LIVE_CR_MAX = 2999,
};

/* ---- options ------------------------------------------------------------ */

static const char *const live_ssl_mode_names[] = {
	[LIVE_SSL_DEFAULT] = "",
	[LIVE_SSL_DISABLED] = "DISABLED",
	[LIVE_SSL_PREFERRED] = "PREFERRED",
	[LIVE_SSL_REQUIRED] = "REQUIRED",
	[LIVE_SSL_VERIFY_CA] = "VERIFY_CA",
	[LIVE_SSL_VERIFY_IDENTITY] = "VERIFY_IDENTITY",
};

int live_ssl_mode_parse(enum live_ssl_mode *out, const char *s)
{
	for (size_t i = 1; i < ARRAY_SIZE(live_ssl_mode_names); i++) {
		if (!ascii_strcasecmp(s, live_ssl_mode_names[i])) {
			*out = (enum live_ssl_mode)i;
			return 0;
		}
	}
	return -1;
}

int live_parse_host(const char *spec, char **host, unsigned *port, const char **why)
{
	const char *colon, *end;
	*host = NULL;
	*port = 0;
	if (!spec || !*spec)
		return 0;
	if (spec[0] == '[') {
		end = strchr(spec, ']');
		if (!end || end == spec + 1) {
			*why = "unterminated or empty '[' in an IPv6 address";
			return -1;
		}
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] && !colon) {
			*why = "unexpected text after ']'";
			return -1;
		}
		*host = xstrndup(spec + 1, (size_t)(end - spec - 1));
	} else {
		colon = strchr(spec, ':');
		if (colon && strchr(colon + 1, ':')) {
			/* A bare IPv6 address: no port (write [ADDR]:PORT for one). */
			*host = xstrdup(spec);
			return 0;
		}
		if (colon == spec) {
			*why = "empty host name";
			return -1;
		}
		*host = colon ? xstrndup(spec, (size_t)(colon - spec)) : xstrdup(spec);
	}
	if (colon) {
		char *e;
		unsigned long p;
		errno = 0;
		p = strtoul(colon + 1, &e, 10);
		if (!colon[1] || *e || errno || p == 0 || p > 65535 || colon[1] == '-' || colon[1] == '+') {
			free(*host);
			*host = NULL;
			*why = "the port is not a number from 1 to 65535";
			return -1;
		}
		*port = (unsigned)p;
	}
	return 0;
}

/* ---- library and targets ------------------------------------------------ */

int live_library_init(void)
{
	return mysql_library_init(0, NULL, NULL) ? -1 : 0;
}

void live_library_end(void)
{
	mysql_library_end();
}

void live_target_init(struct live_target *t, struct settings *s, const char *spec)
{
	memset(t, 0, sizeof(*t));
	t->s = s;
	t->spec = spec ? spec : "";
}

void live_target_release(struct live_target *t)
{
	free(t->raw);
	t->raw = NULL;
	t->nraw = t->raw_cap = 0;
}

/* ---- one collection ----------------------------------------------------- */

/* What a run over one connection carries along. */
struct live_run {
	MYSQL *m;
	struct live_target *t;
	struct settings *s;
	const struct live_conn *o;
	const struct catalog *c;
	double started;          /* monotonic seconds at the start of the current step */
	int origins_known;       /* the origin query worked */
	const char *origins_why; /* why origins are unknown */
	int fatal;               /* the connection is gone: stop */
};

static double live_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned live_timeout(unsigned v, unsigned dflt)
{
	return v ? v : dflt;
}

/* Hints for connection and query errors, by error code. */
static const struct live_hint {
	unsigned code;
	const char *hint;
} live_hints[] = {
	{ 1040, "the server has too many connections" },
	{ LIVE_ER_ACCESS_DENIED, "wrong user or password, or the account may not connect from this host" },
	{ 1129, "this host is blocked after too many connection errors (FLUSH HOSTS)" },
	{ 1130, "the account may not connect from this host" },
	{ 1251, "the client does not support the account's authentication method" },
	{ 2002, "connection refused or unreachable: is a server listening on this host and port (or socket)?" },
	{ 2003, "connection refused or unreachable: is a server listening on this host and port?" },
	{ 2005, "unknown host name" },
	{ 2006, "the server went away" },
	{ 2013, "the server closed the connection or stopped answering" },
	{ 2026, "TLS handshake failed (check --ssl-mode, --ssl-ca and the server's certificate)" },
	{ 2059, "the authentication plugin could not be loaded" },
	{ LIVE_ER_SECURE_TRANSPORT_REQUIRED,
	  "the server requires TLS (require_secure_transport=ON): use --ssl-mode=REQUIRED, or VERIFY_CA with --ssl-ca" },
};

static const char *live_hint(unsigned code)
{
	for (size_t i = 0; i < ARRAY_SIZE(live_hints); i++)
		if (live_hints[i].code == code)
			return live_hints[i].hint;
	return NULL;
}

/*
 * Set the target's error from the connection's last error. label is NULL
 * for the connection itself, else the statement that failed; timeout is the
 * timeout in seconds that bounded the step, option its name.
 */
static void live_fail(struct live_run *r, const char *label, unsigned timeout, const char *option)
{
	unsigned code = mysql_errno(r->m);
	const char *msg = mysql_error(r->m);
	const char *hint = live_hint(code);
	double took = live_now() - r->started;
	int timed_out = timeout && took + 0.25 >= (double)timeout && code >= LIVE_CR_MIN && code <= LIVE_CR_MAX;
	struct strbuf sb = { 0 };

	if (!label)
		strbuf_addstr(&sb, "cannot connect");
	if (timed_out) {
		strbuf_addf(&sb, "%stimed out after %.1f s", label ? "" : ": ", took);
		if (label)
			strbuf_addf(&sb, " waiting for %s", label);
		strbuf_addf(&sb, " (%s %u)", option, timeout);
		hint = NULL;
	} else if (label) {
		strbuf_addf(&sb, "lost the connection during %s", label);
	}
	strbuf_addf(&sb, ": %s (error %u)", msg && *msg ? msg : "unknown error", code);
	if (hint)
		strbuf_addf(&sb, ": %s", hint);
	r->s->error = settings_intern(r->s, sb.buf);
	strbuf_release(&sb);
	r->fatal = 1;
}

/* A query error that ends the collection: the connection is gone or unusable. */
static int live_error_is_fatal(unsigned code)
{
	return (code >= LIVE_CR_MIN && code <= LIVE_CR_MAX) || code == LIVE_ER_SERVER_SHUTDOWN;
}

static int live_error_is_denied(unsigned code)
{
	return code == LIVE_ER_DBACCESS_DENIED || code == LIVE_ER_TABLEACCESS_DENIED ||
	       code == LIVE_ER_COLUMNACCESS_DENIED || code == LIVE_ER_SPECIFIC_ACCESS_DENIED ||
	       code == LIVE_ER_ACCESS_DENIED;
}

/*
 * Run sql. Returns the result (the caller frees it), or NULL: then either
 * r->fatal is set (the target's error says why), or *why holds a heap
 * string "SQL denied (needs PRIV)" / "SQL failed: message" for the facts
 * that stay unknown.
 */
static MYSQL_RES *live_query(struct live_run *r, const char *label, const char *sql,
			     const char *needs, char **why)
{
	*why = NULL;
	r->started = live_now();
	if (mysql_query(r->m, sql) == 0) {
		MYSQL_RES *res = mysql_store_result(r->m);
		if (res)
			return res;
		if (mysql_field_count(r->m) == 0) {
			*why = xasprintf("%s returned no result set", label);
			return NULL;
		}
	}
	unsigned code = mysql_errno(r->m);
	if (live_error_is_fatal(code)) {
		live_fail(r, label, live_timeout(r->o->read_timeout, LIVE_DEFAULT_READ_TIMEOUT), "--read-timeout");
		return NULL;
	}
	if (live_error_is_denied(code)) {
		*why = needs ? xasprintf("%s denied (needs %s)", label, needs)
			     : xasprintf("%s denied", label);
	} else {
		*why = xasprintf("%s failed: %s (error %u)", label, mysql_error(r->m), code);
	}
	diag_add(&r->s->diags, DIAG_WARNING, NULL, 0, "%s: %s: %s (error %u)", r->s->target, *why,
		 mysql_error(r->m), code);
	return NULL;
}

/* The index of the first column named one of names (case-insensitive), or -1. */
static int live_column(MYSQL_RES *res, const char *const *names)
{
	unsigned n = mysql_num_fields(res);
	MYSQL_FIELD *f = mysql_fetch_fields(res);
	for (const char *const *p = names; *p; p++)
		for (unsigned i = 0; i < n; i++)
			if (!ascii_strcasecmp(f[i].name, *p))
				return (int)i;
	return -1;
}

static const char *live_cell(MYSQL_ROW row, int col)
{
	return col >= 0 ? row[col] : NULL;
}

/* Store a fact: value NULL means unknown, and detail then says why. */
static void live_fact(struct settings *s, const char *name, const char *value, const char *detail)
{
	struct settings_origin o = { .source = SETTINGS_SRC_LIVE, .detail = detail };
	settings_set(s, name, value, name, &o);
}

/* ---- variables and flavor ----------------------------------------------- */

/* The raw variable called name (any case), or NULL. The rows themselves are not const. */
static struct live_raw_var *live_raw_find(const struct live_target *t, const char *name)
{
	for (size_t i = 0; i < t->nraw; i++)
		if (!ascii_strcasecmp(t->raw[i].name, name))
			return &t->raw[i];
	return NULL;
}

static int live_contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; hay && *hay; hay++) {
		size_t i = 0;
		while (i < n && hay[i] && (hay[i] | 0x20) == (needle[i] | 0x20))
			i++;
		if (i == n)
			return 1;
	}
	return 0;
}

/* Append every name the catalog knows (canonical, aliases, per-flavor spellings) as a SQL list. */
static void live_catalog_names(const struct catalog *c, struct strbuf *sb)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct catalog_var *v = &c->vars[i];
		size_t total = 1 + v->naliases + v->nnames;
		for (size_t k = 0; k < total; k++) {
			const char *name = k == 0 ? v->name : k <= v->naliases ? v->aliases[k - 1]
									  : v->names[k - 1 - v->naliases].name;
			if (!name || !*name || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(name))
				continue;   /* only plain identifiers go into SQL */
			strbuf_addf(sb, "%s'%s'", n++ ? "," : "", name);
		}
	}
	if (!n)
		strbuf_addstr(sb, "''");
}

static void live_raw_add(struct live_run *r, const char *name, const char *value, const char *origin,
			 const char *path)
{
	ARRAY_GROW(r->t->raw, r->t->nraw + 1, r->t->raw_cap);
	struct live_raw_var *v = &r->t->raw[r->t->nraw++];
	v->name = settings_intern(r->s, name);
	v->value = settings_intern(r->s, value ? value : "");
	v->origin = origin ? settings_intern(r->s, origin) : NULL;
	v->path = path && *path ? settings_intern(r->s, path) : NULL;
}

/*
 * MariaDB 10.1+: every value with its origin in one statement,
 * information_schema.SYSTEM_VARIABLES (GLOBAL_VALUE is what SHOW GLOBAL
 * VARIABLES shows; measured identical on 10.11). Returns 0, or -1 when the
 * statement failed without losing the connection (*why set).
 */
static int live_read_system_variables(struct live_run *r, const char *names, char **why)
{
	char *sql = xasprintf("SELECT LOWER(VARIABLE_NAME), GLOBAL_VALUE, GLOBAL_VALUE_ORIGIN, GLOBAL_VALUE_PATH "
			      "FROM information_schema.SYSTEM_VARIABLES WHERE VARIABLE_SCOPE <> 'SESSION ONLY'%s%s%s",
			      names ? " AND VARIABLE_NAME IN (" : "", names ? names : "", names ? ")" : "");
	MYSQL_RES *res = live_query(r, "information_schema.SYSTEM_VARIABLES", sql, NULL, why);
	MYSQL_ROW row;
	free(sql);
	if (!res)
		return -1;
	while ((row = mysql_fetch_row(res)))
		if (row[0])
			live_raw_add(r, row[0], row[1], row[2], row[3]);
	mysql_free_result(res);
	r->origins_known = 1;
	return 0;
}

/*
 * Read the variables: only those the catalog knows (the rules can name no
 * other), or every one for a capture. MariaDB gets values and origins from
 * one statement; otherwise SHOW GLOBAL VARIABLES, and live_read_origins()
 * adds the origins. Returns 0, or -1 when the target cannot be audited.
 */
static int live_read_variables(struct live_run *r)
{
	struct strbuf names = { 0 };
	const char *server = mysql_get_server_info(r->m);
	char *why = NULL, *sql;
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc = -1;

	if (!r->o->all_variables)
		live_catalog_names(r->c, &names);
	if (server && live_contains_ci(server, "mariadb")) {
		if (live_read_system_variables(r, names.buf, &why) == 0) {
			rc = 0;
			goto check;
		}
		if (r->fatal)
			goto out;
		r->origins_why = settings_intern(r->s, why);
		free(why);
		why = NULL;
	}
	sql = names.len ? xasprintf("SHOW GLOBAL VARIABLES WHERE Variable_name IN (%s)", names.buf)
			: xstrdup("SHOW GLOBAL VARIABLES");
	res = live_query(r, "SHOW GLOBAL VARIABLES", sql, NULL, &why);
	free(sql);
	if (!res) {
		if (!r->fatal) {
			r->s->error = settings_intern(r->s, why);
			r->fatal = 1;
		}
		goto out;
	}
	while ((row = mysql_fetch_row(res)))
		if (row[0])
			live_raw_add(r, row[0], row[1], NULL, NULL);
	mysql_free_result(res);
	rc = 0;
check:
	if (!r->t->nraw) {
		r->s->error = settings_intern(r->s, "the server reported no variables");
		r->fatal = 1;
		rc = -1;
	}
out:
	free(why);
	strbuf_release(&names);
	return rc;
}

/* Flavor, version and Galera from the variables (mysql-facts.md D1). */
static void live_detect_flavor(struct live_run *r)
{
	struct settings *s = r->s;
	const struct live_raw_var *ver = live_raw_find(r->t, "version");
	const struct live_raw_var *comment = live_raw_find(r->t, "version_comment");
	const struct live_raw_var *wsrep_on = live_raw_find(r->t, "wsrep_on");
	const struct live_raw_var *provider = live_raw_find(r->t, "wsrep_provider");
	const struct live_raw_var *cluster = live_raw_find(r->t, "wsrep_cluster_name");

	if (!ver || version_parse(&s->version, ver->value) < 0) {
		diag_add(&s->diags, DIAG_WARNING, NULL, 0, "%s: the server reports no usable version; assuming %s %d.%d",
			 s->target, flavor_display(s->flavor), s->version.major, s->version.minor);
		return;
	}
	s->version_detected = 1;
	if (flavor_detect_server(ver->value, comment ? comment->value : NULL, &s->flavor, &s->variant))
		s->flavor = FLAVOR_MYSQL;
	s->flavor_source = "server";
	if (wsrep_on && !ascii_strcasecmp(wsrep_on->value, "ON") && provider && *provider->value &&
	    ascii_strcasecmp(provider->value, "none") && cluster && *cluster->value) {
		s->cluster = settings_intern(s, cluster->value);
		s->variant = FLAVOR_VARIANT_GALERA;
	}
}

/* ---- value origins ------------------------------------------------------ */

/*
 * How a server's origin token reads in a report, and whether it was set at
 * runtime. With a path the detail is prefix + path + suffix, else prefix.
 */
static const struct live_origin_kind {
	const char *token;
	const char *prefix;
	int with_path;
	const char *suffix;
	int runtime;              /* set with SET GLOBAL: lost on restart */
} live_origin_kinds[] = {
	/* MariaDB information_schema.SYSTEM_VARIABLES.GLOBAL_VALUE_ORIGIN */
	{ "COMPILE-TIME", "live, compiled default", 0, "", 0 },
	{ "CONFIG", "live, from ", 1, "", 0 },
	{ "COMMAND-LINE", "live, from the command line", 0, "", 0 },
	{ "AUTO", "live, set automatically by the server", 0, "", 0 },
	{ "ENVIRONMENT", "live, from the environment", 0, "", 0 },
	{ "SQL", "live, set at runtime (SET GLOBAL): lost on restart", 0, "", 1 },
	/* MySQL performance_schema.variables_info.VARIABLE_SOURCE */
	{ "COMPILED", "live, compiled default", 0, "", 0 },
	{ "GLOBAL", "live, from ", 1, "", 0 },
	{ "SERVER", "live, from ", 1, "", 0 },
	{ "EXPLICIT", "live, from ", 1, "", 0 },
	{ "EXTRA", "live, from ", 1, "", 0 },
	{ "USER", "live, from ", 1, "", 0 },
	{ "LOGIN", "live, from ", 1, "", 0 },
	{ "COMMAND_LINE", "live, from the command line", 0, "", 0 },
	{ "PERSISTED", "live, persisted in ", 1, " (SET PERSIST)", 0 },
	{ "DYNAMIC", "live, set at runtime (SET GLOBAL): lost on restart", 0, "", 1 },
};

static const struct live_origin_kind *live_origin_kind(const char *token)
{
	for (size_t i = 0; token && i < ARRAY_SIZE(live_origin_kinds); i++)
		if (!ascii_strcasecmp(token, live_origin_kinds[i].token))
			return &live_origin_kinds[i];
	return NULL;
}

/* Fill raw[].origin/path from an origin query: columns name, token, path. */
static void live_store_origins(struct live_run *r, MYSQL_RES *res)
{
	MYSQL_ROW row;
	size_t rows = 0, at;
	struct strmap names;   /* hashed: a linear live_raw_find() per row was quadratic */
	strmap_init(&names, 1);
	for (size_t i = 0; i < r->t->nraw; i++)
		if (strmap_get(&names, r->t->raw[i].name, &at) < 0)   /* the first of a name, as live_raw_find() */
			strmap_put(&names, r->t->raw[i].name, i);
	while ((row = mysql_fetch_row(res))) {
		struct live_raw_var *v;
		if (!row[0] || strmap_get(&names, row[0], &at) < 0)
			continue;
		v = &r->t->raw[at];
		v->origin = row[1] ? settings_intern(r->s, row[1]) : NULL;
		v->path = row[2] && *row[2] ? settings_intern(r->s, row[2]) : NULL;
		rows++;
	}
	strmap_release(&names);
	r->origins_known = rows > 0;
	if (!rows)
		r->origins_why = "the server returned no value origins (performance_schema disabled?)";
}

/* MySQL 8.0+: persisted values, so that SET PERSIST is not a runtime-only change. */
static void live_read_persisted(struct live_run *r, struct strbuf *persisted)
{
	char *why;
	MYSQL_RES *res = live_query(r, "performance_schema.persisted_variables",
				    "SELECT VARIABLE_NAME, VARIABLE_VALUE FROM performance_schema.persisted_variables",
				    "SELECT on performance_schema.persisted_variables", &why);
	MYSQL_ROW row;
	if (!res) {
		free(why);
		return;
	}
	/* "\n" name "\t" value "\n" entries, searched with strstr. */
	strbuf_addch(persisted, '\n');
	while ((row = mysql_fetch_row(res)))
		if (row[0])
			strbuf_addf(persisted, "%s\t%s\n", row[0], row[1] ? row[1] : "");
	mysql_free_result(res);
}

/*
 * MySQL 8.0+: the persisted_drift fact (persisted.h) from the rows
 * live_read_persisted() kept, once the running values are stored. Unknown
 * (NULL) when they could not be read; not set where nothing is persisted
 * (MariaDB, MySQL before 8.0).
 */
static void live_persisted_drift(struct live_run *r, const struct strbuf *persisted)
{
	static const struct version v80 = { 8, 0, 0 };
	struct settings *s = r->s;
	if (!flavor_is_mysql_family(s->flavor) || version_cmp(&s->version, &v80) < 0)
		return;
	if (!persisted->len) {
		struct settings_origin o = { .source = SETTINGS_SRC_LIVE,
					     .detail = r->origins_why ? r->origins_why
								      : "performance_schema.persisted_variables could not be read" };
		settings_set(s, PERSISTED_FACT_DRIFT, NULL, PERSISTED_FACT_DRIFT, &o);
		return;
	}
	char *copy = xstrdup(persisted->buf);
	const char **names = NULL, **values = NULL;
	size_t n = 0, cap = 0, vcap = 0;
	for (char *line = copy + 1, *next; *line; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		ARRAY_GROW(names, n + 1, cap);
		ARRAY_GROW(values, n + 1, vcap);
		names[n] = line;
		values[n++] = tab + 1;
	}
	persisted_live_drift(s, names, values, n, r->c);
	free(names);
	free(values);
	free(copy);
}

static int live_is_persisted(const struct strbuf *persisted, const char *name, const char *value)
{
	if (!persisted->len)
		return 0;
	char *key = xasprintf("\n%s\t%s\n", name, value);
	int found = strstr(persisted->buf, key) != NULL;
	free(key);
	return found;
}

static void live_read_origins(struct live_run *r, struct strbuf *persisted)
{
	struct settings *s = r->s;
	static const struct version mysql80 = { 8, 0, 0 };
	MYSQL_RES *res = NULL;
	char *why = NULL;

	if (r->origins_known || s->flavor == FLAVOR_MARIADB)
		return;   /* MariaDB: read with the values, or r->origins_why says why not */
	if (version_cmp(&s->version, &mysql80) >= 0) {
		struct strbuf sql = { 0 };
		strbuf_addstr(&sql, "SELECT VARIABLE_NAME, VARIABLE_SOURCE, VARIABLE_PATH "
				    "FROM performance_schema.variables_info");
		if (!r->o->all_variables) {
			strbuf_addstr(&sql, " WHERE VARIABLE_NAME IN (");
			live_catalog_names(r->c, &sql);
			strbuf_addch(&sql, ')');
		}
		res = live_query(r, "performance_schema.variables_info", sql.buf,
				 "SELECT on performance_schema.variables_info", &why);
		strbuf_release(&sql);
		if (res)
			live_read_persisted(r, persisted);
	} else {
		char v[32];
		why = xasprintf("%s %s does not record where a value came from (give --config FILE to compare)",
				flavor_display(s->flavor), version_format(&s->version, v, sizeof(v)));
	}
	if (res) {
		live_store_origins(r, res);
		mysql_free_result(res);
	} else if (why) {
		r->origins_why = settings_intern(s, why);
	}
	free(why);
}

/* ---- variables into the settings model ---------------------------------- */

static const char *live_value_detail(struct live_run *r, const struct live_raw_var *v,
				     const char *canonical, const char *value,
				     const struct strbuf *persisted, int *runtime)
{
	const struct live_origin_kind *k = live_origin_kind(v->origin);
	*runtime = 0;
	if (!k)
		return v->origin ? arena_printf(&r->s->arena, "live, origin %s", v->origin) : "live";
	if (k->runtime) {
		if (live_is_persisted(persisted, v->name, value) ||
		    live_is_persisted(persisted, canonical, value))
			return "live, set with SET PERSIST";
		*runtime = 1;
	}
	if (k->with_path)
		return arena_printf(&r->s->arena, "%s%s%s", k->prefix, v->path ? v->path : "an option file",
				    k->suffix);
	return k->prefix;
}

/*
 * Store every variable the catalog knows under its canonical name. When the
 * server shows a variable under several names (8.0.26+: log_slave_updates
 * and log_replica_updates), the row spelled like the canonical name wins.
 * Builds runtime_only_changes on the way.
 */
static void live_store_variables(struct live_run *r, const struct strbuf *persisted)
{
	const struct catalog *c = r->c;
	struct settings *s = r->s;
	size_t *pick = xmalloc((c->n ? c->n : 1) * sizeof(*pick));
	struct strbuf changed = { 0 };

	for (size_t i = 0; i < c->n; i++)
		pick[i] = (size_t)-1;
	for (size_t i = 0; i < r->t->nraw; i++) {
		const struct catalog_var *cv = catalog_lookup(c, r->t->raw[i].name);
		if (!cv)
			continue;
		size_t k = (size_t)(cv - c->vars);
		if (pick[k] == (size_t)-1 || !optname_cmp(r->t->raw[i].name, cv->name))
			pick[k] = i;
	}
	for (size_t k = 0; k < c->n; k++) {
		if (pick[k] == (size_t)-1)
			continue;
		const struct catalog_var *cv = &c->vars[k];
		const struct live_raw_var *v = &r->t->raw[pick[k]];
		char *norm = NULL;
		const char *why = NULL;
		const char *value = v->value;
		int runtime;
		if (catalog_check_value(cv, s->flavor, v->value, &norm, &why) == CATALOG_VALUE_OK && norm)
			value = norm;
		const char *detail = r->origins_known ? live_value_detail(r, v, cv->name, v->value, persisted, &runtime)
						      : "live";
		if (!r->origins_known)
			runtime = 0;
		struct settings_origin o = { .source = SETTINGS_SRC_LIVE, .detail = detail };
		settings_set(s, cv->name, value, v->name, &o);
		if (runtime && cv->crash_safety) {
			if (changed.len)
				strbuf_addstr(&changed, ", ");
			strbuf_addf(&changed, "%s=%s", cv->name, value);
		}
		free(norm);
	}
	free(pick);

	if (r->origins_known)
		live_fact(s, "runtime_only_changes", changed.buf ? changed.buf : "",
			  changed.len ? "live: set with SET GLOBAL; the next restart undoes it"
				      : "live: no crash-safety setting was changed at runtime");
	else
		live_fact(s, "runtime_only_changes", NULL, r->origins_why ? r->origins_why : "value origins unknown");
	strbuf_release(&changed);
}

/* ---- replication channels ----------------------------------------------- */

static const char *const col_connection[] = { "Connection_name", "Channel_Name", "CHANNEL_NAME", NULL };
static const char *const col_using_gtid[] = { "Using_Gtid", NULL };
static const char *const col_auto_position[] = { "Auto_Position", "AUTO_POSITION", NULL };
static const char *const col_io[] = { "Replica_IO_Running", "Slave_IO_Running", NULL };
static const char *const col_sql[] = { "Replica_SQL_Running", "Slave_SQL_Running", NULL };
static const char *const col_host[] = { "Source_Host", "Master_Host", "HOST", NULL };
static const char *const col_port[] = { "Source_Port", "Master_Port", "PORT", NULL };

static int live_channel_ignored(const char *name)
{
	return name && (!strcmp(name, "group_replication_applier") ||
			!strcmp(name, "group_replication_recovery"));
}

static struct settings_channel *live_channel_get(struct settings *s, const char *name)
{
	for (size_t i = 0; i < s->nchannels; i++)
		if (!strcmp(s->channels[i].name, name))
			return &s->channels[i];
	return settings_add_channel(s, name);
}

/* Merge one channel result set into s->channels, addressing columns by name. */
static size_t live_store_channels(struct live_run *r, MYSQL_RES *res)
{
	struct settings *s = r->s;
	int cn = live_column(res, col_connection), cg = live_column(res, col_using_gtid);
	int ca = live_column(res, col_auto_position), ci = live_column(res, col_io);
	int cs = live_column(res, col_sql), ch = live_column(res, col_host), cp = live_column(res, col_port);
	MYSQL_ROW row;
	size_t n = 0;
	while ((row = mysql_fetch_row(res))) {
		const char *name = live_cell(row, cn);
		struct settings_channel *ch_;
		if (!name)
			name = "";
		if (live_channel_ignored(name))
			continue;
		ch_ = live_channel_get(s, name);
		if (live_cell(row, cg))
			ch_->using_gtid = settings_intern(s, row[cg]);
		if (live_cell(row, ca))
			ch_->auto_position = settings_intern(s, row[ca]);
		if (live_cell(row, ci))
			ch_->io_running = settings_intern(s, row[ci]);
		if (live_cell(row, cs))
			ch_->sql_running = settings_intern(s, row[cs]);
		if (live_cell(row, ch) && !ch_->source_host)
			ch_->source_host = settings_intern(s, row[ch]);
		if (live_cell(row, cp) && !ch_->source_port)
			ch_->source_port = (unsigned)strtoul(row[cp], NULL, 10);
		n++;
	}
	return n;
}

static void live_read_channels(struct live_run *r)
{
	struct settings *s = r->s;
	static const struct version v57 = { 5, 7, 0 }, v8022 = { 8, 0, 22 };
	char *why = NULL, *why2 = NULL;
	MYSQL_RES *res;
	const char *reason = NULL;

	if (s->flavor == FLAVOR_MARIADB) {
		static const struct version v1059 = { 10, 5, 9 }, v1052 = { 10, 5, 2 };
		const char *needs = version_cmp(&s->version, &v1059) >= 0 ? "SLAVE MONITOR"
				    : version_cmp(&s->version, &v1052) >= 0 ? "REPLICATION SLAVE ADMIN"
									    : "REPLICATION CLIENT";
		res = live_query(r, "SHOW ALL SLAVES STATUS", "SHOW ALL SLAVES STATUS", needs, &why);
		if (res) {
			live_store_channels(r, res);
			mysql_free_result(res);
			s->channels_known = 1;
		} else {
			reason = why;
		}
	} else {
		const char *status = version_cmp(&s->version, &v8022) >= 0 ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
		int known = 0;
		if (version_cmp(&s->version, &v57) >= 0) {
			res = live_query(r, "performance_schema.replication_connection_configuration",
					 "SELECT CHANNEL_NAME, HOST, PORT, AUTO_POSITION "
					 "FROM performance_schema.replication_connection_configuration",
					 "SELECT on performance_schema.replication_connection_configuration", &why);
			if (res) {
				live_store_channels(r, res);
				mysql_free_result(res);
				known = 1;
			}
		}
		if (!r->fatal) {
			res = live_query(r, status, status, "REPLICATION CLIENT", &why2);
			if (res) {
				live_store_channels(r, res);
				mysql_free_result(res);
				known = 1;
			}
		}
		s->channels_known = known;
		if (!known)
			reason = why ? why : why2;
	}
	if (r->fatal)
		goto out;
	if (s->channels_known) {
		char n[32];
		snprintf(n, sizeof(n), "%zu", s->nchannels);
		live_fact(s, "replication_channels", n, "live");
	} else {
		live_fact(s, "replication_channels", NULL, reason ? reason : "replication channels unknown");
	}
out:
	free(why);
	free(why2);
}

/* ---- metadata table engines --------------------------------------------- */

/* The tables that must be InnoDB, per flavor, from the version they exist in. */
static const struct live_meta_table {
	int mariadb;               /* 1: MariaDB, 0: MySQL and Percona */
	const char *name;
	struct version from;
	int required;              /* its row must be visible (else the fact is unknown) */
} live_meta_tables[] = {
	{ 1, "gtid_slave_pos", { 10, 0, 2 }, 1 },
	{ 0, "slave_relay_log_info", { 5, 6, 2 }, 1 },
	{ 0, "slave_worker_info", { 5, 6, 2 }, 1 },
	{ 0, "gtid_executed", { 5, 7, 5 }, 1 },
	{ 0, "slave_master_info", { 5, 6, 2 }, 0 },
};

/* Engines that keep a position row in the same transaction as the data. */
static int live_engine_transactional(const char *engine)
{
	static const char *const ok[] = { "InnoDB", "RocksDB", "TokuDB" };
	for (size_t i = 0; engine && i < ARRAY_SIZE(ok); i++)
		if (!ascii_strcasecmp(engine, ok[i]))
			return 1;
	return 0;
}

static void live_read_engines(struct live_run *r)
{
	struct settings *s = r->s;
	int mariadb = s->flavor == FLAVOR_MARIADB;
	char *why = NULL;
	MYSQL_RES *res = live_query(r, "information_schema.TABLES",
				    "SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES "
				    "WHERE TABLE_SCHEMA = 'mysql' AND (TABLE_NAME IN ('slave_relay_log_info', "
				    "'slave_worker_info', 'slave_master_info', 'gtid_executed') "
				    "OR TABLE_NAME LIKE 'gtid!_slave!_pos%' ESCAPE '!') ORDER BY TABLE_NAME",
				    NULL, &why);
	struct strbuf list = { 0 }, missing = { 0 }, needs = { 0 };
	int seen[ARRAY_SIZE(live_meta_tables)] = { 0 };
	int bad = 0;
	MYSQL_ROW row;

	if (!res) {
		if (!r->fatal)
			live_fact(s, "metadata_tables_innodb", NULL, why);
		free(why);
		return;
	}
	while ((row = mysql_fetch_row(res))) {
		const char *name = row[0], *engine = row[1] ? row[1] : "none";
		int relevant = 0, extra = 0;
		if (!name)
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(live_meta_tables); i++) {
			if (live_meta_tables[i].mariadb == mariadb && !strcmp(live_meta_tables[i].name, name)) {
				relevant = 1;
				seen[i] = 1;
			}
		}
		/* gtid_pos_auto_engines' per-engine tables: any transactional engine will do. */
		if (mariadb && !relevant && !strncmp(name, "gtid_slave_pos_", 15))
			relevant = extra = 1;
		if (!relevant)
			continue;
		if (extra ? !live_engine_transactional(engine) : ascii_strcasecmp(engine, "InnoDB"))
			bad = 1;
		strbuf_addf(&list, "%smysql.%s=%s", list.len ? ", " : "", name, engine);
	}
	mysql_free_result(res);
	for (size_t i = 0; i < ARRAY_SIZE(live_meta_tables); i++) {
		const struct live_meta_table *m = &live_meta_tables[i];
		if (m->mariadb != mariadb || !m->required || version_cmp(&s->version, &m->from) < 0)
			continue;
		strbuf_addf(&needs, "%smysql.%s", needs.len ? ", " : "", m->name);
		if (!seen[i])
			strbuf_addf(&missing, "%smysql.%s", missing.len ? ", " : "", m->name);
	}

	/* One table on the wrong engine decides; a row we could not see leaves it unknown. */
	if (bad) {
		live_fact(s, "metadata_tables_innodb", "OFF", arena_printf(&s->arena, "live: %s", list.buf));
	} else if (missing.len) {
		const char *detail = arena_printf(&s->arena,
						  "information_schema.TABLES shows no %s (needs SELECT on %s)",
						  missing.buf, needs.buf);
		live_fact(s, "metadata_tables_innodb", NULL, detail);
		diag_add(&s->diags, DIAG_WARNING, NULL, 0, "%s: %s", s->target, detail);
	} else {
		live_fact(s, "metadata_tables_innodb", "ON", arena_printf(&s->arena, "live: %s", list.buf));
	}
	strbuf_release(&list);
	strbuf_release(&missing);
	strbuf_release(&needs);
}

/* ---- connecting --------------------------------------------------------- */

/*
 * Set the connection options on m. force_tls asks for TLS without
 * verification whatever --ssl-mode says (used only to diagnose a refusal).
 */
static int live_set_options(MYSQL *m, const struct live_conn *o, int force_tls)
{
	unsigned ct = live_timeout(o->connect_timeout, LIVE_DEFAULT_CONNECT_TIMEOUT);
	unsigned rt = live_timeout(o->read_timeout, LIVE_DEFAULT_READ_TIMEOUT);
	unsigned wt = live_timeout(o->write_timeout, LIVE_DEFAULT_WRITE_TIMEOUT);
	enum live_ssl_mode mode = force_tls ? LIVE_SSL_REQUIRED : o->ssl_mode;
	int rc = 0;

	rc |= mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
	rc |= mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &rt);
	rc |= mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &wt);
	if (o->defaults_file || o->defaults_extra_file)
		rc |= mysql_options(m, MYSQL_READ_DEFAULT_FILE,
				    o->defaults_file ? o->defaults_file : o->defaults_extra_file);
	if (!o->no_defaults)
		rc |= mysql_options(m, MYSQL_READ_DEFAULT_GROUP, "client");
	if (mode != LIVE_SSL_DISABLED) {
		if (o->ssl_ca)
			rc |= mysql_options(m, MYSQL_OPT_SSL_CA, o->ssl_ca);
		if (o->ssl_capath)
			rc |= mysql_options(m, MYSQL_OPT_SSL_CAPATH, o->ssl_capath);
		if (o->ssl_cert)
			rc |= mysql_options(m, MYSQL_OPT_SSL_CERT, o->ssl_cert);
		if (o->ssl_key)
			rc |= mysql_options(m, MYSQL_OPT_SSL_KEY, o->ssl_key);
	}
#if defined(MARIADB_PACKAGE_VERSION) || defined(MARIADB_BASE_VERSION)
	/*
	 * MariaDB Connector/C 3.3 has no ssl-mode (measured, docs/live.md):
	 * MYSQL_OPT_SSL_ENFORCE uses TLS when the server offers it and quietly
	 * goes on without it otherwise, so it is PREFERRED, and REQUIRED is that
	 * plus a check after connecting (live_connect); certificate verification
	 * (VERIFY_*) refuses a server without TLS and also checks the host name.
	 * Setting an --ssl-* file alone also turns TLS on, as in the mysql client.
	 */
	{
		my_bool on = 1;
		switch (mode) {
		case LIVE_SSL_VERIFY_CA:
		case LIVE_SSL_VERIFY_IDENTITY:
			rc |= mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
			/* fall through */
		case LIVE_SSL_REQUIRED:
		case LIVE_SSL_PREFERRED:
			rc |= mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &on);
			break;
		case LIVE_SSL_DEFAULT:
		case LIVE_SSL_DISABLED:
			break;
		}
	}
#else
	/* Oracle's libmysqlclient (5.7.11+): MYSQL_OPT_SSL_MODE takes the mode itself. */
	if (mode != LIVE_SSL_DEFAULT) {
		static const unsigned modes[] = {
			[LIVE_SSL_DEFAULT] = SSL_MODE_PREFERRED,
			[LIVE_SSL_DISABLED] = SSL_MODE_DISABLED,
			[LIVE_SSL_PREFERRED] = SSL_MODE_PREFERRED,
			[LIVE_SSL_REQUIRED] = SSL_MODE_REQUIRED,
			[LIVE_SSL_VERIFY_CA] = SSL_MODE_VERIFY_CA,
			[LIVE_SSL_VERIFY_IDENTITY] = SSL_MODE_VERIFY_IDENTITY,
		};
		unsigned ssl_mode = modes[mode];
		rc |= mysql_options(m, MYSQL_OPT_SSL_MODE, &ssl_mode);
	}
#endif
	return rc ? -1 : 0;
}

/*
 * MariaDB answers a plain login to a server with require_secure_transport=ON
 * with "Access denied" (1045), as if the password were wrong. When TLS was
 * not in use and the server offers it, try once more over TLS: if that
 * login works, the server demands TLS. Returns 1 when it does.
 */
static int live_tls_demanded(struct live_run *r, const char *host, unsigned port, const char *sock)
{
	MYSQL *m;
	int demanded = 0;
	if (mysql_errno(r->m) != LIVE_ER_ACCESS_DENIED || mysql_get_ssl_cipher(r->m) ||
	    !(r->m->server_capabilities & CLIENT_SSL) || (r->o->ssl_mode >= LIVE_SSL_REQUIRED))
		return 0;
	if (!(m = mysql_init(NULL)))
		return 0;
	if (live_set_options(m, r->o, 1) == 0 &&
	    mysql_real_connect(m, host, r->o->user, r->o->password, NULL, port, sock, 0) &&
	    mysql_get_ssl_cipher(m))
		demanded = 1;
	mysql_close(m);
	return demanded;
}

static int live_connect(struct live_run *r)
{
	char *host = NULL;
	unsigned port = 0;
	const char *why = NULL;
	const char *sock = NULL;
	int rc = -1;

	if (live_parse_host(r->t->spec, &host, &port, &why) < 0) {
		r->s->error = arena_printf(&r->s->arena, "bad target '%s': %s", r->t->spec, why);
		return -1;
	}
	if (!host || !strcmp(host, "localhost"))
		sock = r->o->socket;
	if (live_set_options(r->m, r->o, 0) < 0) {
		r->s->error = settings_intern(r->s, "cannot set the connection options");
		goto out;
	}
	r->started = live_now();
	if (!mysql_real_connect(r->m, host, r->o->user, r->o->password, NULL, port, sock, 0)) {
		if (live_tls_demanded(r, host, port, sock)) {
			r->s->error = arena_printf(&r->s->arena,
						   "cannot connect: the server requires TLS (require_secure_transport=ON) "
						   "and TLS was not configured: use --ssl-mode=REQUIRED, or VERIFY_CA with "
						   "--ssl-ca (a plain login is answered with: %s (error %u))",
						   mysql_error(r->m), mysql_errno(r->m));
			r->fatal = 1;
			goto out;
		}
		live_fail(r, NULL, live_timeout(r->o->connect_timeout, LIVE_DEFAULT_CONNECT_TIMEOUT),
			  "--connect-timeout");
		goto out;
	}
	if (r->o->ssl_mode >= LIVE_SSL_REQUIRED && !mysql_get_ssl_cipher(r->m)) {
		r->s->error = settings_intern(r->s, "cannot connect: --ssl-mode requires TLS and the server "
						    "does not offer it (have_ssl is not YES)");
		r->fatal = 1;
		goto out;
	}
	rc = 0;
out:
	free(host);
	return rc;
}

int live_collect(struct live_target *t, const struct live_conn *o, const struct catalog *c)
{
	struct live_run r = { .t = t, .s = t->s, .o = t->conn ? t->conn : o, .c = c };
	struct strbuf persisted = { 0 };
	double t0 = live_now();
	int rc = -1;

	t->s->kind = settings_intern(t->s, "live");
	if (t->s->error)
		return -1;   /* the caller already knows it cannot be audited (an unreadable defaults_file) */
	r.m = mysql_init(NULL);
	if (!r.m) {
		t->s->error = settings_intern(t->s, "cannot initialise the client library (out of memory?)");
		goto done;
	}
	if (live_connect(&r) < 0 || live_read_variables(&r) < 0)
		goto out;
	live_detect_flavor(&r);
	live_read_origins(&r, &persisted);
	if (r.fatal)
		goto out;
	live_store_variables(&r, &persisted);
	live_persisted_drift(&r, &persisted);
	live_read_channels(&r);
	if (r.fatal)
		goto out;
	live_read_engines(&r);
	if (r.fatal)
		goto out;
	if (!t->role_given && t->s->channels_known) {
		t->s->role = t->s->nchannels ? ROLE_REPLICA : ROLE_PRIMARY;
		t->s->role_detected = 1;
	}
	rc = 0;
out:
	mysql_close(r.m);
done:
	strbuf_release(&persisted);
	t->seconds = live_now() - t0;
	if (rc < 0 && !t->s->error)
		t->s->error = settings_intern(t->s, "could not be audited");
	return rc;
}

/* ---- many targets at once ----------------------------------------------- */

struct live_pool {
	struct live_target *t;
	size_t n;
	const struct live_conn *o;
	const struct catalog *c;
	pthread_mutex_t mu;
	size_t next;
	size_t failed;
	void (*tick)(void *ctx, int failed);   /* added (issue 11): progress, once per target */
	void *tick_ctx;
};

static void *live_worker(void *arg)
{
	struct live_pool *p = arg;
	mysql_thread_init();
	for (;;) {
		size_t i;
		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->n)
			break;
		int bad = live_collect(&p->t[i], p->o, p->c) < 0;
		if (bad) {
			pthread_mutex_lock(&p->mu);
			p->failed++;
			pthread_mutex_unlock(&p->mu);
		}
		if (p->tick)
			p->tick(p->tick_ctx, bad);
	}
	mysql_thread_end();
	return NULL;
}

size_t live_collect_all(struct live_target *t, size_t n, const struct live_conn *o,
			const struct catalog *c, unsigned workers)
{
	return live_collect_all_tick(t, n, o, c, workers, NULL, NULL);
}

size_t live_collect_all_tick(struct live_target *t, size_t n, const struct live_conn *o, const struct catalog *c,
			     unsigned workers, void (*tick)(void *ctx, int failed), void *tick_ctx)
{
	struct live_pool p = { .t = t, .n = n, .o = o, .c = c, .tick = tick, .tick_ctx = tick_ctx };
	pthread_t *threads;
	size_t started = 0;

	if (!workers)
		workers = 32;
	if (workers > n)
		workers = (unsigned)n;
	if (workers <= 1) {
		for (size_t i = 0; i < n; i++) {
			int bad = live_collect(&t[i], o, c) < 0;
			p.failed += (size_t)bad;
			if (tick)
				tick(tick_ctx, bad);
		}
		return p.failed;
	}
	pthread_mutex_init(&p.mu, NULL);
	threads = xcalloc(workers, sizeof(*threads));
	for (unsigned i = 0; i < workers; i++)
		if (pthread_create(&threads[started], NULL, live_worker, &p) == 0)
			started++;
	if (!started)
		live_worker(&p);   /* no thread could start: do the work here */
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	pthread_mutex_destroy(&p.mu);
	return p.failed;
}

/* ---- option file comparison --------------------------------------------- */

static int live_values_equal(const struct catalog_var *cv, enum flavor f, const char *a, const char *b)
{
	char *na = NULL, *nb = NULL;
	const char *why;
	int eq;
	if (cv && catalog_check_value(cv, f, a, &na, &why) == CATALOG_VALUE_OK && na)
		a = na;
	if (cv && catalog_check_value(cv, f, b, &nb, &why) == CATALOG_VALUE_OK && nb)
		b = nb;
	eq = !ascii_strcasecmp(a, b);
	free(na);
	free(nb);
	return eq;
}

int live_compare_config(struct live_target *t, const struct settings *file, const struct catalog *c)
{
	struct settings *s = t->s;
	struct strbuf drift = { 0 }, kept = { 0 };
	const struct settings_var *roc;

	if (s->error)
		return 0;
	for (size_t i = 0; i < file->n; i++) {
		const struct settings_var *fv = &file->vars[i];
		const struct settings_var *lv;
		const struct catalog_var *cv;
		if (fv->current.origin.source != SETTINGS_SRC_FILE || !fv->current.value)
			continue;
		if (!(cv = catalog_lookup(c, fv->name)) || !(lv = settings_get(s, cv->name)) || !lv->current.value)
			continue;
		if (live_values_equal(cv, s->flavor, lv->current.value, fv->current.value))
			continue;
		char *where = settings_origin_describe(&fv->current.origin);
		strbuf_addf(&drift, "%s%s: running %s, option file %s at %s", drift.len ? "; " : "", cv->name,
			    lv->current.value, fv->current.value, where);
		free(where);
	}
	live_fact(s, "config_drift", drift.buf ? drift.buf : "",
		  drift.len ? "live value differs from the option file" : "live values match the option file");

	/* A runtime change the option file also makes survives a restart. */
	roc = settings_get(s, "runtime_only_changes");
	if (roc && roc->current.value && *roc->current.value) {
		char *list = xstrdup(roc->current.value);
		char *p = list;
		while (p && *p) {
			char *next = strstr(p, ", ");
			if (next) {
				*next = '\0';
				next += 2;
			}
			char *eq = strchr(p, '=');
			const struct settings_var *fv = NULL;
			if (eq) {
				*eq = '\0';
				fv = settings_get(file, p);
			}
			if (!(fv && fv->current.origin.source == SETTINGS_SRC_FILE && fv->current.value &&
			      live_values_equal(catalog_lookup(c, p), s->flavor, eq + 1, fv->current.value))) {
				if (eq)
					*eq = '=';
				strbuf_addf(&kept, "%s%s", kept.len ? ", " : "", p);
			}
			p = next;
		}
		free(list);
		live_fact(s, "runtime_only_changes", kept.buf ? kept.buf : "",
			  kept.len ? "live: set with SET GLOBAL and not in the option file; the next restart undoes it"
				   : "live: runtime changes match the option file");
	}
	strbuf_release(&drift);
	strbuf_release(&kept);
	return 0;
}

/* ---- capture ------------------------------------------------------------ */

/* Write s the way `mysql -NB` escapes a field: \\ \t \n \0. */
static void live_capture_field(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\': fputs("\\\\", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		default: fputc(*s, fp); break;
		}
	}
}

static const char *const live_fact_names[] = {
	"metadata_tables_innodb",
	"runtime_only_changes",
	"config_drift",
	"replication_channels",
};

static int live_capture_body(void *ctx, void *fpv)
{
	const struct live_target *t = ctx;
	const struct settings *s = t->s;
	FILE *fp = fpv;

	fputs("# crashsafe capture 1\n# target ", fp);
	live_capture_field(fp, s->target);
	fprintf(fp, "\n# role %s\n", role_name(s->role));
	for (size_t i = 0; i < ARRAY_SIZE(live_fact_names); i++) {
		const struct settings_var *v = settings_get(s, live_fact_names[i]);
		if (!v)
			continue;
		/* An unknown fact stays unknown: readers take "# unknown" lines as comments. */
		fprintf(fp, "# %s %s\t", v->current.value ? "fact" : "unknown", v->name);
		live_capture_field(fp, v->current.value ? v->current.value
					: v->current.origin.detail ? v->current.origin.detail : "");
		fputc('\n', fp);
	}
	for (size_t i = 0; i < t->nraw; i++) {
		const struct live_raw_var *v = &t->raw[i];
		if (!v->origin)
			continue;
		fputs("# origin ", fp);
		live_capture_field(fp, v->name);
		fputc('\t', fp);
		live_capture_field(fp, v->origin);
		if (v->path) {
			fputc('\t', fp);
			live_capture_field(fp, v->path);
		}
		fputc('\n', fp);
	}
	for (size_t i = 0; s->channels_known && i < s->nchannels; i++) {
		const struct settings_channel *ch = &s->channels[i];
		const struct {
			const char *key, *value;
		} kv[] = {
			{ "auto_position", ch->auto_position },
			{ "using_gtid", ch->using_gtid },
			{ "io_running", ch->io_running },
			{ "sql_running", ch->sql_running },
			{ "source_host", ch->source_host },
		};
		fputs("# channel ", fp);
		live_capture_field(fp, ch->name);
		for (size_t k = 0; k < ARRAY_SIZE(kv); k++) {
			if (!kv[k].value)
				continue;
			fprintf(fp, "\t%s=", kv[k].key);
			live_capture_field(fp, kv[k].value);
		}
		if (ch->source_port)
			fprintf(fp, "\tsource_port=%u", ch->source_port);
		fputc('\n', fp);
	}
	for (size_t i = 0; i < t->nraw; i++) {
		live_capture_field(fp, t->raw[i].name);
		fputc('\t', fp);
		live_capture_field(fp, secret_shown(t->raw[i].name, t->raw[i].value));   /* secret.h */
		fputc('\n', fp);
	}
	return ferror(fp) ? -1 : 0;
}

int live_capture_write(const struct live_target *t, const char *path)
{
	if (t->s->error || !t->nraw) {
		errno = EINVAL;
		return -1;
	}
	/* 0600: a capture names hosts and holds every setting (util.h: the safe-write rules). */
	return write_file_atomic(path, 0600, live_capture_body, (void *)(uintptr_t)t);
}
