/*
 * fuzz_gtidset.c - libFuzzer target for the texts the topology rules parse
 * from servers: MySQL GTID sets (gtidset_parse: gtid_executed,
 * Executed_Gtid_Set), MariaDB GTID lists (mariadb_gtid_list_parse:
 * gtid_binlog_state) and a channel's status row (live_channel_read_status:
 * Last_IO_Error, Last_SQL_Error...).
 *
 * The input is two texts A and B, split at the first '|' (a byte neither
 * grammar has; no '|': B is empty). Both are parsed as a MySQL set and as a
 * MariaDB list. The whole input, one "Column<TAB>value" per line, is also a
 * status row.
 *
 * Checks:
 * - a refused text says why and leaves the set empty; an accepted set
 *   printed and parsed again is the same set (same canonical text, same
 *   count, same number of intervals); the printed form is lowercase, without
 *   blanks, and a bounded print is cut near its bound;
 * - on two accepted sets: A|B = B|A; (A-B)|B = A|B; (A|B)-B = A-B;
 *   A-A and (A|B)-A-B are empty; A-B has nothing of B;
 *   |A|B| + |A&B| = |A| + |B| (A&B = A-(A-B)) while no count saturates;
 *   A with B's in-flight tails dropped is part of A, A with its own is A;
 * - MariaDB: an accepted list printed and parsed again is the same list,
 *   one GTID per (domain, server_id), sorted; the errant part of A against
 *   B is part of A, shares no (domain, server_id) with B, and A against
 *   itself has none;
 * - the status reader keeps the server's error texts on one line (no control
 *   byte) and bounded (300 bytes and "...").
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../auditor/gtidset.h"
#include "../auditor/live.h"
#include "../auditor/settings.h"

/* The canonical text of s (caller frees). */
static char *fuzz_gtid_text(const struct gtidset *s)
{
	struct strbuf sb;
	strbuf_init(&sb);
	gtidset_format(s, &sb, 0);
	return strbuf_detach(&sb);
}

static int fuzz_gtid_equal(const struct gtidset *a, const struct gtidset *b)
{
	char *ta = fuzz_gtid_text(a), *tb = fuzz_gtid_text(b);
	int eq = !strcmp(ta, tb);
	free(ta);
	free(tb);
	return eq;
}

/* Parse text; on success check the round trip. Returns 0 when s holds the set. */
static int fuzz_gtid_parse(struct gtidset *s, const char *text)
{
	struct strbuf err;
	strbuf_init(&err);
	if (gtidset_parse(s, text, &err) < 0) {
		FUZZ_CHECK(err.len > 0, "a refused GTID set says why");
		FUZZ_CHECK(gtidset_is_empty(s) && s->n == 0, "a refused GTID set leaves the set empty");
		strbuf_release(&err);
		return -1;
	}
	FUZZ_CHECK(err.len == 0, "an accepted GTID set has no error");
	strbuf_release(&err);

	char *printed = fuzz_gtid_text(s);
	for (const char *p = printed; *p; p++)
		FUZZ_CHECK(!(*p >= 'A' && *p <= 'Z') && *p != ' ' && *p != '\n' && *p != '\t',
			   "a printed GTID set is lowercase, without blanks");
	struct gtidset again;
	gtidset_init(&again);
	FUZZ_CHECK(gtidset_parse(&again, printed, NULL) == 0, "a printed GTID set parses again");
	char *reprinted = fuzz_gtid_text(&again);
	FUZZ_CHECK(!strcmp(printed, reprinted), "a printed GTID set parsed again is the same set");
	FUZZ_CHECK(gtidset_count(&again) == gtidset_count(s), "the same count after a round trip");
	FUZZ_CHECK(gtidset_intervals(&again) == gtidset_intervals(s), "the same intervals after a round trip");
	free(reprinted);
	gtidset_release(&again);

	/* A bounded print: a prefix of the whole, cut near the bound. */
	struct strbuf cut;
	strbuf_init(&cut);
	gtidset_format(s, &cut, 40);
	if (strlen(printed) <= 40)
		FUZZ_CHECK(!strcmp(cut.buf ? cut.buf : "", printed), "a short set is printed whole under a bound");
	else
		FUZZ_CHECK(cut.len <= 40 + 60 + 80, "a bounded print stays near its bound");
	strbuf_release(&cut);
	free(printed);
	return 0;
}

static void fuzz_gtid_laws(const struct gtidset *a, const struct gtidset *b)
{
	struct gtidset ab, ba, d, db, ud, aa, uab, uaba, inter;
	gtidset_init(&ab);
	gtidset_init(&ba);
	gtidset_init(&d);
	gtidset_init(&db);
	gtidset_init(&ud);
	gtidset_init(&aa);
	gtidset_init(&uab);
	gtidset_init(&uaba);
	gtidset_init(&inter);

	gtidset_union(&ab, a);
	gtidset_union(&ab, b);
	gtidset_union(&ba, b);
	gtidset_union(&ba, a);
	FUZZ_CHECK(fuzz_gtid_equal(&ab, &ba), "union is commutative");

	gtidset_subtract(&d, a, b);             /* A-B */
	gtidset_union(&db, &d);
	gtidset_union(&db, b);                  /* (A-B)|B */
	FUZZ_CHECK(fuzz_gtid_equal(&db, &ab), "(A-B)|B = A|B");
	gtidset_subtract(&ud, &ab, b);          /* (A|B)-B */
	FUZZ_CHECK(fuzz_gtid_equal(&ud, &d), "(A|B)-B = A-B");
	gtidset_subtract(&aa, a, a);
	FUZZ_CHECK(gtidset_is_empty(&aa), "A-A is empty");
	gtidset_subtract(&uab, &ab, a);
	gtidset_subtract(&uaba, &uab, b);
	FUZZ_CHECK(gtidset_is_empty(&uaba), "(A|B)-A-B is empty");
	gtidset_subtract(&aa, &d, b);
	FUZZ_CHECK(fuzz_gtid_equal(&aa, &d), "A-B has nothing of B");

	gtidset_subtract(&inter, a, &d);        /* A&B = A-(A-B) */
	uint64_t ca = gtidset_count(a), cb = gtidset_count(b);
	if (ca < (1ULL << 62) && cb < (1ULL << 62))
		FUZZ_CHECK(gtidset_count(&ab) + gtidset_count(&inter) == ca + cb, "|A|B| + |A&B| = |A| + |B|");

	/* In-flight tails dropped: what remains is part of A. */
	gtidset_release(&uab);
	gtidset_init(&uab);
	gtidset_union(&uab, a);
	gtidset_drop_tails(&uab, b);
	gtidset_subtract(&uaba, &uab, a);
	FUZZ_CHECK(gtidset_is_empty(&uaba), "A without B's tails is part of A");
	gtidset_release(&uab);
	gtidset_init(&uab);
	gtidset_union(&uab, a);
	gtidset_drop_tails(&uab, a);
	FUZZ_CHECK(fuzz_gtid_equal(&uab, a), "A has no tail beyond itself");

	gtidset_release(&ab);
	gtidset_release(&ba);
	gtidset_release(&d);
	gtidset_release(&db);
	gtidset_release(&ud);
	gtidset_release(&aa);
	gtidset_release(&uab);
	gtidset_release(&uaba);
	gtidset_release(&inter);
}

static int fuzz_mariadb_parse(struct mariadb_gtid_list *l, const char *text)
{
	struct strbuf err, sb;
	strbuf_init(&err);
	if (mariadb_gtid_list_parse(l, text, &err) < 0) {
		FUZZ_CHECK(err.len > 0, "a refused MariaDB GTID list says why");
		FUZZ_CHECK(l->n == 0, "a refused MariaDB GTID list leaves the list empty");
		strbuf_release(&err);
		return -1;
	}
	strbuf_release(&err);
	for (size_t i = 1; i < l->n; i++)
		FUZZ_CHECK(l->g[i - 1].domain < l->g[i].domain ||
				   (l->g[i - 1].domain == l->g[i].domain && l->g[i - 1].server < l->g[i].server),
			   "one GTID per (domain, server_id), sorted");
	strbuf_init(&sb);
	mariadb_gtid_list_format(l, &sb, 0);
	struct mariadb_gtid_list again;
	mariadb_gtid_list_init(&again);
	FUZZ_CHECK(mariadb_gtid_list_parse(&again, sb.buf ? sb.buf : "", NULL) == 0, "a printed MariaDB list parses again");
	FUZZ_CHECK(again.n == l->n && (!l->n || !memcmp(again.g, l->g, l->n * sizeof(*l->g))),
		   "a printed MariaDB list parsed again is the same list");
	mariadb_gtid_list_release(&again);
	strbuf_release(&sb);
	return 0;
}

static void fuzz_mariadb_laws(const struct mariadb_gtid_list *a, const struct mariadb_gtid_list *b)
{
	struct mariadb_gtid_list out;
	const struct mariadb_gtid_list *src[1] = { b };
	mariadb_gtid_list_init(&out);
	mariadb_gtid_errant(&out, a, src, 1);
	FUZZ_CHECK(out.n <= a->n, "the errant part is part of the replica's list");
	for (size_t i = 0, k = 0; i < out.n; i++) {
		while (k < a->n && memcmp(&a->g[k], &out.g[i], sizeof(out.g[i])))
			k++;
		FUZZ_CHECK(k < a->n, "every errant GTID is the replica's, in order");
		for (size_t j = 0; j < b->n; j++)
			FUZZ_CHECK(b->g[j].domain != out.g[i].domain || b->g[j].server != out.g[i].server,
				   "an errant GTID's (domain, server_id) is not the source's");
	}
	src[0] = a;
	mariadb_gtid_errant(&out, a, src, 1);
	FUZZ_CHECK(out.n == 0, "a list has nothing errant against itself");
	mariadb_gtid_list_release(&out);
}

/* The whole input as a status row: one "Column<TAB>value" per line ("\N": SQL NULL). */
static void fuzz_status_row(const char *text)
{
	enum { NCOLS = 64 };
	const char *names[NCOLS], *values[NCOLS];
	size_t n = 0;
	char *copy = strdup(text);
	FUZZ_CHECK(copy != NULL, "memory");
	for (char *line = copy, *next; line && n < NCOLS; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		names[n] = line;
		values[n] = strcmp(tab + 1, "\\N") ? tab + 1 : NULL;
		n++;
	}
	struct settings s;
	settings_init(&s, "fuzz", "live");
	struct settings_channel *ch = settings_add_channel(&s, "");
	live_channel_read_status(&s, ch, names, values, n);
	const char *texts[] = { ch->last_io_error, ch->last_sql_error };
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (!texts[i])
			continue;
		FUZZ_CHECK(strlen(texts[i]) <= 300 + 3, "a server's error text is bounded");
		for (const char *p = texts[i]; *p; p++)
			FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f, "a server's error text stays on one line");
	}
	settings_release(&s);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size);
	char *bar = strchr(text, '|');
	const char *ta = text, *tb = "";
	if (bar) {
		*bar = '\0';
		tb = bar + 1;
	}

	struct gtidset a, b;
	gtidset_init(&a);
	gtidset_init(&b);
	int oka = fuzz_gtid_parse(&a, ta) == 0;
	int okb = fuzz_gtid_parse(&b, tb) == 0;
	if (oka && okb)
		fuzz_gtid_laws(&a, &b);
	gtidset_release(&a);
	gtidset_release(&b);

	struct mariadb_gtid_list ma, mb;
	mariadb_gtid_list_init(&ma);
	mariadb_gtid_list_init(&mb);
	oka = fuzz_mariadb_parse(&ma, ta) == 0;
	okb = fuzz_mariadb_parse(&mb, tb) == 0;
	if (oka && okb)
		fuzz_mariadb_laws(&ma, &mb);
	mariadb_gtid_list_release(&ma);
	mariadb_gtid_list_release(&mb);

	if (bar)
		*bar = '|';
	fuzz_status_row(text);
	free(text);
	return 0;
}
