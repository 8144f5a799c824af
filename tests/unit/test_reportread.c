/*
 * test_reportread.c - JSON reports read back (reportread.h): every golden
 * JSON report of the bundled examples (tests/golden/NAME.json, a real run
 * over the whole examples repository: suppressed, could-not-evaluate,
 * Galera and directory targets)
 * is read, turned back into a result, and written again as JSON with the
 * stored sentences: the bytes must be the same, which shows that the
 * reader keeps every target and finding member the writer writes. Then
 * findings moved after reading (diff sorts them) keep their own sentences,
 * fingerprints (stable, path-spelling free: the key) and the errors of
 * files that are not reports.
 *
 * Runs from the repository root (prove does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reportread.h"
#include "../reports/report.h"
#include "tap.h"
#include "banned.h"

static const char *const goldens[] = {
	"tests/golden/repository.json",
	/* issue 12: targets with channels, variables and topology facts (the "topology" block) */
	"tests/golden/topology-broken.json",
	"tests/golden/topology-dual-primary.json",
	"tests/golden/topology-galera-ring.json",
};

static char *slurp(const char *path, size_t *len)
{
	char *data = NULL;
	if (read_file(path, &data, len))
		return NULL;
	return data;
}

static void test_round_trip(const char *path)
{
	struct reportread rr;
	struct diag_list d;
	struct audit_result r;
	struct explainer x;
	size_t len = 0;
	char *want = slurp(path, &len);
	if (!want) {
		ok(0, "%s: readable", path);
		return;
	}
	diag_list_init(&d);
	reportread_init(&rr);
	is_int(reportread_load(&rr, path, &d), 0, path);
	ok(rr.n > 0 && rr.schema && !strcmp(rr.command, "check"), "%s: targets, schema and command read", path);
	audit_result_init(&r);
	size_t base = reportread_to_result(&rr, &r);
	reportread_explainer_init(&x, &rr, &r, base);
	struct report_run run = {
		.command = rr.command,
		.tool_version = rr.tool_version,
		.explainer = &x,
		.fail_on = SEV_ERROR,
		.input_errors = rr.input_errors,
	};
	reportread_run(&rr, &run);
	char *buf = NULL;
	size_t blen = 0;
	FILE *fp = open_memstream(&buf, &blen);
	report_write(REPORT_JSON, &r, NULL, &run, fp);
	fclose(fp);
	int same = blen == len && !memcmp(buf, want, len);
	ok(same, "%s: written again, byte for byte the same", path);
	if (!same) {
		size_t i = 0;
		while (i < len && i < blen && buf[i] == want[i])
			i++;
		printf("#   first difference at byte %zu: got '%.60s' want '%.60s'\n", i, buf + i, want + i);
	}
	free(buf);
	free(want);
	explainer_release(&x);
	audit_result_release(&r);
	reportread_release(&rr);
	diag_list_release(&d);
}

/*
 * breaker8 finding 1: a caller moves the findings read back (diff suppresses
 * and sorts them); each must still get its own stored sentences, not those
 * of the finding that was at its place. Every target's findings reversed.
 */
static void test_explain_moved(const char *path)
{
	struct reportread rr;
	struct diag_list d;
	struct audit_result r;
	struct explainer x;
	size_t checked = 0, wrong = 0, moved = 0;
	diag_list_init(&d);
	reportread_init(&rr);
	audit_result_init(&r);
	if (reportread_load(&rr, path, &d) < 0) {
		ok(0, "%s: readable", path);
		goto out;
	}
	size_t base = reportread_to_result(&rr, &r);
	reportread_explainer_init(&x, &rr, &r, base);
	for (size_t i = base; i < r.n; i++) {
		struct target_result *t = &r.targets[i];
		for (size_t a = 0, b = t->n ? t->n - 1 : 0; a < b; a++, b--) {
			struct finding tmp = t->findings[a];
			t->findings[a] = t->findings[b];
			t->findings[b] = tmp;
			moved += strcmp(t->findings[a].rule_id, t->findings[b].rule_id) != 0;
		}
		for (size_t j = 0; j < t->n; j++) {
			struct explanation e;
			memset(&e, 0, sizeof(e));
			explain_finding(&x, t, &t->findings[j], &e);
			const struct reportread_finding *rf = &rr.targets[i - base].findings[t->findings[j].read_no - 1];
			checked++;
			wrong += !e.rule_id || strcmp(e.rule_id, t->findings[j].rule_id) || e.fingerprint != rf->fingerprint ||
				 e.value != rf->value;
		}
	}
	ok(moved > 0 && checked > 0 && !wrong, "%s: findings moved (%zu pairs): each of %zu worded as itself (%zu wrong)",
	   path, moved, checked, wrong);
	explainer_release(&x);
out:
	audit_result_release(&r);
	reportread_release(&rr);
	diag_list_release(&d);
}

static void test_fingerprints(void)
{
	char a[17], b[17], c[17], e[17];
	reportread_fingerprint("configs/db1.cnf", "sync-binlog", NULL, "0", a);
	reportread_fingerprint("configs/db1.cnf", "sync-binlog", NULL, "0", b);
	reportread_fingerprint("configs/db1.cnf", "sync-binlog", NULL, "100", c);
	reportread_fingerprint("configs/db1.cnf", "sync-binlog", "", "0", e);
	is_int((long)strlen(a), 16, "a fingerprint is 16 hex digits");
	is_str(a, b, "stable: the same inputs give the same fingerprint");
	ok(strcmp(a, c) != 0, "another value, another fingerprint");
	ok(strcmp(a, e) != 0, "no channel and the default channel ('') differ");
	reportread_fingerprint("configs/db1.cnf", "sync-binlo", NULL, "g0", c);
	ok(strcmp(a, c) != 0, "the parts are separated (no 'ab'+'c' = 'a'+'bc')");
}

static void test_errors(void)
{
	struct reportread rr;
	struct diag_list d;
	char path[] = "/tmp/crashsafe-rr.XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!fp) {
		ok(0, "temporary file");
		return;
	}
	fputs("{\n  \"schema\": \"crashsafe-report/1\",\n  \"targets\": [ { \"name\": 3 } ]\n", fp);
	fclose(fp);
	diag_list_init(&d);
	reportread_init(&rr);
	is_int(reportread_load(&rr, path, &d), -1, "truncated JSON is refused");
	ok(d.n && d.items[0].line == 4 && strstr(d.items[0].message, "not a JSON report"),
	   "with jansson's line (%u: %s)", d.n ? d.items[0].line : 0, d.n ? d.items[0].message : "");
	reportread_release(&rr);
	diag_list_release(&d);

	fp = fopen(path, "w");
	fputs("{\"schema\": \"crashsafe-report/1\", \"command\": \"check\", \"targets\": [ {\"name\": 3,"
	      " \"findings\": [ {\"rule_id\": \"x\", \"severity\": \"fatal\", \"status\": \"fail\"} ] } ]}\n", fp);
	fclose(fp);
	diag_list_init(&d);
	reportread_init(&rr);
	is_int(reportread_load(&rr, path, &d), -1, "members of the wrong type are refused");
	ok(d.n >= 2 && strstr(d.items[0].message, "targets[0].name: not a string"), "names the member (%s)",
	   d.n ? d.items[0].message : "");
	int sev = 0;
	for (size_t i = 0; i < d.n; i++)
		sev |= strstr(d.items[i].message, "targets[0].findings[0].severity: 'fatal'") != NULL;
	ok(sev, "a bad severity names the finding");
	reportread_release(&rr);
	diag_list_release(&d);

	fp = fopen(path, "w");
	fputs("{\"schema\": \"sarif-2.1.0\", \"targets\": []}\n", fp);
	fclose(fp);
	diag_list_init(&d);
	reportread_init(&rr);
	is_int(reportread_load(&rr, path, &d), -1, "another schema is refused");
	ok(d.n && strstr(d.items[0].message, "not a crashsafe report"), "as not a crashsafe report");
	reportread_release(&rr);
	diag_list_release(&d);
	fp = fopen(path, "w");
	fputs("{\"schema\": \"crashsafe-report/99\", \"command\": \"check\", \"targets\": []}\n", fp);
	fclose(fp);
	diag_list_init(&d);
	reportread_init(&rr);
	is_int(reportread_load(&rr, path, &d), -1, "a later schema (crashsafe-report/99) is refused");
	ok(d.n && strstr(d.items[0].message, "schema 'crashsafe-report/99' is not one this crashsafe reads"),
	   "... naming it");
	reportread_release(&rr);
	diag_list_release(&d);
	ok(reportread_schema_known("crashsafe-report/1") && reportread_schema_known("crashsafe-report/3") &&
	   !reportread_schema_known("crashsafe-report/4") && !reportread_schema_known("crashsafe-report/3x") &&
	   !reportread_schema_known("crashsafe-report/"), "the known schemas: /1 to /3 exactly");
	ok(reportread_is_report(path), "a file starting with '{' looks like a report");
	ok(!reportread_is_report("examples/mysql-8.4/primary.cnf"), "an option file does not");
	unlink(path);
}

int main(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(goldens); i++)
		test_round_trip(goldens[i]);
	test_explain_moved(goldens[0]);
	test_fingerprints();
	test_errors();
	return done_testing();
}
