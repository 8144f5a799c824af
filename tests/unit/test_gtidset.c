/*
 * test_gtidset.c - GTID set arithmetic (auditor/gtidset.h): MySQL sets as
 * SHOW REPLICA STATUS and @@gtid_executed print them, large sets, a
 * comparison with a plain bitmap on random sets, and MariaDB lists.
 */
#include <stdlib.h>
#include <string.h>

#include "gtidset.h"
#include "tap.h"
#include "banned.h"

#define U1 "3e11fa47-71ca-11e1-9e33-c80aa9429562"
#define U2 "8a94f357-aab4-11df-86ab-c80aa9429562"
#define U3 "ffffffff-0000-0000-0000-000000000001"

/* Parse and print back; NULL want: must be refused. */
static void roundtrip(const char *text, const char *want, const char *name)
{
	struct gtidset s;
	struct strbuf sb = { 0 }, err = { 0 };
	gtidset_init(&s);
	int rc = gtidset_parse(&s, text, &err);
	if (!want) {
		ok(rc < 0 && err.len > 0 && gtidset_is_empty(&s), "%s: refused (%s)", name, err.buf ? err.buf : "");
	} else {
		gtidset_format(&s, &sb, 0);
		if (!ok(rc == 0, "%s: parses", name))
			printf("#   error: %s\n", err.buf ? err.buf : "");
		is_str(sb.buf ? sb.buf : "", want, name);
	}
	gtidset_release(&s);
	strbuf_release(&sb);
	strbuf_release(&err);
}

/* a - b printed. */
static void subtract(const char *a, const char *b, const char *want, const char *name)
{
	struct gtidset sa, sb, out;
	struct strbuf txt = { 0 };
	gtidset_init(&sa);
	gtidset_init(&sb);
	gtidset_init(&out);
	ok(!gtidset_parse(&sa, a, NULL) && !gtidset_parse(&sb, b, NULL), "%s: operands parse", name);
	gtidset_subtract(&out, &sa, &sb);
	gtidset_format(&out, &txt, 0);
	is_str(txt.buf ? txt.buf : "", want, name);
	gtidset_release(&sa);
	gtidset_release(&sb);
	gtidset_release(&out);
	strbuf_release(&txt);
}

static void test_parse(void)
{
	roundtrip("", "", "the empty set");
	roundtrip("  \n ", "", "blanks only are the empty set");
	roundtrip(U1 ":1-5", U1 ":1-5", "one interval");
	roundtrip("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:11-18", U1 ":1-5:11-18", "uppercase UUID, two intervals");
	roundtrip("3e11fa4771ca11e19e33c80aa9429562:7", U1 ":7", "a UUID without dashes");
	/* SHOW REPLICA STATUS\G and @@gtid_executed put a newline after each comma */
	roundtrip(U2 ":1-3,\n" U1 ":1-5", U1 ":1-5," U2 ":1-3", "sorted by UUID; newline after ','");
	roundtrip(U1 ":5-7:1-3:4", U1 ":1-7", "out of order and adjacent intervals merge");
	roundtrip(U1 ":1-10:3-4", U1 ":1-10", "a contained interval disappears");
	roundtrip(U1 ":1-3," U1 ":5", U1 ":1-3:5", "one UUID given twice");
	roundtrip(U1 ":1-3:tag_a:1-2:5:Tag_B:9", U1 ":1-3:tag_a:1-2:5:tag_b:9", "tags (8.3+), lowercased");
	roundtrip(U1 ":9223372036854775807", U1 ":9223372036854775807", "the largest transaction number");
	roundtrip(U1 " : 1 - 5 , " U2 " : 2", U1 ":1-5," U2 ":2", "blanks around separators");
	roundtrip(U1, NULL, "a UUID without an interval");
	roundtrip(U1 ":", NULL, "a ':' without an interval");
	roundtrip(U1 ":0", NULL, "transaction number 0");
	roundtrip(U1 ":5-3", NULL, "an interval that ends before it starts");
	roundtrip(U1 ":9223372036854775808", NULL, "a transaction number of 2^63");
	roundtrip(U1 ":1-5,", NULL, "a trailing ','");
	roundtrip(U1 ":1-5;", NULL, "a stray character");
	roundtrip("3e11fa47-71ca11e1-9e33-c80aa9429562:1", NULL, "a UUID with a dash missing");
	roundtrip("3e11fa47-71ca-11e1-9e33-c80aa942956:1", NULL, "a UUID one digit short");
	roundtrip(U1 ":1:tag", NULL, "a tag without an interval");
	roundtrip(U1 ":abcdefghijabcdefghijabcdefghijabc:1", NULL, "a tag of 33 characters");
}

static void test_subtract(void)
{
	subtract(U1 ":1-10", U1 ":1-10", "", "a set minus itself is empty");
	subtract(U1 ":1-10", "", U1 ":1-10", "minus the empty set");
	subtract("", U1 ":1-10", "", "the empty set minus anything");
	subtract(U1 ":1-10", U1 ":4-6", U1 ":1-3:7-10", "a hole in the middle");
	subtract(U1 ":1-10", U1 ":1-3:8-20", U1 ":4-7", "both ends cut");
	subtract(U1 ":1-10:20-30", U1 ":5-25", U1 ":1-4:26-30", "one interval spanning two");
	subtract(U1 ":1-10," U2 ":1-5", U1 ":1-10", U2 ":1-5", "another UUID stays whole");
	subtract(U1 ":1-10," U2 ":1-5", U2 ":1-5," U3 ":1", U1 ":1-10", "a UUID only the subtrahend has");
	subtract(U1 ":1-5:t:1-5", U1 ":1-5", U1 ":t:1-5", "tagged and untagged GTIDs differ");
	subtract(U1 ":1-100," U2 ":1-50:52-60", U1 ":1-100," U2 ":1-60",
		 "", "a replica behind its source has nothing errant");
}

static void test_tails(void)
{
	struct gtidset errant, seen;
	struct strbuf sb = { 0 };
	gtidset_init(&errant);
	gtidset_init(&seen);
	gtidset_parse(&errant, U1 ":5:101-105," U2 ":1-3", NULL);
	gtidset_parse(&seen, U1 ":1-4:6-100", NULL);
	gtidset_drop_tails(&errant, &seen);
	gtidset_format(&errant, &sb, 0);
	is_str(sb.buf, U1 ":5," U2 ":1-3",
	       "past the source's last number is in flight; a hole below it and an unknown UUID are errant");
	strbuf_reset(&sb);
	gtidset_parse(&errant, U1 ":90-110", NULL);
	gtidset_drop_tails(&errant, &seen);
	gtidset_format(&errant, &sb, 0);
	is_str(sb.buf ? sb.buf : "", U1 ":90-100", "an interval across the source's last number is cut there");
	gtidset_release(&errant);
	gtidset_release(&seen);
	strbuf_release(&sb);
}

/* Large sets: half a million intervals, built from text as a server prints them. */
static void test_large(void)
{
	enum { N = 500000 };
	struct strbuf text = { 0 }, out = { 0 };
	struct gtidset odd, all, diff, uni;
	gtidset_init(&odd);
	gtidset_init(&all);
	gtidset_init(&diff);
	gtidset_init(&uni);
	/* every odd number, written from the top down so the parser must sort */
	strbuf_addstr(&text, U1);
	for (long k = N - 1; k >= 0; k--)
		strbuf_addf(&text, ":%ld", 2 * k + 1);
	strbuf_addstr(&text, ",\n" U2 ":1-10");
	ok(!gtidset_parse(&odd, text.buf, NULL), "a set of %d intervals parses", N + 1);
	is_int((long)gtidset_intervals(&odd), N + 1, "the odd numbers stay separate intervals");
	is_int((long)gtidset_count(&odd), N + 10, "and count one GTID each");
	gtidset_parse(&all, U1 ":1-1000000", NULL);
	gtidset_subtract(&diff, &odd, &all);
	gtidset_format(&diff, &out, 0);
	is_str(out.buf, U2 ":1-10", "large set minus a covering interval");
	strbuf_reset(&out);
	gtidset_subtract(&diff, &all, &odd);
	is_int((long)gtidset_intervals(&diff), N, "a covering interval minus the odd numbers: the even ones");
	is_int((long)gtidset_count(&diff), N, "... as many GTIDs");
	ok(diff.e[0].iv[0].lo == 2 && diff.e[0].iv[N - 1].hi == 2 * N, "from 2 to %d", 2 * N);
	gtidset_union(&uni, &odd);
	gtidset_union(&uni, &diff);
	gtidset_format(&uni, &out, 0);
	is_str(out.buf, U1 ":1-1000000," U2 ":1-10", "odd and even numbers together merge into one interval");
	strbuf_reset(&out);
	gtidset_format(&odd, &out, 200);
	ok(out.len < 300 && strstr(out.buf, " more intervals)"), "a long set printed with a limit says how much is left");
	gtidset_release(&odd);
	gtidset_release(&all);
	gtidset_release(&diff);
	gtidset_release(&uni);
	strbuf_release(&text);
	strbuf_release(&out);
}

/* Random sets over a small universe, compared with a bitmap. */
enum { RAND_UUIDS = 3, RAND_MAX_NO = 120 };

static unsigned long rand_state = 12345;

static unsigned rnd(unsigned n)
{
	rand_state = rand_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rand_state >> 33) % n);
}

static void random_set(struct strbuf *text, unsigned char bits[RAND_UUIDS][RAND_MAX_NO + 1])
{
	static const char *const uuids[RAND_UUIDS] = { U1, U2, U3 };
	memset(bits, 0, RAND_UUIDS * (RAND_MAX_NO + 1));
	strbuf_reset(text);
	for (int u = 0; u < RAND_UUIDS; u++) {
		unsigned n = rnd(5);
		if (!n)
			continue;
		strbuf_addf(text, "%s%s", text->len ? "," : "", uuids[u]);
		for (unsigned i = 0; i < n; i++) {
			unsigned lo = 1 + rnd(RAND_MAX_NO), hi = lo + rnd(30);
			if (hi > RAND_MAX_NO)
				hi = RAND_MAX_NO;
			strbuf_addf(text, ":%u-%u", lo, hi);
			for (unsigned k = lo; k <= hi; k++)
				bits[u][k] = 1;
		}
	}
}

static void bits_format(struct strbuf *sb, unsigned char bits[RAND_UUIDS][RAND_MAX_NO + 1])
{
	static const char *const uuids[RAND_UUIDS] = { U1, U2, U3 };
	for (int u = 0; u < RAND_UUIDS; u++) {
		int any = 0;
		for (unsigned k = 1; k <= RAND_MAX_NO; k++) {
			if (!bits[u][k] || (k > 1 && bits[u][k - 1]))
				continue;
			unsigned e = k;
			while (e + 1 <= RAND_MAX_NO && bits[u][e + 1])
				e++;
			if (!any)
				strbuf_addf(sb, "%s%s", sb->len ? "," : "", uuids[u]);
			any = 1;
			if (e == k)
				strbuf_addf(sb, ":%u", k);
			else
				strbuf_addf(sb, ":%u-%u", k, e);
		}
	}
}

static void test_random(void)
{
	int bad_sub = 0, bad_uni = 0, rounds = 2000;
	struct strbuf ta = { 0 }, tb = { 0 }, got = { 0 }, want = { 0 };
	unsigned char a[RAND_UUIDS][RAND_MAX_NO + 1], b[RAND_UUIDS][RAND_MAX_NO + 1], r[RAND_UUIDS][RAND_MAX_NO + 1];
	for (int round = 0; round < rounds; round++) {
		struct gtidset sa, sb, out;
		gtidset_init(&sa);
		gtidset_init(&sb);
		gtidset_init(&out);
		random_set(&ta, a);
		random_set(&tb, b);
		gtidset_parse(&sa, ta.buf ? ta.buf : "", NULL);
		gtidset_parse(&sb, tb.buf ? tb.buf : "", NULL);
		gtidset_subtract(&out, &sa, &sb);
		for (int u = 0; u < RAND_UUIDS; u++)
			for (int k = 0; k <= RAND_MAX_NO; k++)
				r[u][k] = a[u][k] && !b[u][k];
		strbuf_reset(&got);
		strbuf_reset(&want);
		gtidset_format(&out, &got, 0);
		bits_format(&want, r);
		if (strcmp(got.buf ? got.buf : "", want.buf ? want.buf : "") && !bad_sub++)
			printf("# a=%s\n# b=%s\n# a-b got %s\n# want %s\n", ta.buf, tb.buf, got.buf, want.buf);
		gtidset_union(&sa, &sb);
		for (int u = 0; u < RAND_UUIDS; u++)
			for (int k = 0; k <= RAND_MAX_NO; k++)
				r[u][k] = a[u][k] || b[u][k];
		strbuf_reset(&got);
		strbuf_reset(&want);
		gtidset_format(&sa, &got, 0);
		bits_format(&want, r);
		if (strcmp(got.buf ? got.buf : "", want.buf ? want.buf : "") && !bad_uni++)
			printf("# a=%s\n# b=%s\n# a|b got %s\n# want %s\n", ta.buf, tb.buf, got.buf, want.buf);
		gtidset_release(&sa);
		gtidset_release(&sb);
		gtidset_release(&out);
	}
	ok(!bad_sub, "subtraction equals a bitmap's on %d random pairs (%d differ)", rounds, bad_sub);
	ok(!bad_uni, "union equals a bitmap's on %d random pairs (%d differ)", rounds, bad_uni);
	strbuf_release(&ta);
	strbuf_release(&tb);
	strbuf_release(&got);
	strbuf_release(&want);
}

static void test_mariadb(void)
{
	struct mariadb_gtid_list r, s1, s2, out;
	struct strbuf sb = { 0 }, err = { 0 };
	mariadb_gtid_list_init(&r);
	mariadb_gtid_list_init(&s1);
	mariadb_gtid_list_init(&s2);
	mariadb_gtid_list_init(&out);

	ok(!mariadb_gtid_list_parse(&r, " 1-20-5, 0-2-9,0-1-100 ", &err), "gtid_binlog_state parses");
	mariadb_gtid_list_format(&r, &sb, 0);
	is_str(sb.buf, "0-1-100,0-2-9,1-20-5", "sorted by domain, then server");
	strbuf_reset(&sb);
	ok(!mariadb_gtid_list_parse(&r, "0-1-5,0-1-7", NULL) && r.n == 1 && r.g[0].seq == 7,
	   "a pair given twice keeps its highest sequence");
	ok(!mariadb_gtid_list_parse(&r, "", NULL) && r.n == 0, "the empty list");
	ok(mariadb_gtid_list_parse(&r, "0-1", &err) < 0, "a GTID without a sequence is refused (%s)", err.buf);
	strbuf_reset(&err);
	ok(mariadb_gtid_list_parse(&r, "0-4294967296-1", &err) < 0, "a server id beyond 32 bits is refused");
	strbuf_reset(&err);
	ok(mariadb_gtid_list_parse(&r, "0-1-1,", &err) < 0, "a trailing ',' is refused");

	/*
	 * A replica (server 2) whose binary log holds the source's transactions
	 * (server 1, 0-1-100) and three of its own (0-2-3): its own are errant.
	 * gtid_current_pos would show only 0-1-100 (one GTID per domain) and hide them.
	 */
	mariadb_gtid_list_parse(&r, "0-1-100,0-2-3", NULL);
	mariadb_gtid_list_parse(&s1, "0-1-100", NULL);
	const struct mariadb_gtid_list *srcs[] = { &s1, &s2 };
	mariadb_gtid_errant(&out, &r, srcs, 1);
	strbuf_reset(&sb);
	mariadb_gtid_list_format(&out, &sb, 0);
	is_str(sb.buf, "0-2-3", "the replica's own GTIDs no source produced are errant");
	mariadb_gtid_list_parse(&r, "0-1-105", NULL);
	mariadb_gtid_errant(&out, &r, srcs, 1);
	ok(out.n == 0, "a later sequence of the source's own server is in flight, not errant");
	/* multi-source: each source produced one domain */
	mariadb_gtid_list_parse(&r, "1-10-50,2-20-7,2-30-1", NULL);
	mariadb_gtid_list_parse(&s1, "1-10-50", NULL);
	mariadb_gtid_list_parse(&s2, "2-20-9", NULL);
	mariadb_gtid_errant(&out, &r, srcs, 2);
	strbuf_reset(&sb);
	mariadb_gtid_list_format(&out, &sb, 0);
	is_str(sb.buf, "2-30-1", "multi-source: only the pair neither source has is errant");

	mariadb_gtid_list_release(&r);
	mariadb_gtid_list_release(&s1);
	mariadb_gtid_list_release(&s2);
	mariadb_gtid_list_release(&out);
	strbuf_release(&sb);
	strbuf_release(&err);
}

int main(void)
{
	test_parse();
	test_subtract();
	test_tails();
	test_large();
	test_random();
	test_mariadb();
	return done_testing();
}
