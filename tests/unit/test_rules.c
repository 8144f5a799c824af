/*
 * test_rules.c - the shipped rule set, case by case.
 *
 * Every file tests/rules/NAME.case is one run of the engine over one or more
 * targets, read exactly as `crashsafe check` reads them (optfile + config_load,
 * or snapshot_load) but without the report writers. A case file:
 *
 *     # what the case is about (free comments start with '#')
 *     EVIDENCE: the manual or source statement the expectations enforce
 *     flavor: mysql | percona | mariadb | pxc | mariadb-galera | mysql-wsrep   (default mysql)
 *             | unknown                          (a capture that does not say)
 *     version: X.Y[.Z] | unknown                 (default: the flavor's default)
 *     role: any | primary | replica              (default any)
 *     kind: file | snapshot                      (default file)
 *     multi_writer: yes | no                     what an inventory declares for every target
 *                                                (settings.multi_writer; default: not declared)
 *     expect: RULE-ID STATUS [SEVERITY]          about the first target
 *     expect2: RULE-ID STATUS [SEVERITY]         about the second target, and so on
 *     --- NAME                                   a target: the lines up to the next
 *     ...                                        '--- ' are its option file (or snapshot)
 *     +++ PATH                                   another file of the same target
 *     ...                                        (for !include / !includedir)
 *
 * RULE-ID may name a channel, RULE-ID[NAME] (RULE-ID[] is the default
 * channel); a plain RULE-ID is its finding without a channel, else its
 * first one. Snapshots are captures (snapshot.h) when they carry "# channel"
 * and "# target" lines: the topology and link rules judge them together.
 *
 * STATUS is pass, fail, n/a or unknown. Every case needs EVIDENCE. At the end
 * the runner checks coverage: every rule of the shipped files (live.ini aside,
 * which needs a running server) is seen to pass, to fail and, unless it is
 * listed below as applying everywhere, not to apply; and every such rule is
 * asserted at least once on MySQL 5.7, 8.0, 8.4 and MariaDB 10.11.
 *
 * Runs from the repository root (prove does).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "engine.h"
#include "explain.h"
#include "optfile.h"
#include "snapshot.h"
#include "tap.h"
#include "banned.h"

#define CASES_DIR "tests/rules"
#define MAX_TARGETS 8
#define MAX_FILES 8

/* Rules whose applies condition holds on every file target: no not-applicable case exists. */
static const struct {
	const char *id;
	const char *why;
} applies_everywhere[] = {
	{ "innodb-flush-log-at-trx-commit", "InnoDB and the variable exist on every flavor and version" },
	{ "server-id-set", "server_id exists on every flavor and version" },
	{ "server-id-unique", "server_id exists on every flavor and version" },
};

/* Rules that must also be asserted on these (the offline rules of issue 12 on MySQL 5.6). */
static const struct {
	const char *id;
	enum flavor flavor;
	int major, minor;
	const char *name;
} also_required[] = {
	{ "replica-skip-errors", FLAVOR_MYSQL, 5, 6, "MySQL 5.6" },
	{ "replica-exec-mode", FLAVOR_MYSQL, 5, 6, "MySQL 5.6" },
	{ "gtid-mode-prerequisites", FLAVOR_MYSQL, 5, 6, "MySQL 5.6" },
	{ "semi-sync-wait-point", FLAVOR_MYSQL, 5, 6, "MySQL 5.6" },
	{ "replicate-same-server-id", FLAVOR_MYSQL, 5, 6, "MySQL 5.6" },
};

/* The flavors and versions every rule must be asserted on. */
static const struct {
	enum flavor flavor;
	int major, minor;
	const char *name;
} required_targets[] = {
	{ FLAVOR_MYSQL, 5, 7, "MySQL 5.7" },
	{ FLAVOR_MYSQL, 8, 0, "MySQL 8.0" },
	{ FLAVOR_MYSQL, 8, 4, "MySQL 8.4" },
	{ FLAVOR_MARIADB, 10, 11, "MariaDB 10.11" },
};

struct case_file {
	char *path;
	struct optfile_buffer bufs[MAX_FILES];
	size_t nbufs;
};

struct case_target {
	char *name;
	char *paths[MAX_FILES];
	struct case_file files;
	struct strbuf body[MAX_FILES];
};

struct expectation {
	int target;        /* 0-based */
	char rule[80];
	char status[16];
	char severity[16];
	unsigned line;
};

struct coverage {
	const char *id;
	int seen_pass, seen_fail, seen_na;
	int seen_on[ARRAY_SIZE(required_targets)];
	int seen_also[ARRAY_SIZE(also_required)];
};

static struct coverage *cov;
static size_t ncov;

static struct coverage *coverage_of(const char *id)
{
	for (size_t i = 0; i < ncov; i++)
		if (!strcmp(cov[i].id, id))
			return &cov[i];
	return NULL;
}

static const char *status_word(enum finding_status s)
{
	return s == FINDING_NOT_APPLICABLE ? "n/a" : s == FINDING_UNKNOWN ? "unknown" : finding_status_name(s);
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

/* RULE (its finding without a channel, else its first) or RULE[CHANNEL]. */
static const struct finding *find(const struct target_result *t, const char *rule)
{
	const char *br = strchr(rule, '[');
	size_t idlen = br ? (size_t)(br - rule) : strlen(rule);
	const struct finding *any = NULL;
	for (size_t i = 0; i < t->n; i++) {
		const struct finding *f = &t->findings[i];
		if (strlen(f->rule_id) != idlen || strncmp(f->rule_id, rule, idlen))
			continue;
		if (br) {
			size_t cl = strlen(br + 1);
			if (f->channel && cl && br[cl] == ']' && strlen(f->channel) == cl - 1 &&
			    !strncmp(f->channel, br + 1, cl - 1))
				return f;
			continue;
		}
		if (!f->channel)
			return f;
		if (!any)
			any = f;
	}
	return any;
}

static void run_case(const char *name, const struct engine *e, const struct catalog *c)
{
	char *path = xasprintf("%s/%s", CASES_DIR, name);
	char *text = NULL;
	size_t len;
	if (read_file(path, &text, &len)) {
		ok(0, "%s: readable", name);
		free(path);
		return;
	}
	struct case_target tg[MAX_TARGETS];
	size_t ntg = 0;
	struct expectation *ex = NULL;
	size_t nex = 0, excap = 0;
	enum flavor flavor = FLAVOR_MYSQL;
	struct version version;
	int version_set = 0, evidence = 0, bad = 0, snapshot = 0;
	enum role role = ROLE_ANY;
	int variant = -1;
	const char *multi_writer = NULL;
	memset(tg, 0, sizeof(tg));

	unsigned lineno = 0;
	struct strbuf *cur = NULL;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (!strncmp(line, "--- ", 4) || !strncmp(line, "+++ ", 4)) {
			int more = line[0] == '+';
			if (!more) {
				if (ntg == MAX_TARGETS) {
					bad = 1;
					break;
				}
				tg[ntg].name = xstrdup(trim(line + 4));
				ntg++;
			}
			if (!ntg || tg[ntg - 1].files.nbufs == MAX_FILES) {
				bad = 1;
				break;
			}
			struct case_target *t = &tg[ntg - 1];
			t->paths[t->files.nbufs] = xstrdup(more ? trim(line + 4) : t->name);
			t->files.bufs[t->files.nbufs].path = t->paths[t->files.nbufs];
			cur = &t->body[t->files.nbufs++];
			continue;
		}
		if (cur) {
			strbuf_addstr(cur, line);
			strbuf_addch(cur, '\n');
			continue;
		}
		char *l = trim(line);
		if (!*l)
			continue;
		if (!strncmp(l, "EVIDENCE:", 9) || !strncmp(l, "# EVIDENCE:", 11)) {
			evidence = 1;
			continue;
		}
		if (*l == '#')
			continue;
		char *colon = strchr(l, ':');
		if (!colon) {
			printf("# %s:%u: not 'key: value'\n", name, lineno);
			bad = 1;
			continue;
		}
		*colon = '\0';
		char *key = trim(l), *val = trim(colon + 1);
		if (!strcmp(key, "flavor")) {
			if (!strcmp(val, "unknown"))
				flavor = FLAVOR_UNKNOWN;
			else
				bad |= flavor_parse_build(&flavor, &variant, val) != 0;
		} else if (!strcmp(key, "version")) {
			if (!strcmp(val, "unknown"))
				version_set_unknown(&version);
			else
				bad |= version_parse(&version, val) != 0;
			version_set = 1;
		} else if (!strcmp(key, "role")) {
			bad |= role_parse(&role, val) != 0;
		} else if (!strcmp(key, "kind")) {
			snapshot = !strcmp(val, "snapshot");
		} else if (!strcmp(key, "multi_writer")) {
			multi_writer = !strcmp(val, "yes") ? "yes" : !strcmp(val, "no") ? "no" : NULL;
			bad |= !multi_writer;
		} else if (!strncmp(key, "expect", 6)) {
			ARRAY_GROW(ex, nex + 1, excap);
			struct expectation *x = &ex[nex++];
			memset(x, 0, sizeof(*x));
			x->target = key[6] ? atoi(key + 6) - 1 : 0;
			x->line = lineno;
			if (sscanf(val, "%79s %15s %15s", x->rule, x->status, x->severity) < 2)
				bad = 1;
		} else {
			printf("# %s:%u: unknown key '%s'\n", name, lineno, key);
			bad = 1;
		}
	}
	if (!version_set)
		flavor_default_version(flavor, &version);
	ok(evidence, "%s: names its evidence (EVIDENCE: ...)", name);
	ok(!bad && ntg > 0 && nex > 0, "%s: is well formed (%zu targets, %zu expectations)", name, ntg, nex);

	struct settings *targets = xcalloc(ntg ? ntg : 1, sizeof(*targets));
	for (size_t i = 0; i < ntg; i++) {
		struct settings *s = &targets[i];
		settings_init(s, tg[i].name, snapshot ? "snapshot" : "file");
		s->flavor = flavor;
		s->variant = variant < 0 ? FLAVOR_VARIANT_PLAIN : (enum flavor_variant)variant;
		s->version = version;
		s->role = role;
		s->multi_writer = multi_writer;
		for (size_t j = 0; j < tg[i].files.nbufs; j++) {
			tg[i].files.bufs[j].data = tg[i].body[j].buf ? tg[i].body[j].buf : "";
			tg[i].files.bufs[j].len = tg[i].body[j].len;
		}
		if (snapshot) {
			char tmp[] = "/tmp/crashsafe-case-XXXXXX";
			int fd = mkstemp(tmp);
			FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
			if (fp) {
				fwrite(tg[i].files.bufs[0].data, 1, tg[i].files.bufs[0].len, fp);
				fclose(fp);
				snapshot_load(s, tmp, c);
				unlink(tmp);
			}
			if (role != ROLE_ANY)
				s->role = role;
			continue;
		}
		struct optfile of;
		struct optfile_groups g;
		optfile_init(&of);
		optfile_groups_for(&g, flavor, &version, NULL);
		optfile_read_buffers(&of, tg[i].files.bufs, tg[i].files.nbufs, &g);
		config_load(s, &of, c);
		optfile_release(&of);
	}

	struct audit_result r;
	struct explainer xp;
	audit_result_init(&r);
	explainer_init(&xp, e, c);
	engine_evaluate(e, c, targets, ntg, &r);
	for (size_t i = 0; i < nex; i++) {
		const struct expectation *x = &ex[i];
		if (x->target < 0 || (size_t)x->target >= r.n) {
			ok(0, "%s:%u: target %d exists", name, x->line, x->target + 1);
			continue;
		}
		const struct target_result *t = &r.targets[x->target];
		const struct finding *f = find(t, x->rule);
		const char *got = f ? status_word(f->status) : "(no finding)";
		int same = !strcmp(got, x->status) &&
			   (!x->severity[0] || (f && !strcmp(severity_name(f->severity), x->severity)));
		ok(same, "%s:%u: %s %s on %s %s is %s%s%s", name, x->line, x->rule, t->name, flavor_display(t->flavor),
		   version_format(&t->version, (char[32]){ 0 }, 32), x->status, x->severity[0] ? " " : "", x->severity);
		if (!same) {
			printf("#   got: %s %s\n", got, f ? severity_name(f->severity) : "");
			if (f) {
				struct explanation why;
				explain_finding(&xp, t, f, &why);
				printf("#   message: %s\n#   value: %s (%s)\n", why.message ? why.message : "",
				       why.value ? why.value : "(null)", why.origin_text ? why.origin_text : "");
			}
			for (size_t j = 0; j < targets[x->target].diags.n; j++)
				printf("#   diag: %s\n", targets[x->target].diags.items[j].message);
		}
		char rule_id[80];
		snprintf(rule_id, sizeof(rule_id), "%.*s", (int)strcspn(x->rule, "["), x->rule);
		struct coverage *cv = coverage_of(rule_id);
		if (cv && same) {
			cv->seen_pass |= !strcmp(x->status, "pass");
			cv->seen_fail |= !strcmp(x->status, "fail");
			cv->seen_na |= !strcmp(x->status, "n/a");
			for (size_t k = 0; k < ARRAY_SIZE(required_targets); k++)
				if (required_targets[k].flavor == t->flavor && required_targets[k].major == t->version.major &&
				    required_targets[k].minor == t->version.minor)
					cv->seen_on[k] = 1;
			for (size_t k = 0; k < ARRAY_SIZE(also_required); k++)
				if (!strcmp(also_required[k].id, rule_id) && also_required[k].flavor == t->flavor &&
				    also_required[k].major == t->version.major && also_required[k].minor == t->version.minor)
					cv->seen_also[k] = 1;
		}
	}
	explainer_release(&xp);
	audit_result_release(&r);
	for (size_t i = 0; i < ntg; i++) {
		settings_release(&targets[i]);
		for (size_t j = 0; j < tg[i].files.nbufs; j++) {
			free(tg[i].paths[j]);
			strbuf_release(&tg[i].body[j]);
		}
		free(tg[i].name);
	}
	free(targets);
	free(ex);
	free(text);
	free(path);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	struct catalog c;
	struct engine e;
	struct diag_list d;
	catalog_init(&c);
	engine_init(&e);
	diag_list_init(&d);
	if (catalog_load(&c, "rules/variables.ini", &d) || engine_load_dir(&e, "rules", &d) ||
	    engine_bind(&e, &c, &d)) {
		diag_print(&d, stdout);
		ok(0, "the catalog and the shipped rules load");
		return done_testing();
	}
	ok(diag_count(&d, DIAG_WARNING) == 0, "the shipped rules load without warnings");
	diag_print(&d, stdout);

	cov = xcalloc(engine_rule_count(&e), sizeof(*cov));
	for (size_t i = 0; i < engine_rule_count(&e); i++) {
		const struct rule *r = engine_rule_at(&e, i);
		const char *base = strrchr(r->file, '/');
		if (!strcmp(base ? base + 1 : r->file, "live.ini"))
			continue;   /* needs a running server: tests/live.t */
		cov[ncov++].id = r->id;
	}

	DIR *dp = opendir(CASES_DIR);
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while (dp && (de = readdir(dp))) {
		size_t l = strlen(de->d_name);
		if (l > 5 && !strcmp(de->d_name + l - 5, ".case")) {
			ARRAY_GROW(names, n + 1, cap);
			names[n++] = xstrdup(de->d_name);
		}
	}
	if (dp)
		closedir(dp);
	ok(n > 0, "case files under %s", CASES_DIR);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		run_case(names[i], &e, &c);
		free(names[i]);
	}
	free(names);

	for (size_t i = 0; i < ncov; i++) {
		struct coverage *cv = &cov[i];
		int everywhere = 0;
		for (size_t j = 0; j < ARRAY_SIZE(applies_everywhere); j++)
			if (!strcmp(applies_everywhere[j].id, cv->id))
				everywhere = 1;
		ok(cv->seen_pass && cv->seen_fail && (cv->seen_na || everywhere),
		   "coverage: %s is seen to pass, fail%s", cv->id, everywhere ? "" : " and not apply");
		for (size_t k = 0; k < ARRAY_SIZE(required_targets); k++)
			ok(cv->seen_on[k], "coverage: %s is asserted on %s", cv->id, required_targets[k].name);
		for (size_t k = 0; k < ARRAY_SIZE(also_required); k++)
			if (!strcmp(also_required[k].id, cv->id))
				ok(cv->seen_also[k], "coverage: %s is asserted on %s", cv->id, also_required[k].name);
	}
	free(cov);
	diag_list_release(&d);
	engine_release(&e);
	catalog_release(&c);
	return done_testing();
}
