/*
 * live.c - the live collector's readers (see live.h): which statements one
 * target gets, chosen by flavor and version, and the reading of each
 * answer into the settings model with its live origin. Nothing here talks
 * to a server: the transport (live_loop.c) sends the statements and hands
 * the answers over as struct live_result, after which every answer is
 * checked for its shape before a row is read.
 */
#include "live.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "expr.h"
#include "persisted.h"
#include "secret.h"
#include "banned.h"

/* Server error codes that mean "not allowed" (mysqld_error.h). */
static const unsigned live_denied_codes[] = {
	1044,   /* ER_DBACCESS_DENIED_ERROR */
	1045,   /* ER_ACCESS_DENIED_ERROR */
	1142,   /* ER_TABLEACCESS_DENIED_ERROR */
	1143,   /* ER_COLUMNACCESS_DENIED_ERROR */
	1227,   /* ER_SPECIFIC_ACCESS_DENIED_ERROR */
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

unsigned live_target_timeout(const struct live_conn *o)
{
	unsigned ct = o->connect_timeout ? o->connect_timeout : LIVE_DEFAULT_CONNECT_TIMEOUT;
	unsigned rt = o->read_timeout ? o->read_timeout : LIVE_DEFAULT_READ_TIMEOUT;
	return o->target_timeout ? o->target_timeout : ct + 2 * rt;
}

/* ---- target specs ------------------------------------------------------- */

/* "3306": 1 to 5 digits, 1 to 65535, nothing else. Returns the port or 0. */
static unsigned live_parse_port(const char *s)
{
	size_t n = strspn(s, "0123456789");
	unsigned long p = 0;
	if (n == 0 || n > 5 || s[n])
		return 0;
	for (size_t i = 0; i < n; i++)
		p = p * 10 + (unsigned long)(s[i] - '0');
	return p <= 65535 ? (unsigned)p : 0;
}

/* A host name or address has no blank and no control character. */
static int live_host_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f)
			return 0;
	return 1;
}

/* Whether spec is an IPv6 address (inet_pton), with or without a %zone (fe80::1%eth0). */
static int live_ipv6_literal(const char *spec)
{
	struct in6_addr a6;
	char addr[INET6_ADDRSTRLEN + 1];
	size_t len = strcspn(spec, "%");
	if (len >= sizeof(addr))
		return 0;
	memcpy(addr, spec, len);
	addr[len] = '\0';
	return inet_pton(AF_INET6, addr, &a6) == 1;
}

int live_parse_host(const char *spec, char **host, unsigned *port, const char **why)
{
	const char *colon, *name;
	size_t len;
	*host = NULL;
	*port = 0;
	if (!spec || !*spec)
		return 0;
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		if (!end || end == spec + 1) {
			*why = "unterminated or empty '[' in an IPv6 address";
			return -1;
		}
		colon = end[1] == ':' ? end + 1 : NULL;
		if (end[1] && !colon) {
			*why = "unexpected text after ']'";
			return -1;
		}
		name = spec + 1;
		len = (size_t)(end - spec - 1);
	} else {
		colon = strchr(spec, ':');
		if (colon && strchr(colon + 1, ':')) {
			colon = NULL;   /* a bare IPv6 address: no port (write [ADDR]:PORT for one) */
			/* ... and nothing else: "db1:1:2" is no host (it was looked up in DNS) */
			if (!live_ipv6_literal(spec)) {
				*why = "more than one ':' outside an IPv6 address";
				return -1;
			}
		}
		if (colon == spec) {
			*why = "empty host name";
			return -1;
		}
		name = spec;
		len = colon ? (size_t)(colon - spec) : strlen(spec);
	}
	if (!live_host_ok(name, len)) {
		*why = "a blank or a control character in the host name";
		return -1;
	}
	if (colon && !(*port = live_parse_port(colon + 1))) {
		*why = "the port is not a number from 1 to 65535";
		return -1;
	}
	*host = xstrndup(name, len);
	return 0;
}

/* ---- targets ------------------------------------------------------------ */

void live_target_init(struct live_target *t, struct settings *s, const char *spec)
{
	memset(t, 0, sizeof(*t));
	t->s = s;
	t->spec = spec ? spec : "";
}

void live_target_release(struct live_target *t)
{
	free(t->raw);
	strmap_release(&t->raw_names);
	t->raw = NULL;
	t->raw_indexed = 0;
	t->nraw = t->raw_cap = 0;
}

/* ---- answers ------------------------------------------------------------ */

void live_result_init(struct live_result *r)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena);
}

void live_result_release(struct live_result *r)
{
	free(r->names);
	free(r->cells);
	arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
}

static const char live_too_big[] = "more than 16 MB";
static const char live_too_many_rows[] = "more than 100000 rows";

int live_result_add_column(struct live_result *r, const char *name, size_t len, const char **why)
{
	if (r->nrows) {
		*why = "a column after the rows";
		return -1;
	}
	if (len > LIVE_RESULT_MAX_BYTES - r->bytes) {
		*why = live_too_big;
		return -1;
	}
	ARRAY_GROW(r->names, r->ncols + 1, r->names_cap);
	r->names[r->ncols++] = arena_strndup(&r->arena, name ? name : "", name ? len : 0);
	r->bytes += len;
	return 0;
}

int live_result_add_row(struct live_result *r, const char *const *v, const unsigned long *len,
			const char **why)
{
	size_t total = 0;
	if (r->nrows >= LIVE_RESULT_MAX_ROWS) {
		*why = live_too_many_rows;
		return -1;
	}
	for (size_t i = 0; i < r->ncols; i++) {
		size_t n = !v[i] ? 0 : len ? (size_t)len[i] : strlen(v[i]);
		if (n > LIVE_RESULT_MAX_BYTES - r->bytes - total) {
			*why = live_too_big;
			return -1;
		}
		total += n;
	}
	if (r->ncols)
		ARRAY_GROW(r->cells, (r->nrows + 1) * r->ncols, r->rows_cap);
	for (size_t i = 0; i < r->ncols; i++) {
		struct live_cell *c = &r->cells[r->nrows * r->ncols + i];
		c->len = !v[i] ? 0 : len ? (size_t)len[i] : strlen(v[i]);
		c->v = v[i] ? arena_strndup(&r->arena, v[i], c->len) : NULL;
	}
	r->nrows++;
	r->bytes += total;
	return 0;
}

const struct live_cell *live_result_cell(const struct live_result *r, size_t row, size_t col)
{
	return &r->cells[row * r->ncols + col];
}

/* The value at row, col; NULL for SQL NULL or an absent column (col < 0). */
static const char *live_val(const struct live_result *r, size_t row, int col)
{
	return col < 0 ? NULL : live_result_cell(r, row, (size_t)col)->v;
}

/* At most max bytes of text a server sent; escaping is left to whoever prints it (diag.h). */
void live_clean_text(struct strbuf *sb, const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);
	strbuf_add(sb, s, n > max ? max : n);
	if (n > max)
		strbuf_addstr(sb, "...");
}

/* ---- shapes ------------------------------------------------------------- */

enum {
	LIVE_COL_OPTIONAL = 1,  /* may be absent (older versions) */
	LIVE_COL_NOT_NULL = 2,  /* a NULL in it is an unexpected answer */
};

/* A column a reader needs: the names it goes by (any case), and flags. */
struct live_col {
	const char *const *names;
	unsigned flags;
};

/* Set the target's error: "unexpected answer to LABEL: detail". */
static void live_unexpected(struct live_plan *p, const char *label, const char *detail)
{
	if (!p->s->error)
		p->s->error = arena_printf(&p->s->arena, "unexpected answer to %s: %s", label, detail);
}

/*
 * Check that r has the columns of spec (looked up by name, whatever their
 * order; other columns are ignored), no NULL in a NOT_NULL column, and at
 * most max_rows rows. idx[i] is then the index of spec[i], or -1 for an
 * absent optional column. Returns 0, or -1 with the target's error set.
 */
static int live_shape(struct live_plan *p, const char *label, const struct live_result *r,
		      const struct live_col *spec, size_t nspec, size_t max_rows, int *idx)
{
	struct strbuf sb = { 0 };
	int rc = -1;

	for (size_t i = 0; i < nspec; i++) {
		idx[i] = -1;
		for (const char *const *n = spec[i].names; *n && idx[i] < 0; n++)
			for (size_t k = 0; k < r->ncols; k++)
				if (!ascii_strcasecmp(r->names[k], *n)) {
					idx[i] = (int)k;
					break;
				}
		if (idx[i] < 0 && !(spec[i].flags & LIVE_COL_OPTIONAL))
			goto columns;
	}
	for (size_t row = 0; row < r->nrows; row++) {
		for (size_t i = 0; i < nspec; i++) {
			if ((spec[i].flags & LIVE_COL_NOT_NULL) && idx[i] >= 0 && !live_val(r, row, idx[i])) {
				strbuf_addf(&sb, "NULL in %s (row %zu)", spec[i].names[0], row + 1);
				goto out;
			}
		}
	}
	if (r->nrows > max_rows) {
		strbuf_addf(&sb, "%zu rows (at most %zu)", r->nrows, max_rows);
		goto out;
	}
	rc = 0;
	goto out;
columns:
	if (!r->ncols) {
		strbuf_addstr(&sb, "no result set (0 columns)");
		goto out;
	}
	strbuf_addf(&sb, "%zu column%s (", r->ncols, r->ncols == 1 ? "" : "s");
	for (size_t k = 0; k < r->ncols && k < 8; k++) {
		if (k)
			strbuf_addstr(&sb, ", ");
		live_clean_text(&sb, r->names[k], 40);
	}
	strbuf_addstr(&sb, r->ncols > 8 ? ", ...), expected " : "), expected ");
	for (size_t i = 0, n = 0; i < nspec; i++)
		if (!(spec[i].flags & LIVE_COL_OPTIONAL))
			strbuf_addf(&sb, "%s%s", n++ ? ", " : "", spec[i].names[0]);
out:
	if (rc < 0)
		live_unexpected(p, label, sb.buf);
	strbuf_release(&sb);
	return rc;
}

/* Store a fact: value NULL means unknown, and detail then says why. */
static void live_fact(struct settings *s, const char *name, const char *value, const char *detail)
{
	struct settings_origin o = { .source = SETTINGS_SRC_LIVE, .detail = detail };
	settings_set(s, name, value, name, &o);
}

/* ---- variables and flavor ----------------------------------------------- */

/* Index the raw variables by name (any case; the first of a name wins), for live_raw_find(). */
static void live_raw_index(struct live_target *t)
{
	size_t at;
	strmap_release(&t->raw_names);
	strmap_init(&t->raw_names, 1);
	for (size_t i = 0; i < t->nraw; i++)
		if (strmap_get(&t->raw_names, t->raw[i].name, &at) < 0)
			strmap_put(&t->raw_names, t->raw[i].name, i);
	t->raw_indexed = 1;
}

/* The first raw variable called name (any case), or NULL. The rows themselves are not const. */
static struct live_raw_var *live_raw_find(const struct live_target *t, const char *name)
{
	size_t at;
	if (!t->raw_indexed) {
		for (size_t i = 0; i < t->nraw; i++)
			if (!ascii_strcasecmp(t->raw[i].name, name))
				return &t->raw[i];
		return NULL;
	}
	return strmap_get(&t->raw_names, name, &at) == 0 ? &t->raw[at] : NULL;
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

static void live_raw_add(struct live_plan *p, const char *name, const char *value, const char *origin,
			 const char *path)
{
	struct live_target *t = p->t;
	ARRAY_GROW(t->raw, t->nraw + 1, t->raw_cap);
	struct live_raw_var *v = &t->raw[t->nraw++];
	v->name = settings_intern(p->s, name);
	v->value = settings_intern(p->s, value ? value : "");
	v->origin = origin ? settings_intern(p->s, origin) : NULL;
	v->path = path && *path ? settings_intern(p->s, path) : NULL;
}

/* The statement's text, kept in the plan until the next one. */
static void live_sql(struct live_plan *p, struct live_stmt *st, const char *label, const char *needs,
		     char *sql)
{
	free(p->sql);
	p->sql = sql;
	p->label = label;
	p->needs = needs;
	st->label = label;
	st->sql = sql;
	st->needs = needs;
}

/* " WHERE|AND <column> IN (catalog names)", or "" for a capture (every variable). */
static char *live_names_filter(const struct live_plan *p, const char *glue, const char *column)
{
	struct strbuf sb = { 0 };
	if (p->o->all_variables)
		return xstrdup("");
	strbuf_addf(&sb, " %s %s IN (", glue, column);
	live_catalog_names(p->c, &sb);
	strbuf_addch(&sb, ')');
	return strbuf_detach(&sb);
}

static const char live_label_sysvars[] = "information_schema.SYSTEM_VARIABLES";
static const char live_label_show_vars[] = "SHOW GLOBAL VARIABLES";

/*
 * MariaDB 10.1+: every value with its origin in one statement,
 * information_schema.SYSTEM_VARIABLES (GLOBAL_VALUE is what SHOW GLOBAL
 * VARIABLES shows; measured identical on 10.11). Otherwise, and when that
 * fails, SHOW GLOBAL VARIABLES; live_read_origins() adds the origins.
 * Only the names the catalog knows (the rules can name no other), or
 * every one for a capture.
 */
static void live_stmt_variables(struct live_plan *p, struct live_stmt *st)
{
	char *filter;
	if (p->mariadb && !p->fallback) {
		filter = live_names_filter(p, "AND", "VARIABLE_NAME");
		live_sql(p, st, live_label_sysvars, NULL,
			 xasprintf("SELECT LOWER(VARIABLE_NAME) AS VARIABLE_NAME, GLOBAL_VALUE, GLOBAL_VALUE_ORIGIN, "
				   "GLOBAL_VALUE_PATH FROM information_schema.SYSTEM_VARIABLES "
				   "WHERE VARIABLE_SCOPE <> 'SESSION ONLY'%s", filter));
	} else {
		filter = live_names_filter(p, "WHERE", "Variable_name");
		live_sql(p, st, live_label_show_vars, NULL, xasprintf("SHOW GLOBAL VARIABLES%s", filter));
	}
	free(filter);
}

static const char *const col_variable_name[] = { "VARIABLE_NAME", NULL };
static const char *const col_global_value[] = { "GLOBAL_VALUE", NULL };
static const char *const col_global_value_origin[] = { "GLOBAL_VALUE_ORIGIN", NULL };
static const char *const col_global_value_path[] = { "GLOBAL_VALUE_PATH", NULL };
static const char *const col_show_variable_name[] = { "Variable_name", NULL };
static const char *const col_value[] = { "Value", NULL };

static void live_read_variables(struct live_plan *p, const struct live_result *r)
{
	static const struct live_col sysvars[] = {
		{ col_variable_name, LIVE_COL_NOT_NULL },
		{ col_global_value, 0 },
		{ col_global_value_origin, 0 },
		{ col_global_value_path, 0 },
	};
	static const struct live_col show[] = {
		{ col_show_variable_name, LIVE_COL_NOT_NULL },
		{ col_value, 0 },
	};
	int idx[4];

	if (p->mariadb && !p->fallback) {
		if (live_shape(p, live_label_sysvars, r, sysvars, ARRAY_SIZE(sysvars), LIVE_RESULT_MAX_ROWS, idx) < 0)
			return;
		for (size_t i = 0; i < r->nrows; i++)
			live_raw_add(p, live_val(r, i, idx[0]), live_val(r, i, idx[1]), live_val(r, i, idx[2]),
				     live_val(r, i, idx[3]));
		p->origins_known = 1;
	} else {
		if (live_shape(p, live_label_show_vars, r, show, ARRAY_SIZE(show), LIVE_RESULT_MAX_ROWS, idx) < 0)
			return;
		for (size_t i = 0; i < r->nrows; i++)
			live_raw_add(p, live_val(r, i, idx[0]), live_val(r, i, idx[1]), NULL, NULL);
	}
}

/* SYSTEM_VARIABLES failed: SHOW GLOBAL VARIABLES next, without origins. Otherwise fatal. */
static void live_failed_variables(struct live_plan *p, const char *why)
{
	if (p->mariadb && !p->fallback) {
		p->fallback = 1;
		p->origins_why = why;
		p->at--;   /* the same step again, with SHOW GLOBAL VARIABLES */
		return;
	}
	if (!p->s->error)
		p->s->error = why;
}

/* Flavor, version and Galera from the variables (mysql-facts.md D1). */
static void live_run_flavor(struct live_plan *p)
{
	struct settings *s = p->s;
	const struct live_raw_var *ver, *comment, *wsrep_on, *provider, *cluster;

	if (!p->t->nraw) {
		s->error = settings_intern(s, "the server reported no variables");
		return;
	}
	live_raw_index(p->t);
	ver = live_raw_find(p->t, "version");
	comment = live_raw_find(p->t, "version_comment");
	wsrep_on = live_raw_find(p->t, "wsrep_on");
	provider = live_raw_find(p->t, "wsrep_provider");
	cluster = live_raw_find(p->t, "wsrep_cluster_name");

	if (!ver || version_parse(&s->version, ver->value) < 0) {
		diag_add(&s->diags, DIAG_WARNING, NULL, 0, "%s: the server reports no usable version; assuming %s %d.%d",
			 s->target, flavor_display(s->flavor), s->version.major, s->version.minor);
	} else {
		s->version_detected = 1;
		if (flavor_detect_server(ver->value, comment ? comment->value : NULL, &s->flavor, &s->variant))
			s->flavor = FLAVOR_MYSQL;
		s->flavor_source = "server";
		if (flavor_galera_configured(wsrep_on ? wsrep_on->value : NULL, provider ? provider->value : NULL))
			s->variant = FLAVOR_VARIANT_GALERA;
		if (wsrep_on && !ascii_strcasecmp(wsrep_on->value, "ON") && provider && *provider->value &&
		    ascii_strcasecmp(provider->value, "none") && cluster && *cluster->value)
			s->cluster = settings_intern(s, cluster->value);
	}
	if (!p->origins_known && s->flavor != FLAVOR_MARIADB && !p->origins_why) {
		static const struct version mysql80 = { 8, 0, 0 };
		char v[32];
		if (version_cmp(&s->version, &mysql80) < 0)
			p->origins_why = arena_printf(&s->arena,
						      "%s %s does not record where a value came from (give --config FILE to compare)",
						      flavor_display(s->flavor), version_format(&s->version, v, sizeof(v)));
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

/* MySQL 8.0+ keeps origins in performance_schema.variables_info; older MySQL and Percona none. */
static int live_applies_origins(const struct live_plan *p)
{
	static const struct version mysql80 = { 8, 0, 0 };
	return !p->origins_known && p->s->flavor != FLAVOR_MARIADB && version_cmp(&p->s->version, &mysql80) >= 0;
}

static void live_stmt_origins(struct live_plan *p, struct live_stmt *st)
{
	char *filter = live_names_filter(p, "WHERE", "VARIABLE_NAME");
	live_sql(p, st, "performance_schema.variables_info", "SELECT on performance_schema.variables_info",
		 xasprintf("SELECT VARIABLE_NAME, VARIABLE_SOURCE, VARIABLE_PATH "
			   "FROM performance_schema.variables_info%s", filter));
	free(filter);
}

static const char *const col_variable_source[] = { "VARIABLE_SOURCE", NULL };
static const char *const col_variable_path[] = { "VARIABLE_PATH", NULL };

/* Fill raw[].origin/path from performance_schema.variables_info. */
static void live_read_origins(struct live_plan *p, const struct live_result *r)
{
	static const struct live_col spec[] = {
		{ col_variable_name, LIVE_COL_NOT_NULL },
		{ col_variable_source, 0 },
		{ col_variable_path, 0 },
	};
	int idx[3];
	size_t rows = 0;

	if (live_shape(p, "performance_schema.variables_info", r, spec, ARRAY_SIZE(spec), LIVE_RESULT_MAX_ROWS,
		       idx) < 0)
		return;
	p->origins_read = 1;
	for (size_t i = 0; i < r->nrows; i++) {
		struct live_raw_var *v = live_raw_find(p->t, live_val(r, i, idx[0]));
		const char *origin = live_val(r, i, idx[1]), *path = live_val(r, i, idx[2]);
		if (!v)
			continue;
		v->origin = origin ? settings_intern(p->s, origin) : NULL;
		v->path = path && *path ? settings_intern(p->s, path) : NULL;
		rows++;
	}
	p->origins_known = rows > 0;
	if (!rows)
		p->origins_why = "the server returned no value origins (performance_schema disabled?)";
}

static void live_failed_origins(struct live_plan *p, const char *why)
{
	p->origins_why = why;
}

/* MySQL 8.0+: persisted values, so that SET PERSIST is not a runtime-only change. */
/* An accepted variables_info answer: origins read, so persisted_variables comes next. */
static void live_assume_origins(struct live_plan *p)
{
	p->origins_read = 1;
	p->origins_known = 1;
}

static int live_applies_persisted(const struct live_plan *p)
{
	return p->origins_read;
}

static void live_stmt_persisted(struct live_plan *p, struct live_stmt *st)
{
	live_sql(p, st, "performance_schema.persisted_variables",
		 "SELECT on performance_schema.persisted_variables",
		 xstrdup("SELECT VARIABLE_NAME, VARIABLE_VALUE FROM performance_schema.persisted_variables"));
}

static const char *const col_variable_value[] = { "VARIABLE_VALUE", NULL };

static int live_persisted_cmp(const void *a, const void *b)
{
	const struct live_persisted *x = a, *y = b;
	return ascii_strcasecmp(x->name, y->name);
}

static void live_read_persisted(struct live_plan *p, const struct live_result *r)
{
	static const struct live_col spec[] = {
		{ col_variable_name, LIVE_COL_NOT_NULL },
		{ col_variable_value, 0 },
	};
	int idx[2];

	if (live_shape(p, "performance_schema.persisted_variables", r, spec, ARRAY_SIZE(spec),
		       LIVE_RESULT_MAX_ROWS, idx) < 0)
		return;
	for (size_t i = 0; i < r->nrows; i++) {
		const char *value = live_val(r, i, idx[1]);
		ARRAY_GROW(p->persisted, p->npersisted + 1, p->persisted_cap);
		p->persisted[p->npersisted++] = (struct live_persisted){
			settings_intern(p->s, live_val(r, i, idx[0])), settings_intern(p->s, value ? value : "")
		};
	}
	if (p->npersisted)
		qsort(p->persisted, p->npersisted, sizeof(*p->persisted), live_persisted_cmp);
	p->persisted_read = 1;
}

/* Was name persisted (SET PERSIST) with this very value? */
static int live_is_persisted(const struct live_plan *p, const char *name, const char *value)
{
	struct live_persisted key = { name, NULL };
	const struct live_persisted *hit, *end = p->persisted + p->npersisted;
	if (!p->npersisted)
		return 0;
	hit = bsearch(&key, p->persisted, p->npersisted, sizeof(*p->persisted), live_persisted_cmp);
	if (!hit)
		return 0;
	while (hit > p->persisted && !live_persisted_cmp(hit - 1, &key))
		hit--;
	for (; hit < end && !live_persisted_cmp(hit, &key); hit++)
		if (!strcmp(hit->value, value))
			return 1;
	return 0;
}

/* ---- variables into the settings model ---------------------------------- */

static const char *live_value_detail(struct live_plan *p, const struct live_raw_var *v,
				     const char *canonical, const char *value, int *runtime)
{
	const struct live_origin_kind *k = live_origin_kind(v->origin);
	*runtime = 0;
	if (!k)
		return v->origin ? arena_printf(&p->s->arena, "live, origin %s", v->origin) : "live";
	if (k->runtime) {
		if (live_is_persisted(p, v->name, value) || live_is_persisted(p, canonical, value))
			return "live, set with SET PERSIST";
		*runtime = 1;
	}
	if (k->with_path)
		return arena_printf(&p->s->arena, "%s%s%s", k->prefix, v->path ? v->path : "an option file",
				    k->suffix);
	return k->prefix;
}

/*
 * Store every variable the catalog knows under its canonical name. When the
 * server shows a variable under several names (8.0.26+: log_slave_updates
 * and log_replica_updates), the row spelled like the canonical name wins.
 * Builds runtime_only_changes on the way.
 */
static void live_run_store_variables(struct live_plan *p)
{
	const struct catalog *c = p->c;
	struct settings *s = p->s;
	const struct live_target *t = p->t;
	size_t *pick = xmalloc((c->n ? c->n : 1) * sizeof(*pick));
	struct strbuf changed = { 0 };

	for (size_t i = 0; i < c->n; i++)
		pick[i] = (size_t)-1;
	for (size_t i = 0; i < t->nraw; i++) {
		const struct catalog_var *cv = catalog_lookup(c, t->raw[i].name);
		if (!cv)
			continue;
		size_t k = (size_t)(cv - c->vars);
		if (pick[k] == (size_t)-1 || !optname_cmp(t->raw[i].name, cv->name))
			pick[k] = i;
	}
	for (size_t k = 0; k < c->n; k++) {
		if (pick[k] == (size_t)-1)
			continue;
		const struct catalog_var *cv = &c->vars[k];
		const struct live_raw_var *v = &t->raw[pick[k]];
		char *norm = NULL;
		const char *why = NULL;
		const char *value = v->value;
		int runtime = 0;
		if (catalog_check_value(cv, s->flavor, v->value, &norm, &why) == CATALOG_VALUE_OK && norm)
			value = norm;
		const char *detail = p->origins_known ? live_value_detail(p, v, cv->name, v->value, &runtime) : "live";
		struct settings_origin o = { .source = SETTINGS_SRC_LIVE, .detail = detail };
		settings_set(s, cv->name, value, v->name, &o);
		if (runtime && cv->crash_safety) {
			if (changed.len)
				strbuf_addstr(&changed, ", ");
			/* the name the server uses (sync_master_info on MariaDB), as the other rules say it */
			strbuf_addf(&changed, "%s=%s", expr_var_display(cv, s), value);
		}
		free(norm);
	}
	free(pick);

	if (p->origins_known)
		live_fact(s, "runtime_only_changes", changed.buf ? changed.buf : "",
			  changed.len ? "live: set with SET GLOBAL; the next restart undoes it"
				      : "live: no crash-safety setting was changed at runtime");
	else
		live_fact(s, "runtime_only_changes", NULL, p->origins_why ? p->origins_why : "value origins unknown");
	strbuf_release(&changed);
}

/*
 * MySQL 8.0+: the persisted_drift fact (persisted.h) from the rows
 * live_read_persisted() kept, once the running values are stored. Unknown
 * (NULL) when they could not be read; not set where nothing is persisted
 * (MariaDB, MySQL before 8.0).
 */
static void live_run_persisted_drift(struct live_plan *p)
{
	static const struct version v80 = { 8, 0, 0 };
	struct settings *s = p->s;
	const char **names, **values;

	if (!flavor_is_mysql_family(s->flavor) || version_cmp(&s->version, &v80) < 0)
		return;
	if (!p->persisted_read) {
		struct settings_origin o = { .source = SETTINGS_SRC_LIVE,
					     .detail = p->origins_why ? p->origins_why
								      : "performance_schema.persisted_variables could not be read" };
		settings_set(s, PERSISTED_FACT_DRIFT, NULL, PERSISTED_FACT_DRIFT, &o);
		return;
	}
	names = xmalloc((p->npersisted ? p->npersisted : 1) * sizeof(*names));
	values = xmalloc((p->npersisted ? p->npersisted : 1) * sizeof(*values));
	for (size_t i = 0; i < p->npersisted; i++) {
		names[i] = p->persisted[i].name;
		values[i] = p->persisted[i].value;
	}
	persisted_live_drift(s, names, values, p->npersisted, p->c);
	free(names);
	free(values);
}

/* ---- replication channels ----------------------------------------------- */

static const char *const col_connection[] = { "Connection_name", NULL };
static const char *const col_channel[] = { "Channel_Name", NULL };   /* also CHANNEL_NAME */
static const char *const col_using_gtid[] = { "Using_Gtid", NULL };
static const char *const col_auto_position[] = { "Auto_Position", NULL };
static const char *const col_io[] = { "Replica_IO_Running", "Slave_IO_Running", NULL };
static const char *const col_sql[] = { "Replica_SQL_Running", "Slave_SQL_Running", NULL };
static const char *const col_host[] = { "Source_Host", "Master_Host", NULL };
static const char *const col_port[] = { "Source_Port", "Master_Port", NULL };
static const char *const col_rcc_channel[] = { "CHANNEL_NAME", NULL };
static const char *const col_rcc_host[] = { "HOST", NULL };
static const char *const col_rcc_port[] = { "PORT", NULL };
static const char *const col_rcc_auto_position[] = { "AUTO_POSITION", NULL };

/* Which columns of a channel answer mean what; indexes into the spec below. */
enum { CH_NAME, CH_USING_GTID, CH_AUTO_POSITION, CH_IO, CH_SQL, CH_HOST, CH_PORT, CH_N };

/* MariaDB SHOW ALL SLAVES STATUS (one row per connection; columns vary by version: by name). */
static const struct live_col live_all_slaves_cols[CH_N] = {
	[CH_NAME] = { col_connection, LIVE_COL_NOT_NULL },
	[CH_USING_GTID] = { col_using_gtid, 0 },
	[CH_AUTO_POSITION] = { col_auto_position, LIVE_COL_OPTIONAL },
	[CH_IO] = { col_io, 0 },
	[CH_SQL] = { col_sql, 0 },
	[CH_HOST] = { col_host, 0 },
	[CH_PORT] = { col_port, 0 },
};

/* MySQL 5.7+ performance_schema.replication_connection_configuration. */
static const struct live_col live_rcc_cols[CH_N] = {
	[CH_NAME] = { col_rcc_channel, LIVE_COL_NOT_NULL },
	[CH_USING_GTID] = { col_using_gtid, LIVE_COL_OPTIONAL },
	[CH_AUTO_POSITION] = { col_rcc_auto_position, 0 },
	[CH_IO] = { col_io, LIVE_COL_OPTIONAL },
	[CH_SQL] = { col_sql, LIVE_COL_OPTIONAL },
	[CH_HOST] = { col_rcc_host, 0 },
	[CH_PORT] = { col_rcc_port, 0 },
};

/* MySQL SHOW REPLICA STATUS (8.0.22+) / SHOW SLAVE STATUS (5.6 has no Channel_Name). */
static const struct live_col live_status_cols[CH_N] = {
	[CH_NAME] = { col_channel, LIVE_COL_OPTIONAL },
	[CH_USING_GTID] = { col_using_gtid, LIVE_COL_OPTIONAL },
	[CH_AUTO_POSITION] = { col_auto_position, LIVE_COL_OPTIONAL },
	[CH_IO] = { col_io, 0 },
	[CH_SQL] = { col_sql, 0 },
	[CH_HOST] = { col_host, 0 },
	[CH_PORT] = { col_port, 0 },
};

/* Group Replication's own channels: kept, flagged, and not counted as asynchronous channels. */
static int live_channel_group_replication(const char *name)
{
	return !strcmp(name, "group_replication_applier") || !strcmp(name, "group_replication_recovery");
}

/*
 * The status columns the topology rules read (issue 12), by any of their
 * names: SHOW REPLICA STATUS (MySQL 8.0.22+: Source_*), SHOW SLAVE STATUS
 * (MySQL before, Master_*), SHOW ALL SLAVES STATUS (MariaDB: Master_*, no
 * Master_UUID). Columns of the statements already sent: no statement more.
 */
static const struct {
	const char *names[3];
	size_t off;      /* of a const char * in struct settings_channel */
	int server_text; /* a message the server wrote: cleaned and bounded */
} live_status_fields[] = {
	{ { "Last_IO_Errno", NULL }, offsetof(struct settings_channel, last_io_errno), 0 },
	{ { "Last_IO_Error", NULL }, offsetof(struct settings_channel, last_io_error), 1 },
	{ { "Last_SQL_Errno", NULL }, offsetof(struct settings_channel, last_sql_errno), 0 },
	{ { "Last_SQL_Error", NULL }, offsetof(struct settings_channel, last_sql_error), 1 },
	{ { "Skip_Counter", NULL }, offsetof(struct settings_channel, skip_counter), 0 },
	{ { "Source_Server_Id", "Master_Server_Id", NULL }, offsetof(struct settings_channel, source_server_id), 0 },
	{ { "Source_UUID", "Master_UUID", NULL }, offsetof(struct settings_channel, source_uuid), 0 },
};

#define LIVE_SERVER_TEXT_MAX 300

void live_channel_read_status(struct settings *s, struct settings_channel *ch, const char *const *names,
			      const char *const *values, size_t ncols)
{
	for (size_t k = 0; k < ARRAY_SIZE(live_status_fields); k++) {
		for (size_t c = 0; c < ncols; c++) {
			int match = 0;
			for (size_t n = 0; n < ARRAY_SIZE(live_status_fields[k].names) && live_status_fields[k].names[n]; n++)
				match |= names[c] && !ascii_strcasecmp(names[c], live_status_fields[k].names[n]);
			if (!match || !values[c])
				continue;
			const char **slot = (const char **)(void *)((char *)ch + live_status_fields[k].off);
			if (live_status_fields[k].server_text) {
				/* a line of text: control characters (line breaks, escapes) shown as '?' */
				size_t len = strnlen(values[c], LIVE_SERVER_TEXT_MAX + 1);
				char *t = xstrndup(values[c], len > LIVE_SERVER_TEXT_MAX ? LIVE_SERVER_TEXT_MAX : len);
				for (char *q = t; *q; q++)
					if ((unsigned char)*q < 0x20 || *q == 0x7f)
						*q = '?';
				*slot = arena_printf(&s->arena, "%s%s", t, len > LIVE_SERVER_TEXT_MAX ? "..." : "");
				free(t);
			} else {
				*slot = settings_intern(s, values[c]);
			}
			break;
		}
	}
}

/* Asynchronous channels: every channel but Group Replication's own. */
static size_t live_async_channels(const struct settings *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nchannels; i++)
		n += !s->channels[i].group_replication;
	return n;
}

static struct settings_channel *live_channel_get(struct settings *s, const char *name)
{
	for (size_t i = 0; i < s->nchannels; i++)
		if (!strcmp(s->channels[i].name, name))
			return &s->channels[i];
	return settings_add_channel(s, name);
}

/* Merge one channel answer into s->channels, columns by name (spec: one of the tables above). */
static void live_store_channels(struct live_plan *p, const char *label, const struct live_result *r,
				const struct live_col *spec)
{
	struct settings *s = p->s;
	int idx[CH_N];
	const char **row;
	if (live_shape(p, label, r, spec, CH_N, LIVE_MAX_CHANNELS, idx) < 0)
		return;
	row = xcalloc(r->ncols ? r->ncols : 1, sizeof(*row));
	for (size_t i = 0; i < r->nrows; i++) {
		const char *name = live_val(r, i, idx[CH_NAME]);
		const char *v;
		struct settings_channel *ch;
		if (!name)
			name = "";
		ch = live_channel_get(s, name);
		ch->group_replication = live_channel_group_replication(name);
		for (size_t c = 0; c < r->ncols; c++)
			row[c] = live_result_cell(r, i, c)->v;
		live_channel_read_status(s, ch, r->names, row, r->ncols);
		if ((v = live_val(r, i, idx[CH_USING_GTID])))
			ch->using_gtid = settings_intern(s, v);
		if ((v = live_val(r, i, idx[CH_AUTO_POSITION])))
			ch->auto_position = settings_intern(s, v);
		if ((v = live_val(r, i, idx[CH_IO])))
			ch->io_running = settings_intern(s, v);
		if ((v = live_val(r, i, idx[CH_SQL])))
			ch->sql_running = settings_intern(s, v);
		if ((v = live_val(r, i, idx[CH_HOST])) && !ch->source_host)
			ch->source_host = settings_intern(s, v);
		if ((v = live_val(r, i, idx[CH_PORT])) && !ch->source_port)
			ch->source_port = live_parse_port(v);
	}
	free(row);
	p->channels_known = 1;
}

static int live_applies_channels(const struct live_plan *p)
{
	static const struct version v57 = { 5, 7, 0 };
	return p->s->flavor == FLAVOR_MARIADB || version_cmp(&p->s->version, &v57) >= 0;
}

static void live_stmt_channels(struct live_plan *p, struct live_stmt *st)
{
	if (p->s->flavor == FLAVOR_MARIADB) {
		static const struct version v1059 = { 10, 5, 9 }, v1052 = { 10, 5, 2 };
		const char *needs = version_cmp(&p->s->version, &v1059) >= 0 ? "SLAVE MONITOR"
				    : version_cmp(&p->s->version, &v1052) >= 0 ? "REPLICATION SLAVE ADMIN"
										 : "REPLICATION CLIENT";
		live_sql(p, st, "SHOW ALL SLAVES STATUS", needs, xstrdup("SHOW ALL SLAVES STATUS"));
	} else {
		live_sql(p, st, "performance_schema.replication_connection_configuration",
			 "SELECT on performance_schema.replication_connection_configuration",
			 xstrdup("SELECT CHANNEL_NAME, HOST, PORT, AUTO_POSITION "
				 "FROM performance_schema.replication_connection_configuration"));
	}
}

static void live_read_channels(struct live_plan *p, const struct live_result *r)
{
	if (p->s->flavor == FLAVOR_MARIADB)
		live_store_channels(p, "SHOW ALL SLAVES STATUS", r, live_all_slaves_cols);
	else
		live_store_channels(p, "performance_schema.replication_connection_configuration", r, live_rcc_cols);
}

static void live_failed_channels(struct live_plan *p, const char *why)
{
	if (!p->channels_why)
		p->channels_why = why;
}

/* MySQL: the thread states (and, on 5.6, the channel itself) from SHOW REPLICA/SLAVE STATUS. */
static int live_applies_status(const struct live_plan *p)
{
	return p->s->flavor != FLAVOR_MARIADB;
}

static const char *live_status_statement(const struct live_plan *p)
{
	static const struct version v8022 = { 8, 0, 22 };
	return version_cmp(&p->s->version, &v8022) >= 0 ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
}

static void live_stmt_status(struct live_plan *p, struct live_stmt *st)
{
	const char *sql = live_status_statement(p);
	live_sql(p, st, sql, "REPLICATION CLIENT", xstrdup(sql));
}

static void live_read_status(struct live_plan *p, const struct live_result *r)
{
	live_store_channels(p, live_status_statement(p), r, live_status_cols);
}

/*
 * MariaDB: ON when the server has replication channels and every one
 * positions itself by GTID with Using_Gtid = Slave_Pos, OFF otherwise.
 * crashlab-results.md: such a replica survived every crash with every
 * sync_* at 10000 and relay_log_recovery OFF, since it re-fetches what it
 * lost; only Slave_Pos was measured (Current_Pos counts as OFF).
 */
static const char *live_all_slave_pos(const struct settings *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nchannels; i++) {
		const struct settings_channel *ch = &s->channels[i];
		if (ch->group_replication)
			continue;
		if (!ch->using_gtid || ascii_strcasecmp(ch->using_gtid, "Slave_Pos"))
			return "OFF";
		n++;
	}
	return n ? "ON" : "OFF";
}

static void live_run_channels_fact(struct live_plan *p)
{
	struct settings *s = p->s;
	s->channels_known = p->channels_known;
	if (p->channels_known) {
		char n[32];
		snprintf(n, sizeof(n), "%zu", live_async_channels(s));
		live_fact(s, "replication_channels", n, "live");
		/* not set where the channels are unknown: the rules then judge as for an option file */
		if (s->flavor == FLAVOR_MARIADB)
			live_fact(s, "channels_slave_pos", live_all_slave_pos(s), "live");
	} else {
		live_fact(s, "replication_channels", NULL, p->channels_why ? p->channels_why : "replication channels unknown");
	}
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

static const char live_label_tables[] = "information_schema.TABLES";

static void live_stmt_engines(struct live_plan *p, struct live_stmt *st)
{
	live_sql(p, st, live_label_tables, NULL,
		 xstrdup("SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES "
			 "WHERE TABLE_SCHEMA = 'mysql' AND (TABLE_NAME IN ('slave_relay_log_info', "
			 "'slave_worker_info', 'slave_master_info', 'gtid_executed') "
			 "OR TABLE_NAME LIKE 'gtid!_slave!_pos%' ESCAPE '!') ORDER BY TABLE_NAME"));
}

static const char *const col_table_name[] = { "TABLE_NAME", NULL };
static const char *const col_engine[] = { "ENGINE", NULL };

static void live_read_engines(struct live_plan *p, const struct live_result *r)
{
	static const struct live_col spec[] = {
		{ col_table_name, LIVE_COL_NOT_NULL },
		{ col_engine, 0 },   /* NULL for a view */
	};
	struct settings *s = p->s;
	int mariadb = s->flavor == FLAVOR_MARIADB;
	struct strbuf list = { 0 }, missing = { 0 }, needs = { 0 };
	int seen[ARRAY_SIZE(live_meta_tables)] = { 0 };
	int bad = 0, idx[2];

	if (live_shape(p, live_label_tables, r, spec, ARRAY_SIZE(spec), LIVE_RESULT_MAX_ROWS, idx) < 0)
		return;
	for (size_t row = 0; row < r->nrows; row++) {
		const char *name = live_val(r, row, idx[0]), *engine = live_val(r, row, idx[1]);
		int relevant = 0, extra = 0;
		if (!engine)
			engine = "none";
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
		live_fact(s, "metadata_tables_innodb", "ON", arena_printf(&s->arena, "live: %s", list.buf ? list.buf : ""));
	}
	strbuf_release(&list);
	strbuf_release(&missing);
	strbuf_release(&needs);
}

static void live_failed_engines(struct live_plan *p, const char *why)
{
	live_fact(p->s, "metadata_tables_innodb", NULL, why);
}

/* A server with a configured channel is a replica, one without a primary, unless --role said. */
static void live_run_role(struct live_plan *p)
{
	if (!p->t->role_given && p->s->channels_known) {
		p->s->role = live_async_channels(p->s) ? ROLE_REPLICA : ROLE_PRIMARY;
		p->s->role_detected = 1;
	}
}

/* ---- the plan ----------------------------------------------------------- */

/*
 * The collection of one target, in order. A step either runs (run: no
 * statement), or, when it applies (applies NULL: always), sends a
 * statement whose answer goes to read, or whose refusal goes to failed
 * (with "LABEL denied (needs PRIV)" or "LABEL failed: MESSAGE (error N)").
 */
static const struct live_step {
	void (*run)(struct live_plan *p);
	int (*applies)(const struct live_plan *p);
	void (*statement)(struct live_plan *p, struct live_stmt *st);
	void (*read)(struct live_plan *p, const struct live_result *r);
	void (*failed)(struct live_plan *p, const char *why);
	/*
	 * Issue 13, live_plan_predict(): what an accepted answer to this
	 * step's statement sets that a later step's applies() reads, or NULL.
	 */
	void (*assume)(struct live_plan *p);
} live_steps[] = {
	{ .statement = live_stmt_variables, .read = live_read_variables, .failed = live_failed_variables },
	{ .run = live_run_flavor },
	{ .applies = live_applies_origins, .statement = live_stmt_origins, .read = live_read_origins,
	  .failed = live_failed_origins, .assume = live_assume_origins },
	{ .applies = live_applies_persisted, .statement = live_stmt_persisted, .read = live_read_persisted },
	{ .run = live_run_store_variables },
	{ .run = live_run_persisted_drift },
	{ .applies = live_applies_channels, .statement = live_stmt_channels, .read = live_read_channels,
	  .failed = live_failed_channels },
	{ .applies = live_applies_status, .statement = live_stmt_status, .read = live_read_status,
	  .failed = live_failed_channels },
	{ .run = live_run_channels_fact },
	{ .statement = live_stmt_engines, .read = live_read_engines, .failed = live_failed_engines },
	{ .run = live_run_role },
};

void live_plan_init(struct live_plan *p, struct live_target *t, const struct live_conn *o,
		    const struct catalog *c, const char *server_info)
{
	memset(p, 0, sizeof(*p));
	p->t = t;
	p->s = t->s;
	p->o = o;
	p->c = c;
	p->mariadb = server_info && live_contains_ci(server_info, "mariadb");
}

int live_plan_next(struct live_plan *p, struct live_stmt *st)
{
	while (p->at < ARRAY_SIZE(live_steps) && !p->s->error) {
		const struct live_step *d = &live_steps[p->at];
		if (d->run) {
			d->run(p);
			p->at++;
		} else if (d->applies && !d->applies(p)) {
			p->at++;
		} else {
			d->statement(p, st);
			p->t->statements++;
			return 1;
		}
	}
	return 0;
}

void live_plan_answer(struct live_plan *p, const struct live_result *r)
{
	if (p->at >= ARRAY_SIZE(live_steps) || !live_steps[p->at].read)
		return;
	live_steps[p->at++].read(p, r);
}

static int live_denied(unsigned code)
{
	for (size_t i = 0; i < ARRAY_SIZE(live_denied_codes); i++)
		if (live_denied_codes[i] == code)
			return 1;
	return 0;
}

void live_plan_failed(struct live_plan *p, unsigned code, const char *message)
{
	const struct live_step *d;
	struct strbuf msg = { 0 }, why = { 0 };

	if (p->at >= ARRAY_SIZE(live_steps) || !live_steps[p->at].statement)
		return;
	d = &live_steps[p->at++];
	live_clean_text(&msg, message && *message ? message : "no message", 512);
	/* The server's message once: in the reason, or after a "denied" reason on -v. */
	if (live_denied(code)) {
		strbuf_addf(&why, "%s denied", p->label);
		if (p->needs)
			strbuf_addf(&why, " (needs %s)", p->needs);
		diag_add(&p->s->diags, DIAG_WARNING, NULL, 0, "%s: %s: %s (error %u)", p->s->target, why.buf, msg.buf,
			 code);
	} else {
		strbuf_addf(&why, "%s failed: %s (error %u)", p->label, msg.buf, code);
		diag_add(&p->s->diags, DIAG_WARNING, NULL, 0, "%s: %s", p->s->target, why.buf);
	}
	if (d->failed)
		d->failed(p, settings_intern(p->s, why.buf));
	strbuf_release(&msg);
	strbuf_release(&why);
}

void live_plan_release(struct live_plan *p)
{
	free(p->persisted);
	free(p->sql);
	p->persisted = NULL;
	p->sql = NULL;
}

void live_stmts_release(struct live_stmt_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->sql[i]);
	l->n = 0;
}

size_t live_plan_predict(const struct live_plan *p, const char *server_info, struct live_stmt_list *out)
{
	struct live_plan q = *p;
	struct settings shadow = *p->s;
	struct version v;
	const char *info = server_info ? server_info : "";

	out->n = 0;
	if (!p->s->version_detected) {
		/* Before the variables are read: the greeting's flavor and version. MariaDB's may
		 * carry the "5.5.5-" prefix old clients needed (sql/mysqld.cc). */
		if (!strncmp(info, "5.5.5-", 6) && q.mariadb)
			info += 6;
		if (version_parse(&v, info) < 0)
			return 0;   /* no version to go by: one statement at a time */
		shadow.flavor = q.mariadb ? FLAVOR_MARIADB : FLAVOR_MYSQL;
		shadow.version = v;
	}
	q.s = &shadow;
	q.sql = NULL;   /* the copy must not free the plan's current statement */
	if (q.at < ARRAY_SIZE(live_steps) && live_steps[q.at].assume)
		live_steps[q.at].assume(&q);
	for (q.at++; q.at < ARRAY_SIZE(live_steps) && out->n < LIVE_BATCH_MAX; q.at++) {
		const struct live_step *d = &live_steps[q.at];
		struct live_stmt st;
		if (d->run || (d->applies && !d->applies(&q)))
			continue;
		d->statement(&q, &st);
		out->label[out->n] = st.label;
		out->needs[out->n] = st.needs;
		out->sql[out->n++] = q.sql;
		q.sql = NULL;
		if (d->assume)
			d->assume(&q);
	}
	return out->n;
}

/* ---- option file comparison --------------------------------------------- */

int live_compare_config(struct live_target *t, const struct settings *file, const struct catalog *c)
{
	struct settings *s = t->s;
	struct strbuf drift = { 0 }, kept = { 0 };
	const struct settings_var *roc;
	unsigned char *seen;

	if (s->error)
		return 0;
	/*
	 * One item per variable: the file also holds a full-catalog option's
	 * other names (slave_parallel_threads and slave_parallel_workers beside
	 * replica_parallel_workers, config.c), so the first of them counts,
	 * and it is named as the server spells it (expr_var_display()).
	 */
	seen = xcalloc(c->n ? c->n : 1, 1);
	for (size_t i = 0; i < file->n; i++) {
		const struct settings_var *fv = &file->vars[i];
		const struct settings_var *lv;
		const struct catalog_var *cv;
		if (fv->current.origin.source != SETTINGS_SRC_FILE || !fv->current.value)
			continue;
		if (!(cv = catalog_lookup(c, fv->name)) || !(lv = settings_get(s, cv->name)) || !lv->current.value)
			continue;
		if (seen[cv - c->vars])
			continue;
		seen[cv - c->vars] = 1;
		if (catalog_values_equal(cv, s->flavor, lv->current.value, fv->current.value))
			continue;
		char *where = settings_origin_describe(&fv->current.origin);
		strbuf_addf(&drift, "%s%s: running %s, option file %s at %s", drift.len ? "; " : "",
			    expr_var_display(cv, s), lv->current.value, fv->current.value, where);
		free(where);
	}
	free(seen);
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
			const struct catalog_var *cv = NULL;
			if (eq) {
				*eq = '\0';
				cv = catalog_lookup(c, p);
				fv = settings_get(file, cv ? cv->name : p);
			}
			int in_file = fv && fv->current.origin.source == SETTINGS_SRC_FILE && fv->current.value;
			/* what the next start runs with: the file's value, else the compiled default */
			const char *restart = in_file ? fv->current.value
					      : cv ? catalog_default_build(cv, s->flavor, s->variant, &s->version) : NULL;
			if (!(eq && restart && catalog_values_equal(cv, s->flavor, eq + 1, restart))) {
				if (eq)
					*eq = '=';
				strbuf_addf(&kept, "%s%s", kept.len ? ", " : "", p);
				/* what the option file says instead, and where: what the next restart runs with */
				if (in_file) {
					char *where = settings_origin_describe(&fv->current.origin);
					strbuf_addf(&kept, " (the option file sets %s at %s)", fv->current.value, where);
					free(where);
				} else {
					strbuf_addstr(&kept, " (not in the option file)");
				}
			}
			p = next;
		}
		free(list);
		live_fact(s, "runtime_only_changes", kept.buf ? kept.buf : "",
			  kept.len ? "live: set with SET GLOBAL; the next restart runs with the option file's value"
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
	"channels_slave_pos",
	PERSISTED_FACT_DRIFT,
};

static int live_capture_body(void *ctx, void *fpv)
{
	const struct live_target *t = ctx;
	const struct settings *s = t->s;
	FILE *fp = fpv;

	fputs("# crashsafe capture 1\n# target ", fp);
	live_capture_field(fp, s->target);
	if (t->spec && *t->spec) {
		/* where it was reached: replicas' channels name their source by it (topology.h) */
		fputs("\n# address ", fp);
		live_capture_field(fp, t->spec);
	}
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
			{ "last_io_errno", ch->last_io_errno },      /* issue 12: snapshot.c reads them back */
			{ "last_io_error", ch->last_io_error },
			{ "last_sql_errno", ch->last_sql_errno },
			{ "last_sql_error", ch->last_sql_error },
			{ "skip_counter", ch->skip_counter },
			{ "source_server_id", ch->source_server_id },
			{ "source_uuid", ch->source_uuid },
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
		if (ch->group_replication)
			fputs("\tgroup_replication=1", fp);
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
