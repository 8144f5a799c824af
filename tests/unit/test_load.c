/*
 * test_load.c - what load_targets() hands over and keeps of a target when
 * the run keeps only some names (load_options.retain, issue 13).
 *
 * 1. Targets kept (no each()): once read, each keeps only the names retain()
 *    accepts (settings_retain()): the option file's other settings are gone.
 * 2. Targets streamed (each()): each target is handed over as read and
 *    released right after, so nothing is dropped first (dropping cost more
 *    than the engine's reads save, issue 13): each() sees the file's other
 *    settings too, and the names retain() accepts with their values.
 *
 * 3. Entry points, streamed (issue 13: the kept real paths in a table of
 *    target numbers, the includes and a directory's entry kept only for the
 *    targets that have them, the names the plan's own strings): a second
 *    spelling of a file and a file another target includes are not targets,
 *    each named with the target that keeps it; the order says which stay.
 * 4. The plan of plain FILE operands makes no entry per file (fleet.h,
 *    issue 13): fleet_plan_target() gives target i as files[i] (name,
 *    option file, position i); with a capture among the operands, or a
 *    shard, the plan has its entries as before.
 *
 * Runs from the repository root (prove does): the catalog is rules/variables.ini.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cmd.h"
#include "fleet.h"
#include "infer.h"
#include "load.h"
#include "fixture.h"
#include "tap.h"
#include "banned.h"

static char tmpdir[64];

/* main.c's (not in the library): audit.c names them; this test loads its catalog itself */
const char *crashsafe_rules_dir(void)
{
	return "rules";
}

void crashsafe_rules_dir_tried(struct strbuf *sb)
{
	(void)sb;
}

static int keep_server_id(void *ctx, const char *name)
{
	(void)ctx;
	return !strcmp(name, "server_id");
}

/* What each() saw: per target, whether it had port and server_id (with its value). */
struct seen {
	int n;
	int port[4];
	char server_id[4][16];
};

static void each_target(void *ctx, const struct settings *s)
{
	struct seen *w = ctx;
	if (w->n >= 4)
		return;
	const struct settings_var *id = settings_get(s, "server_id");
	w->port[w->n] = settings_get(s, "port") != NULL;
	snprintf(w->server_id[w->n], sizeof(w->server_id[0]), "%s", id && id->current.value ? id->current.value : "-");
	w->n++;
}

static char *write_file(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *fp = fopen(path, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	return path;
}

/* Load files with retain set, streamed (each) or kept. */
static void load_run(const struct catalog *c, char **files, size_t nfiles, int streamed, struct seen *w,
		     struct load_targets *lt, struct fleet_plan *plan, struct audit_options *ao)
{
	struct infer_index x = { 0 };
	struct diag_list d;
	diag_list_init(&d);
	audit_options_init(ao);
	ao->flavor = FLAVOR_MYSQL;
	ao->flavor_set = 1;
	version_parse(&ao->version, "8.4");
	ao->version_set = 1;
	fleet_plan_init(plan);
	ok(fleet_plan_check(plan, NULL, files, nfiles, NULL, 0, &ao->shard, &d) == 0, "%s: the files are planned",
	   streamed ? "streamed" : "kept");
	infer_index_init(&x, c);
	struct load_options lo = { .audit = ao, .retain = keep_server_id };
	if (streamed) {
		lo.each = each_target;
		lo.each_ctx = w;
	}
	load_targets_init(lt, &lo);
	load_targets(lt, &lo, plan, c, &x);
	infer_index_release(&x);
	diag_list_release(&d);
}

int main(void)
{
	struct catalog c;
	if (!fixture_catalog(&c))
		return done_testing();
	if (!fixture_tmpdir(tmpdir, sizeof(tmpdir), "load"))
		return done_testing();
	char *files[2] = {
		write_file("a.cnf", "[mysqld]\nport = 3307\nserver_id = 11\n"),
		write_file("b.cnf", "[mysqld]\nserver_id = 12\nport = 3308\n"),
	};

	/* 1. kept */
	struct load_targets lt;
	struct fleet_plan plan;
	struct audit_options ao;
	struct seen w = { 0 };
	load_run(&c, files, 2, 0, &w, &lt, &plan, &ao);
	int dropped = lt.n == 2, ids = lt.n == 2;
	for (size_t i = 0; i < lt.n; i++) {
		const struct settings_var *id = settings_get(&lt.targets[i], "server_id");
		dropped &= settings_get(&lt.targets[i], "port") == NULL;
		ids &= id && id->current.value && !strcmp(id->current.value, i ? "12" : "11");
	}
	ok(dropped, "kept targets: the names retain() refuses are dropped (port)");
	ok(ids, "kept targets: the names it accepts stay, with their values (server_id 11, 12)");
	load_targets_release(&lt);
	fleet_plan_release(&plan);

	/* 2. streamed */
	load_run(&c, files, 2, 1, &w, &lt, &plan, &ao);
	is_int(w.n, 2, "streamed: each() saw both targets");
	ok(w.port[0] && w.port[1], "streamed: each target is handed over whole, nothing dropped first (port)");
	ok(!strcmp(w.server_id[0], "11") && !strcmp(w.server_id[1], "12"), "streamed: server_id 11 and 12");
	load_targets_release(&lt);
	fleet_plan_release(&plan);

	/* 3. entry points, streamed: a.cnf, a second spelling of it, b.cnf (c.cnf includes it), c.cnf */
	char *inc = xasprintf("[mysqld]\nserver_id = 13\n!include %s\n", files[1]);
	char *c_cnf = write_file("c.cnf", inc);
	char *again = xasprintf("%s/./a.cnf", tmpdir);
	char *four[4] = { files[0], again, files[1], c_cnf };
	memset(&w, 0, sizeof(w));
	load_run(&c, four, 4, 1, &w, &lt, &plan, &ao);
	is_int(w.n, 4, "entry points: each() saw the four targets as read");
	ok(lt.n == 2 && lt.order[0] == 0 && lt.order[1] == 3, "entry points: a.cnf and c.cnf stay (targets 0 and 3)");
	char *same = xasprintf("the same file as %s: one target", files[0]);
	char *by = xasprintf("included by %s: part of that server's options, not a server", c_cnf);
	ok(lt.nskipped == 2 && !strcmp(lt.skipped[0].name, again) && !strcmp(lt.skipped[0].why, same),
	   "entry points: the second spelling of a.cnf is the same file as the first");
	ok(lt.nskipped == 2 && !strcmp(lt.skipped[1].name, files[1]) && !strcmp(lt.skipped[1].why, by),
	   "entry points: b.cnf, read before c.cnf that includes it, is part of c.cnf");
	free(same);
	free(by);
	ok(!lt.reads && !lt.reals && !lt.names, "entry points: what they read per target is gone once load_targets() returns");
	load_targets_release(&lt);
	fleet_plan_release(&plan);
	unlink(c_cnf);
	free(c_cnf);
	free(again);
	free(inc);

	/* 4. the plan of plain FILE operands */
	{
		char capture[] = "x.capture";
		char *ops[3] = { files[0], files[1], capture };
		struct fleet_target tmp;
		const struct fleet_target *t;
		struct shard two = { .index = 1, .count = 2 };
		struct diag_list d;
		diag_list_init(&d);
		fleet_plan_init(&plan);
		ok(fleet_plan_check(&plan, NULL, ops, 2, NULL, 0, NULL, &d) == 0 && !plan.t && plan.files == ops &&
		   plan.n == 2 && plan.total == 2, "plan of plain files: no entry per file, the operands themselves");
		t = fleet_plan_target(&plan, 1, &tmp);
		ok(t == &tmp && t->name == files[1] && t->config == files[1] && t->position == 1 && !t->variables &&
		   !t->inv && !t->spec, "plan of plain files: target 1 is the second operand, its option file, position 1");
		fleet_plan_release(&plan);
		fleet_plan_init(&plan);
		ok(fleet_plan_check(&plan, NULL, ops, 3, NULL, 0, NULL, &d) == 0 && plan.t && !plan.files && plan.n == 3 &&
		   fleet_plan_target(&plan, 2, &tmp) == &plan.t[2] && plan.t[2].variables == ops[2],
		   "plan with a capture operand: entries (the capture is target 2)");
		fleet_plan_release(&plan);
		fleet_plan_init(&plan);
		ok(fleet_plan_check(&plan, NULL, ops, 2, NULL, 0, &two, &d) == 0 && !plan.files && plan.total == 2,
		   "plan with --shard: entries, the whole run counted");
		fleet_plan_release(&plan);
		diag_list_release(&d);
	}

	for (size_t i = 0; i < 2; i++) {
		unlink(files[i]);
		free(files[i]);
	}
	rmdir(tmpdir);
	catalog_release(&c);
	return done_testing();
}
