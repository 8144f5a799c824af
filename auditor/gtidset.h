/*
 * gtidset.h - GTID set arithmetic: MySQL's UUID:interval sets and MariaDB's
 * domain-server-sequence lists, for the topology rules (errant
 * transactions: what a replica executed that its sources do not have).
 *
 * MySQL (and Percona Server) name a transaction SOURCE_UUID:NUMBER, from
 * 8.3 optionally SOURCE_UUID:TAG:NUMBER. A GTID set is the text
 * `gtid_executed`, `gtid_purged`, Retrieved_Gtid_Set and Executed_Gtid_Set
 * hold (source: MySQL manual "GTID Format and Storage",
 * https://dev.mysql.com/doc/refman/8.4/en/replication-gtids-concepts.html,
 * and sql/rpl_gtid_set.cc Gtid_set::add_gtid_text):
 *
 *     set    := "" | uuidset ( "," uuidset )*        blanks and newlines allowed
 *     uuidset:= UUID ( ":" ( TAG | interval ) )+     at least one interval
 *     interval := N | N "-" M                        1 <= N <= M < 2^63
 *     TAG    := [a-zA-Z_][a-zA-Z0-9_]{0,31}          (8.3+) applies to the intervals after it
 *     UUID   := 8-4-4-4-12 hex digits, or 32 hex digits, any case
 *
 * A set is kept canonical: one entry per (UUID, tag), entries sorted by
 * UUID then tag, intervals sorted, disjoint and not adjacent (1-3:4-5 is
 * 1-5). Every operation is linear in the sizes of its operands after the
 * O(n log n) normalisation of parsed text, so sets with millions of
 * intervals are fine.
 *
 * MariaDB names a transaction DOMAIN-SERVER_ID-SEQUENCE. `gtid_binlog_state`
 * holds the last GTID binlogged for each (domain, server_id) pair,
 * `gtid_current_pos` and `gtid_slave_pos` one GTID per domain (source:
 * https://mariadb.com/kb/en/gtid/ "gtid_binlog_state": "the list of the last
 * GTID binlogged for each (domain_id, server_id) pair"). Because
 * gtid_current_pos keeps one GTID per domain, a later GTID from another
 * server hides an earlier errant one: the errant comparison uses
 * gtid_binlog_state.
 *
 * Nothing here allocates from an arena: a set owns its arrays and is freed
 * with its _release(). Errors are 0 / -1 with a message appended to err.
 */
#ifndef CRASHSAFE_GTIDSET_H
#define CRASHSAFE_GTIDSET_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

#define GTID_TAG_MAX 32          /* MySQL: a tag has at most 32 characters */
#define GTID_NUMBER_MAX 0x7fffffffffffffffULL   /* GNO_END - 1 (rpl_gtid.h) */

/* A run of transaction numbers, both ends included. */
struct gtid_interval {
	uint64_t lo, hi;
};

/* The intervals of one (UUID, tag). */
struct gtid_uuid_set {
	unsigned char uuid[16];
	char tag[GTID_TAG_MAX + 1];   /* "" when untagged; lowercase */
	struct gtid_interval *iv;
	size_t n, cap;
};

struct gtidset {
	struct gtid_uuid_set *e;
	size_t n, cap;
};

void gtidset_init(struct gtidset *s);
void gtidset_release(struct gtidset *s);

/*
 * Parse a MySQL GTID set (grammar above) into s, which is emptied first.
 * Returns 0, or -1 with "column N: what is wrong" appended to err (s is
 * then empty).
 */
int gtidset_parse(struct gtidset *s, const char *text, struct strbuf *err);

/*
 * Append s in canonical form, as MySQL prints it but in lowercase and
 * without line breaks: "uuid:1-5:7,uuid2:tag:3". At most max bytes of it
 * (0: no limit), then " ... (N more intervals)" when cut.
 */
void gtidset_format(const struct gtidset *s, struct strbuf *sb, size_t max);

/* Add lo..hi (1 <= lo <= hi) of (uuid, tag) to s (tag NULL or "" for none). */
void gtidset_add(struct gtidset *s, const unsigned char uuid[16], const char *tag, uint64_t lo, uint64_t hi);

/* dst |= src. */
void gtidset_union(struct gtidset *dst, const struct gtidset *src);

/* out = a - b (out is emptied first; it must not be a or b). */
void gtidset_subtract(struct gtidset *out, const struct gtidset *a, const struct gtidset *b);

int gtidset_is_empty(const struct gtidset *s);

/* The number of GTIDs in s, saturating at UINT64_MAX. */
uint64_t gtidset_count(const struct gtidset *s);

/* The number of intervals in s. */
size_t gtidset_intervals(const struct gtidset *s);

/*
 * Remove from s what may still be in flight towards `seen`: for every
 * (UUID, tag) that `seen` holds, the numbers above the highest one `seen`
 * has. A replica read after its source may hold the source's newest
 * transactions; they are not errant. What remains below that number, and
 * every (UUID, tag) `seen` never had, is kept.
 */
void gtidset_drop_tails(struct gtidset *s, const struct gtidset *seen);

/* ---- MariaDB ------------------------------------------------------------ */

struct mariadb_gtid {
	uint32_t domain;
	uint32_t server;
	uint64_t seq;
};

struct mariadb_gtid_list {
	struct mariadb_gtid *g;
	size_t n, cap;
};

void mariadb_gtid_list_init(struct mariadb_gtid_list *l);
void mariadb_gtid_list_release(struct mariadb_gtid_list *l);

/*
 * Parse "D-S-N,D-S-N..." (blanks allowed; "" is empty) into l, emptied
 * first, sorted by domain then server. A (domain, server) pair given twice
 * keeps its highest sequence. Returns 0, or -1 with the problem appended to
 * err (l is then empty).
 */
int mariadb_gtid_list_parse(struct mariadb_gtid_list *l, const char *text, struct strbuf *err);

/* Append l as "D-S-N,D-S-N" (sorted), at most max bytes (0: no limit). */
void mariadb_gtid_list_format(const struct mariadb_gtid_list *l, struct strbuf *sb, size_t max);

/*
 * The errant part of a replica's gtid_binlog_state: into out (emptied
 * first) every GTID of `replica` whose (domain, server_id) pair appears in
 * none of the `nsources` lists (no source in the topology produced a
 * transaction of that server in that domain). A pair a source has with a
 * lower sequence is taken as in flight, not errant.
 */
void mariadb_gtid_errant(struct mariadb_gtid_list *out, const struct mariadb_gtid_list *replica,
			 const struct mariadb_gtid_list *const *sources, size_t nsources);

#endif
