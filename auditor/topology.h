/*
 * topology.h - the run's servers as one replication topology: which target
 * each replication channel replicates from, the rings they form, and the
 * facts the topology rules (rules/topology-*.ini, `scope = topology` and
 * `scope = link`, docs/rules.md) judge.
 *
 * topology_link() works on the targets' views (finding.h: what the rules
 * read of each target, kept once the target's own settings are gone), so it
 * runs the same over a live run, over captures of several servers
 * (`crashsafe check --variables A.cap B.cap`), and over the targets of
 * shard reports put back together (`crashsafe merge`). Everything it reads
 * is in topology_reads[] (the engine keeps those in every view when a
 * topology rule is loaded) or in the views' channels.
 *
 * Linking a channel to its source, first rule that names exactly one other
 * target wins (a rule that names several is ambiguous and the next decides):
 *   1. the channel's Master_Host:Master_Port (default port 3306) is the
 *      target's address (settings.address: the live spec or inventory
 *      host:port, or a capture's "# target" line); the names localhost,
 *      127.0.0.1 and ::1 are one loopback host;
 *   2. it is the target's own `report_host`:`report_port`, or
 *      `hostname`:`port`, as the target reports them;
 *   3. the channel's Master_Server_Id is the target's server_id (among
 *      several, the one whose `port` is the channel's port);
 *   4. the channel's Master_UUID is the target's server_uuid (MySQL).
 * A channel no rule links keeps source_why: "the source 10.0.0.5:3306 of
 * the default channel is not among the audited servers" ("of channel 'x'").
 *
 * Galera nodes of one cluster (the keyword `cluster`) are one node of the
 * replication graph: they replicate to each other synchronously. A ring is
 * a cycle of asynchronous channels between two or more such nodes (a
 * strongly connected component, Tarjan's algorithm, linear in targets plus
 * channels). A target is in no ring only when its channels, and those of
 * every target upstream of it, are known and linked: otherwise that it is
 * in no ring is unknown.
 *
 * Facts set on every view without an error (settings_set(), origin
 * SETTINGS_SRC_TOPOLOGY; an unknown value is NULL with the reason as the
 * origin detail, which the explainer quotes):
 *
 *   topology.replicas        number of targets of the run that replicate
 *                            from this one (detail: their names)
 *   topology.ring            ON / OFF / unknown: in a ring (detail: the
 *                            ring's members)
 *   topology.multi_writer    yes / no: settings.multi_writer; unknown when
 *                            not declared
 *   topology.writers         writable servers (read_only OFF) of the
 *                            target's write group: its ring, else its
 *                            cluster when declared multi_writer = yes (the
 *                            declared cluster, settings.topology, else its
 *                            Galera cluster), else itself
 *   topology.writable_peers  the other writable nodes of its ring ("" none)
 *   topology.auto_increment_clash
 *                            "" when every writable server of the group
 *                            has auto_increment_increment >= the number of
 *                            writers and no two generate the same values
 *                            (offsets equal modulo the gcd of their
 *                            increments; an offset above the increment
 *                            counts as 1, as the server does); Galera nodes
 *                            of one cluster with
 *                            wsrep_auto_increment_control=ON do not clash
 *                            with each other; else what clashes
 *   topology.errant_gtids    for a replica in no ring whose every channel is
 *                            linked: "" or "N transactions: SET": MySQL
 *                            gtid_executed minus its sources' (GTIDs past
 *                            a source's last one of that UUID are in flight,
 *                            not errant); MariaDB: the gtid_binlog_state
 *                            pairs (domain, server_id) no source has
 *   topology.galera_async_ring
 *                            ON when the target is a Galera node whose
 *                            cluster is in a ring with a server outside it
 *   topology.cluster_server_ids
 *                            the distinct server_ids of the cluster's nodes
 *                            in the run ("1" or "1, 2"), Galera nodes only
 *   topology.cluster_server_id_count
 *                            how many distinct ones that is
 *
 * and on every channel: source_target, source_index, source_why
 * (settings.h). Group Replication channels are skipped: they are not
 * asynchronous channels.
 */
#ifndef CRASHSAFE_TOPOLOGY_H
#define CRASHSAFE_TOPOLOGY_H

#include <stddef.h>

#include "catalog.h"
#include "finding.h"

/*
 * The variables topology_link() reads of each view (canonical names), and
 * the facts outside topology.* that the topology and link rules read
 * (replication_channels): the JSON report's "topology" block carries them,
 * so that `crashsafe merge` judges those rules again from it alone.
 */
extern const char *const topology_reads[];
extern const size_t topology_nreads;

/* Every topology.* fact topology_link() sets, in the order reports list them. */
extern const char *const topology_facts[];
extern const size_t topology_nfacts;

#define TOPOLOGY_NFACTS 10

/*
 * Link the targets out->targets[base..] (see the top of this file): set the
 * channels' sources and the topology.* facts in their views. Strings go to
 * out's arena (the facts to each view's own). Safe to call once per range.
 * It is topology_derive() then topology_apply() on each view.
 */
void topology_link(const struct catalog *c, struct audit_result *out, size_t base);

/*
 * Added (issue 13): the topology.* facts of one target, kept apart from its
 * view, so that a run of many targets need not hold a view slot (72 bytes)
 * per fact and target. value[f] and detail[f] are fact f's (f: its index
 * into topology_facts[]; value NULL: unknown, detail the reason or NULL),
 * for the facts in set (bit f); order[0..n) is the order they were first
 * set in, the order topology_apply() adds them to a view. Strings are
 * literals or out's (topology_derive()), valid while out is.
 */
struct topology_derived {
	const char *value[TOPOLOGY_NFACTS];
	const char *detail[TOPOLOGY_NFACTS];
	unsigned char order[TOPOLOGY_NFACTS];
	unsigned char n;
	unsigned short set;
};

/*
 * Added (issue 13): a detail that stands for the text "the replication
 * channels of NAME are known only on a running server or its capture",
 * NAME the name of the target the facts are of (the view's target):
 * made only when the facts are applied to a view (topology_apply(),
 * topology_view_with(), topology_detail()), so that the facts of a run of
 * option files keep no such text per target, and are the same record for
 * most targets. Compare by address.
 */
extern const char topology_channels_unknown[];

/* d's detail of fact f for the target named name: the text; the sentinel's made in ar. */
const char *topology_detail(const struct topology_derived *d, unsigned f, const char *name, struct arena *ar);

/*
 * Added (issue 13): the derived facts of n targets as distinct records
 * (most targets of a run of option files have the same facts, their
 * strings literals or interned: one record) and, per target, the index of
 * its record: 4 bytes a target, not a 176-byte record. Empty: n 0.
 */
struct topology_derived_set {
	struct topology_derived *rec;   /* distinct records; rec[0] is the empty one */
	size_t nrec, rec_cap;
	unsigned *of;                   /* per target: index into rec */
	size_t n;
	unsigned *table;                /* open addressing over rec: 1 + index, 0 empty */
	size_t table_cap;
};

/* Target i's facts (i < s->n). */
const struct topology_derived *topology_derived_get(const struct topology_derived_set *s, size_t i);
void topology_derived_set_release(struct topology_derived_set *s);

/*
 * Added (issue 13): what topology_link() reads of a view's variables:
 * text[k] is the value of the k-th variable it reads (port, report_host,
 * hostname, report_port, server_id, server_uuid, read_only,
 * super_read_only, wsrep_auto_increment_control, auto_increment_increment,
 * auto_increment_offset, gtid_executed, gtid_binlog_state; NULL: unknown),
 * cluster the keyword cluster (expr_target_cluster()). The strings are the
 * views'. Linking reads it of a view when it needs it, and holds two.
 */
#define TOPOLOGY_NTEXTS 13
struct topology_input {
	const char *text[TOPOLOGY_NTEXTS];
	const char *cluster;
};

/*
 * Target i's view with its variables (the facts are not read), made on
 * each call: valid until the next; its strings must outlive the linking.
 */
typedef const struct settings *(*topology_view_fn)(void *ctx, size_t i);

/*
 * topology_link() without touching the views' variables: the channels'
 * sources are set in the views' channels, the facts of out->targets[base + i]
 * go to d (made here, released first; a target with an error gets none).
 */
void topology_derive(const struct catalog *c, struct audit_result *out, size_t base, struct topology_derived_set *d);

/*
 * Added (issue 13): all topology_derive() reads of a target besides its
 * input (struct topology_input), so that a caller need not hold a
 * target_result (552 bytes) per target while linking: the target's name,
 * whether it is usable (no error), and of its view the kind, flavor,
 * address, declared cluster (settings.topology), multi_writer and the
 * channels, whose source_target/source_index/source_why the linking sets
 * (channels must stay valid and writable). Strings are the caller's.
 */
struct topology_node {
	const char *name, *kind, *address, *topology, *multi_writer;
	struct settings_channel *channels;
	unsigned nchannels;
	enum flavor flavor;
	unsigned char usable, channels_known;
};

/* The node of tr (its view's channels: those the linking writes to). */
void topology_node_of(const struct target_result *tr, struct topology_node *node);

/*
 * Target i's node into *node, made on each call (no node is held per
 * target while linking: issue 13); the same every call, its channels the
 * same array every call.
 */
typedef void (*topology_node_fn)(void *ctx, size_t i, struct topology_node *node);

/*
 * topology_derive() over n nodes (node_of(node_ctx, i)) and their views
 * (view_of(view_ctx, i), read once each and again only where a rule of
 * topology.h needs more than writability and cluster; a channel's
 * source_index is 1 + the index of its source among the nodes): the facts
 * of node i go to d (made here, released first); the strings made (facts,
 * channel sources) are interned into pool or in its arena, valid while
 * pool is. cluster: NULL, or n entries that get each node's keyword
 * cluster (expr_target_cluster(), NULL: none).
 */
void topology_derive_nodes(const struct catalog *c, size_t n, topology_node_fn node_of, void *node_ctx,
			   topology_view_fn view_of, void *view_ctx, struct audit_result *pool,
			   struct topology_derived_set *d, const char **cluster);

/*
 * The facts d into view v, in d's order, each as topology_link() sets it
 * (settings_set() with origin SETTINGS_SRC_TOPOLOGY and the detail; a fact
 * v already has from the topology is replaced, not overridden). Strings
 * are interned into v (settings_intern()); topology_channels_unknown is
 * made with v's target.
 */
void topology_apply(struct settings *v, const struct topology_derived *d);

/*
 * Added (issue 13): view v with the facts d, as topology_apply() would make
 * it, without changing v: *to is a copy of v (its channels, problems and
 * strings are v's) whose variables are sc's, reused from one call to the
 * next (a sc zeroed is ready). Valid until the next call with sc, or topology_scratch_release().
 */
struct topology_scratch {
	struct settings_var *vars;
	size_t cap;
	char *text;                           /* topology_channels_unknown made for the view */
	size_t text_cap;
	struct settings_value **overridden;   /* arrays made when a fact overrides a variable of v */
	size_t noverridden, overridden_cap;
};
void topology_view_with(const struct settings *v, const struct topology_derived *d, struct settings *to,
			struct topology_scratch *sc);
void topology_scratch_release(struct topology_scratch *sc);

/*
 * Split "host[:port]" / "[v6]:port" into a normalised host (lowercase;
 * localhost, 127.0.0.1 and ::1 become "127.0.0.1") and a port (3306 when
 * not given). Returns 0, or -1 for text that is no address.
 */
int topology_address(const char *spec, char *host, size_t hostsize, unsigned *port);

#endif
