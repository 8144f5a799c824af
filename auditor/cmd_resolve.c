/*
 * cmd_resolve.c - `crashsafe resolve`: the options a server would start
 * with, read from its option files the way the server reads them, each
 * with where it was set; or, with --raw, exactly what
 * `my_print_defaults --defaults-file=FILE --mysqld` prints.
 *
 * Output (without --raw), one block per option in order of first
 * appearance; names are grouped with '-' and '_' alike and a "loose-"
 * prefix set aside, and the last value read wins:
 *
 *   # MariaDB 10.11; groups: [mysqld] [server] ...
 *   # file: my.cnf
 *   # file: conf.d/x.cnf (included from my.cnf:12)
 *   sync_binlog=0  conf.d/x.cnf:3 [mysqld], included from my.cnf:12
 *     overridden: sync-binlog=1 at my.cnf:5 [mysqld]
 *
 * The first line of a block is NAME[=VALUE], two spaces, FILE:LINE [GROUP]
 * and the include chain; the name is the grouping key ('_' for '-', no
 * "loose-"), followed by "(written as ...)" when the spelling differs more
 * than that. Each "  overridden:" line is an earlier value, most recent
 * first, spelled as written. Names, values and paths are escaped as every
 * message is (util.h: \n, \t, \xHH, \uHHHH), so every option stays on one
 * line and no byte acts on a terminal.
 *
 * The values of secrets (secret.h: password, wsrep_sst_auth, *_password ...)
 * are shown as ******** in both forms unless --show-secrets is given, as
 * MySQL's my_print_defaults masks passwords unless --show (MySQL 5.6.25+,
 * https://dev.mysql.com/doc/refman/8.4/en/my-print-defaults.html; MariaDB's
 * my_print_defaults 10.11 prints them, so the differential test of --raw
 * against it passes --show-secrets).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "cli.h"
#include "config.h"
#include "cmd.h"
#include "flavor.h"
#include "optfile.h"
#include "project.h"
#include "secret.h"
#include "util.h"
#include "banned.h"

enum resolve_opt {
	RESOLVE_FLAVOR = 1,
	RESOLVE_VERSION,
	RESOLVE_SUFFIX,
	RESOLVE_DEFAULTS_FILE,
	RESOLVE_EXTRA_FILE,
	RESOLVE_NO_DEFAULTS,
	RESOLVE_RAW,
	RESOLVE_EFFECTIVE,
	RESOLVE_ROOT,
	RESOLVE_SHOW_SECRETS,
	RESOLVE_HELP,
	RESOLVE_SHOW_VERSION,
};

static const struct cli_option resolve_options[] = {
	{ "flavor", 0, CLI_REQUIRED_ARG, RESOLVE_FLAVOR, "F",
	  "mysql, percona or mariadb: which groups are read (default mysql)" },
	{ "server-version", 0, CLI_REQUIRED_ARG, RESOLVE_VERSION, "X.Y",
	  "server version for the [mysqld-X.Y] groups (default 8.4; MariaDB 10.11)" },
	{ "defaults-group-suffix", 0, CLI_REQUIRED_ARG, RESOLVE_SUFFIX, "S",
	  "also read the groups with S appended (default $MYSQL_GROUP_SUFFIX)" },
	{ "defaults-file", 0, CLI_REQUIRED_ARG, RESOLVE_DEFAULTS_FILE, "FILE",
	  "read only FILE (the same as giving FILE)" },
	{ "defaults-extra-file", 0, CLI_REQUIRED_ARG, RESOLVE_EXTRA_FILE, "FILE",
	  "with no FILE: also read FILE, after the global files" },
	{ "no-defaults", 0, CLI_NO_ARG, RESOLVE_NO_DEFAULTS, NULL,
	  "read no option files at all" },
	{ "effective", 0, CLI_NO_ARG, RESOLVE_EFFECTIVE, NULL,
	  "print each option's effective value as the server would take it (NAME TAB VALUE TAB FILE:LINE)" },
	{ "raw", 0, CLI_NO_ARG, RESOLVE_RAW, NULL,
	  "print what my_print_defaults --mysqld prints, one option per line" },
	{ "root", 0, CLI_REQUIRED_ARG, RESOLVE_ROOT, "DIR",
	  "read absolute !include/!includedir paths and the default files under DIR" },
	{ "show-secrets", 0, CLI_NO_ARG, RESOLVE_SHOW_SECRETS, NULL,
	  "print passwords and other secrets instead of ******** (my_print_defaults --show; not with --effective)" },
	{ "help", 'h', CLI_NO_ARG, RESOLVE_HELP, NULL, "show this help and exit" },
	{ "version", 0, CLI_NO_ARG, RESOLVE_SHOW_VERSION, NULL, "print crashsafe's version and exit" },
};

struct resolve_args {
	enum flavor flavor;
	struct version version;
	int have_version;
	const char *suffix;
	const char *defaults_file;
	const char *extra_file;
	int no_defaults;
	int raw;
	int effective;
	const char *root;
	int show_secrets;
	int help, show_version;
	int bad;
};

static void resolve_usage(FILE *fp)
{
	fputs("usage: crashsafe resolve [OPTIONS] [FILE|-]\n\n"
	      "Read option files the way mysqld reads them and print the options it would\n"
	      "start with. With FILE (or --defaults-file) only that file and what it includes\n"
	      "is read; without, the server's default files: /etc/my.cnf, /etc/mysql/my.cnf,\n"
	      "$MYSQL_HOME/my.cnf ($MARIADB_HOME first for MariaDB), --defaults-extra-file,\n"
	      "~/.my.cnf. FILE may be - (standard input) or a pipe (<(...)). With --root DIR\n"
	      "absolute paths inside the files and the default files are read under DIR.\n"
	      "Lines are cut as the flavor and version cut them (MariaDB and MySQL up to\n"
	      "8.0.21: 4094-byte pieces; MySQL 8.0.25 and later: whole lines).\n\n"
	      "Each option is printed once, with its last value and where that was set\n"
	      "(file:line [group] and the chain of !include lines that led there); the\n"
	      "earlier values it overrides follow, most recent first, on \"  overridden:\"\n"
	      "lines. Names are grouped with '-' and '_' alike and a \"loose-\" prefix set\n"
	      "aside; skip-/enable- spellings are listed as written. Lines starting with\n"
	      "'#' name the flavor, groups and files read. Control bytes are shown as \\n,\n"
	      "\\t or \\xHH.\n\n"
	      "With --raw: exactly what 'my_print_defaults --defaults-file=FILE --mysqld'\n"
	      "prints for the flavor's groups, one option per line, in read order.\n\n"
	      "Either way, the values of passwords and other secrets (password, wsrep_sst_auth,\n"
	      "master-password, *_password ...) are shown as ******** unless --show-secrets.\n\n"
	      "Options:\n",
	      fp);
	cli_print_options(fp, resolve_options, ARRAY_SIZE(resolve_options));
	fputs("\nProblems go to standard error as \"crashsafe: FILE:LINE: error: ...\".\n"
	      "Exit status: 0 the files were read (values are not checked: an option or a\n"
	      "value the server refuses is printed as written; 'crashsafe check' judges\n"
	      "them); 2 usage error, an unreadable file, or the reader stops where the\n"
	      "server's would (a byte order mark, an option before any group, a header\n"
	      "without ']', a missing !includedir directory): then nothing is printed on\n"
	      "standard output, as my_print_defaults. With --effective, 2 also when the\n"
	      "server would refuse an option or a value (the values are checked then).\n",
	      fp);
}

static int resolve_option(void *ctx, int id, const char *arg)
{
	struct resolve_args *a = ctx;
	switch ((enum resolve_opt)id) {
	case RESOLVE_FLAVOR:
		if (flavor_parse(&a->flavor, arg))
			return cli_usage_error("unknown flavor '%s' (mysql, percona, mariadb)", arg);
		break;
	case RESOLVE_VERSION:
		if (version_parse(&a->version, arg))
			return cli_usage_error("bad server version '%s' (want X.Y or X.Y.Z)", arg);
		a->have_version = 1;
		break;
	case RESOLVE_SUFFIX:
		a->suffix = arg;
		break;
	case RESOLVE_DEFAULTS_FILE:
		a->defaults_file = arg;
		break;
	case RESOLVE_EXTRA_FILE:
		a->extra_file = arg;
		break;
	case RESOLVE_NO_DEFAULTS:
		a->no_defaults = 1;
		break;
	case RESOLVE_EFFECTIVE:
		a->effective = 1;
		break;
	case RESOLVE_RAW:
		a->raw = 1;
		break;
	case RESOLVE_ROOT: {
		struct stat st;
		if (stat(arg, &st) || !S_ISDIR(st.st_mode))
			return cli_usage_error("--root: '%s' is not a directory", arg);
		a->root = arg;
		break;
	}
	case RESOLVE_SHOW_SECRETS:
		a->show_secrets = 1;
		break;
	case RESOLVE_HELP:
		a->help = 1;
		break;
	case RESOLVE_SHOW_VERSION:
		a->show_version = 1;
		break;
	}
	return 0;
}

/* The grouping key: '-' as '_', a leading "loose" prefix dropped. */
static char *resolve_key(const char *name)
{
	char *k = xstrdup(name);
	for (char *p = k; *p; p++)
		if (*p == '-')
			*p = '_';
	if (!strncmp(k, "loose_", 6) && k[6])
		memmove(k, k + 6, strlen(k + 6) + 1);
	return k;
}

/* Outside text, escaped as everywhere else (util.h). */
static void print_escaped(FILE *fp, const char *s)
{
	fputs_escaped(s, fp, NULL);
}

/* The include chain of each file read, made once: options share their files. */
struct chain_cache {
	const struct optfile_source *src;
	const char *chain;
};

static int chain_cache_cmp(const void *a, const void *b)
{
	const struct chain_cache *x = a, *y = b;
	return x->src < y->src ? -1 : x->src > y->src;
}

struct chains {
	struct chain_cache *items;
	size_t n;
};

static void chains_build(struct chains *c, struct optfile *of)
{
	c->items = xcalloc(of->nsources ? of->nsources : 1, sizeof(*c->items));
	c->n = of->nsources;
	for (size_t i = 0; i < of->nsources; i++) {
		c->items[i].src = of->sources[i];
		c->items[i].chain = optfile_source_chain(of, of->sources[i]);
	}
	qsort(c->items, c->n, sizeof(*c->items), chain_cache_cmp);
}

static const char *chains_find(const struct chains *c, const struct optfile_source *src)
{
	struct chain_cache key = { src, NULL };
	const struct chain_cache *hit =
		bsearch(&key, c->items, c->n, sizeof(*c->items), chain_cache_cmp);
	return hit ? hit->chain : NULL;
}

static void print_origin(FILE *fp, const struct chains *chains, const struct optfile_option *o)
{
	print_escaped(fp, o->source->path);
	fprintf(fp, ":%u [", o->line);
	print_escaped(fp, o->group);
	fputc(']', fp);
	const char *chain = chains_find(chains, o->source);
	if (chain) {
		fputs(", ", fp);
		print_escaped(fp, chain);
	}
}

/* "--name=value" as read, with a secret's value masked unless show. */
static void print_option_text(FILE *fp, const struct optfile_option *o, int show, int escaped)
{
	const char *text = o->text;
	char *masked = NULL;
	if (!show && o->value && secret_shown(o->name, o->value) != o->value)
		text = masked = xasprintf("--%s=%s", o->name, SECRET_MASK);
	if (escaped)
		print_escaped(fp, text + 2);
	else
		fputs(text, fp);
	free(masked);
}

struct resolve_entry {
	char *key;
	size_t first;    /* index of the first option with this key */
	size_t *idx;     /* every option with this key, in read order */
	size_t n, cap;
};

static int entry_cmp_key(const void *a, const void *b)
{
	const struct resolve_entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->first < y->first ? -1 : x->first > y->first;
}

static int entry_cmp_first(const void *a, const void *b)
{
	const struct resolve_entry *x = a, *y = b;
	return x->first < y->first ? -1 : x->first > y->first;
}

static void resolve_print(FILE *fp, struct optfile *of, enum flavor flavor,
			  const struct version *v, const struct optfile_groups *g, int show_secrets)
{
	char vbuf[32];
	fprintf(fp, "# %s %s; groups:", flavor_display(flavor), version_format(v, vbuf, sizeof(vbuf)));
	for (size_t i = 0; i < g->n; i++)
		fprintf(fp, " [%s]", g->names[i]);
	fputc('\n', fp);
	for (size_t i = 0; i < of->nsources; i++) {
		char *d = optfile_source_describe(of->sources[i]);
		fputs("# file: ", fp);
		print_escaped(fp, d);
		fputc('\n', fp);
		free(d);
	}

	struct chains chains;
	chains_build(&chains, of);
	/* One entry per option first, sorted by key, then merged. */
	struct resolve_entry *e = xcalloc(of->n ? of->n : 1, sizeof(*e));
	for (size_t i = 0; i < of->n; i++) {
		e[i].key = resolve_key(of->options[i].name);
		e[i].first = i;
	}
	qsort(e, of->n, sizeof(*e), entry_cmp_key);
	size_t ne = 0;
	for (size_t i = 0; i < of->n;) {
		size_t j = i;
		struct resolve_entry m = { e[i].key, e[i].first, NULL, 0, 0 };
		for (; j < of->n && !strcmp(e[j].key, m.key); j++) {
			ARRAY_GROW(m.idx, m.n + 1, m.cap);
			m.idx[m.n++] = e[j].first;
			if (j != i)
				free(e[j].key);
		}
		e[ne++] = m;
		i = j;
	}
	qsort(e, ne, sizeof(*e), entry_cmp_first);

	for (size_t i = 0; i < ne; i++) {
		const struct optfile_option *last = &of->options[e[i].idx[e[i].n - 1]];
		print_escaped(fp, e[i].key);
		if (last->value) {
			fputc('=', fp);
			print_escaped(fp, show_secrets ? last->value : secret_shown(last->name, last->value));
		}
		fputs("  ", fp);
		print_origin(fp, &chains, last);
		if (optname_cmp(last->name, e[i].key)) {
			/* The key dropped a "loose-" prefix: say how it was written. */
			fputs(" (written as ", fp);
			print_escaped(fp, last->name);
			fputc(')', fp);
		}
		fputc('\n', fp);
		for (size_t k = e[i].n - 1; k-- > 0;) {
			const struct optfile_option *o = &of->options[e[i].idx[k]];
			fputs("  overridden: ", fp);
			print_option_text(fp, o, show_secrets, 1);
			fputs(" at ", fp);
			print_origin(fp, &chains, o);
			fputc('\n', fp);
		}
		free(e[i].key);
		free(e[i].idx);
	}
	free(e);
	free(chains.items);
}

/*
 * --effective: the options' values as the server takes them (config.c,
 * against the full option catalog of the flavor and version); problems and
 * warnings go to standard error. Returns nonzero when the server would
 * refuse the files (or the catalog could not be loaded).
 */
static int resolve_effective(const struct optfile *of, const struct resolve_args *a)
{
	struct catalog c;
	struct diag_list d;
	struct settings s;
	int refused;
	catalog_init(&c);
	diag_list_init(&d);
	if (audit_load_catalog(&c, &d)) {
		diag_print(&d, stderr);
		refused = 1;
		goto out;
	}
	settings_init(&s, of->n && of->options[0].source ? of->options[0].source->path : "-", "file");
	s.flavor = a->flavor;
	s.version = a->version;
	refused = config_load(&s, of, &c) != 0;
	diag_print(&s.build_diags, stderr);   /* those that change what was read (a plugin's option) */
	diag_print(&s.diags, stderr);
	config_print_effective(stdout, &s);
	settings_release(&s);
out:
	diag_list_release(&d);
	catalog_release(&c);
	return refused;
}

int cmd_resolve(int argc, char **argv)
{
	struct resolve_args a = { .flavor = FLAVOR_DEFAULT };
	struct optfile of;
	struct optfile_groups g;
	int nops = 0, rc;

	rc = cli_parse(argc, argv, resolve_options, ARRAY_SIZE(resolve_options), resolve_option, &a,
		       &nops);
	if (rc)
		return EXIT_USAGE;
	if (a.help) {
		resolve_usage(stdout);
		return EXIT_OK;
	}
	if (a.show_version) {
		printf("crashsafe %s\n", CRASHSAFE_VERSION);
		return EXIT_OK;
	}
	if (nops > 1)
		return cli_usage_error("resolve reads one FILE (it may !include others)");
	if (nops == 1) {
		if (a.defaults_file && strcmp(a.defaults_file, argv[0]))
			return cli_usage_error("FILE and --defaults-file name different files");
		a.defaults_file = argv[0];
	}
	if (a.no_defaults && (a.defaults_file || a.extra_file))
		return cli_usage_error("--no-defaults reads no file: drop FILE and --defaults-*-file");
	if (a.effective && a.show_secrets)
		return cli_usage_error("--show-secrets cannot apply to --effective: secrets are masked as the "
				       "values are read (resolve --show-secrets prints them as written)");
	if (!a.have_version)
		flavor_default_version(a.flavor, &a.version);
	if (!a.suffix) {
		const char *env = getenv("MYSQL_GROUP_SUFFIX");
		if (env && *env)
			a.suffix = env;
	}

	optfile_groups_for(&g, a.flavor, &a.version, a.suffix);
	optfile_init(&of);
	of.line_rule = optfile_line_rule_for(a.flavor, &a.version);
	if (a.defaults_file && a.extra_file)
		fputs("crashsafe: warning: --defaults-extra-file is not read with --defaults-file "
		      "(as mysqld does)\n", stderr);

	struct optfile_search s = {
		.defaults_file = a.defaults_file,
		.defaults_extra_file = a.extra_file,
		.no_defaults = a.no_defaults,
		.home = getenv("HOME"),
		.server_home = NULL,
		.root = a.root,
	};
	if (a.flavor == FLAVOR_MARIADB)
		s.server_home = getenv("MARIADB_HOME");
	if (!s.server_home)
		s.server_home = getenv("MYSQL_HOME");

	/* a FILE inside --root DIR is read as the server's machine reads it when a link on its way leaves (load.c does the same) */
	char *in_tree = project_root_file(a.root, a.defaults_file);
	if (in_tree)
		s.defaults_file = in_tree;
	rc = optfile_read_defaults(&of, &s, a.flavor, &g);
	free(in_tree);   /* the reader keeps its own copies of the paths */
	diag_print(&of.diags, stderr);
	if (rc < 0 || of.fatal || of.input_error) {
		optfile_release(&of);
		return EXIT_USAGE;
	}
	if (a.effective) {
		int refused = resolve_effective(&of, &a);
		optfile_release(&of);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fputs("crashsafe: error: cannot write to standard output\n", stderr);
			return EXIT_USAGE;
		}
		return refused ? EXIT_USAGE : EXIT_OK;
	}
	if (a.raw) {
		for (size_t i = 0; i < of.n; i++) {
			print_option_text(stdout, &of.options[i], a.show_secrets, 0);
			fputc('\n', stdout);
		}
	} else {
		resolve_print(stdout, &of, a.flavor, &a.version, &g, a.show_secrets);
	}
	optfile_release(&of);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fputs("crashsafe: error: cannot write to standard output\n", stderr);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}
