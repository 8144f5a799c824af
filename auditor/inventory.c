/*
 * inventory.c - the fleet inventory (inventory.h): an INI file read with
 * inih, one section per target, a [defaults] section, errors with file:line.
 */
#include "inventory.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "fileio.h"
#include "project.h"

#include "banned.h"

struct inventory_ctx {
	struct inventory *inv;
	struct diag_list *d;
	const char *path;
	char *dir;                       /* the inventory's directory, or NULL for "." */
	long *sec;                       /* per section header: target index, SEC_DEFAULTS or SEC_REFUSED */
	unsigned *sec_line;              /* its line */
	size_t nsec, sec_cap, sec_line_cap;
	size_t cur;                      /* headers above the handler's line (lines only grow) */
	int errors;
};

typedef int (*inventory_parse_fn)(struct inventory_ctx *x, struct inventory_target *t, const char *value,
				  char **why);

struct inventory_key_info {
	const char *name;
	inventory_parse_fn parse;
	int per_server;   /* names one server: not allowed in [defaults] */
};

/* ---- values ------------------------------------------------------------------ */

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* A relative path is relative to the inventory's directory. */
static const char *inventory_path(struct inventory_ctx *x, const char *value)
{
	if (value[0] == '/' || !x->dir)
		return arena_strdup(&x->inv->arena, value);
	return arena_printf(&x->inv->arena, "%s/%s", x->dir, value);
}

static int parse_host(struct inventory_ctx *x, struct inventory_target *t, const char *value, char **why)
{
	size_t n = strlen(value);
	const char *colon = strchr(value, ':');
	if (value[0] == '[') {
		if (n < 3 || value[n - 1] != ']' || memchr(value + 1, '[', n - 1) || memchr(value, ']', n - 1)) {
			*why = xasprintf("'%s' is not a host: an address in brackets is written [ADDRESS], "
					 "and the port with 'port = N'", value);
			return -1;
		}
		const char *inner = arena_strndup(&x->inv->arena, value + 1, n - 2);
		if (strpbrk(inner, " /\\") || has_control(inner)) {
			/* what the live spec [ADDRESS]:PORT could not carry back (live_parse_host) */
			*why = xasprintf("'%s' is not a host: an address has no blank or control character", value);
			return -1;
		}
		t->host = inner;
		return 0;
	}
	if (strpbrk(value, " /\\[]") || has_control(value)) {
		*why = xasprintf("'%s' is not a host name or address", value);
		return -1;
	}
	if (colon && !strchr(colon + 1, ':')) {
		*why = xasprintf("host '%s' has a port: write 'host = %.*s' and 'port = %s'", value,
				 (int)(colon - value), value, colon + 1);
		return -1;
	}
	t->host = arena_strdup(&x->inv->arena, value);
	return 0;
}

static int parse_port(struct inventory_ctx *x, struct inventory_target *t, const char *value, char **why)
{
	unsigned long v;
	if (parse_uint_strict(value, 1, 65535, &v)) {
		*why = xasprintf("port '%s' is not a number from 1 to 65535", value);
		return -1;
	}
	t->port = (unsigned)v;
	return 0;
}

static int parse_path(struct inventory_ctx *x, const char **out, const char *key, const char *value, char **why)
{
	if (has_control(value)) {
		*why = xasprintf("%s: a path without control characters is expected", key);
		return -1;
	}
	*out = inventory_path(x, value);
	return 0;
}

static int parse_socket(struct inventory_ctx *x, struct inventory_target *t, const char *value, char **why)
{
	return parse_path(x, &t->socket, "socket", value, why);
}

static int parse_config(struct inventory_ctx *x, struct inventory_target *t, const char *value, char **why)
{
	return parse_path(x, &t->config, "config", value, why);
}

static int parse_variables(struct inventory_ctx *x, struct inventory_target *t, const char *value, char **why)
{
	return parse_path(x, &t->variables, "variables", value, why);
}

static int parse_defaults_file(struct inventory_ctx *x, struct inventory_target *t, const char *value, char **why)
{
	return parse_path(x, &t->defaults_file, "defaults_file", value, why);
}

static int parse_role(struct inventory_ctx *x, struct inventory_target *t, const char *value, char **why)
{
	if (role_parse(&t->role, value)) {
		*why = xasprintf("role '%s' is not primary, replica or any", value);
		return -1;
	}
	return 0;
}

static int parse_cluster(struct inventory_ctx *x, struct inventory_target *t, const char *value, char **why)
{
	const char *bad;
	/* the same names as the project file's and annotations' (project.h) */
	if (project_value_check(PROJECT_KEY_CLUSTER, value, &bad)) {
		*why = xasprintf("cluster '%s': %s", value, bad);
		return -1;
	}
	t->cluster = arena_strdup(&x->inv->arena, value);
	return 0;
}

static int parse_flavor(struct inventory_ctx *x, struct inventory_target *t, const char *value, char **why)
{
	if (flavor_parse_build(&t->flavor, &t->variant, value)) {
		*why = xasprintf("flavor '%s' is not %s", value, flavor_build_names());
		return -1;
	}
	return 0;
}

static int parse_version(struct inventory_ctx *x, struct inventory_target *t, const char *value, char **why)
{
	struct version v;
	char buf[32];
	if (version_parse(&v, value)) {
		*why = xasprintf("version '%s' is not a version (X.Y or X.Y.Z)", value);
		return -1;
	}
	/* Only the version itself: "8.0.36-log" would read as 8.0.36, but say what is meant. */
	version_format(&v, buf, sizeof(buf));
	if (strcmp(buf, value)) {
		*why = xasprintf("version '%s' is not X.Y or X.Y.Z (did you mean %s?)", value, buf);
		return -1;
	}
	if (!flavor_has_version(FLAVOR_UNKNOWN, &v)) {
		/* as --server-version, a project file and an annotation refuse it */
		*why = xasprintf("version '%s' is a version no MySQL, Percona Server or MariaDB release has", value);
		return -1;
	}
	t->version = v;
	return 0;
}

static int parse_tags(struct inventory_ctx *x, struct inventory_target *t, const char *value, char **why)
{
	const char *p = value;
	size_t n = 0;
	if (has_control(value)) {
		*why = xstrdup("tags: words without control characters are expected");
		return -1;
	}
	/* Count, then copy: the array lives in the arena. */
	for (int pass = 0; pass < 2; pass++) {
		p = value;
		n = 0;
		while (*p) {
			p += strspn(p, ", ");
			size_t len = strcspn(p, ", ");
			if (!len)
				break;
			if (pass)
				t->tags[n] = arena_strndup(&x->inv->arena, p, len);
			n++;
			p += len;
		}
		if (!pass)
			t->tags = n ? arena_alloc(&x->inv->arena, n * sizeof(*t->tags)) : NULL;
	}
	t->ntags = n;
	return 0;
}

static int parse_multi_writer(struct inventory_ctx *x, struct inventory_target *t, const char *value, char **why)
{
	if (!ascii_strcasecmp(value, "yes") || !ascii_strcasecmp(value, "no")) {
		t->multi_writer = ascii_strcasecmp(value, "yes") ? "no" : "yes";
		return 0;
	}
	*why = xasprintf("multi_writer '%s' is not yes or no", value);
	return -1;
}

static const struct inventory_key_info inventory_keys[INVENTORY_NKEYS] = {
	[INVENTORY_HOST] = { "host", parse_host, 1 },
	[INVENTORY_PORT] = { "port", parse_port, 0 },
	[INVENTORY_SOCKET] = { "socket", parse_socket, 1 },
	[INVENTORY_CONFIG] = { "config", parse_config, 1 },
	[INVENTORY_VARIABLES] = { "variables", parse_variables, 1 },
	[INVENTORY_ROLE] = { "role", parse_role, 0 },
	[INVENTORY_CLUSTER] = { "cluster", parse_cluster, 0 },
	[INVENTORY_FLAVOR] = { "flavor", parse_flavor, 0 },
	[INVENTORY_VERSION] = { "version", parse_version, 0 },
	[INVENTORY_DEFAULTS_FILE] = { "defaults_file", parse_defaults_file, 0 },
	[INVENTORY_TAGS] = { "tags", parse_tags, 0 },
	[INVENTORY_MULTI_WRITER] = { "multi_writer", parse_multi_writer, 0 },
};

const char *inventory_key_name(enum inventory_key k)
{
	return (unsigned)k < INVENTORY_NKEYS ? inventory_keys[k].name : "?";
}

/* Key names as the mysql client spells them ("defaults-file") are the same key. */
static int inventory_key_lookup(const char *name)
{
	for (size_t i = 0; i < INVENTORY_NKEYS; i++)
		if (!optname_cmp(inventory_keys[i].name, name))
			return (int)i;
	return -1;
}

/* ---- sections ---------------------------------------------------------------- */

static void target_init(struct inventory_target *t)
{
	memset(t, 0, sizeof(*t));
	t->variant = -1;
	t->flavor = FLAVOR_UNKNOWN;
	t->role = ROLE_ANY;
}

static void inventory_error(struct inventory_ctx *x, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void inventory_error(struct inventory_ctx *x, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(x->d, DIAG_ERROR, x->path, line, "%s", msg);
	free(msg);
	x->errors++;
}

/* Why name cannot name a target (it becomes a file name under --capture-dir), or NULL. */
static const char *inventory_bad_name(const char *name)
{
	if (!*name)
		return "a target needs a name";
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "'.' and '..' cannot name a target";
	if (strchr(name, '/'))
		return "a target's name cannot contain '/' (it names its capture file)";
	if (name[0] == '-')
		return "a target's name cannot start with '-'";
	if (strchr(" \t", name[0]) || strchr(" \t", name[strlen(name) - 1]))
		return "a target's name cannot start or end with a space";
	if (has_control(name))
		return "a target's name cannot contain control characters";
	return NULL;
}

/*
 * Declare section name at line (from the pre-scan): returns its position in
 * x->sec (a target index, SEC_DEFAULTS, or SEC_REFUSED after an error).
 */
enum { SEC_DEFAULTS = -1, SEC_REFUSED = -2 };

static long inventory_section(struct inventory_ctx *x, const char *name, unsigned line)
{
	struct inventory *inv = x->inv;
	size_t pos;
	const char *why;
	if (!strcmp(name, INVENTORY_DEFAULTS)) {
		if (inv->have_defaults) {
			inventory_error(x, line, "[defaults] is given twice (first at line %u)", inv->defaults.line);
			return SEC_REFUSED;
		}
		inv->have_defaults = 1;
		inv->defaults.name = INVENTORY_DEFAULTS;
		inv->defaults.line = line;
		return SEC_DEFAULTS;
	}
	if ((why = inventory_bad_name(name))) {
		inventory_error(x, line, "[%s]: %s", name, why);
		return SEC_REFUSED;
	}
	if (strmap_get(&inv->index, name, &pos) == 0) {
		inventory_error(x, line, "[%s] is given twice (first at line %u)", name, inv->targets[pos].line);
		return SEC_REFUSED;
	}
	ARRAY_GROW(inv->targets, inv->n + 1, inv->cap);
	struct inventory_target *t = &inv->targets[inv->n];
	target_init(t);
	t->name = arena_strdup(&inv->arena, name);
	t->line = line;
	strmap_put(&inv->index, t->name, inv->n);
	return (long)inv->n++;
}

/*
 * Find the section headers as inih does (a line whose first non-blank
 * character is '[', unless it is indented under a key: then it continues
 * that key's value), keeping the whole name and the header's line: inih
 * cuts names at 49 bytes, and calls the handler for no empty section.
 * Also: lines longer than inih reads whole are errors.
 */
static void inventory_prescan(struct inventory_ctx *x, const char *text)
{
	unsigned line = 1;
	int after_key = 0;
	const char *p = text;
	if (!strncmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	for (; *p; line++) {
		size_t len = strcspn(p, "\n");
		size_t shown = len && p[len - 1] == '\r' ? len - 1 : len;
		const char *q = p, *end = p + shown;
		if (shown > INVENTORY_MAX_LINE)
			inventory_error(x, line, "line is %zu bytes long: an inventory line is at most %d", shown,
					INVENTORY_MAX_LINE);
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (q == end || *q == ';' || *q == '#') {
			/* blank or comment */
		} else if (after_key && q > p) {
			/* a continuation line */
		} else if (*q == '[') {
			const char *close = memchr(q, ']', (size_t)(end - q));
			after_key = 0;
			ARRAY_GROW(x->sec, x->nsec + 1, x->sec_cap);
			if (!close) {
				inventory_error(x, line, "section header without ']'");
				x->sec[x->nsec] = SEC_REFUSED;
			} else {
				char *name = xstrndup(q + 1, (size_t)(close - q - 1));
				x->sec[x->nsec] = inventory_section(x, name, line);
				free(name);
			}
			ARRAY_GROW(x->sec_line, x->nsec + 1, x->sec_line_cap);
			x->sec_line[x->nsec] = line;
			x->nsec++;
		} else {
			after_key = 1;
		}
		p += len;
		if (*p)
			p++;
	}
}

static int inventory_handler(void *user, const char *section, const char *name, const char *value, int lineno)
{
	struct inventory_ctx *x = user;
	unsigned line = lineno > 0 ? (unsigned)lineno : 0;
	char *why = NULL;

	/* The section is the last header above the line (inih's own name may be cut short). */
	(void)section;
	while (x->cur < x->nsec && x->sec_line[x->cur] < line)
		x->cur++;
	if (x->cur == 0) {
		inventory_error(x, line, "'%s' is outside any section: start each target with [NAME]", name);
		return 1;
	}
	long sec = x->sec[x->cur - 1];
	if (sec == SEC_REFUSED)
		return 1;   /* its header had the error */
	int is_defaults = sec == SEC_DEFAULTS;
	struct inventory_target *t = is_defaults ? &x->inv->defaults : &x->inv->targets[sec];

	if (!optname_cmp(name, "password") || !optname_cmp(name, "pass")) {
		inventory_error(x, line,
				"[%s]: '%s' is refused: the inventory holds no password; put the credentials in a "
				"[client] group of a file only the auditing user can read, and name it with "
				"'defaults_file = PATH'",
				t->name, name);
		return 1;
	}
	int k = inventory_key_lookup(name);
	if (k < 0) {
		inventory_error(x, line, "[%s]: unknown key '%s' (host, port, socket, config, variables, role, "
				"cluster, flavor, version, defaults_file, tags, multi_writer)", t->name, name);
		return 1;
	}
	if (is_defaults && inventory_keys[k].per_server) {
		inventory_error(x, line, "[defaults]: '%s' names one server: give it in the target's section",
				inventory_keys[k].name);
		return 1;
	}
	if (t->line_of[k]) {
		inventory_error(x, line, "[%s]: '%s' is given twice (first at line %u; an indented line continues "
				"the key before it)", t->name, inventory_keys[k].name, t->line_of[k]);
		return 1;
	}
	if (!*value) {
		inventory_error(x, line, "[%s]: '%s' has no value", t->name, inventory_keys[k].name);
		return 1;
	}
	if (inventory_keys[k].parse(x, t, value, &why)) {
		inventory_error(x, line, "[%s]: %s", t->name, why);
		free(why);
		return 1;
	}
	t->line_of[k] = line;
	return 1;
}

/* Nonzero when line is a section header (its errors are the pre-scan's). */
static int inventory_header_line(const struct inventory_ctx *x, unsigned line)
{
	for (size_t i = 0; i < x->nsec; i++)
		if (x->sec_line[i] == line)
			return 1;
	return 0;
}

/* Fill what a target left out from [defaults], then check what only the whole section can tell. */
static void inventory_finish(struct inventory_ctx *x)
{
	struct inventory *inv = x->inv;
	const struct inventory_target *d = &inv->defaults;
	for (size_t i = 0; i < inv->n; i++) {
		struct inventory_target *t = &inv->targets[i];
		if (inv->have_defaults) {
			for (int k = 0; k < INVENTORY_NKEYS; k++) {
				if (t->line_of[k] || !d->line_of[k])
					continue;
				t->line_of[k] = d->line_of[k];
				t->from_defaults[k] = 1;
				switch ((enum inventory_key)k) {
				case INVENTORY_PORT: t->port = d->port; break;
				case INVENTORY_ROLE: t->role = d->role; break;
				case INVENTORY_CLUSTER: t->cluster = d->cluster; break;
				case INVENTORY_FLAVOR:
					t->flavor = d->flavor;
					t->variant = d->variant;
					break;
				case INVENTORY_VERSION: t->version = d->version; break;
				case INVENTORY_DEFAULTS_FILE: t->defaults_file = d->defaults_file; break;
				case INVENTORY_TAGS:
					t->tags = d->tags;
					t->ntags = d->ntags;
					break;
				case INVENTORY_MULTI_WRITER: t->multi_writer = d->multi_writer; break;
				default: break;   /* per-server keys are refused in [defaults] */
				}
			}
		}
		if (t->socket && t->host && strcmp(t->host, "localhost"))
			inventory_error(x, t->line_of[INVENTORY_SOCKET],
					"[%s]: a socket connects to this machine: host '%s' and a socket cannot both "
					"be given", t->name, t->host);
		else if (t->socket && t->line_of[INVENTORY_PORT] && !t->from_defaults[INVENTORY_PORT])
			inventory_error(x, t->line_of[INVENTORY_PORT],
					"[%s]: a socket has no port: give 'port' or 'socket', not both", t->name);
		if (inventory_target_has(t, INVENTORY_FLAVOR) && inventory_target_has(t, INVENTORY_VERSION) &&
		    !flavor_has_version(t->flavor, &t->version)) {
			char buf[32];
			inventory_error(x, t->line_of[INVENTORY_VERSION], "[%s]: %s has no version %s (known: %s)",
					t->name, flavor_display(t->flavor), version_format(&t->version, buf, sizeof(buf)),
					flavor_known_versions(t->flavor));
		}
	}
}

void inventory_init(struct inventory *inv)
{
	memset(inv, 0, sizeof(*inv));
	target_init(&inv->defaults);
	strmap_init(&inv->index, 0);
	arena_init(&inv->arena);
}

void inventory_release(struct inventory *inv)
{
	free(inv->targets);
	strmap_release(&inv->index);
	arena_release(&inv->arena);
	memset(inv, 0, sizeof(*inv));
}

int inventory_parse(struct inventory *inv, const char *path, const char *text, struct diag_list *d)
{
	struct inventory_ctx x = { .inv = inv, .d = d, .path = path };
	const char *slash = strrchr(path, '/');
	if (slash)
		x.dir = slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
	if (x.dir && !strcmp(x.dir, "/")) {
		/* "/fleet.ini": "/" + "/x" would double the slash */
		free(x.dir);
		x.dir = xstrdup("");
	}
	inv->path = arena_strdup(&inv->arena, path);
	inventory_prescan(&x, text);
	int rc = ini_parse_string(text, inventory_handler, &x);
	if (rc > 0 && !inventory_header_line(&x, (unsigned)rc))
		inventory_error(&x, (unsigned)rc, "not an inventory line: expected '[NAME]', 'key = value' or a "
				"comment (';' or '#')");
	inventory_finish(&x);
	free(x.dir);
	free(x.sec);
	free(x.sec_line);
	if (!x.errors && !inv->n)
		inventory_error(&x, 0, "no target: give one [NAME] section per server");
	return x.errors ? -1 : 0;
}

int inventory_load(struct inventory *inv, const char *path, struct diag_list *d)
{
	struct fileio_data fd;
	char *why = NULL;
	if (fileio_read(path, FILEIO_INVENTORY, &fd, &why) != FILEIO_OK) {
		diag_add(d, DIAG_ERROR, path, 0, "cannot read the inventory: %s", why ? why : strerror(errno));
		free(why);
		return -1;
	}
	if (memchr(fd.data, '\0', fd.len)) {
		diag_add(d, DIAG_ERROR, path, 0, "not an inventory: the file holds NUL bytes");
		fileio_data_release(&fd);
		return -1;
	}
	int rc = inventory_parse(inv, path, fd.data, d);
	fileio_data_release(&fd);
	return rc;
}

const struct inventory_target *inventory_find(const struct inventory *inv, const char *name)
{
	size_t pos;
	if (strmap_get(&inv->index, name, &pos))
		return NULL;
	return &inv->targets[pos];
}

int inventory_target_has(const struct inventory_target *t, enum inventory_key k)
{
	return (unsigned)k < INVENTORY_NKEYS && t->line_of[k] != 0;
}

char *inventory_target_spec(const struct inventory_target *t)
{
	if (!t->host)
		return t->socket ? xstrdup("localhost") : NULL;
	if (strchr(t->host, ':'))
		return t->port ? xasprintf("[%s]:%u", t->host, t->port) : xasprintf("[%s]", t->host);
	return t->port ? xasprintf("%s:%u", t->host, t->port) : xstrdup(t->host);
}

void inventory_apply(const struct inventory_target *t, struct settings *s)
{
	if (inventory_target_has(t, INVENTORY_FLAVOR)) {
		s->flavor = t->flavor;
		if (t->variant >= 0)
			s->variant = (enum flavor_variant)t->variant;
		s->flavor_source = "inventory";
	}
	if (inventory_target_has(t, INVENTORY_VERSION))
		s->version = t->version;
	if (inventory_target_has(t, INVENTORY_ROLE))
		s->role = t->role;
	if (inventory_target_has(t, INVENTORY_MULTI_WRITER))
		s->multi_writer = t->multi_writer;
	/* where the server is reached: replicas' channels name their source by it (topology.h) */
	if (t->host) {
		char *spec = inventory_target_spec(t);
		s->address = settings_intern(s, spec);
		free(spec);
	}
}
