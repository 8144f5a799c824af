/*
 * project.c - per-target settings in layers, the project file, annotations,
 * entry points and normalised paths (see project.h).
 */
#include "project.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "finding.h"
#include "fileio.h"
#include "inventory.h"
#include "banned.h"

static const char *const project_key_names[PROJECT_NKEYS] = {
	[PROJECT_KEY_FLAVOR] = "flavor",
	[PROJECT_KEY_VERSION] = "version",
	[PROJECT_KEY_ROLE] = "role",
	[PROJECT_KEY_CLUSTER] = "cluster",
	[PROJECT_KEY_ROOT] = "root",
	[PROJECT_KEY_MULTI_WRITER] = "multi_writer",
};

const char *project_key_name(enum project_key k)
{
	return (unsigned)k < PROJECT_NKEYS ? project_key_names[k] : "unknown";
}

static int project_key_find(const char *name, enum project_key *out)
{
	for (size_t i = 0; i < PROJECT_NKEYS; i++) {
		if (!strcmp(project_key_names[i], name)) {
			*out = (enum project_key)i;
			return 0;
		}
	}
	return -1;
}

const char *project_layer_word(enum project_layer l)
{
	static const char *const words[] = {
		[PROJECT_LAYER_NONE] = "default",
		[PROJECT_LAYER_COMMAND_LINE] = "command-line",
		[PROJECT_LAYER_DEFAULTS] = "project-file",
		[PROJECT_LAYER_TARGETS] = "project-file",
		[PROJECT_LAYER_INVENTORY] = "inventory",
		[PROJECT_LAYER_ANNOTATION] = "annotation",
	};
	return (unsigned)l < ARRAY_SIZE(words) ? words[l] : "default";
}

/* ---- values and layers ------------------------------------------------------ */

static int cluster_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	       c == '.' || c == ':';
}

int project_value_check(enum project_key k, const char *value, const char **why)
{
	enum flavor f;
	enum role r;
	struct version v;
	int variant;
	switch (k) {
	case PROJECT_KEY_FLAVOR:
		if (!flavor_parse_build(&f, &variant, value))
			return 0;
		*why = "not a flavor (mysql, percona, mariadb, pxc, mariadb-galera, mysql-wsrep)";
		return -1;
	case PROJECT_KEY_VERSION:
		if (version_parse(&v, value) || strchr(value, '-')) {
			*why = "not a version (X.Y or X.Y.Z)";
			return -1;
		}
		if (!flavor_has_version(FLAVOR_UNKNOWN, &v)) {
			/* as --server-version refuses it (flavor_check_version()) */
			*why = "a version no MySQL, Percona Server or MariaDB release has";
			return -1;
		}
		return 0;
	case PROJECT_KEY_ROLE:
		if (!role_parse(&r, value))
			return 0;
		*why = "not a role (primary, replica or any)";
		return -1;
	case PROJECT_KEY_CLUSTER: {
		size_t n = strlen(value);
		int good = n > 0 && n <= 64;
		for (size_t i = 0; good && i < n; i++)
			good = cluster_char((unsigned char)value[i]);
		if (good)
			return 0;
		*why = "not a cluster name (1 to 64 letters, digits, '-', '_', '.', ':')";
		return -1;
	}
	case PROJECT_KEY_ROOT:
		if (*value)
			return 0;
		*why = "not a directory";
		return -1;
	case PROJECT_KEY_MULTI_WRITER:
		if (!strcmp(value, "yes") || !strcmp(value, "no"))
			return 0;
		*why = "not yes or no";
		return -1;
	case PROJECT_NKEYS:
		break;
	}
	*why = "unknown setting";
	return -1;
}

int project_settings_give(struct project_settings *ps, enum project_key k, const char *value,
			  enum project_layer l, const char *where, struct arena *a)
{
	struct project_value *v = &ps->v[k];
	if (v->value && v->layer > l)
		return 0;
	v->value = arena_strdup(a, value);
	v->layer = l;
	v->where = arena_strdup(a, where);
	return 1;
}

void project_settings_apply_role(const struct project_settings *ps, struct settings *s)
{
	enum role r;
	if (ps->v[PROJECT_KEY_ROLE].value && !role_parse(&r, ps->v[PROJECT_KEY_ROLE].value))
		s->role = r;
	if (ps->v[PROJECT_KEY_CLUSTER].value)
		s->topology = settings_intern(s, ps->v[PROJECT_KEY_CLUSTER].value);
	if (ps->v[PROJECT_KEY_MULTI_WRITER].value)
		s->multi_writer = settings_intern(s, ps->v[PROJECT_KEY_MULTI_WRITER].value);
}

int project_settings_flavor(const struct project_settings *ps, enum flavor *flavor, int *variant,
			    struct version *version, int *version_set, const char **source)
{
	const struct project_value *fv = &ps->v[PROJECT_KEY_FLAVOR], *vv = &ps->v[PROJECT_KEY_VERSION];
	*flavor = FLAVOR_UNKNOWN;
	*variant = -1;
	*version_set = 0;
	*source = NULL;
	if (fv->value && !flavor_parse_build(flavor, variant, fv->value))
		*source = project_layer_word(fv->layer);
	if (vv->value && !version_parse(version, vv->value)) {
		*version_set = 1;
		if (!*source)
			*source = project_layer_word(vv->layer);
	}
	return *source != NULL;
}

/* The flavor (and build) as --flavor spells it. */
const char *project_flavor_text(enum flavor f, int variant)
{
	if (variant == FLAVOR_VARIANT_GALERA) {
		switch (f) {
		case FLAVOR_PERCONA:
			return "pxc";
		case FLAVOR_MARIADB:
			return "mariadb-galera";
		case FLAVOR_MYSQL:
			return "mysql-wsrep";
		case FLAVOR_UNKNOWN:
			break;
		}
	}
	return flavor_name(f);
}

void project_inventory_layer(struct project_settings *ps, const struct inventory_target *t,
			     const char *inventory_path, struct arena *a)
{
	static const struct {
		enum inventory_key ik;
		enum project_key pk;
	} keys[] = {
		{ INVENTORY_FLAVOR, PROJECT_KEY_FLAVOR },
		{ INVENTORY_VERSION, PROJECT_KEY_VERSION },
		{ INVENTORY_ROLE, PROJECT_KEY_ROLE },
		{ INVENTORY_CLUSTER, PROJECT_KEY_CLUSTER },
		{ INVENTORY_MULTI_WRITER, PROJECT_KEY_MULTI_WRITER },
	};
	char vbuf[32];
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const char *value = NULL;
		if (!inventory_target_has(t, keys[i].ik))
			continue;
		switch (keys[i].pk) {
		case PROJECT_KEY_FLAVOR:
			value = project_flavor_text(t->flavor, t->variant);
			break;
		case PROJECT_KEY_VERSION:
			value = version_format(&t->version, vbuf, sizeof(vbuf));
			break;
		case PROJECT_KEY_ROLE:
			value = role_name(t->role);
			break;
		case PROJECT_KEY_CLUSTER:
			value = t->cluster;
			break;
		case PROJECT_KEY_MULTI_WRITER:
			value = t->multi_writer;
			break;
		case PROJECT_KEY_ROOT:
		case PROJECT_NKEYS:
			break;
		}
		if (!value)
			continue;
		char *where = xasprintf("%s:%u [%s]", inventory_path ? inventory_path : "inventory",
					t->line_of[keys[i].ik],
					t->from_defaults[keys[i].ik] ? INVENTORY_DEFAULTS : t->name);
		project_settings_give(ps, keys[i].pk, value, PROJECT_LAYER_INVENTORY, where, a);
		free(where);
	}
}

void project_settings_print(const struct project_settings *ps, const char *target, FILE *fp)
{
	for (size_t k = 0; k < PROJECT_NKEYS; k++) {
		const struct project_value *v = &ps->v[k];
		if (!v->value)
			continue;
		struct diag d = { DIAG_NOTE, xstrdup(target), 0, NULL };
		d.message = xasprintf("%s %s (%s %s)", project_key_names[k], v->value, project_layer_word(v->layer),
				      v->where ? v->where : "");
		diag_print_one(&d, fp);
		free(d.message);
		free(d.file);
	}
}

/* ---- the project file ------------------------------------------------------ */

enum section_kind {
	SECTION_DEFAULTS = 0,
	SECTION_TARGETS,
	SECTION_SUPPRESS,
	SECTION_BAD,
};

struct project_switch {
	const char *rule;
	unsigned line;
	int enable;
};

struct project_section {
	enum section_kind kind;
	const char *glob;           /* SECTION_TARGETS */
	const char *shown;          /* "[defaults]", "[targets \"GLOB\"]" */
	unsigned line;
	const char *value[PROJECT_NKEYS];
	unsigned value_line[PROJECT_NKEYS];
	struct project_switch *switches;
	size_t nswitches, switches_cap;
};

struct project_parse {
	struct project_file *pf;
	struct diag_list *d;
	int errors;
	char *section_name;         /* the inih section being read */
	struct project_section *cur;    /* NULL inside [suppress] or a bad section */
	enum section_kind cur_kind;
	struct suppress_section sup;
	struct suppress_list sup_list;
	struct ini_headers headers;
	unsigned last_opened;       /* the header line of the last section a key opened (0: none) */
	unsigned char *opened;      /* per x->headers entry: a key of its section was read */
};

/* Parse `targets "GLOB"` / `suppress "RULE"`: the word, then a quoted argument. */
static int section_argument(const char *name, const char *word, char **arg)
{
	size_t n = strlen(word);
	if (strncmp(name, word, n) || (name[n] != ' ' && name[n] != '\t'))
		return -1;
	const char *p = name + n;
	while (*p == ' ' || *p == '\t')
		p++;
	size_t len = strlen(p);
	if (len < 3 || p[0] != '"' || p[len - 1] != '"')
		return -1;
	*arg = xstrndup(p + 1, len - 2);
	return 0;
}

static void project_parse_close(struct project_parse *x)
{
	if (x->cur_kind == SECTION_SUPPRESS)
		suppress_section_end(&x->sup);
	x->cur = NULL;
}

/* The kind of section name, its quoted argument into *arg (heap, or NULL): SECTION_BAD for an unknown name. */
static enum section_kind project_section_kind(const char *name, char **arg)
{
	*arg = NULL;
	if (!strcmp(name, "defaults"))
		return SECTION_DEFAULTS;
	if (!section_argument(name, "targets", arg))
		return SECTION_TARGETS;
	if (!section_argument(name, "suppress", arg))
		return SECTION_SUPPRESS;
	return SECTION_BAD;
}

static void project_unknown_section(struct project_parse *x, const char *name, unsigned line)
{
	diag_add(x->d, DIAG_ERROR, x->pf->path, line,
		 "unknown section [%s] (a project file has [defaults], [targets \"GLOB\"] and "
		 "[suppress \"RULE-ID\"])", name);
	x->errors++;
}

static void project_parse_open(struct project_parse *x, const char *section, unsigned line)
{
	struct project_file *pf = x->pf;
	char *arg = NULL;
	unsigned key_line = line, header = ini_header_line(&x->headers, line);
	if (header)
		line = header;
	for (size_t i = 0; x->opened && i < x->headers.n; i++)
		if (x->headers.lines[i] == header)
			x->opened[i] = 1;
	project_parse_close(x);
	free(x->section_name);
	x->section_name = xstrdup(section);
	x->cur_kind = project_section_kind(section, &arg);
	if (x->cur_kind == SECTION_SUPPRESS) {
		suppress_section_begin(&x->sup, arg, key_line);
		free(arg);
		return;
	}
	if (x->cur_kind == SECTION_BAD) {
		project_unknown_section(x, section, line);
		return;
	}
	ARRAY_GROW(pf->sections, pf->nsections + 1, pf->sections_cap);
	struct project_section *s = &pf->sections[pf->nsections++];
	memset(s, 0, sizeof(*s));
	s->kind = x->cur_kind;
	s->line = line;
	if (arg) {
		s->glob = arena_strdup(&pf->arena, arg);
		s->shown = arena_printf(&pf->arena, "[targets \"%s\"]", arg);
	} else {
		s->shown = "[defaults]";
	}
	free(arg);
	x->cur = s;
}

static void project_parse_switches(struct project_parse *x, const char *value, unsigned line, int enable)
{
	struct project_section *s = x->cur;
	const char *p = value;
	while (*p) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		size_t n = strcspn(p, ", \t");
		if (!n)
			break;
		ARRAY_GROW(s->switches, s->nswitches + 1, s->switches_cap);
		struct project_switch *w = &s->switches[s->nswitches++];
		w->rule = arena_strndup(&x->pf->arena, p, n);
		w->line = line;
		w->enable = enable;
		p += n;
	}
}

static int project_handler(void *user, const char *section, const char *name, const char *value, int lineno)
{
	struct project_parse *x = user;
	struct project_file *pf = x->pf;
	unsigned line = (unsigned)lineno;
	enum project_key k;
	const char *why;

	if (!*section) {
		diag_add(x->d, DIAG_ERROR, pf->path, line, "'%s' is outside any section", name);
		x->errors++;
		return 1;
	}
	if (!x->section_name || strcmp(x->section_name, section))
		project_parse_open(x, section, line);
	switch (x->cur_kind) {
	case SECTION_BAD:
		return 1;
	case SECTION_SUPPRESS:
		if (suppress_section_key(&x->sup, name, value, line)) {
			diag_add(x->d, DIAG_ERROR, pf->path, line,
				 "unknown key '%s' in [suppress] (target, reason, until)", name);
			x->errors++;
		}
		return 1;
	case SECTION_DEFAULTS:
	case SECTION_TARGETS:
		break;
	}
	if (!strcmp(name, "disable") || !strcmp(name, "enable")) {
		project_parse_switches(x, value, line, name[0] == 'e');
		return 1;
	}
	if (!strcmp(name, "fail-on") || !strcmp(name, "fail_on")) {
		enum severity sev;
		if (x->cur_kind != SECTION_DEFAULTS) {
			diag_add(x->d, DIAG_ERROR, pf->path, line, "'fail-on' belongs in [defaults]: it is the run's");
			x->errors++;
		} else if (pf->fail_on_line) {
			diag_add(x->d, DIAG_ERROR, pf->path, line, "'fail-on' is given twice in [defaults] (line %u, then here)",
				 pf->fail_on_line);
			x->errors++;
		} else if (!strcmp(value, "never")) {
			pf->fail_on = 0;
			pf->fail_on_line = line;
		} else if (!severity_parse(&sev, value)) {
			pf->fail_on = (int)sev;
			pf->fail_on_line = line;
		} else {
			diag_add(x->d, DIAG_ERROR, pf->path, line, "fail-on '%s' is not error, warning, info or never",
				 value);
			x->errors++;
		}
		return 1;
	}
	if (project_key_find(name, &k)) {
		diag_add(x->d, DIAG_ERROR, pf->path, line,
			 "unknown key '%s' in %s (flavor, version, role, cluster, root, multi_writer, disable, enable%s)", name,
			 x->cur->shown, x->cur_kind == SECTION_DEFAULTS ? ", fail-on" : "");
		x->errors++;
		return 1;
	}
	if (project_value_check(k, value, &why)) {
		diag_add(x->d, DIAG_ERROR, pf->path, line, "%s '%s' is %s", name, value, why);
		x->errors++;
		return 1;
	}
	if (x->cur->value_line[k]) {
		/* one section, one value: which one was meant is not sure (the inventory reader refuses it too) */
		diag_add(x->d, DIAG_ERROR, pf->path, line, "'%s' is given twice in %s (line %u, then here)", name,
			 x->cur->shown, x->cur->value_line[k]);
		x->errors++;
		return 1;
	}
	if (k == PROJECT_KEY_ROOT && value[0] != '/') {
		/* relative to the project file's directory; resolved when it exists ("." is the directory) */
		char *joined = xasprintf("%s/%s", pf->dir, value);
		char *real = realpath(joined, NULL);
		x->cur->value[k] = arena_strdup(&pf->arena, real ? real : joined);
		free(real);
		free(joined);
	} else
		x->cur->value[k] = arena_strdup(&pf->arena, value);
	x->cur->value_line[k] = line;
	return 1;
}

/* The directory of path, resolved; "." when path has none. Heap string. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? (slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path))) : xstrdup(".");
	char *real = realpath(dir, NULL);
	if (real) {
		free(dir);
		return real;
	}
	return dir;
}

/*
 * Comment lines shorter than this are emptied before inih reads the file
 * (project_ini_text()). inih reads a line of 199 bytes or more in pieces
 * (INI_MAX_LINE, 200 by default; ini.h) and parses each piece as a line of
 * its own, so a longer comment line is left for inih as it is.
 */
#define PROJECT_SHORT_LINE 128

/*
 * The text inih reads of a project file: data (up to its first NUL, where
 * inih stops) with every short comment line emptied, its newline kept. A
 * line whose first character after blanks is ';' or '#' is a comment to
 * inih (INI_START_COMMENT_PREFIXES), which calls no handler and changes no
 * state for it; an empty line neither, and the line numbers stay. inih
 * handled every byte of a line it then ignored, 40 instructions each, and
 * project files are mostly comments (issue 13: 75,000 instructions for the
 * bundled examples/.crashsafe.ini, 1.7 KB). A heap string the caller frees.
 */
char *project_ini_text(const char *data)
{
	size_t len = strlen(data);
	char *text = xmalloc(len + 1), *to = text;
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		const char *q = p;
		while (q < stop && (*q == ' ' || *q == '\t' || *q == '\v' || *q == '\f' || *q == '\r'))
			q++;
		if (q < stop && (*q == ';' || *q == '#') && (size_t)(stop - p) < PROJECT_SHORT_LINE) {
			if (nl)
				*to++ = '\n';
		} else {
			size_t n = (size_t)(stop - p) + (nl != NULL);
			memcpy(to, p, n);
			to += n;
		}
		p = stop + (nl != NULL);
	}
	*to = '\0';
	return text;
}

static int project_file_load_in(struct project_file **out, const char *path, const char *dir_real,
			       struct diag_list *d);

/*
 * The sections no key opened: inih calls the handler for keys only, so an
 * unknown section without keys ([weird], or [target "x"] for [targets "x"])
 * went unreported. Each header of data that no key opened is checked by name
 * as project_parse_open() checks one (the name as inih takes it: from '[' to
 * the first ']'; a header without one is inih's own error).
 */
static void project_empty_sections(struct project_parse *x, const char *data)
{
	unsigned line = 1;
	size_t h = 0;
	for (const char *p = data; *p && h < x->headers.n; line++) {
		const char *nl = strchr(p, '\n');
		if (line == x->headers.lines[h]) {
			if (!x->opened[h]) {
				const char *q = p;
				while (*q == ' ' || *q == '\t')
					q++;
				const char *end = strchr(q, ']');
				if (*q == '[' && end && (!nl || end < nl)) {
					char *name = xstrndup(q + 1, (size_t)(end - q - 1)), *arg;
					if (project_section_kind(name, &arg) == SECTION_BAD)
						project_unknown_section(x, name, line);
					free(arg);
					free(name);
				}
			}
			h++;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
}

/* inih's isspace() in the C locale. */
static int project_ini_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* inih's section buffer: a longer section name is cut to this many bytes (MAX_SECTION - 1, ini.c). */
#define PROJECT_INI_SECTION 49

int project_ini_parse(const char *text, project_ini_handler handler, void *user)
{
	const char *p = text;
	/* the lines inih would read otherwise than as below: let inih read them (the caller does) */
	if ((unsigned char)p[0] == 0xEF || strchr(p, ';'))
		return PROJECT_INI_INIH;
	for (const char *q = p; *q;) {
		const char *nl = strchr(q, '\n');
		size_t n = nl ? (size_t)(nl - q) : strlen(q);
		if (n >= PROJECT_SHORT_LINE)
			return PROJECT_INI_INIH;
		if (n && project_ini_space(q[0])) {
			/* an indented line: a continuation or an indented key for inih, unless blank */
			for (size_t i = 0; i < n; i++)
				if (!project_ini_space(q[i]))
					return PROJECT_INI_INIH;
		}
		q += n + (nl != NULL);
	}
	char section[PROJECT_INI_SECTION + 1] = "";
	char line[PROJECT_SHORT_LINE + 1];
	int lineno = 0, error = 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + (nl != NULL);
		lineno++;
		while (n && project_ini_space(line[n - 1]))
			line[--n] = '\0';
		if (!n || line[0] == '#')
			continue;   /* blank, or a comment line inih reads as one */
		if (line[0] == '[') {
			char *end = strchr(line + 1, ']');
			if (!end) {
				if (!error)
					error = lineno;
				continue;
			}
			size_t sl = (size_t)(end - (line + 1));
			if (sl > PROJECT_INI_SECTION)
				sl = PROJECT_INI_SECTION;
			memcpy(section, line + 1, sl);
			section[sl] = '\0';
			continue;
		}
		char *eq = strpbrk(line, "=:");
		if (!eq) {
			if (!error)
				error = lineno;
			continue;
		}
		char *name_end = eq;
		*eq = '\0';
		while (name_end > line && project_ini_space(name_end[-1]))
			*--name_end = '\0';
		char *value = eq + 1;
		while (*value && project_ini_space(*value))
			value++;
		if (!handler(user, section, line, value, lineno) && !error)
			error = lineno;
	}
	return error;
}

int project_file_load(struct project_file **out, const char *path, struct diag_list *d)
{
	return project_file_load_in(out, path, NULL, d);
}

/* project_file_load() of a file whose directory is known resolved (dir_real), or NULL: realpath() it. */
static int project_file_load_in(struct project_file **out, const char *path, const char *dir_real,
			       struct diag_list *d)
{
	struct project_file *pf = xcalloc(1, sizeof(*pf));
	struct project_parse x;
	const char *data;
	char *dir;
	int rc = 0;

	arena_init(&pf->arena);
	pf->path = arena_strdup(&pf->arena, path);
	dir = dir_real ? NULL : dir_of(path);
	pf->dir = arena_strdup(&pf->arena, dir_real ? dir_real : dir);
	free(dir);
	pf->fail_on = -1;
	*out = pf;

	memset(&x, 0, sizeof(x));
	x.pf = pf;
	x.d = d;
	x.cur_kind = SECTION_BAD;
	x.sup.out = &x.sup_list;
	x.sup.arena = &pf->arena;
	x.sup.file = pf->path;
	x.sup.base = pf->dir;
	x.sup.kind = SUPPRESS_PROJECT;
	x.sup.strict = 0;
	x.sup.d = d;
	struct fileio_data file;
	char *why = NULL;
	if (fileio_read(path, FILEIO_PROJECT, &file, &why) != FILEIO_OK) {
		diag_add(d, DIAG_ERROR, path, 0, "cannot read project file: %s", why);
		free(why);
		return -1;
	}
	data = file.data;
	ini_headers_scan(&x.headers, data);
	x.sup.headers = &x.headers;
	char *text = project_ini_text(data);
	x.opened = xcalloc(x.headers.n ? x.headers.n : 1, 1);
	int ini = project_ini_parse(text, project_handler, &x);
	if (ini == PROJECT_INI_INIH)
		ini = ini_parse_string(text, project_handler, &x);
	free(text);
	project_parse_close(&x);
	project_empty_sections(&x, data);
	free(x.opened);
	ini_headers_release(&x.headers);
	if (ini > 0) {
		diag_add(d, DIAG_ERROR, path, (unsigned)ini,
			 "not a project file line: expected '[section]' or 'key = value'");
		rc = -1;
	}
	pf->suppress = x.sup_list.items;
	pf->nsuppress = x.sup_list.n;
	pf->suppress_cap = x.sup_list.cap;
	if (x.errors || x.sup.errors)
		rc = -1;
	free(x.section_name);
	fileio_data_release(&file);
	return rc;
}

void project_file_free(struct project_file *pf)
{
	if (!pf)
		return;
	for (size_t i = 0; i < pf->nsections; i++)
		free(pf->sections[i].switches);
	free(pf->sections);
	free(pf->suppress);
	arena_release(&pf->arena);
	free(pf);
}

/*
 * path resolved (realpath, else as given made absolute) relative to dir, or
 * NULL when outside it. f: the finder that found the project file, which
 * may have resolved path already (finder_real(): the target it was found
 * for), or NULL.
 */
static char *relative_to(const struct project_finder *f, const char *path, const char *dir)
{
	char *abs = f && f->last_path && !strcmp(f->last_path, path) ? xstrdup(f->last_real) : realpath(path, NULL);
	if (!abs) {
		char cwd[PATH_MAX];
		if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
			abs = xstrdup(path);
		else
			abs = xasprintf("%s/%s", cwd, path);
	}
	size_t n = strlen(dir);
	char *rel = NULL;
	if (n == 1 && dir[0] == '/')
		rel = xstrdup(abs + 1);
	else if (!strncmp(abs, dir, n) && abs[n] == '/')
		rel = xstrdup(abs + n + 1);
	else if (!strcmp(abs, dir))
		rel = xstrdup(".");
	free(abs);
	return rel;
}

static void switches_apply(struct project_rule_switches *r, const struct project_section *s)
{
	for (size_t i = 0; i < s->nswitches; i++) {
		const struct project_switch *w = &s->switches[i];
		size_t j;
		for (j = 0; j < r->n && strcmp(r->disabled[j], w->rule); j++)
			;
		if (w->enable && j < r->n) {
			r->disabled[j] = r->disabled[--r->n];
		} else if (!w->enable && j == r->n) {
			ARRAY_GROW(r->disabled, r->n + 1, r->cap);
			r->disabled[r->n++] = w->rule;
		}
	}
}

void project_file_apply(const struct project_file *pf, const char *const *paths, size_t npaths,
			struct project_settings *ps, struct project_rule_switches *rules, struct arena *a)
{
	char **rel = xcalloc(npaths ? npaths : 1, sizeof(*rel));
	for (size_t i = 0; i < npaths; i++)
		rel[i] = paths[i] ? relative_to(pf->finder, paths[i], pf->dir) : NULL;
	/* [defaults] first, then [targets] in file order: a later, more specific layer wins. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < pf->nsections; i++) {
			const struct project_section *s = &pf->sections[i];
			if ((pass == 0) != (s->kind == SECTION_DEFAULTS))
				continue;
			if (s->kind == SECTION_TARGETS) {
				int hit = 0;
				for (size_t p = 0; p < npaths && !hit; p++)
					hit = rel[p] && suppress_glob_match(s->glob, rel[p]);
				if (!hit)
					continue;
			}
			enum project_layer layer = s->kind == SECTION_DEFAULTS ? PROJECT_LAYER_DEFAULTS
									       : PROJECT_LAYER_TARGETS;
			for (size_t k = 0; k < PROJECT_NKEYS; k++) {
				if (!s->value[k])
					continue;
				char *where = xasprintf("%s:%u %s", pf->path, s->value_line[k], s->shown);
				project_settings_give(ps, (enum project_key)k, s->value[k], layer, where, a);
				free(where);
			}
			if (rules)
				switches_apply(rules, s);
		}
	}
	for (size_t i = 0; i < npaths; i++)
		free(rel[i]);
	free(rel);
}

void project_rule_switches_release(struct project_rule_switches *r)
{
	free(r->disabled);
	memset(r, 0, sizeof(*r));
}

int project_rule_disabled(const struct project_rule_switches *r, const char *id)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (!strcmp(r->disabled[i], id))
			return 1;
	return 0;
}

size_t project_file_check_rules(const struct project_file *pf, int (*known)(void *ctx, const char *id),
				void *ctx, int strict, struct diag_list *d)
{
	size_t n = 0;
	enum diag_level level = strict ? DIAG_ERROR : DIAG_WARNING;
	for (size_t i = 0; i < pf->nsections; i++) {
		const struct project_section *s = &pf->sections[i];
		for (size_t j = 0; j < s->nswitches; j++) {
			if (known(ctx, s->switches[j].rule))
				continue;
			diag_add(d, level, pf->path, s->switches[j].line, "%s of unknown rule '%s'",
				 s->switches[j].enable ? "enable" : "disable", s->switches[j].rule);
			n++;
		}
	}
	return n;
}

/* ---- finding the project file ---------------------------------------------- */

void project_finder_init(struct project_finder *f, const char *forced)
{
	memset(f, 0, sizeof(*f));
	f->forced = forced;
	strmap_init(&f->dir_index, 0);
	arena_init(&f->path_arena);
	strmap_init(&f->real_index, 0);
	strmap_init(&f->git_index, 0);
	strmap_init(&f->root_index, 0);
}

void project_finder_release(struct project_finder *f)
{
	for (size_t i = 0; i < f->nfiles; i++)
		project_file_free(f->files[i]);
	free(f->files);
	for (size_t i = 0; i < f->ndirs; i++)
		free(f->dirs[i]);
	free(f->dirs);
	free(f->dir_file);
	strmap_release(&f->dir_index);
	free(f->cwd);
	free(f->cwd_real);
	free(f->last_path);
	free(f->last_real);
	free(f->real_dirs);
	strmap_release(&f->real_index);
	strmap_release(&f->git_index);
	strmap_release(&f->root_index);
	arena_release(&f->path_arena);
	memset(f, 0, sizeof(*f));
}

/* ---- paths resolved once per run (issue 13) ---------------------------------- */

static int path_exists(const char *dir, const char *name, int want_dir);
static char *path_key(struct project_finder *f, const char *path, char *abs, const char *cwd);

static void finder_cwd_ask(struct project_finder *f)
{
	if (f->cwd_state)
		return;
	f->cwd = getcwd(NULL, 0);
	f->cwd_state = f->cwd ? 1 : -1;
	/*
	 * getcwd() names the directory without "." or ".." components or
	 * symbolic links (POSIX getcwd(): "The pathname shall contain no
	 * components that are dot or dot-dot, or are symbolic links"), so it is
	 * its own realpath() (issue 13: a readlink() per component, every run).
	 */
	if (f->cwd)
		f->cwd_real = xstrdup(f->cwd);
}

const char *project_finder_cwd(struct project_finder *f)
{
	finder_cwd_ask(f);
	return f->cwd;
}

const char *project_finder_cwd_real(struct project_finder *f)
{
	finder_cwd_ask(f);
	return f->cwd_real;
}

/* realpath(dir), asked once per directory per run; NULL when it failed. */
static const char *finder_dir_real(struct project_finder *f, const char *dir)
{
	size_t at;
	if (!strmap_get(&f->real_index, dir, &at))
		return f->real_dirs[at];
	char *real = realpath(dir, NULL);
	ARRAY_GROW(f->real_dirs, f->nreal + 1, f->real_cap);
	f->real_dirs[f->nreal] = real ? arena_strdup(&f->path_arena, real) : NULL;
	strmap_put(&f->real_index, arena_strdup(&f->path_arena, dir), f->nreal);
	free(real);
	return f->real_dirs[f->nreal++];
}

/*
 * project_finder_real() and project_finder_real_open(): with fd NULL the
 * last component is looked at with lstat(); else it is opened with flags |
 * O_NOFOLLOW (a link fails to open: ELOOP) and fstat()ed, and when that
 * fails for any reason the lstat() path decides as before.
 */
static char *finder_real(struct project_finder *f, const char *path, struct stat *st, int *have_st, int *fd,
			 int flags)
{
	*have_st = 0;
	if (fd)
		*fd = -1;
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	/* what a join cannot say: realpath() itself */
	if (!*path || !*base || !strcmp(base, ".") || !strcmp(base, ".."))
		return realpath(path, NULL);
	char *dir = !slash ? xstrdup(".") : slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
	const char *rdir = finder_dir_real(f, dir);
	free(dir);
	if (!rdir)
		return realpath(path, NULL);   /* fails as it failed, with its errno */
	/* rdir "/" base, put together without printf (issue 13: once per target) */
	size_t dl = strcmp(rdir, "/") ? strlen(rdir) : 0, bl = strlen(base);
	if (dl + 1 + bl >= PATH_MAX)
		return realpath(path, NULL);
	char *joined = xmalloc(dl + 1 + bl + 1);
	memcpy(joined, rdir, dl);
	joined[dl] = '/';
	memcpy(joined + dl + 1, base, bl + 1);
	if (fd) {
		/* not a link (O_NOFOLLOW), and what fstat() says of it: no lstat() (issue 13) */
		int o = open(joined, flags | O_NOFOLLOW);
		if (o >= 0 && fstat(o, st) == 0) {
			*fd = o;
			*have_st = 1;
			return joined;
		}
		if (o >= 0)
			close(o);
	}
	if (lstat(joined, st) || S_ISLNK(st->st_mode)) {
		free(joined);
		return realpath(path, NULL);
	}
	*have_st = 1;
	return joined;
}

/* Keep path's resolution as the last one made (relative_to() asks for the same path next). */
static char *finder_keep_last(struct project_finder *f, const char *path, char *real)
{
	free(f->last_path);
	free(f->last_real);
	f->last_path = real ? xstrdup(path) : NULL;
	f->last_real = real ? xstrdup(real) : NULL;
	return real;
}

char *project_finder_real(struct project_finder *f, const char *path, struct stat *st, int *have_st)
{
	return finder_keep_last(f, path, finder_real(f, path, st, have_st, NULL, 0));
}

char *project_finder_real_open(struct project_finder *f, const char *path, int flags, int *fd, struct stat *st,
			       int *have_st)
{
	return finder_keep_last(f, path, finder_real(f, path, st, have_st, fd, flags));
}

/* Whether dir holds .git, asked once per directory per run. */
static int finder_has_git(struct project_finder *f, const char *dir)
{
	size_t at;
	if (!strmap_get(&f->git_index, dir, &at))
		return (int)at;
	int has = path_exists(dir, ".git", 0);
	strmap_put(&f->git_index, arena_strdup(&f->path_arena, dir), (size_t)has);
	return has;
}

/*
 * A found file as a person reads it: relative to the working directory when
 * below it (reports stay reproducible). The working directory asked once
 * per run (project_finder_cwd(), issue 13).
 */
static char *finder_display(struct project_finder *f, const char *path)
{
	const char *cwd;
	size_t n;
	if (path[0] != '/' || !(cwd = project_finder_cwd(f)))
		return xstrdup(path);
	n = strlen(cwd);
	if (n > 1 && !strncmp(path, cwd, n) && path[n] == '/')
		return xstrdup(path + n + 1);
	return xstrdup(path);
}

/* Read the project file found (dir_real: its directory, resolved, or NULL: as given, resolve it). */
static long finder_add_file(struct project_finder *f, const char *found, const char *dir_real, struct diag_list *d)
{
	struct project_file *pf;
	char *path = finder_display(f, found);
	int rc = project_file_load_in(&pf, path, dir_real, d);
	free(path);
	pf->finder = f;
	if (rc)
		f->errors++;
	ARRAY_GROW(f->files, f->nfiles + 1, f->files_cap);
	f->files[f->nfiles++] = pf;
	return (long)f->nfiles - 1;
}

static int path_exists(const char *dir, const char *name, int want_dir)
{
	struct stat st;
	char *p = xasprintf("%s/%s", dir, name);
	int rc = stat(p, &st) == 0 && (want_dir ? S_ISDIR(st.st_mode) : 1);
	free(p);
	return rc;
}

/* The project file index for directory dir (absolute, resolved), looking upward; -1 none. */
static long finder_dir(struct project_finder *f, const char *dir, struct diag_list *d)
{
	size_t pos;
	if (!strmap_get(&f->dir_index, dir, &pos))
		return f->dir_file[pos];
	long found = -1;
	if (path_exists(dir, PROJECT_FILE_NAME, 0)) {
		char *p = !strcmp(dir, "/") ? xstrdup("/" PROJECT_FILE_NAME) : xasprintf("%s/%s", dir, PROJECT_FILE_NAME);
		found = finder_add_file(f, p, dir, d);
		free(p);
	} else if (!finder_has_git(f, dir) && strcmp(dir, "/")) {
		/* not the repository root: go on upward */
		const char *slash = strrchr(dir, '/');
		char *up = slash == dir ? xstrdup("/") : xstrndup(dir, (size_t)(slash - dir));
		found = finder_dir(f, up, d);
		free(up);
	}
	ARRAY_GROW(f->dirs, f->ndirs + 1, f->dirs_cap);
	f->dir_file = xrealloc(f->dir_file, f->dirs_cap * sizeof(*f->dir_file));
	f->dirs[f->ndirs] = xstrdup(dir);
	f->dir_file[f->ndirs] = found;
	strmap_put(&f->dir_index, f->dirs[f->ndirs], f->ndirs);
	f->ndirs++;
	return found;
}

struct project_file *project_finder_for(struct project_finder *f, const char *path, struct diag_list *d)
{
	if (f->forced) {
		if (!f->nfiles)
			finder_add_file(f, f->forced, NULL, d);
		return f->files[0];
	}
	if (!path)
		return NULL;
	struct stat st;
	char *real = realpath(path, NULL);
	struct project_file *pf = project_finder_for_real(f, path, real, real && stat(real, &st) == 0 && S_ISDIR(st.st_mode), d);
	free(real);
	return pf;
}

struct project_file *project_finder_for_real(struct project_finder *f, const char *path, const char *real,
					     int is_dir, struct diag_list *d)
{
	if (f->forced || !path)
		return project_finder_for(f, path, d);
	char *dir;
	if (real && is_dir) {
		dir = xstrdup(real);
	} else if (real) {
		/* the directory of a resolved path is resolved: dir_of() without realpath() */
		const char *slash = strrchr(real, '/');
		dir = slash == real ? xstrdup("/") : xstrndup(real, (size_t)(slash - real));
	} else {
		dir = dir_of(path);
		if (dir[0] != '/') {
			free(dir);
			return NULL;
		}
	}
	long i = finder_dir(f, dir, d);
	free(dir);
	return i < 0 ? NULL : f->files[i];
}

/* ---- annotations ------------------------------------------------------------- */

/* One key=value (value possibly "quoted") of an annotation; p advances past it. 0, or -1 at the end. */
static int annotation_pair(const char **pp, char **key, char **value, const char **err)
{
	const char *p = *pp;
	*err = NULL;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p)
		return -1;
	const char *k = p;
	while (*p && *p != '=' && *p != ' ' && *p != '\t')
		p++;
	if (*p != '=') {
		*key = xstrndup(k, (size_t)(p - k));
		*value = NULL;
		*err = "expected KEY=VALUE";
		while (*p && *p != ' ' && *p != '\t')
			p++;
		*pp = p;
		return 0;
	}
	*key = xstrndup(k, (size_t)(p - k));
	p++;
	if (*p == '"') {
		const char *v = ++p;
		while (*p && *p != '"')
			p++;
		if (*p != '"') {
			*value = xstrdup(v);
			*err = "a quoted value without its closing '\"'";
			*pp = p;
			return 0;
		}
		*value = xstrndup(v, (size_t)(p - v));
		p++;
	} else {
		const char *v = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		*value = xstrndup(v, (size_t)(p - v));
	}
	*pp = p;
	return 0;
}

size_t project_annotation_parse(const char *text, const char *file, unsigned line, struct project_settings *ps,
				struct suppress_list *sup, struct arena *a, struct diag_list *d)
{
	const char *p = text;
	char *key, *value;
	const char *err, *why;
	char *ignore = NULL, *reason = NULL, *until = NULL;
	size_t errors = 0, nsettings = 0;
	char *where = xasprintf("%s:%u", file, line);

	while (annotation_pair(&p, &key, &value, &err) == 0) {
		enum project_key k;
		if (err) {
			diag_add(d, DIAG_ERROR, file, line, "crashsafe annotation: '%s': %s", key, err);
			errors++;
		} else if (!strcmp(key, "ignore") || !strcmp(key, "reason") || !strcmp(key, "until")) {
			char **slot = key[0] == 'i' ? &ignore : key[0] == 'r' ? &reason : &until;
			free(*slot);
			*slot = value;
			value = NULL;
		} else if (project_key_find(key, &k) || k == PROJECT_KEY_ROOT) {
			diag_add(d, DIAG_ERROR, file, line,
				 "crashsafe annotation: unknown key '%s' (role, cluster, flavor, version, multi_writer; or ignore, "
				 "reason, until)", key);
			errors++;
		} else if (project_value_check(k, value, &why)) {
			diag_add(d, DIAG_ERROR, file, line, "crashsafe annotation: %s '%s' is %s", key, value, why);
			errors++;
		} else {
			const struct project_value *had = &ps->v[k];
			nsettings++;
			if (had->value && had->layer == PROJECT_LAYER_ANNOTATION && strcmp(had->value, value)) {
				diag_add(d, DIAG_ERROR, file, line,
					 "crashsafe annotation: %s '%s' contradicts %s '%s' at %s", key, value, key,
					 had->value, had->where);
				errors++;
			} else {
				project_settings_give(ps, k, value, PROJECT_LAYER_ANNOTATION, where, a);
			}
		}
		free(key);
		free(value);
	}

	if (ignore || reason || until) {
		long day = 0;
		if (!ignore) {
			diag_add(d, DIAG_ERROR, file, line, "crashsafe annotation: reason or until without ignore=RULE");
			errors++;
		} else if (nsettings) {
			diag_add(d, DIAG_ERROR, file, line,
				 "crashsafe annotation: ignore= stands alone (settings go on their own line)");
			errors++;
		} else if (!reason || !*reason) {
			diag_add(d, DIAG_ERROR, file, line,
				 "crashsafe annotation: ignore=%s needs reason=\"...\" (why the finding is accepted)",
				 ignore);
			errors++;
		} else if (until && suppress_date_parse(until, &day)) {
			diag_add(d, DIAG_ERROR, file, line, "crashsafe annotation: until '%s' is not a date (YYYY-MM-DD)",
				 until);
			errors++;
		} else {
			const char *q = ignore;
			const char *r = arena_strdup(a, reason);
			const char *f = arena_strdup(a, file);
			while (*q) {
				size_t n = strcspn(q, ",");
				if (n) {
					struct suppress_entry *e = suppress_list_add(sup);
					e->rule = arena_strndup(a, q, n);
					e->reason = r;
					e->until = day;
					e->file = f;
					e->line = line;
					e->kind = SUPPRESS_INLINE;
				}
				q += n;
				if (*q == ',')
					q++;
			}
		}
	} else if (!nsettings && !errors) {
		diag_add(d, DIAG_ERROR, file, line, "crashsafe annotation says nothing (role=, cluster=, flavor=, "
						     "version=, or ignore=RULE reason=\"...\")");
		errors++;
	}
	free(ignore);
	free(reason);
	free(until);
	free(where);
	return errors;
}

size_t project_annotations_read(const struct optfile *of, struct project_settings *ps, struct suppress_list *sup,
				struct arena *a, struct diag_list *d)
{
	size_t errors = 0;
	for (size_t i = 0; i < of->nnotes; i++) {
		const struct optfile_note *n = &of->notes[i];
		if (n->kind != OPTFILE_NOTE_ANNOTATION)
			continue;
		size_t before = sup->n;
		errors += project_annotation_parse(n->text, n->source->path, n->line, ps, sup, a, d);
		const char *group = arena_strdup(a, n->group);   /* of's strings go with of */
		for (size_t j = before; j < sup->n; j++) {
			sup->items[j].group = group;
			sup->items[j].excuses_line = n->next_line;
		}
	}
	return errors;
}

void project_annotations_groups(struct suppress_list *sup, const struct optfile_groups *g)
{
	for (size_t i = 0; i < sup->n; i++)
		sup->items[i].group_read = sup->items[i].group && optfile_groups_match(g, sup->items[i].group);
}

void project_target_init(struct project_target *t)
{
	memset(t, 0, sizeof(*t));
	arena_init(&t->arena);
}

void project_target_release(struct project_target *t)
{
	project_rule_switches_release(&t->rules);
	suppress_list_release(&t->inline_sup);
	arena_release(&t->arena);
	memset(t, 0, sizeof(*t));
}

/* ---- what a target is --------------------------------------------------------- */

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

/* Nonzero when path ends with the components etc/mysql (a trailing '/' allowed). */
static int ends_with_etc_mysql(const char *path, size_t *cut)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n < 9 || strncmp(path + n - 9, "etc/mysql", 9))
		return 0;
	if (n > 9 && path[n - 10] != '/')
		return 0;
	*cut = n - 9;
	return 1;
}

/*
 * The file p (system path sys_path under root) when it is a regular file:
 * p itself, or, when p is a symbolic link and root is known, the file the
 * link leads to under root (Debian's my.cnf -> /etc/alternatives/my.cnf ->
 * /etc/mysql/mysql.cnf is resolved in the tree, never on this machine; a
 * link whose target is not in the tree is no entry). Heap string or NULL.
 */
static char *entry_candidate(const char *p, const char *root, const char *sys_path)
{
	struct stat st;
	if (root && !lstat(p, &st) && S_ISLNK(st.st_mode)) {
		char *r = fileio_root_path(root, sys_path);
		if (is_file(r))
			return r;
		free(r);
		return NULL;
	}
	return is_file(p) ? xstrdup(p) : NULL;
}

char *project_entry_file(const char *dir, enum flavor flavor, char **root_out, const char **why)
{
	/* Debian's layouts: my.cnf is an alternatives link to mariadb.cnf or mysql.cnf. */
	const char *const mariadb_first[] = { "my.cnf", "mariadb.cnf", "mysql.cnf" };
	const char *const mysql_first[] = { "my.cnf", "mysql.cnf", "mariadb.cnf" };
	const char *const *names = flavor == FLAVOR_MYSQL || flavor == FLAVOR_PERCONA ? mysql_first : mariadb_first;
	const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";
	size_t cut;
	*root_out = NULL;
	*why = NULL;
	char *root = ends_with_etc_mysql(dir, &cut) ? (cut ? xstrndup(dir, cut) : xstrdup(".")) : NULL;
	for (size_t i = 0; i < 3; i++) {
		char *p = xasprintf("%s%s%s", dir, sep, names[i]);
		char *sys_path = xasprintf("/etc/mysql/%s", names[i]);
		char *e = entry_candidate(p, root, sys_path);
		free(sys_path);
		free(p);
		if (e) {
			*root_out = root;
			return e;
		}
	}
	free(root);
	const char *const sys[] = { "etc/mysql/my.cnf", "etc/mysql/mariadb.cnf", "etc/mysql/mysql.cnf", "etc/my.cnf" };
	for (size_t i = 0; i < ARRAY_SIZE(sys); i++) {
		char *p = xasprintf("%s%s%s", dir, sep, sys[i]);
		char *sys_path = xasprintf("/%s", sys[i]);
		char *e = entry_candidate(p, dir, sys_path);
		free(sys_path);
		free(p);
		if (e) {
			*root_out = xstrdup(dir);
			return e;
		}
	}
	*why = "a directory without an entry file (my.cnf, mariadb.cnf, mysql.cnf, or etc/mysql/my.cnf, "
	       "etc/my.cnf below it)";
	return NULL;
}

/* Clean an absolute path lexically: "//", "/./" and "x/.." go. */
static void path_clean(char *p);

/* path made absolute against cwd and cleaned lexically (no link followed). Heap. */
static char *path_lexical(const char *path, const char *cwd)
{
	char *abs = path[0] == '/' || !cwd ? xstrdup(path) : xasprintf("%s/%s", cwd, path);
	if (abs[0] == '/')
		path_clean(abs);
	return abs;
}

/* What follows dir and a '/' in path (both absolute, clean), or NULL when path is not below dir. */
static const char *path_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[1] ? path + 1 : NULL;
	return !strncmp(path, dir, n) && path[n] == '/' && path[n + 1] ? path + n + 1 : NULL;
}

/* Whether a component of rel, looked up from root down, is a symbolic link. */
static int path_has_link(const char *root, const char *rel)
{
	struct stat st;
	int link = 0;
	char *p = xasprintf("%s/%s", root, rel);
	char *end = p + strlen(root) + 1;
	while (!link && end) {
		char *slash = strchr(end, '/');
		if (slash)
			*slash = '\0';
		if (lstat(p, &st))
			break;
		link = S_ISLNK(st.st_mode);
		if (slash)
			*slash = '/';
		end = slash ? slash + 1 : NULL;
	}
	free(p);
	return link;
}

char *project_root_file(const char *root, const char *path)
{
	char *cwd, *abs, *abs_root, *real_root = NULL, *in_tree = NULL;
	const char *rel;
	if (!root || !*root || !path || !*path || !strcmp(path, "-"))
		return NULL;
	cwd = getcwd(NULL, 0);
	abs = path_lexical(path, cwd);
	abs_root = path_lexical(root, cwd);
	const char *base = abs_root;
	rel = abs[0] == '/' && abs_root[0] == '/' ? path_below(abs, abs_root) : NULL;
	if (!rel && (real_root = realpath(root, NULL)) != NULL) {
		rel = path_below(abs, real_root);   /* getcwd() is resolved: root given through a link */
		base = real_root;
	}
	if (rel && path_has_link(base, rel)) {
		char *sys = xasprintf("/%s", rel);
		char *a = realpath(path, NULL), *b;
		in_tree = fileio_root_path(root, sys);
		b = realpath(in_tree, NULL);
		if (a && b && !strcmp(a, b)) {   /* a link that stays in the tree: the same file, named as given */
			free(in_tree);
			in_tree = NULL;
		}
		free(a);
		free(b);
		free(sys);
	}
	free(cwd);
	free(abs);
	free(abs_root);
	free(real_root);
	return in_tree;
}

char *project_repo_outside(struct project_finder *f, const char *path, const char *real)
{
	const char *cwd = project_finder_cwd(f);
	char *abs, *dir, *slash, *repo = NULL;
	if (!real || !path || !strcmp(path, "-"))
		return NULL;
	abs = path_lexical(path, cwd);
	if (abs[0] != '/') {
		free(abs);
		return NULL;
	}
	dir = abs;
	/* the nearest directory above path holding .git (path's own directories, not the link's target) */
	while ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		const char *d = *dir ? dir : "/";
		if (finder_has_git(f, d)) {
			repo = xstrdup(d);
			break;
		}
		if (!*dir)
			break;
	}
	free(abs);
	if (!repo)
		return NULL;
	char *repo_real = realpath(repo, NULL);
	int inside = (repo_real && path_below(real, repo_real)) || path_below(real, repo);
	free(repo_real);
	if (inside) {
		free(repo);
		return NULL;
	}
	return repo;
}

/* Clean an absolute path lexically: "//", "/./" and "x/.." go. */
static void path_clean(char *p)
{
	char *out = p, *in = p;
	while (*in) {
		if (in[0] == '/' && in[1] == '/') {
			in++;
			continue;
		}
		if (in[0] == '/' && in[1] == '.' && (in[2] == '/' || !in[2])) {
			in += 2;
			continue;
		}
		if (in[0] == '/' && in[1] == '.' && in[2] == '.' && (in[3] == '/' || !in[3])) {
			while (out > p && *--out != '/')
				;
			in += 3;
			continue;
		}
		*out++ = *in++;
	}
	if (out == p)
		*out++ = '/';
	*out = '\0';
}

char *project_path_key(const char *path)
{
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	return path_key(NULL, path, realpath(path, NULL), cwd);
}

char *project_path_key_real(struct project_finder *f, const char *path, const char *real)
{
	const char *cwd = project_finder_cwd(f);
	return path_key(f, path, real ? xstrdup(real) : NULL, cwd ? cwd : "");
}

/* project_path_key() of path, whose realpath() is abs (heap, taken; NULL: failed); f: the run's .git answers, or NULL. */
static char *path_key(struct project_finder *f, const char *path, char *abs, const char *cwd)
{
	if (!abs) {
		abs = path[0] == '/' || !cwd[0] ? xstrdup(path) : xasprintf("%s/%s", cwd, path);
		path_clean(abs);
	}
	if (abs[0] != '/')
		return abs;
	/*
	 * The repository root: the nearest directory above holding .git;
	 * with f, remembered per directory of a file (issue 13: the walk up
	 * asked each level of the run's map, for every target).
	 */
	size_t root = SIZE_MAX, dl = (size_t)(strrchr(abs, '/') - abs);
	char dirbuf[PATH_MAX];
	char *dir = dl < sizeof(dirbuf) ? dirbuf : xmalloc(dl + 1);
	memcpy(dir, abs, dl);
	dir[dl] = '\0';
	if (!f || strmap_get(&f->root_index, dir, &root) < 0) {
		size_t at = dl;
		for (;;) {
			dir[at] = '\0';
			const char *d = *dir ? dir : "/";
			if (f ? finder_has_git(f, d) : path_exists(d, ".git", 0)) {
				root = at;
				break;
			}
			char *slash = *dir ? strrchr(dir, '/') : NULL;
			if (!slash)
				break;
			at = (size_t)(slash - dir);
		}
		if (f) {
			memcpy(dir, abs, dl);
			dir[dl] = '\0';
			strmap_put(&f->root_index, arena_strdup(&f->path_arena, dir), root);
		}
	}
	if (dir != dirbuf)
		free(dir);
	if (root != SIZE_MAX) {
		char *key = xstrdup(abs + root + 1);
		free(abs);
		return key;
	}
	size_t n = strlen(cwd);
	if (n > 1 && !strncmp(abs, cwd, n) && abs[n] == '/') {
		char *key = xstrdup(abs + n + 1);
		free(abs);
		return key;
	}
	return abs;
}

int project_same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (stat(a, &sa) || stat(b, &sb))
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
