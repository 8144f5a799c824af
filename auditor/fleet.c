/*
 * fleet.c - plan the targets of a fleet run (fleet.h).
 */
#include "fleet.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "live.h"
#include "optfile.h"

#include "banned.h"

#define FLEET_CAPTURE_EXT ".capture"

void fleet_plan_init(struct fleet_plan *p)
{
	memset(p, 0, sizeof(*p));
	arena_init(&p->arena);
}

void fleet_plan_release(struct fleet_plan *p)
{
	free(p->t);
	arena_release(&p->arena);
	memset(p, 0, sizeof(*p));
}

/* one per target until every file is read: keep it at 48 bytes (fleet.h, issue 13) */
_Static_assert(sizeof(struct fleet_target) <= 48, "struct fleet_target grew past 48 bytes");

static struct fleet_target *plan_add(struct fleet_plan *p, const char *name)
{
	ARRAY_GROW(p->t, p->n + 1, p->cap);
	struct fleet_target *t = &p->t[p->n++];
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->position = p->n - 1;
	return t;
}

const struct fleet_target *fleet_plan_target(const struct fleet_plan *p, size_t i, struct fleet_target *tmp)
{
	if (!p->files)
		return &p->t[i];
	memset(tmp, 0, sizeof(*tmp));
	tmp->name = p->files[i];
	tmp->config = p->files[i];
	tmp->position = i;
	return tmp;
}

static const char *where(struct fleet_plan *p, const struct inventory *inv, unsigned line)
{
	return arena_printf(&p->arena, "%s:%u", inv->path, line);
}

/* Keep only the targets of shard sh; positions stay those of the whole run. */
static void plan_shard(struct fleet_plan *p, const struct shard *sh)
{
	size_t k = 0;
	p->total = p->n;
	for (size_t i = 0; i < p->n; i++)
		if (shard_has(sh, p->t[i].name))
			p->t[k++] = p->t[i];
	p->n = k;
}

/*
 * The targets by name and by spec as given, the first of each (issue 13: a
 * scan of every target per --config NAME=FILE was quadratic in the
 * inventory). Keys point into p->t's strings, which outlive the index.
 */
struct plan_index {
	struct strmap by_name, by_spec;
};

static void plan_index_build(struct plan_index *x, const struct fleet_plan *p)
{
	size_t at;
	strmap_init(&x->by_name, 0);
	strmap_init(&x->by_spec, 0);
	for (size_t i = 0; i < p->n; i++) {
		if (strmap_get(&x->by_name, p->t[i].name, &at) < 0)
			strmap_put(&x->by_name, p->t[i].name, i);
		if (p->t[i].spec && strmap_get(&x->by_spec, p->t[i].spec, &at) < 0)
			strmap_put(&x->by_spec, p->t[i].spec, i);
	}
}

static void plan_index_release(struct plan_index *x)
{
	strmap_release(&x->by_name);
	strmap_release(&x->by_spec);
}

/* The target that name designates (its name, else its spec as given), or NULL. */
static struct fleet_target *plan_find(struct fleet_plan *p, const struct plan_index *x, const char *name)
{
	size_t at;
	if (strmap_get(&x->by_name, name, &at) == 0 || strmap_get(&x->by_spec, name, &at) == 0)
		return &p->t[at];
	return NULL;
}

/*
 * Where t's option file was named, for an error about a second one: its
 * section's config line ("fleet.ini:12"; inv is the run's inventory), else
 * "--config".
 */
static const char *plan_config_from(struct fleet_plan *p, const struct inventory *inv, const struct fleet_target *t)
{
	if (inv && t->inv && t->inv->config && t->config == t->inv->config)
		return where(p, inv, t->inv->line_of[INVENTORY_CONFIG]);
	return "--config";
}

/* --config NAME=FILE and plain --config FILE, before sharding (the whole run decides). */
static int plan_configs(struct fleet_plan *p, const struct inventory *inv, const char *const *configs,
			size_t nconfigs, struct diag_list *d)
{
	int errors = 0;
	const char *plain = NULL;
	struct plan_index x;
	plan_index_build(&x, p);
	for (size_t i = 0; i < nconfigs; i++) {
		const char *arg = configs[i];
		const char *eq = strchr(arg, '=');
		struct fleet_target *t = NULL;
		if (eq && eq != arg && eq[1]) {
			char *name = xstrndup(arg, (size_t)(eq - arg));
			t = plan_find(p, &x, name);
			if (!t) {
				diag_add(d, DIAG_ERROR, NULL, 0,
					 "--config %s: '%s' is not a server of this run (give NAME=FILE with an inventory "
					 "NAME or a HOST[:PORT] as given)", arg, name);
				errors++;
			}
			free(name);
			if (!t)
				continue;
			if (t->config) {
				diag_add(d, DIAG_ERROR, NULL, 0, "--config %s: '%s' already has its option file %s (from %s)",
					 arg, t->name, t->config, plan_config_from(p, inv, t));
				errors++;
				continue;
			}
			t->config = eq + 1;
			continue;
		}
		if (plain) {
			diag_add(d, DIAG_ERROR, NULL, 0, "--config %s: give one plain --config FILE, or NAME=FILE per server",
				 arg);
			errors++;
			continue;
		}
		plain = arg;
	}
	plan_index_release(&x);
	if (plain) {
		if (p->n != 1) {
			diag_add(d, DIAG_ERROR, NULL, 0,
				 "--config %s with %zu servers: one option file cannot be every server's (their "
				 "server_id differ, so all but one would report config-drift); map each with "
				 "--config HOST=FILE or give 'config' in the inventory", plain, p->n);
			errors++;
		} else if (p->t[0].config) {
			diag_add(d, DIAG_ERROR, NULL, 0, "--config %s: '%s' already has its option file %s (from %s)", plain,
				 p->t[0].name, p->t[0].config, plan_config_from(p, inv, &p->t[0]));
			errors++;
		} else {
			p->t[0].config = plain;
		}
	}
	return errors ? -1 : 0;
}

int fleet_plan_live(struct fleet_plan *p, const struct inventory *inv, char *const *hosts, size_t nhosts,
		    const char *const *configs, size_t nconfigs, const struct shard *sh, struct diag_list *d)
{
	for (size_t i = 0; inv && i < inv->n; i++) {
		const struct inventory_target *it = &inv->targets[i];
		char *spec = inventory_target_spec(it);
		if (!spec) {
			p->skipped++;
			continue;
		}
		struct fleet_target *t = plan_add(p, it->name);
		t->spec = arena_strdup(&p->arena, spec);
		free(spec);
		t->config = it->config;
		t->inv = it;
	}
	for (size_t i = 0; i < nhosts; i++) {
		struct fleet_target *t = plan_add(p, hosts[i]);
		t->spec = hosts[i];
	}
	int rc = plan_configs(p, inv, configs, nconfigs, d);
	plan_shard(p, sh);
	return rc;
}

/* Percent-decode %25 and %2F (what fleet_capture_path encodes); a heap string. */
static char *capture_name_decode(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 3 <= n && !strncmp(s + i, "%25", 3)) {
			out[k++] = '%';
			i += 2;
		} else if (s[i] == '%' && i + 3 <= n && (!strncmp(s + i, "%2F", 3) || !strncmp(s + i, "%2f", 3))) {
			out[k++] = '/';
			i += 2;
		} else {
			out[k++] = s[i];
		}
	}
	out[k] = '\0';
	return out;
}

char *fleet_path_from_cwd(const char *real)
{
	if (!real)
		return NULL;
	char *here = getcwd(NULL, 0);
	char *cwd = here ? realpath(here, NULL) : NULL;
	size_t n = cwd ? strlen(cwd) : 0;
	char *out = n > 1 && !strncmp(real, cwd, n) && real[n] == '/' ? xstrdup(real + n + 1) : xstrdup(real);
	free(here);
	free(cwd);
	return out;
}

int fleet_is_capture_name(const char *path)
{
	size_t n = strlen(path), ext = strlen(FLEET_CAPTURE_EXT);
	return n > ext && !strcmp(path + n - ext, FLEET_CAPTURE_EXT) && path[n - ext - 1] != '/';
}

/* The inventory section a --variables path is the capture of (DIR/NAME.capture or DIR/NAME), or NULL. */
static const struct inventory_target *capture_section(const struct inventory *inv, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base), ext = strlen(FLEET_CAPTURE_EXT);
	const struct inventory_target *it = NULL;
	if (n > ext && !strcmp(base + n - ext, FLEET_CAPTURE_EXT)) {
		char *name = capture_name_decode(base, n - ext);
		it = inventory_find(inv, name);
		free(name);
	}
	if (!it)
		it = inventory_find(inv, base);
	return it;
}

int fleet_plan_check(struct fleet_plan *p, const struct inventory *inv, char *const *files, size_t nfiles,
		     const char *const *variables, size_t nvariables, const struct shard *sh, struct diag_list *d)
{
	int errors = 0;
	size_t nsections = 0;
	/* Sections first; captures given with --variables join theirs. */
	for (size_t i = 0; inv && i < inv->n; i++) {
		const struct inventory_target *it = &inv->targets[i];
		struct fleet_target *t = plan_add(p, it->name);
		t->config = it->config;
		t->variables = it->variables;
		t->inv = it;
	}
	nsections = p->n;
	/* --variables FILEs, then FILE operands named *.capture (a glob after --variables leaves all files but one there) */
	const char **caps = xcalloc(nvariables + nfiles + 1, sizeof(*caps));
	const char **opts = xcalloc(nfiles + 1, sizeof(*opts));
	size_t ncaps = 0, nopts = 0;
	for (size_t i = 0; i < nvariables; i++)
		caps[ncaps++] = variables[i];
	for (size_t i = 0; i < nfiles; i++) {
		if (fleet_is_capture_name(files[i]))
			caps[ncaps++] = files[i];
		else
			opts[nopts++] = files[i];
	}
	const char **loose = xcalloc(ncaps + 1, sizeof(*loose));
	size_t nloose = 0;
	for (size_t i = 0; i < ncaps; i++) {
		const struct inventory_target *it = inv ? capture_section(inv, caps[i]) : NULL;
		if (!it) {
			loose[nloose++] = caps[i];
			continue;
		}
		struct fleet_target *t = &p->t[it - inv->targets];
		if (t->variables) {
			diag_add(d, DIAG_ERROR, NULL, 0, "--variables %s: [%s] already has its capture %s", caps[i],
				 it->name, t->variables);
			errors++;
			continue;
		}
		t->variables = caps[i];
	}
	free(caps);
	/* Sections with nothing to check are not targets of check (live audits them). */
	size_t k = 0;
	for (size_t i = 0; i < nsections; i++) {
		if (p->t[i].config || p->t[i].variables)
			p->t[k++] = p->t[i];
		else
			p->skipped++;
	}
	p->n = k;
	for (size_t i = 0; i < p->n; i++)
		p->t[i].position = i;
	if (!p->n && !ncaps && !(sh && sh->count)) {
		/* FILE operands only: target i is files[i], no entry each (fleet.h, issue 13) */
		free(opts);
		free(loose);
		free(p->t);
		p->t = NULL;
		p->cap = 0;
		p->files = files;
		p->n = p->total = nfiles;
		return errors ? -1 : 0;
	}
	for (size_t i = 0; i < nopts; i++) {
		struct fleet_target *t = plan_add(p, opts[i]);
		t->config = opts[i];
	}
	free(opts);
	for (size_t i = 0; i < nloose; i++) {
		struct fleet_target *t = plan_add(p, loose[i]);
		t->variables = loose[i];
	}
	free(loose);
	plan_shard(p, sh);
	return errors ? -1 : 0;
}

char *fleet_capture_path(const char *dir, const char *name)
{
	struct strbuf sb = { 0 };
	strbuf_addstr(&sb, dir);
	if (sb.len && sb.buf[sb.len - 1] != '/')
		strbuf_addch(&sb, '/');
	for (const char *c = name; *c; c++) {
		if (*c == '%')
			strbuf_addstr(&sb, "%25");
		else if (*c == '/')
			strbuf_addstr(&sb, "%2F");
		else
			strbuf_addch(&sb, *c);
	}
	strbuf_addstr(&sb, FLEET_CAPTURE_EXT);
	return strbuf_detach(&sb);
}

int fleet_compare_config(struct settings *s, const char *path, const struct catalog *c, const char *group_suffix)
{
	static const char *const facts[] = { CONFIG_FACT_OPTION_FILE_ERRORS, CONFIG_FACT_REMOVED_OPTIONS };
	struct optfile of;
	struct optfile_groups g;
	struct settings file;
	struct live_target t;

	if (access(path, R_OK)) {
		diag_emit(DIAG_ERROR, path, 0, "cannot read the option file of '%s': %s", s->target, strerror(errno));
		return -1;
	}
	optfile_init(&of);
	settings_init(&file, path, "file");
	file.flavor = s->flavor;
	file.variant = s->variant;
	file.version = s->version;
	optfile_groups_for(&g, s->flavor, &s->version, group_suffix);
	of.line_rule = optfile_line_rule_for(s->flavor, &s->version);
	optfile_read(&of, path, &g);
	config_load(&file, &of, c);
	for (size_t i = 0; i < file.diags.n; i++) {
		const struct diag *d = &file.diags.items[i];
		if (d->level >= DIAG_ERROR)
			diag_add(&s->diags, d->level, d->file, d->line, "%s", d->message);
	}
	live_target_init(&t, s, s->target);
	live_compare_config(&t, &file, c);
	live_target_release(&t);
	for (size_t i = 0; i < ARRAY_SIZE(facts); i++) {
		const struct settings_var *v = settings_get(&file, facts[i]);
		if (v)
			settings_set(s, facts[i], v->current.value, v->current.spelled, &v->current.origin);
	}
	/* and each offending line, for the problem rules' one finding per line */
	for (size_t i = 0; i < file.nproblems; i++)
		settings_add_problem(s, &file.problems[i]);
	settings_release(&file);
	optfile_release(&of);
	return 0;
}

const char *fleet_target_socket(const struct fleet_target *ft)
{
	return ft->inv ? ft->inv->socket : NULL;
}

const char *fleet_target_defaults_file(const struct fleet_target *ft)
{
	return ft->inv ? ft->inv->defaults_file : NULL;
}

void fleet_target_apply(const struct fleet_target *ft, struct settings *s)
{
	s->position = ft->position;
	if (ft->spec && !s->address)   /* topology.h: the address a source is known by */
		s->address = settings_intern(s, ft->spec);
	if (!ft->inv)
		return;
	inventory_apply(ft->inv, s);
	/* the declared cluster: fleet rules compare within it (for check, load.c gives it as a layer too) */
	if (ft->inv->cluster)
		s->topology = settings_intern(s, ft->inv->cluster);
	if (ft->inv->ntags) {
		struct strbuf sb = { 0 };
		for (size_t i = 0; i < ft->inv->ntags; i++)
			strbuf_addf(&sb, "%s%s", i ? "," : "", ft->inv->tags[i]);
		s->tags = settings_intern(s, sb.buf);
		strbuf_release(&sb);
	}
}
