/*
 * load.c - the targets of an offline run: option files, directories,
 * standard input, snapshots, the default files; their layers and entry
 * points (see load.h).
 */
#include "load.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "expr.h"
#include "fileio.h"
#include "optfile.h"
#include "persisted.h"
#include "progress.h"
#include "snapshot.h"
#include "banned.h"

void load_targets_init(struct load_targets *lt, const struct load_options *o)
{
	memset(lt, 0, sizeof(*lt));
	arena_init(&lt->real_arena);
	project_finder_init(&lt->finder, o->project_file);
	lt->streamed = o->each != NULL;
	strmap_init(&lt->links, 0);
}

/* Target i's settings: its own slot, or with each the one slot every target uses in turn. */
static struct settings *load_slot(struct load_targets *lt, size_t i)
{
	return &lt->targets[lt->streamed ? 0 : i];
}

/* Target i's name and whether it had an error, also once its settings were handed over. */
static const char *load_name(const struct load_targets *lt, size_t i)
{
	return lt->streamed ? lt->names[i] : lt->targets[i].target;
}

static int load_failed(const struct load_targets *lt, size_t i)
{
	return lt->streamed ? lt->failed[i] : lt->targets[i].error != NULL;
}

static void load_project_free(struct load_targets *lt, size_t i)
{
	if (!lt->projects[i])
		return;
	project_target_release(lt->projects[i]);
	free(lt->projects[i]);
	lt->projects[i] = NULL;
}

static void load_free_reads(struct load_targets *lt, size_t i)
{
	struct load_reads *r = lt->reads[i];
	if (r) {
		for (size_t j = 0; j < r->n; j++)
			free(r->files[j]);
		free(r->files);
		free(r->entry);
		free(r);
		lt->reads[i] = NULL;
	}
	lt->reals[i] = NULL;   /* real_arena's */
}

/* Target i's includes and entry file, made when it has one. */
static struct load_reads *load_reads_of(struct load_targets *lt, size_t i)
{
	if (!lt->reads[i])
		lt->reads[i] = xcalloc(1, sizeof(*lt->reads[i]));
	return lt->reads[i];
}

/* The number of files target i read as includes. */
static size_t load_nreads(const struct load_targets *lt, size_t i)
{
	return lt->reads[i] ? lt->reads[i]->n : 0;
}

void load_targets_release(struct load_targets *lt)
{
	for (size_t i = 0; i < lt->n; i++) {
		if (lt->targets && !lt->streamed)
			settings_release(&lt->targets[i]);
		load_project_free(lt, i);
		if (lt->reads)
			load_free_reads(lt, i);
	}
	if (lt->targets && lt->streamed)
		settings_release(&lt->targets[0]);
	free(lt->targets);
	free(lt->projects);
	free(lt->failed);
	free(lt->reads);
	free(lt->reals);
	arena_release(&lt->real_arena);
	free(lt->order);
	free(lt->names);
	for (size_t i = 0; i < lt->nskipped; i++) {
		free(lt->skipped[i].name);
		free(lt->skipped[i].why);
	}
	free(lt->skipped);
	project_finder_release(&lt->finder);
	config_cache_free(lt->config_cache);
	for (size_t i = 0; i < lt->nlinks; i++) {
		free(lt->link_keys[i]);
		free(lt->link_paths[i]);
	}
	free(lt->link_keys);
	free(lt->link_paths);
	strmap_release(&lt->links);
	memset(lt, 0, sizeof(*lt));
}

/* A new target slot: settings and project data, linked. */
static struct settings *load_add(struct load_targets *lt, const char *name, const char *kind)
{
	if (lt->n == lt->cap) {
		size_t cap = lt->cap ? lt->cap * 2 : 8;
		if (!lt->streamed)
			lt->targets = xrealloc(lt->targets, cap * sizeof(*lt->targets));
		lt->failed = xrealloc(lt->failed, cap * sizeof(*lt->failed));
		lt->projects = xrealloc(lt->projects, cap * sizeof(*lt->projects));
		lt->reads = xrealloc(lt->reads, cap * sizeof(*lt->reads));
		lt->reals = xrealloc(lt->reals, cap * sizeof(*lt->reals));
		lt->names = xrealloc(lt->names, cap * sizeof(*lt->names));
		lt->cap = cap;
	}
	if (lt->streamed && !lt->targets)
		lt->targets = xcalloc(1, sizeof(*lt->targets));   /* the previous target was handed over: slot empty */
	size_t i = lt->n++;
	struct settings *s = load_slot(lt, i);
	settings_init(s, name, kind);
	lt->projects[i] = xmalloc(sizeof(*lt->projects[i]));
	project_target_init(lt->projects[i]);
	s->project = lt->projects[i];
	lt->failed[i] = 0;
	lt->reads[i] = NULL;
	lt->reals[i] = NULL;
	lt->names[i] = name;   /* borrowed (load.h) */
	return s;
}

/* ---- layers ------------------------------------------------------------------ */

/* What the command line gives every target: the least specific layer. */
static void load_command_line(struct project_target *pt, const struct load_options *o)
{
	const struct audit_options *a = o->audit;
	char buf[32];
	if (a->flavor_set)
		project_settings_give(&pt->settings, PROJECT_KEY_FLAVOR, project_flavor_text(a->flavor, a->variant),
				      PROJECT_LAYER_COMMAND_LINE, "--flavor", &pt->arena);
	if (a->version_set)
		project_settings_give(&pt->settings, PROJECT_KEY_VERSION, version_format(&a->version, buf, sizeof(buf)),
				      PROJECT_LAYER_COMMAND_LINE, "--server-version", &pt->arena);
	if (a->role_set)
		project_settings_give(&pt->settings, PROJECT_KEY_ROLE, role_name(a->role), PROJECT_LAYER_COMMAND_LINE,
				      "--role", &pt->arena);
	if (o->root)
		project_settings_give(&pt->settings, PROJECT_KEY_ROOT, o->root, PROJECT_LAYER_COMMAND_LINE, "--root",
				      &pt->arena);
}

/* What the layers give above flavor inference (infer.h). */
static void load_choice(struct flavor_choice *given, const struct project_settings *ps)
{
	const char *src;
	project_settings_flavor(ps, &given->flavor, &given->variant, &given->version, &given->version_set, &src);
	given->source = src ? src : "command-line";
}

/*
 * Before the files are read: flavor, build and version from the layers
 * (else a version only one flavor had names it; else the defaults), so
 * that the files are read as that server cuts its lines.
 */
static void load_presume(struct settings *s, const struct project_settings *ps)
{
	struct flavor_choice given;
	load_choice(&given, ps);
	infer_presume(s, &given);   /* its text only when the files decide nothing (load_presumed_text()) */
	diag_list_release(&s->build_diags);
	diag_list_init(&s->build_diags);
	project_settings_apply_role(ps, s);
}

/*
 * A target whose files were not read (or not inferred from): the evidence
 * text of what load_presume() decided, as infer_decide() words it, and
 * not its warnings (load_presume() keeps none).
 */
static void load_presumed_text(struct settings *s, const struct project_settings *ps)
{
	struct flavor_choice given;
	struct diag_list kept = s->build_diags;
	load_choice(&given, ps);
	diag_list_init(&s->build_diags);
	infer_decide(s, &given, NULL);
	diag_list_release(&s->build_diags);
	s->build_diags = kept;
}

/* ---- option files --------------------------------------------------------------- */

/*
 * The reader's warnings and errors change what was audited (a file skipped,
 * an include outside the tree, a long line): on standard error always. With
 * -v every diagnostic of the target is printed later, so not twice.
 */
static void load_print_reader_diags(const struct optfile *of, const struct audit_options *o)
{
	if (o->verbose)
		return;
	for (size_t i = 0; i < of->diags.n; i++) {
		const struct diag *g = &of->diags.items[i];
		if (g->level < DIAG_WARNING)
			continue;
		/*
		 * The error that stops the target, at no line: the target's own
		 * error line says it once evaluated (audit.c), as -v does (a FIFO
		 * nobody writes to, and a missing FILE, "cannot open required
		 * option file" then "cannot read", were said twice: breaker7).
		 */
		if (g->level == DIAG_ERROR && !g->line && of->input_error)
			continue;
		diag_print_one(g, stderr);
	}
}

/*
 * Read path (NULL: the default files) with every group kept (flavor
 * inference needs them), cutting lines as s's flavor and version do.
 */
/*
 * With no FILE, say on standard error which files were chosen (the default
 * files this machine's server would read, and what they include), so that
 * an empty glob in a CI job does not silently audit the runner's own files.
 */
static void load_name_default_files(const struct optfile *of, const struct settings *s)
{
	struct strbuf top = { 0 };
	size_t included = 0;
	for (size_t i = 0; i < of->nsources; i++) {
		if (of->sources[i]->parent)
			included++;
		else
			strbuf_addf(&top, "%s%s", top.len ? ", " : "", of->sources[i]->path);
	}
	if (!top.len)
		diag_emit(DIAG_NOTE, NULL, 0, "no FILE given, and none of the default option files of %s exists "
			  "(/etc/my.cnf, /etc/mysql/my.cnf, $MYSQL_HOME/my.cnf, ~/.my.cnf): auditing the compiled-in defaults, as a server started without option files "
			  "runs (name the files, or give --strict to refuse to run without a FILE)",
			  flavor_display(s->flavor));
	else
		diag_emit(DIAG_NOTE, NULL, 0, "no FILE given: auditing the default option files %s reads on this "
			  "machine: %s%s (give --strict to refuse to run without a FILE)", flavor_display(s->flavor),
			  top.buf, included ? " and the files they include" : "");
	strbuf_release(&top);
}

static void load_read(struct optfile *of, const struct settings *s, const char *path, const char *real,
		      int fd, const struct stat *st, const char *root, const char *stdin_name)
{
	struct optfile_groups all;
	optfile_init(of);
	of->stdin_name = stdin_name;
	of->given_real = real;
	of->given_fd = fd;
	if (fd >= 0)
		of->given_st = *st;
	of->line_rule = optfile_line_rule_for(s->flavor, &s->version);
	of->root = root;
	optfile_groups_all(&all);
	if (path) {
		optfile_read(of, path, &all);
		return;
	}
	struct optfile_search search = { 0 };
	const char *home = getenv("MARIADB_HOME");
	search.home = getenv("HOME");
	if (s->flavor != FLAVOR_MARIADB || !home)
		home = getenv("MYSQL_HOME");
	search.server_home = home;
	search.root = root;
	optfile_read_defaults(of, &search, s->flavor, &all);
}

/* Can path be read a second time? Regular files can; standard input and pipes cannot. */
static int load_rereadable(const char *path)
{
	struct stat st;
	int fd;
	if (!path)
		return 1;   /* the default files */
	return strcmp(path, "-") && !fileio_inherited_fd(path, &fd) && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The last datadir option the server reads (with or without loose-), or NULL. */
static const struct optfile_option *load_datadir(const struct optfile *of)
{
	const struct optfile_option *found = NULL;
	for (size_t i = 0; i < of->n; i++) {
		const char *name = of->options[i].name;
		if (name[0] != 'l' && name[0] != 'd')
			continue;   /* neither loose- nor datadir: most names (issue 13) */
		if (!strncmp(name, "loose", 5) && (name[5] == '-' || name[5] == '_'))
			name += 6;
		if (!optname_cmp(name, "datadir") && of->options[i].value && *of->options[i].value)
			found = &of->options[i];
	}
	return found;
}

/*
 * The persisted variables a target's server applies after its option
 * files (persisted.h): DIR/mysqld-auto.cnf for --datadir DIR; else, with
 * a root (--root, or the target's layers), the datadir the option files
 * name, under the root. Never the auditing machine's own datadir. (Moved
 * here from cmd_check.c with the rest of the loading.)
 */
static void load_persisted(struct settings *s, const struct load_options *a, const char *root,
			   const struct catalog *c, const struct optfile_option *dd)
{
	char *dir = NULL;
	struct persisted p;

	if (!persisted_applies(s)) {
		if (a->datadir)
			diag_add(&s->build_diags, DIAG_NOTE, a->datadir, 0,
				 "%s has no persisted variables (SET PERSIST is MySQL 8.0+): mysqld-auto.cnf is not read",
				 flavor_build_display(s->flavor, s->variant));
		return;
	}
	if (a->datadir) {
		dir = xstrdup(a->datadir);
	} else if (root && dd) {
		if (dd->value[0] != '/') {
			diag_add(&s->build_diags, DIAG_NOTE, dd->source ? dd->source->path : NULL, dd->line,
				 "datadir '%s' is relative (to the server's basedir, not known offline): "
				 "give --datadir to read its persisted variables", dd->value);
			return;
		}
		dir = fileio_root_path(root, dd->value);
	} else {
		return;
	}
	persisted_init(&p);
	if (persisted_load(&p, dir) == PERSISTED_NONE)
		diag_add(&s->diags, DIAG_NOTE, dir, 0, "no mysqld-auto.cnf: nothing is persisted");
	persisted_apply(s, &p, c);
	persisted_release(&p);
	free(dir);
}

/*
 * One file is one device and inode: real (heap, realpath() of a file st
 * describes) is returned as it is, unless st is a regular file with more
 * than one hard link that the run read before under another path (as a
 * target or an include): then that first path, and real is freed. So a
 * hard link is one target with its other names, as a symbolic link is,
 * and a file included under one name and given under another is the
 * included one (load_entry_points()). Only files with links are kept in
 * lt->links: a run of plain files holds nothing more.
 */
/* The path the run first read real's file by (lt->links), or real itself (kept as that first path). */
static const char *load_link_first(struct load_targets *lt, const char *real, const struct stat *st)
{
	char key[64];
	size_t at;
	if (!real || !S_ISREG(st->st_mode) || st->st_nlink < 2)
		return real;
	snprintf(key, sizeof(key), "%ju:%ju", (uintmax_t)st->st_dev, (uintmax_t)st->st_ino);
	if (strmap_get(&lt->links, key, &at) == 0)
		return strcmp(lt->link_paths[at], real) ? lt->link_paths[at] : real;
	ARRAY_GROW(lt->link_paths, lt->nlinks + 1, lt->links_cap);
	ARRAY_GROW(lt->link_keys, lt->nlinks + 1, lt->link_keys_cap);
	lt->link_keys[lt->nlinks] = xstrdup(key);
	lt->link_paths[lt->nlinks] = xstrdup(real);
	strmap_put(&lt->links, lt->link_keys[lt->nlinks], lt->nlinks);
	lt->nlinks++;
	return real;
}

static char *load_one_file(struct load_targets *lt, char *real, const struct stat *st)
{
	const char *first = load_link_first(lt, real, st);
	if (first != real) {
		free(real);
		real = xstrdup(first);
	}
	return real;
}

/* load_one_file() for a target's real path (lt->real_arena's): another first path is copied there */
static void load_one_real(struct load_targets *lt, size_t ti, const struct stat *st)
{
	const char *first = load_link_first(lt, lt->reals[ti], st);
	if (first != lt->reals[ti])
		lt->reals[ti] = arena_strdup(&lt->real_arena, first);
}

/* Keep the files read (absolute, resolved) other than the top-level ones: they are includes. */
static void load_keep_reads(struct load_targets *lt, size_t ti, const struct optfile *of)
{
	for (size_t i = 0; i < of->nsources; i++) {
		const struct optfile_source *src = of->sources[i];
		if (!src->parent)
			continue;
		struct stat st;
		int have_st;
		char *real = project_finder_real(&lt->finder, src->path, &st, &have_st);
		if (!real)
			continue;
		if (have_st)
			real = load_one_file(lt, real, &st);
		struct load_reads *r = load_reads_of(lt, ti);
		r->files = xrealloc(r->files, (r->n + 1) * sizeof(char *));
		r->files[r->n++] = real;
	}
}

/* The path, absolute and normalised, of a target named by path (NULL: none), whose realpath() is real. */
static void load_paths(struct load_targets *lt, struct settings *s, struct project_target *pt, const char *path,
		       const char *real)
{
	if (!path)
		return;
	pt->abs = arena_strdup(&pt->arena, real ? real : path);
	char *key = project_path_key_real(&lt->finder, path, real);
	s->path_key = settings_intern(s, key);
	free(key);
}

/*
 * A target's path resolved once (issue 13): realpath(path) (heap, or
 * NULL), and whether it is a directory (stat() of it). With fd non-NULL
 * (a path the target then reads) the file is opened as fileio_read()
 * opens it, so that the reader reads *fd (fstat() in *st) instead of
 * opening and looking at it again; *fd is -1 when it was not opened (a
 * link, a failure: the reader then opens the path itself).
 */
static char *load_resolve(struct load_targets *lt, const char *path, int *is_dir, int *fd, struct stat *st)
{
	struct stat own;
	int have_st, in;
	*is_dir = 0;
	if (fd)
		*fd = -1;
	if (!path)
		return NULL;
	if (!st)
		st = &own;
	memset(st, 0, sizeof(*st));   /* nothing stat()ed: no file type, no links (load_one_file()) */
	char *real = fd && !fileio_inherited_fd(path, &in)
			     ? project_finder_real_open(&lt->finder, path, FILEIO_OPEN_FLAGS, fd, st, &have_st)
			     : project_finder_real(&lt->finder, path, st, &have_st);
	if (real && (have_st || stat(real, st) == 0))
		*is_dir = S_ISDIR(st->st_mode);
	return real;
}

/* The layers below the file's own: command line, project file, inventory section. */
static void load_layers(struct load_targets *lt, struct settings *s, struct project_target *pt,
			const struct load_options *o, const struct fleet_target *ft, const char *path,
			const char *real, int is_dir, struct diag_list *d)
{
	load_command_line(pt, o);
	load_paths(lt, s, pt, path, real);
	pt->project = project_finder_for_real(&lt->finder, path, real, is_dir, d);
	if (pt->project) {
		const char *paths[] = { path };
		project_file_apply(pt->project, paths, 1, &pt->settings, &pt->rules, &pt->arena);
	}
	if (ft) {
		fleet_target_apply(ft, s);   /* position and tags; the inventory's settings are a layer: */
		if (ft->inv)
			project_inventory_layer(&pt->settings, ft->inv, o->audit->inventory, &pt->arena);
	}
}

/*
 * Target s cannot be audited: why. An inventory section's error names its
 * config and where the inventory gives it, "config 'db1.cnf' (fleet.ini:4):
 * cannot read: ...", since the section's name alone says neither (breaker7).
 */
static void load_error(struct settings *s, const struct load_options *o, const struct fleet_target *ft,
		       const char *why)
{
	if (!ft || !ft->inv || !o->audit->inventory) {
		s->error = settings_intern(s, why);
		return;
	}
	char *text = xasprintf("config '%s' (%s:%u): %s", ft->config, o->audit->inventory,
			       ft->inv->line_of[INVENTORY_CONFIG], why);
	s->error = settings_intern(s, text);
	free(text);
}

/*
 * One option-file target (given: FILE, DIR or "-"; NULL for the default
 * files) into a new target named name. Returns the number of input errors.
 */
static size_t load_option_target(struct load_targets *lt, const struct load_options *o, const char *name,
				 const char *given, const struct fleet_target *ft, const struct catalog *c,
				 struct infer_index *x)
{
	const struct audit_options *a = o->audit;
	int is_stdin = given && !strcmp(given, "-");
	/* the path that names the target for project files and suppressions */
	const char *path = is_stdin ? o->stdin_filename : given;
	struct settings *s = load_add(lt, name, "file");
	size_t ti = lt->n - 1;
	struct project_target *pt = s->project;
	struct diag_list d;
	struct optfile of;
	struct optfile_groups g;
	struct flavor_choice given_choice;
	struct infer_result ir;
	const char *read_path = given;
	char *entry = NULL, *dir_root = NULL, *in_tree = NULL, *repo = NULL;
	size_t errors = 0;
	struct stat st;
	int is_dir, fd = -1;
	/* the path resolved once, for every use below (issue 13); a file's opened then too */
	char *real = load_resolve(lt, path, &is_dir, is_stdin ? NULL : &fd, &st);

	diag_list_init(&d);
	load_layers(lt, s, pt, o, ft, path, real, is_dir, &d);
	load_presume(s, &pt->settings);
	/* what names the file read: the target's path, a directory's entry file (below), or a stream */
	const char *read_real = is_stdin ? NULL : real;
	lt->reals[ti] = arena_strdup(&lt->real_arena, real);

	/* a directory means its entry file, read under the root it implies */
	if (given && !is_stdin && (real ? is_dir : stat(given, &st) == 0 && S_ISDIR(st.st_mode))) {
		const char *why;
		entry = project_entry_file(given, pt->settings.v[PROJECT_KEY_FLAVOR].value ? s->flavor : FLAVOR_UNKNOWN,
					   &dir_root, &why);
		if (!entry) {
			load_error(s, o, ft, why);
			errors++;
			load_presumed_text(s, &pt->settings);
			goto out;
		}
		read_path = entry;
		load_reads_of(lt, ti)->entry = xstrdup(entry);
		if (fd >= 0)
			close(fd);   /* the directory's */
		char *entry_real = load_resolve(lt, entry, &is_dir, &fd, &st);
		lt->reals[ti] = arena_strdup(&lt->real_arena, entry_real);   /* the directory's stays in the arena */
		free(entry_real);
		read_real = lt->reals[ti];
		if (dir_root && !pt->settings.v[PROJECT_KEY_ROOT].value)
			project_settings_give(&pt->settings, PROJECT_KEY_ROOT, dir_root, PROJECT_LAYER_NONE,
					      "implied by the directory", &pt->arena);
	}

	const char *root = pt->settings.v[PROJECT_KEY_ROOT].value;
	/*
	 * A FILE inside --root DIR whose way holds a symbolic link (Debian's
	 * etc/mysql/my.cnf -> /etc/alternatives/my.cnf) is read as the
	 * server's machine reads it, under DIR, as a directory's entry file
	 * is: never this machine's file under the repository's name (breaker7).
	 */
	if (!entry && given && !is_stdin && root && (in_tree = project_root_file(root, given)) != NULL) {
		struct stat lst;
		if (lstat(in_tree, &lst)) {
			char *why = xasprintf("cannot read: a symbolic link on its way leads to '%s' under --root '%s': %s",
					      in_tree, root, strerror(errno));
			load_error(s, o, ft, why);
			free(why);
			errors++;
			load_presumed_text(s, &pt->settings);
			goto out;
		}
		read_path = in_tree;
		if (fd >= 0)
			close(fd);
		char *tree_real = load_resolve(lt, in_tree, &is_dir, &fd, &st);
		lt->reals[ti] = arena_strdup(&lt->real_arena, tree_real);   /* the given path's stays in the arena */
		free(tree_real);
		read_real = lt->reals[ti];
	} else if (!entry && given && !is_stdin && !root && real && fd < 0 && !is_dir &&
		   (repo = project_repo_outside(&lt->finder, given, real)) != NULL) {
		/* without --root a FILE is this machine's path (docs/option-files.md): say when that leaves its repository */
		diag_add(&d, DIAG_WARNING, given, 0, "a symbolic link out of the repository %s to '%s': this machine's "
			 "file is audited (give --root to read it as the server's machine does)", repo, real);
	}
	load_read(&of, s, read_path, read_real, fd, &st, root, o->stdin_filename);
	if (fd >= 0) {
		close(fd);
		fd = -1;
	}
	if (of.input_error) {
		load_presumed_text(s, &pt->settings);
	} else {
		enum optfile_line_rule rule = of.line_rule;
		int mariadb = s->flavor == FLAVOR_MARIADB;
		char before[96];
		expr_target_display(s, before, sizeof(before));
		/* annotations: the most specific layer, read with the files */
		errors += project_annotations_read(&of, &pt->settings, &pt->inline_sup, &pt->arena, &d);
		load_choice(&given_choice, &pt->settings);
		infer_init(&ir);
		infer_from_options(&ir, &of, x);
		infer_decide(s, &given_choice, &ir);
		infer_release(&ir);
		project_settings_apply_role(&pt->settings, s);
		if (optfile_line_rule_for(s->flavor, &s->version) != rule ||
		    (!read_path && mariadb != (s->flavor == FLAVOR_MARIADB))) {
			if (load_rereadable(read_path)) {
				optfile_release(&of);
				load_read(&of, s, read_path, read_real, -1, NULL, root, o->stdin_filename);
			} else {
				diag_add(&s->build_diags, DIAG_NOTE, s->target, 0,
					 "read before its flavor was known, and a stream cannot be read twice: a line "
					 "longer than 4094 bytes is cut as %s cuts it (give --flavor and "
					 "--server-version)", before);
			}
		}
	}
	if (!read_path)
		load_name_default_files(&of, s);
	load_print_reader_diags(&of, a);
	if (of.input_error) {
		load_error(s, o, ft, of.input_error);
		errors++;
	} else {
		optfile_groups_for(&g, s->flavor, &s->version, a->group_suffix);
		project_annotations_groups(&pt->inline_sup, &g);
		infer_unread_groups(s, &of, &g);
		load_keep_reads(lt, ti, &of);
		optfile_keep_groups(&of, &g);
		if (!lt->config_cache) {
			lt->config_cache = config_cache_new(c);
			if (o->retain)   /* what settings_retain() drops below is not stored at all */
				config_cache_retain(lt->config_cache, o->retain, o->retain_ctx);
		}
		config_load_cached(s, &of, c, lt->config_cache);
		load_persisted(s, o, root, c, load_datadir(&of));
		/* the file read, under the name the run first read it by (hard links: load_one_file()) */
		if (!is_stdin)
			load_one_real(lt, ti, &st);
	}
	optfile_release(&of);
out:
	if (fd >= 0)
		close(fd);
	diag_print(&d, stderr);
	if (diag_count(&d, DIAG_ERROR) && !errors)
		errors++;
	diag_list_release(&d);
	free(entry);
	free(in_tree);
	free(repo);
	free(dir_root);
	free(real);
	return errors;
}

/* One captured SHOW GLOBAL VARIABLES file (and maybe its server's option file) into a new target. */
static size_t load_snapshot_target(struct load_targets *lt, const struct load_options *o, const char *name,
				   const struct fleet_target *ft, const struct catalog *c, struct infer_index *x)
{
	const char *given = ft->variables;
	int is_stdin = !strcmp(given, "-");
	const char *path = is_stdin ? o->stdin_filename : given;
	struct settings *s = load_add(lt, name, "snapshot");
	struct project_target *pt = s->project;
	struct flavor_choice choice;
	struct diag_list d;
	size_t errors = 0;
	int is_dir;
	char *real = load_resolve(lt, path, &is_dir, NULL, NULL);

	diag_list_init(&d);
	load_layers(lt, s, pt, o, ft, path, real, is_dir, &d);
	free(real);
	/* A capture says its own flavor and version; what no layer and no row says stays unknown. */
	load_choice(&choice, &pt->settings);
	s->flavor = choice.flavor;
	s->variant = choice.variant < 0 ? FLAVOR_VARIANT_PLAIN : (enum flavor_variant)choice.variant;
	if (choice.version_set)
		s->version = choice.version;
	else
		version_set_unknown(&s->version);
	if (choice.flavor != FLAVOR_UNKNOWN)
		s->flavor_source = settings_intern(s, choice.source);
	/*
	 * Only the variables the run keeps (issue 13), unless the option file
	 * of the same server is compared with the capture: that reads them all.
	 */
	int rc = snapshot_load_kept(s, given, c, ft->config ? NULL : o->retain, o->retain_ctx);
	if (!rc && s->flavor == FLAVOR_UNKNOWN)
		infer_capture(s, &choice, x);
	/* a layer's role wins over a captured one */
	project_settings_apply_role(&pt->settings, s);
	if (rc && !s->error)
		s->error = settings_intern(s, "not a usable variables snapshot");
	if (rc)
		errors++;
	/* A capture and the option file of one server: drift between them, and the file's own problems. */
	if (!rc && ft->config && fleet_compare_config(s, ft->config, c, o->audit->group_suffix) < 0)
		errors++;
	diag_print(&d, stderr);
	if (diag_count(&d, DIAG_ERROR) && !errors)
		errors++;
	diag_list_release(&d);
	return errors;
}

/* ---- entry points ------------------------------------------------------------- */

static void load_skip(struct load_targets *lt, size_t i, char *why)
{
	ARRAY_GROW(lt->skipped, lt->nskipped + 1, lt->skipped_cap);
	lt->skipped[lt->nskipped].name = xstrdup(load_name(lt, i));
	lt->skipped[lt->nskipped].why = why;
	lt->nskipped++;
}

/*
 * The first two targets (without an error) that read a file as an include,
 * in target order: the includer of a target other than those two is the
 * first, of the first it is the second (load_includer()).
 */
struct load_readers {
	long first, second;
};

/* Index every file read as an include: real path -> position in *readers. */
static struct load_readers *load_index_reads(const struct load_targets *lt, struct strmap *m)
{
	struct load_readers *r = NULL;
	size_t n = 0, cap = 0, at;
	for (size_t j = 0; j < lt->n; j++) {
		if (load_failed(lt, j))
			continue;
		for (size_t k = 0; k < load_nreads(lt, j); k++) {
			const char *real = lt->reads[j]->files[k];
			if (strmap_get(m, real, &at) < 0) {
				ARRAY_GROW(r, n + 1, cap);
				r[n].first = (long)j;
				r[n].second = -1;
				strmap_put(m, real, n++);
			} else if (r[at].first != (long)j && r[at].second < 0) {
				r[at].second = (long)j;
			}
		}
	}
	return r;
}

/* The target (other than self) that read real as an include, or -1. */
static long load_includer(const struct strmap *m, const struct load_readers *r, const char *real, size_t self)
{
	size_t at;
	if (strmap_get(m, real, &at) < 0)
		return -1;
	return r[at].first != (long)self ? r[at].first : r[at].second;
}

/* fleet_path_from_cwd() with the working directory resolved once per run (issue 13). */
static char *load_from_cwd(struct load_targets *lt, const char *real)
{
	if (!real)
		return NULL;
	const char *cwd = project_finder_cwd_real(&lt->finder);
	size_t n = cwd ? strlen(cwd) : 0;
	return xstrdup(n > 1 && !strncmp(real, cwd, n) && real[n] == '/' ? real + n + 1 : real);
}

/*
 * What merge needs to drop the same targets over every shard (issue 11,
 * settings.h): an option-file target's entry file (when it resolves) and
 * the files it includes, resolved and shown from the working directory.
 * A server the inventory declares (declared: an inventory section) is
 * never dropped: no entry file, so that neither load_entry_points() nor
 * merge ever takes it for a fragment or a second spelling of another
 * target (breaker7 finding 1); its includes are kept (they may still make
 * a FILE operand part of its options).
 */
static void load_real_paths(struct load_targets *lt, size_t i, int declared)
{
	struct settings *s = load_slot(lt, i);
	char *shown;
	/* resolved once when the target was read (load_option_target) */
	if (declared || strcmp(s->kind, "file") || !s->project->abs)
		lt->reals[i] = NULL;   /* real_arena's */
	shown = load_from_cwd(lt, lt->reals[i]);   /* NULL stays NULL */
	s->real_path = settings_intern(s, shown);
	free(shown);
	size_t nreads = load_nreads(lt, i);
	if (nreads) {
		s->includes = arena_alloc(&s->arena, nreads * sizeof(*s->includes));
		for (size_t k = 0; k < nreads; k++) {
			shown = load_from_cwd(lt, lt->reads[i]->files[k]);
			s->includes[k] = settings_intern(s, shown);
			free(shown);
		}
		s->nincludes = nreads;
	}
}

/*
 * Hand target i to o->each(), then release its settings (the one slot is
 * the next target's) and keep what the entry-point pass reads: its name
 * (lt->names, borrowed since load_add()) and whether it had an error (lt->failed). Its project data
 * stays only when the suppressions will read it (a project file, inline
 * suppressions, disabled rules): a target without them held ~0.8 KB of
 * layers and paths until the end of the run (issue 13).
 */
static void load_hand_over(struct load_targets *lt, const struct load_options *o, size_t i)
{
	struct settings *s = load_slot(lt, i);
	o->each(o->each_ctx, s);
	lt->failed[i] = s->error != NULL;
	const struct project_target *pt = lt->projects[i];
	if (!pt->project && !pt->inline_sup.n && !pt->rules.n)
		load_project_free(lt, i);
	settings_release(s);
}

/* util_index_probe() over the targets' real paths (records: lt->reals, keys: strings) */
static int load_real_same_at(const void *recs, size_t i, const void *key)
{
	return !strcmp(((char *const *)recs)[i], key);
}

static size_t load_real_hash_at(const void *recs, size_t i)
{
	return util_strhash(((char *const *)recs)[i], 0);
}

/*
 * Drop option-file targets that another target includes, and second
 * spellings of one file. Both lookups are hashed (issue 13: a scan of
 * every earlier target per target was a quarter of a 10,000-file run);
 * the kept real paths in a table of 4-byte target numbers sized once for
 * every target (a strmap of them was ~94 bytes a target, at the run's
 * high point of memory, issue 13).
 * Only FILE and DIR operands are dropped: an inventory section has no
 * entry file here (load_real_paths()), so it is always its own target,
 * even when its config is another section's file or included by one.
 */
static void load_entry_points(struct load_targets *lt)
{
	char **reals = lt->reals;   /* load_real_paths(): resolved once */
	unsigned char *drop = xcalloc(lt->n ? lt->n : 1, 1);
	struct strmap read_by;
	unsigned *kept_real = NULL;
	size_t kept_cap = 16, nkept = 0;
	while (kept_cap < 2 * (lt->n + 1))
		kept_cap *= 2;   /* never grown in util_index_probe(): its records are not 0..n-1 */
	kept_real = xcalloc(kept_cap, sizeof(*kept_real));
	strmap_init(&read_by, 0);
	struct load_readers *readers = load_index_reads(lt, &read_by);
	lt->order = xcalloc(lt->n ? lt->n : 1, sizeof(*lt->order));
	for (size_t i = 0; i < lt->n; i++) {
		if (!reals[i])
			continue;
		unsigned *slot = util_index_probe(&kept_real, &kept_cap, kept_cap, nkept, util_strhash(reals[i], 0),
						  load_real_hash_at, load_real_same_at, reals, reals[i]);
		if (*slot) {
			size_t j = *slot - 1;
			drop[i] = 1;
			load_skip(lt, i, xasprintf("the same file as %s: one target", load_name(lt, j)));
			continue;
		}
		long by = load_includer(&read_by, readers, reals[i], i);
		if (by >= 0) {
			drop[i] = 1;
			load_skip(lt, i, xasprintf("included by %s: part of that server's options, not a server",
						   load_name(lt, (size_t)by)));
			continue;
		}
		*slot = (unsigned)i + 1;
		nkept++;
	}
	free(kept_real);
	strmap_release(&read_by);
	free(readers);
	size_t kept = 0;
	for (size_t i = 0; i < lt->n; i++) {
		if (drop[i]) {
			if (!lt->streamed)
				settings_release(&lt->targets[i]);
			load_project_free(lt, i);
			load_free_reads(lt, i);
			continue;
		}
		if (kept != i) {
			if (!lt->streamed)
				lt->targets[kept] = lt->targets[i];
			lt->failed[kept] = lt->failed[i];
			lt->projects[kept] = lt->projects[i];
			lt->reads[kept] = lt->reads[i];
			lt->reals[kept] = lt->reals[i];
			lt->names[kept] = lt->names[i];
		}
		lt->order[kept] = i;
		kept++;
	}
	lt->n = kept;
	for (size_t i = 0; i < lt->n; i++)
		lt->reals[i] = NULL;   /* the entry points were their last use */
	arena_release(&lt->real_arena);
	free(drop);
}

size_t load_targets(struct load_targets *lt, const struct load_options *o, const struct fleet_plan *plan,
		    const struct catalog *c, struct infer_index *x)
{
	if (!plan->total) {
		lt->input_errors += load_option_target(lt, o, "default option files", NULL, NULL, c, x);
		load_real_paths(lt, 0, 0);
		if (o->each)
			load_hand_over(lt, o, 0);
	}
	struct progress pg;
	progress_start(&pg, plan->n, "files", "unreadable");
	for (size_t i = 0; i < plan->n; i++) {
		struct fleet_target plain;
		const struct fleet_target *ft = fleet_plan_target(plan, i, &plain);
		const char *name = ft->name;
		size_t bad;
		if (!ft->inv && !strcmp(ft->name, "-"))
			name = o->stdin_filename ? o->stdin_filename : LOAD_STDIN_NAME;
		size_t before = lt->n;
		if (ft->variables)
			bad = load_snapshot_target(lt, o, name, ft, c, x);
		else
			bad = load_option_target(lt, o, name, ft->config, ft, c, x);
		for (size_t k = before; k < lt->n; k++) {
			/* a target handed over is released right after: nothing to drop first (issue 13) */
			if (o->retain && !o->each)
				settings_retain(load_slot(lt, k), o->retain, o->retain_ctx);
			load_real_paths(lt, k, ft->inv != NULL);
			if (o->each)
				load_hand_over(lt, o, k);
		}
		lt->input_errors += bad;
		progress_tick(&pg, bad > 0);
	}
	progress_end(&pg);
	load_entry_points(lt);
	if (o->each) {
		/* every target was handed over: the one settings slot is empty (memory per target, issue 13) */
		if (lt->targets)
			settings_release(&lt->targets[0]);
		free(lt->targets);
		lt->targets = NULL;
		/* and the entry points were the last use of the names and the files read: keep projects and order */
		for (size_t i = 0; i < lt->n; i++)
			load_free_reads(lt, i);
		free(lt->reads);
		free(lt->reals);
		free(lt->names);
		free(lt->failed);
		lt->reads = NULL;
		lt->reals = NULL;
		lt->names = NULL;
		lt->failed = NULL;
	}
	if (lt->finder.errors)
		lt->input_errors += (size_t)lt->finder.errors;
	if (o->audit->verbose)
		for (size_t i = 0; i < lt->nskipped; i++)
			diag_emit(DIAG_NOTE, lt->skipped[i].name, 0, "not a target: %s", lt->skipped[i].why);
	return lt->n;
}

/* ---- --list-targets --------------------------------------------------------------- */

static void load_list_line(FILE *fp, const char *key, const char *value, const struct project_value *pv)
{
	fprintf(fp, "  %-8s ", key);
	fputs_escaped(value, fp, NULL);
	if (pv && pv->value) {
		fputs(" (", fp);
		if (pv->layer != PROJECT_LAYER_NONE)
			fprintf(fp, "%s ", project_layer_word(pv->layer));
		fputs_escaped(pv->where ? pv->where : "", fp, NULL);
		fputc(')', fp);
	}
	fputc('\n', fp);
}

void load_targets_list(const struct load_targets *lt, FILE *fp)
{
	char vbuf[32];
	for (size_t i = 0; i < lt->n; i++) {
		const struct settings *s = &lt->targets[i];
		const struct project_settings *ps = &s->project->settings;
		fputs_escaped(s->target, fp, NULL);
		const char *entry = lt->reads[i] ? lt->reads[i]->entry : NULL;
		fprintf(fp, " (%s)\n", entry ? "directory" : s->kind);
		if (s->error) {
			load_list_line(fp, "error", s->error, NULL);
			continue;
		}
		if (entry)
			load_list_line(fp, "entry", entry, NULL);
		if (s->project->project)
			load_list_line(fp, "project", s->project->project->path, NULL);
		const char *how = ps->v[PROJECT_KEY_FLAVOR].value ? ""
				  : s->flavor_source && !strcmp(s->flavor_source, "inferred") ? " (inferred from the files)"
											       : " (default)";
		char *fl = xasprintf("%s%s", flavor_build_display(s->flavor, s->variant), how);
		load_list_line(fp, "flavor", fl, ps->v[PROJECT_KEY_FLAVOR].value ? &ps->v[PROJECT_KEY_FLAVOR] : NULL);
		free(fl);
		const char *ver = version_is_known(&s->version) ? version_format(&s->version, vbuf, sizeof(vbuf))
								 : "unknown";
		load_list_line(fp, "version", ver, ps->v[PROJECT_KEY_VERSION].value ? &ps->v[PROJECT_KEY_VERSION] : NULL);
		load_list_line(fp, "role", role_name(s->role), ps->v[PROJECT_KEY_ROLE].value ? &ps->v[PROJECT_KEY_ROLE] : NULL);
		if (s->topology)
			load_list_line(fp, "cluster", s->topology, &ps->v[PROJECT_KEY_CLUSTER]);
		else if (s->cluster)
			load_list_line(fp, "cluster", s->cluster, NULL);
		else
			load_list_line(fp, "cluster", "(the run's default)", NULL);
		if (ps->v[PROJECT_KEY_ROOT].value)
			load_list_line(fp, "root", ps->v[PROJECT_KEY_ROOT].value, &ps->v[PROJECT_KEY_ROOT]);
		if (ps->v[PROJECT_KEY_MULTI_WRITER].value)
			load_list_line(fp, "multi_writer", ps->v[PROJECT_KEY_MULTI_WRITER].value,
				       &ps->v[PROJECT_KEY_MULTI_WRITER]);
		for (size_t k = 0; k < s->project->rules.n; k++)
			load_list_line(fp, "disabled", s->project->rules.disabled[k], NULL);
		if (s->project->inline_sup.n)
			fprintf(fp, "  %-8s %zu inline\n", "ignores", s->project->inline_sup.n);
	}
	for (size_t i = 0; i < lt->nskipped; i++) {
		fputs_escaped(lt->skipped[i].name, fp, NULL);
		fputs(" (not a target)\n  ", fp);
		fputs_escaped(lt->skipped[i].why, fp, NULL);
		fputc('\n', fp);
	}
}
