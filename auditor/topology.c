/*
 * topology.c - link replication channels to the run's targets, find rings,
 * and compute the topology facts (see topology.h).
 */
#include "topology.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "gtidset.h"
#include "live.h"
#include "banned.h"

const char *const topology_reads[] = {
	"server_id", "server_uuid", "read_only", "super_read_only", "port", "hostname",
	"report_host", "report_port", "gtid_executed", "gtid_binlog_state", "gtid_mode",
	"log_bin", "log_replica_updates", "auto_increment_increment", "auto_increment_offset",
	"wsrep_on", "wsrep_cluster_name", "wsrep_auto_increment_control", "binlog_format",
	/* not read by topology_link(), but by errant-transactions' applies: kept for merge */
	"replication_channels",
};
const size_t topology_nreads = ARRAY_SIZE(topology_reads);

const char *const topology_facts[] = {
	"topology.replicas", "topology.ring", "topology.multi_writer", "topology.writers",
	"topology.writable_peers", "topology.auto_increment_clash", "topology.errant_gtids",
	"topology.galera_async_ring", "topology.cluster_server_ids", "topology.cluster_server_id_count",
};
const size_t topology_nfacts = ARRAY_SIZE(topology_facts);
_Static_assert(ARRAY_SIZE(topology_facts) == TOPOLOGY_NFACTS, "topology.h TOPOLOGY_NFACTS");
_Static_assert(TOPOLOGY_NFACTS <= 16, "struct topology_derived.set has 16 bits");

/* The facts by their place in topology_facts[]. */
enum topo_fact {
	TF_REPLICAS, TF_RING, TF_MULTI_WRITER, TF_WRITERS, TF_WRITABLE_PEERS, TF_AUTO_INCREMENT_CLASH,
	TF_ERRANT_GTIDS, TF_GALERA_ASYNC_RING, TF_CLUSTER_SERVER_IDS, TF_CLUSTER_SERVER_ID_COUNT,
};

/* At most this much of a GTID set goes into a fact (the count says the rest). */
#define TOPOLOGY_SET_TEXT_MAX 400

/* ---- reading a view ------------------------------------------------------ */

/*
 * The names topology_link() reads, bound once per run (topo_bind()): a
 * lookup by name resolved the catalog variable again for every target and
 * name (issue 13).
 */
#define TOPO_NAMES_MAX 24

struct topo_names {
	const struct catalog *c;
	struct arena *a;
	const char *name[TOPO_NAMES_MAX];
	struct expr *atom[TOPO_NAMES_MAX];
	size_t n;
	/*
	 * topo_text_names[k]'s catalog variable (NULL: not one), looked up the
	 * first time it is read: none of those names is a keyword, so an atom
	 * parsed and bound of it would be that variable (resolve_ident()), and
	 * parsing and binding the thirteen was a quarter of linking one target
	 * (issue 13).
	 */
	const struct catalog_var *text_var[TOPOLOGY_NTEXTS];
	unsigned char text_looked[TOPOLOGY_NTEXTS];
};

static const struct expr *topo_atom(struct topo_names *tn, const char *name)
{
	for (size_t i = 0; i < tn->n; i++)
		if (tn->name[i] == name)
			return tn->atom[i];
	for (size_t i = 0; i < tn->n; i++)
		if (!strcmp(tn->name[i], name))
			return tn->atom[i];
	struct expr_error err;
	struct strbuf sb = { 0 };
	struct expr *e = expr_parse(tn->a, name, &err);
	if (e && expr_bind(e, tn->a, tn->c, 0, &sb))
		e = NULL;
	strbuf_release(&sb);
	if (e && tn->n < TOPO_NAMES_MAX) {
		tn->name[tn->n] = name;
		tn->atom[tn->n++] = e;
	}
	return e;
}

static const char *view_text(struct topo_names *tn, const struct settings *v, const char *name)
{
	struct expr_env env;
	struct expr_value val;
	memset(&env, 0, sizeof(env));
	env.catalog = tn->c;
	env.target = v;
	const struct expr *atom = topo_atom(tn, name);
	if (atom && atom->ref == EXPR_REF_VAR) {
		/* expr_value_of()'s answer for a variable, without the name it would display */
		if (expr_var_exists(atom->var, v) == TRI_FALSE)
			return NULL;
		const struct settings_var *sv = settings_get(v, atom->var->name);
		return sv ? sv->current.value : NULL;
	}
	if (atom)
		expr_value_of(atom, &env, &val);
	else
		expr_value_of_name(name, &env, &val);
	return val.state == EXPR_VALUE_KNOWN ? val.text : NULL;
}

/* The names topology_link() reads of a view (struct topology_input.text, in this order). */
static const char *const topo_text_names[] = {
	"port", "report_host", "hostname", "report_port", "server_id", "server_uuid", "read_only",
	"super_read_only", "wsrep_auto_increment_control", "auto_increment_increment", "auto_increment_offset",
	"gtid_executed", "gtid_binlog_state",
};
_Static_assert(ARRAY_SIZE(topo_text_names) == TOPOLOGY_NTEXTS, "topology.h TOPOLOGY_NTEXTS");

/*
 * Whether each variable exists for a build (expr_var_exists()), for the
 * last flavor, build and version seen: the targets of a run share a few.
 */
struct topo_exists {
	int valid;
	enum flavor flavor;
	enum flavor_variant variant;
	struct version version;
	signed char exists[TOPOLOGY_NTEXTS];   /* enum tri, or -2: not a catalog variable */
};

static void topo_input_of(struct topo_names *tn, struct topo_exists *ex, const struct settings *v,
			  struct topology_input *in)
{
	/* the catalog answers by flavor, build and version alone when both are known (expr_var_exists()) */
	int cacheable = v->flavor != FLAVOR_UNKNOWN && version_is_known(&v->version);
	int hit = cacheable && ex->valid && ex->flavor == v->flavor && ex->variant == v->variant &&
		  ex->version.major == v->version.major && ex->version.minor == v->version.minor &&
		  ex->version.patch == v->version.patch;
	for (size_t k = 0; k < TOPOLOGY_NTEXTS; k++) {
		if (!tn->text_looked[k]) {
			tn->text_var[k] = tn->c ? catalog_lookup(tn->c, topo_text_names[k]) : NULL;
			tn->text_looked[k] = 1;
		}
		const struct catalog_var *var = tn->text_var[k];
		if (!var) {
			in->text[k] = view_text(tn, v, topo_text_names[k]);
			ex->exists[k] = -2;
			continue;
		}
		enum tri t = hit ? (enum tri)ex->exists[k] : expr_var_exists(var, v);
		ex->exists[k] = (signed char)t;
		const struct settings_var *sv = t == TRI_FALSE ? NULL : settings_get(v, var->name);
		in->text[k] = sv ? sv->current.value : NULL;
	}
	ex->valid = cacheable;
	ex->flavor = v->flavor;
	ex->variant = v->variant;
	ex->version = v->version;
	in->cluster = expr_target_cluster(tn->c, v);
}


/* ---- addresses ----------------------------------------------------------- */

static int is_loopback(const char *h)
{
	return !strcmp(h, "localhost") || !strcmp(h, "::1") || !strncmp(h, "127.", 4);
}

int topology_address(const char *spec, char *host, size_t hostsize, unsigned *port)
{
	char *h = NULL;
	const char *why = NULL;
	if (!spec || !*spec || live_parse_host(spec, &h, port, &why) || !h)
		return -1;
	for (char *p = h; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	snprintf(host, hostsize, "%s", is_loopback(h) ? "127.0.0.1" : h);
	free(h);
	if (!*port)
		*port = 3306;
	return 0;
}

static unsigned port_of(const char *text)
{
	unsigned long p = text ? strtoul(text, NULL, 10) : 0;
	return p <= 65535 ? (unsigned)p : 0;
}

/* ---- the graph ----------------------------------------------------------- */

#define TOPO_MANY ((size_t)-1)   /* an index key that names more than one target */
#define TOPO_NAMES_SHOWN 5       /* names listed in a fact's text, then "and N more" */
#define TOPO_ADDR_MEMO 64

/* no group, no component: a 4-byte number of the graph that is none */
#define TOPO_NONE UINT_MAX

struct topo {
	const struct catalog *c;
	struct audit_result *pool;    /* the strings made: interned there, or in its arena (ar) */
	topology_node_fn node_of;     /* target i's node (what is read of it besides its input), made on each call */
	void *node_ctx;
	unsigned char *usable;        /* per target: node_of()'s usable, read once */
	size_t base, n;               /* a channel's source_index is base + 1 + the index of its source */
	struct arena *ar;
	/* indexes of the targets by how a channel may name them: key -> index or TOPO_MANY */
	struct strmap by_addr, by_reported, by_id, by_id_port, by_uuid;
	/*
	 * The graph's numbers (targets, nodes, components, edges) are 4 bytes
	 * (issue 13: its size_t arrays were ~150 bytes a target at a run's
	 * high point of memory); a run has fewer than UINT_MAX targets.
	 */
	unsigned *super;              /* per target: its node of the graph */
	const char **cluster;         /* per target: its Galera cluster, "" when none */
	size_t nsuper;
	unsigned *edge_start, *edge;  /* sources of node s: edge[edge_start[s] .. edge_start[s+1]) */
	const char **uncertain_why;   /* per target: its channels unknown or unlinked, and why */
	unsigned *comp;               /* per node: its strongly connected component */
	size_t ncomp;
	unsigned *comp_nodes;         /* nodes in each component */
	const char **comp_unsure;     /* why something upstream of the component is unknown, or NULL */
	unsigned *comp_unsure_of;     /* per component: 1 + the target comp_unsure is the uncertain_why of, or 0 */
	const char **comp_unsure_text;   /* per component: topology_channels_unknown made for other members */
	struct topology_derived_set *set;   /* per target: the facts derived */
	struct topology_derived cur;  /* the facts of the target being derived (fact()), then kept in set */
	/*
	 * What is read of the targets' views (issue 13: an input of 112 bytes
	 * per target was held while linking, though a run of option files
	 * reads little of it): each target's writability and keyword cluster
	 * read once, the rest when needed, the last two inputs kept.
	 */
	topology_view_fn view_of;
	void *view_ctx;
	struct topo_names in_names;   /* the names read, bound once */
	struct topo_exists in_exists;
	struct arena in_arena;
	struct topology_input in_cache[2];
	size_t in_cache_of[2];        /* 1 + the target of in_cache[k], 0: none */
	unsigned in_next;
	signed char *writable;        /* per target: view_writable() */
	const char **kw_cluster;      /* per target: its keyword cluster (expr_target_cluster()), or NULL */
	struct arena keys;            /* the index keys, for the call only */
	struct topo_addr_memo {       /* addr_key()'s last answers */
		const char *host;
		unsigned port;
		const char *key;
	} addr_memo[TOPO_ADDR_MEMO];
};

/* Target i's node, made now (a copy: no node is held per target, issue 13); its channels are the target's own. */
static struct topology_node topo_view(struct topo *tp, size_t i)
{
	struct topology_node n;
	tp->node_of(tp->node_ctx, i, &n);
	return n;
}

static const char *topo_name(struct topo *tp, size_t i)
{
	return topo_view(tp, i).name;
}

static int topo_usable(struct topo *tp, size_t i)
{
	return tp->usable[i];
}

/*
 * Target i's input (what topology_link() reads of its view), read now or
 * kept from one of the last two reads; valid until two more targets are
 * read. Its strings are the view's, which outlive it.
 */
static const struct topology_input *topo_input(struct topo *tp, size_t i)
{
	for (unsigned k = 0; k < 2; k++)
		if (tp->in_cache_of[k] == i + 1)
			return &tp->in_cache[k];
	unsigned k = tp->in_next;
	tp->in_next ^= 1;
	const struct settings *v = tp->view_of(tp->view_ctx, i);
	if (v)
		topo_input_of(&tp->in_names, &tp->in_exists, v, &tp->in_cache[k]);
	else
		memset(&tp->in_cache[k], 0, sizeof(tp->in_cache[k]));
	tp->in_cache_of[k] = i + 1;
	return &tp->in_cache[k];
}

/* Variable name (one of topo_text_names[]) of target i: from its input. */
static const char *topo_text(struct topo *tp, size_t i, const char *name)
{
	const struct topology_input *in = topo_input(tp, i);
	for (size_t k = 0; k < TOPOLOGY_NTEXTS; k++)
		if (topo_text_names[k] == name)
			return in->text[k];
	for (size_t k = 0; k < TOPOLOGY_NTEXTS; k++)
		if (!strcmp(topo_text_names[k], name))
			return in->text[k];
	return NULL;
}

/* The keyword cluster of target i (expr_target_cluster()). */
static const char *topo_galera_cluster(struct topo *tp, size_t i)
{
	return tp->kw_cluster[i] ? tp->kw_cluster[i] : "";
}

/* 1 ON, 0 OFF, -1 unknown. */
static int view_bool(struct topo *tp, size_t i, const char *name)
{
	const char *t = topo_text(tp, i, name);
	if (!t)
		return -1;
	return !ascii_strcasecmp(t, "ON") || !strcmp(t, "1") || !ascii_strcasecmp(t, "true") ||
	       !ascii_strcasecmp(t, "yes");
}

/* A decimal number; 0 when absent or not a number (*known says which). */
static unsigned long long view_number(struct topo *tp, size_t i, const char *name, int *known)
{
	const char *t = topo_text(tp, i, name);
	char *end;
	unsigned long long n;
	*known = 0;
	if (!t || !*t || *t < '0' || *t > '9')
		return 0;
	n = strtoull(t, &end, 10);
	if (*end)
		return 0;
	*known = 1;
	return n;
}

/* 1 writable (read_only and super_read_only OFF), 0 read-only, -1 unknown: read from the view */
static int view_writable_read(struct topo *tp, size_t i)
{
	int ro = view_bool(tp, i, "read_only"), sro = view_bool(tp, i, "super_read_only");
	if (ro == 1 || sro == 1)
		return 0;
	return ro == 0 ? 1 : -1;
}

/* view_writable_read(), read once per target (topo_derive()) */
static int view_writable(struct topo *tp, size_t i)
{
	return tp->writable[i];
}

/* n in decimal into buf (size >= 21), as "%zu" writes it */
static void topo_decimal(char *buf, size_t size, size_t n)
{
	char tmp[24], *q = tmp + sizeof(tmp);
	*--q = '\0';
	do
		*--q = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	size_t len = (size_t)(tmp + sizeof(tmp) - q);   /* with the NUL: at most 21 */
	if (len <= size)
		memcpy(buf, q, len);
	else if (size)
		*buf = '\0';
}

/* "TEXT<sep>N" (sep 0: "N" alone) in the call's arena: an index key (arena_printf() went through the heap). */
static const char *topo_key(struct topo *tp, const char *text, char sep, unsigned long long n)
{
	char num[24], *q = num + sizeof(num);
	size_t len = text ? strlen(text) : 0;
	*--q = '\0';
	do
		*--q = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	size_t nlen = (size_t)(num + sizeof(num) - 1 - q);
	char *k = arena_alloc(&tp->keys, len + (sep ? 1 : 0) + nlen + 1);
	if (len)
		memcpy(k, text, len);
	if (sep)
		k[len++] = sep;
	memcpy(k + len, q, nlen + 1);
	return k;
}

/* "host:port", normalised (topology_address()), in the arena; NULL for no address. */
static const char *addr_key(struct topo *tp, const char *host, unsigned port)
{
	char h[256], spec[300];
	unsigned p;
	if (!host || !*host)
		return NULL;
	/* the same host text (one pointer: the copies' strings are interned) and port: the same key */
	uintptr_t slot = (((uintptr_t)host >> 4) ^ port * 2654435761u) % TOPO_ADDR_MEMO;
	struct topo_addr_memo *m = &tp->addr_memo[slot];
	if (m->host == host && m->port == port)
		return m->key;
	m->host = host;
	m->port = port;
	m->key = NULL;
	snprintf(spec, sizeof(spec), strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port ? port : 3306);
	if (topology_address(spec, h, sizeof(h), &p))
		return NULL;
	m->key = topo_key(tp, h, ':', p);
	return m->key;
}

/* Put target i under key: a second target under one key makes it TOPO_MANY. */
static void index_put(struct strmap *m, const char *key, size_t i)
{
	size_t have;
	if (!key)
		return;
	if (!strmap_get(m, key, &have) && have != i)
		strmap_put(m, key, TOPO_MANY);
	else
		strmap_put(m, key, i);
}

/* Whether any channel will look for its source (topo_link_channels()): a usable target's known, asynchronous channel. */
static int topo_any_channel(struct topo *tp)
{
	for (size_t i = 0; i < tp->n; i++) {
		const struct topology_node v_node = topo_view(tp, i), *v = &v_node;
		for (size_t k = 0; topo_usable(tp, i) && v->channels_known && k < v->nchannels; k++)
			if (!v->channels[k].group_replication)
				return 1;
	}
	return 0;
}

/*
 * The indexes topo_find_source() looks channels' sources up in; left
 * empty when no channel will (option files alone: their channels are
 * unknown), as they held a key and a map entry per target and name
 * (~145 bytes a target at the run's peak, issue 13).
 */
static void topo_index(struct topo *tp)
{
	strmap_init(&tp->by_addr, 0);
	strmap_init(&tp->by_reported, 0);
	strmap_init(&tp->by_id, 0);
	strmap_init(&tp->by_id_port, 0);
	strmap_init(&tp->by_uuid, 1);
	if (!topo_any_channel(tp))
		return;
	for (size_t i = 0; i < tp->n; i++) {
		const struct topology_node v_node = topo_view(tp, i), *v = &v_node;
		char h[256];
		unsigned p;
		int known;
		if (!topo_usable(tp, i))
			continue;
		if (v->address && !topology_address(v->address, h, sizeof(h), &p))
			index_put(&tp->by_addr, topo_key(tp, h, ':', p), i);
		unsigned port = port_of(topo_text(tp, i, "port"));
		const char *rh = topo_text(tp, i, "report_host"), *hn = topo_text(tp, i, "hostname");
		unsigned rp = port_of(topo_text(tp, i, "report_port"));
		index_put(&tp->by_reported, addr_key(tp, rh, rp ? rp : port), i);
		if (port)
			index_put(&tp->by_reported, addr_key(tp, hn, port), i);
		unsigned long long id = view_number(tp, i, "server_id", &known);
		if (known) {
			const char *idkey = topo_key(tp, NULL, 0, id);
			index_put(&tp->by_id, idkey, i);
			if (port)
				index_put(&tp->by_id_port, topo_key(tp, idkey, '@', port), i);
		}
		const char *u = topo_text(tp, i, "server_uuid");
		if (u && *u)
			index_put(&tp->by_uuid, arena_strdup(&tp->keys, u), i);
	}
}

static void topo_index_release(struct topo *tp)
{
	strmap_release(&tp->by_addr);
	strmap_release(&tp->by_reported);
	strmap_release(&tp->by_id);
	strmap_release(&tp->by_id_port);
	strmap_release(&tp->by_uuid);
}

/* Look key up: 1 and *i when one other target has it, 0 when none, -1 when several. */
static int index_get(const struct strmap *m, const char *key, size_t self, size_t *i)
{
	size_t v;
	if (!key || strmap_get(m, key, &v) || v == self)
		return 0;
	if (v == TOPO_MANY)
		return -1;
	*i = v;
	return 1;
}

/* The source of a channel by the rules of topology.h: 1 found (*src), 0 none, -1 ambiguous. */
static int topo_find_source(struct topo *tp, size_t self, const struct settings_channel *ch, size_t *src)
{
	int ambiguous = 0, r;
	const char *key = addr_key(tp, ch->source_host, ch->source_port);
	if ((r = index_get(&tp->by_addr, key, self, src)) == 1)
		return 1;
	ambiguous |= r < 0;
	if ((r = index_get(&tp->by_reported, key, self, src)) == 1)
		return 1;
	ambiguous |= r < 0;
	if (ch->source_server_id && *ch->source_server_id && strcmp(ch->source_server_id, "0")) {
		if ((r = index_get(&tp->by_id, ch->source_server_id, self, src)) == 1)
			return 1;
		if (r < 0) {
			/* several targets with that server_id (a Galera cluster): the one on the channel's port */
			const char *k = arena_printf(tp->ar, "%s@%u", ch->source_server_id,
						     ch->source_port ? ch->source_port : 3306);
			if ((r = index_get(&tp->by_id_port, k, self, src)) == 1)
				return 1;
			ambiguous = 1;
		}
	}
	if (ch->source_uuid && *ch->source_uuid) {
		if ((r = index_get(&tp->by_uuid, ch->source_uuid, self, src)) == 1)
			return 1;
		ambiguous |= r < 0;
	}
	return ambiguous ? -1 : 0;
}

/* a b c in ar (arena_printf() of "%s%s%s" went through the heap; one per offline target) */
static const char *topo_concat(struct arena *ar, const char *a, const char *b, const char *c)
{
	size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
	char *p = arena_alloc(ar, la + lb + lc + 1);
	memcpy(p, a, la);
	memcpy(p + la, b, lb);
	memcpy(p + la + lb, c, lc + 1);
	return p;
}

static void topo_link_channels(struct topo *tp)
{
	for (size_t i = 0; i < tp->n; i++) {
		struct topology_node v_node = topo_view(tp, i), *v = &v_node;
		if (!topo_usable(tp, i))
			continue;
		if (!v->channels_known) {
			/* made only for a target whose facts name another's (topo_ring()) */
			tp->uncertain_why[i] = topology_channels_unknown;
			continue;
		}
		for (size_t k = 0; k < v->nchannels; k++) {
			struct settings_channel *ch = &v->channels[k];
			size_t src = 0;
			int r;
			if (ch->group_replication)
				continue;
			r = topo_find_source(tp, i, ch, &src);
			if (r == 1) {
				ch->source_target = topo_name(tp, src);
				ch->source_index = tp->base + src + 1;
				ch->source_why = NULL;
				continue;
			}
			ch->source_target = NULL;
			ch->source_index = 0;
			/* the default channel is called so, never channel '' (docs/report-formats.md) */
			ch->source_why = arena_printf(tp->ar, "the source %s:%u of %s%s%s %s",
						      ch->source_host ? ch->source_host : "(unknown host)",
						      ch->source_port ? ch->source_port : 3306,
						      *ch->name ? "channel '" : "the default channel", ch->name,
						      *ch->name ? "'" : "",
						      r < 0 ? "matches more than one audited server"
							    : "is not among the audited servers");
			if (!tp->uncertain_why[i])
				tp->uncertain_why[i] = arena_printf(tp->ar, "%s (on %s)", ch->source_why, topo_name(tp, i));
		}
	}
}

/* Group targets into graph nodes (a Galera cluster is one node) and collect the edges. */
static void topo_build_graph(struct topo *tp)
{
	struct strmap clusters;
	unsigned *count, *fill;
	strmap_init(&clusters, 0);
	for (size_t i = 0; i < tp->n; i++) {
		const char *cl = topo_usable(tp, i) ? topo_galera_cluster(tp, i) : "";
		size_t s;
		tp->cluster[i] = cl ? cl : "";
		if (*tp->cluster[i] && !strmap_get(&clusters, tp->cluster[i], &s)) {
			tp->super[i] = s;
			continue;
		}
		tp->super[i] = tp->nsuper++;
		if (*tp->cluster[i])
			strmap_put(&clusters, tp->cluster[i], tp->super[i]);
	}
	strmap_release(&clusters);

	/* edges: node of the replica -> node of the source */
	count = xcalloc(tp->nsuper + 1, sizeof(*count));
	fill = xcalloc(tp->nsuper + 1, sizeof(*fill));
	for (size_t i = 0; i < tp->n; i++) {
		const struct topology_node v_node = topo_view(tp, i), *v = &v_node;
		for (size_t k = 0; topo_usable(tp, i) && k < v->nchannels; k++)
			if (v->channels[k].source_index)
				count[tp->super[i]]++;
	}
	tp->edge_start = xcalloc(tp->nsuper + 1, sizeof(*tp->edge_start));
	for (size_t s = 0; s < tp->nsuper; s++)
		tp->edge_start[s + 1] = tp->edge_start[s] + count[s];
	tp->edge = xcalloc(tp->edge_start[tp->nsuper] ? tp->edge_start[tp->nsuper] : 1, sizeof(*tp->edge));
	for (size_t i = 0; i < tp->n; i++) {
		const struct topology_node v_node = topo_view(tp, i), *v = &v_node;
		size_t s = tp->super[i];
		for (size_t k = 0; topo_usable(tp, i) && k < v->nchannels; k++)
			if (v->channels[k].source_index)
				tp->edge[tp->edge_start[s] + fill[s]++] =
					tp->super[v->channels[k].source_index - 1 - tp->base];
	}
	free(count);
	free(fill);
}

/*
 * Tarjan's strongly connected components, without recursion. Components
 * come out in reverse topological order: every component a component's
 * edges reach is numbered before it, which is the order comp_unsure needs.
 */
/*
 * A graph without edges (no channel linked: every run of option files):
 * each node is a component of its own, numbered as the search numbers
 * them (roots in node order, each popped at once), nothing upstream of
 * any; without the search's arrays (issue 13).
 */
static void topo_components_no_edges(struct topo *tp)
{
	size_t S = tp->nsuper;
	tp->comp = xmalloc((S ? S : 1) * sizeof(*tp->comp));
	tp->comp_nodes = xmalloc((S ? S : 1) * sizeof(*tp->comp_nodes));
	tp->comp_unsure = xcalloc(S ? S : 1, sizeof(*tp->comp_unsure));
	tp->comp_unsure_of = xcalloc(S ? S : 1, sizeof(*tp->comp_unsure_of));
	for (size_t s = 0; s < S; s++) {
		tp->comp[s] = (unsigned)s;
		tp->comp_nodes[s] = 1;
	}
	tp->ncomp = S;
	for (size_t i = 0; i < tp->n; i++)
		if (tp->uncertain_why[i] && !tp->comp_unsure[tp->super[i]]) {
			tp->comp_unsure[tp->super[i]] = tp->uncertain_why[i];
			tp->comp_unsure_of[tp->super[i]] = (unsigned)i + 1;
		}
}

static void topo_components(struct topo *tp)
{
	size_t S = tp->nsuper, idx = 0, sp = 0, cs = 0;
	if (!tp->edge_start[S]) {
		topo_components_no_edges(tp);
		return;
	}
	unsigned *index = xcalloc(S ? S : 1, sizeof(*index));   /* 0: not visited; else index + 1 */
	unsigned *low = xcalloc(S ? S : 1, sizeof(*low));
	unsigned char *on_stack = xcalloc(S ? S : 1, 1);
	unsigned *stack = xcalloc(S ? S : 1, sizeof(*stack));
	unsigned *call = xcalloc(S ? S : 1, sizeof(*call));     /* the DFS: node */
	unsigned *next = xcalloc(S ? S : 1, sizeof(*next));     /* the DFS: next edge to follow */
	tp->comp = xcalloc(S ? S : 1, sizeof(*tp->comp));
	tp->comp_nodes = xcalloc(S ? S : 1, sizeof(*tp->comp_nodes));
	tp->comp_unsure = xcalloc(S ? S : 1, sizeof(*tp->comp_unsure));
	tp->comp_unsure_of = xcalloc(S ? S : 1, sizeof(*tp->comp_unsure_of));
	for (size_t root = 0; root < S; root++) {
		if (index[root])
			continue;
		call[cs] = root;
		next[cs] = tp->edge_start[root];
		cs++;
		index[root] = low[root] = ++idx;
		stack[sp++] = root;
		on_stack[root] = 1;
		while (cs) {
			size_t v = call[cs - 1];
			if (next[cs - 1] < tp->edge_start[v + 1]) {
				size_t w = tp->edge[next[cs - 1]++];
				if (!index[w]) {
					index[w] = low[w] = ++idx;
					stack[sp++] = w;
					on_stack[w] = 1;
					call[cs] = w;
					next[cs] = tp->edge_start[w];
					cs++;
				} else if (on_stack[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			if (low[v] == index[v]) {
				size_t w, c = tp->ncomp++;
				do {
					w = stack[--sp];
					on_stack[w] = 0;
					tp->comp[w] = c;
					tp->comp_nodes[c]++;
				} while (w != v);
			}
			cs--;
			if (cs && low[v] < low[call[cs - 1]])
				low[call[cs - 1]] = low[v];
		}
	}
	/* the search is done: its arrays go before the next pass makes its own (issue 13) */
	free(index);
	free(low);
	free(on_stack);
	free(stack);
	free(call);
	free(next);
	/* what is unknown upstream of each component: its own members first */
	for (size_t i = 0; i < tp->n; i++)
		if (tp->uncertain_why[i] && !tp->comp_unsure[tp->comp[tp->super[i]]]) {
			tp->comp_unsure[tp->comp[tp->super[i]]] = tp->uncertain_why[i];
			tp->comp_unsure_of[tp->comp[tp->super[i]]] = i + 1;
		}
	/*
	 * Then what each component reaches: every component an edge of c
	 * reaches (upstream, towards the sources) was numbered before c, so
	 * one pass in component order, over the nodes sorted by component, is
	 * enough: linear.
	 */
	unsigned *order = xcalloc(S ? S : 1, sizeof(*order)), *start = xcalloc(tp->ncomp + 1, sizeof(*start));
	unsigned *filled = xcalloc(tp->ncomp + 1, sizeof(*filled));
	for (size_t s = 0; s < S; s++)
		start[tp->comp[s] + 1]++;
	for (size_t c = 0; c < tp->ncomp; c++)
		start[c + 1] += start[c];
	for (size_t s = 0; s < S; s++)
		order[start[tp->comp[s]] + filled[tp->comp[s]]++] = s;
	for (size_t c = 0; c < tp->ncomp; c++) {
		for (size_t m = start[c]; m < start[c + 1] && !tp->comp_unsure[c]; m++) {
			size_t s = order[m];
			for (size_t k = tp->edge_start[s]; k < tp->edge_start[s + 1]; k++) {
				size_t d = tp->comp[tp->edge[k]];
				if (d != c && tp->comp_unsure[d]) {
					tp->comp_unsure[c] = tp->comp_unsure[d];
					tp->comp_unsure_of[c] = tp->comp_unsure_of[d];
					break;
				}
			}
		}
	}
	free(order);
	free(start);
	free(filled);
}

/* ---- facts --------------------------------------------------------------- */

/* One fact of a view as topology_link() always set it: derived again (merge over a report's facts), replaced. */
static void fact_set(struct settings *v, const char *name, const char *value, const char *detail)
{
	struct settings_origin o;
	memset(&o, 0, sizeof(o));
	o.source = SETTINGS_SRC_TOPOLOGY;
	o.detail = detail;
	/* settings_get(): a view may have no index (settings.h, shared) */
	const struct settings_var *got = settings_get(v, name);
	struct settings_var *had = got ? &v->vars[got - v->vars] : NULL;
	if (had && had->current.origin.source == SETTINGS_SRC_TOPOLOGY) {
		/* derived again (merge over a report's facts): replaced, not overridden */
		had->current.value = value ? settings_intern(v, value) : NULL;
		had->current.spelled = settings_intern(v, name);
		had->current.origin = o;
		had->current.origin.detail = detail ? settings_intern(v, detail) : NULL;
		return;
	}
	settings_set(v, name, value, name, &o);
}

/*
 * Fact f of target i, the target being derived, recorded (topology.h,
 * struct topology_derived, in tp->cur until topo_keep()): set again, it
 * keeps its first place and takes the new value, as fact_set() on the view
 * does. value and detail are literals or the pool's strings.
 */
static void fact(struct topo *tp, size_t i, enum topo_fact f, const char *value, const char *detail)
{
	struct topology_derived *d = &tp->cur;
	(void)i;
	if (!(d->set & (1u << f))) {
		d->set |= (unsigned short)(1u << f);
		d->order[d->n++] = (unsigned char)f;
	}
	d->value[f] = value;
	d->detail[f] = detail;
}

const char topology_channels_unknown[] =
	"the replication channels of NAME are known only on a running server or its capture";

#define TOPO_UNKNOWN_HEAD "the replication channels of "
#define TOPO_UNKNOWN_TAIL " are known only on a running server or its capture"

/* topology_channels_unknown's text for the target name into *buf (grown; *cap its size) */
static const char *topo_unknown_text(char **buf, size_t *cap, const char *name)
{
	size_t lh = sizeof(TOPO_UNKNOWN_HEAD) - 1, ln = name ? strlen(name) : 0, lt = sizeof(TOPO_UNKNOWN_TAIL);
	ARRAY_GROW(*buf, lh + ln + lt, *cap);
	memcpy(*buf, TOPO_UNKNOWN_HEAD, lh);
	if (ln)
		memcpy(*buf + lh, name, ln);
	memcpy(*buf + lh + ln, TOPO_UNKNOWN_TAIL, lt);
	return *buf;
}

const char *topology_detail(const struct topology_derived *d, unsigned f, const char *name, struct arena *ar)
{
	if (d->detail[f] != topology_channels_unknown)
		return d->detail[f];
	return topo_concat(ar, TOPO_UNKNOWN_HEAD, name ? name : "", TOPO_UNKNOWN_TAIL);
}

static size_t topo_derived_hash(const struct topology_derived *d)
{
	uintptr_t h = d->n * 31u + d->set;
	for (unsigned k = 0; k < d->n; k++) {
		unsigned f = d->order[k];
		h = h * 31u + f;
		h = h * 31u + (uintptr_t)d->value[f];
		h = h * 31u + (uintptr_t)d->detail[f];
	}
	h ^= h >> 17;
	h *= 0x9e3779b1u;
	return (size_t)(h ^ (h >> 15));
}

/* The same facts: the same order, and for each fact set the same value and detail (strings by address). */
static int topo_derived_same(const struct topology_derived *a, const struct topology_derived *b)
{
	if (a->n != b->n || a->set != b->set || memcmp(a->order, b->order, a->n))
		return 0;
	for (unsigned k = 0; k < a->n; k++) {
		unsigned f = a->order[k];
		if (a->value[f] != b->value[f] || a->detail[f] != b->detail[f])
			return 0;
	}
	return 1;
}

static size_t topo_derived_hash_at(const void *recs, size_t i)
{
	return topo_derived_hash(&((const struct topology_derived *)recs)[i]);
}

static int topo_derived_same_at(const void *recs, size_t i, const void *key)
{
	return topo_derived_same(&((const struct topology_derived *)recs)[i], key);
}

/* The index of d's record in s, added when new (d: only its set facts are read). */
static unsigned topo_derived_intern(struct topology_derived_set *s, const struct topology_derived *d)
{
	unsigned *slot = util_index_probe(&s->table, &s->table_cap, 64, s->nrec, topo_derived_hash(d),
					  topo_derived_hash_at, topo_derived_same_at, s->rec, d);
	if (*slot)
		return *slot - 1;
	ARRAY_GROW(s->rec, s->nrec + 1, s->rec_cap);
	s->rec[s->nrec] = *d;
	*slot = (unsigned)s->nrec + 1;
	return (unsigned)s->nrec++;
}

/* Target i's facts (tp->cur) into the set, and tp->cur cleared for the next. */
static void topo_keep(struct topo *tp, size_t i)
{
	tp->set->of[i] = topo_derived_intern(tp->set, &tp->cur);
	memset(&tp->cur, 0, sizeof(tp->cur));
}

const struct topology_derived *topology_derived_get(const struct topology_derived_set *s, size_t i)
{
	return &s->rec[s->of[i]];
}

void topology_derived_set_release(struct topology_derived_set *s)
{
	free(s->rec);
	free(s->of);
	free(s->table);
	memset(s, 0, sizeof(*s));
}

/* topology_apply() for the target named name (topology_channels_unknown's text) */
static void topo_apply_named(struct settings *v, const struct topology_derived *d, const char *name)
{
	struct arena ar;
	arena_init(&ar);
	for (unsigned k = 0; k < d->n; k++)
		fact_set(v, topology_facts[d->order[k]], d->value[d->order[k]], topology_detail(d, d->order[k], name, &ar));
	arena_release(&ar);
}

void topology_apply(struct settings *v, const struct topology_derived *d)
{
	topo_apply_named(v, d, v->target);
}

static void scratch_forget(struct topology_scratch *sc)
{
	for (size_t k = 0; k < sc->noverridden; k++)
		free(sc->overridden[k]);
	sc->noverridden = 0;
}

void topology_view_with(const struct settings *v, const struct topology_derived *d, struct settings *to,
			struct topology_scratch *sc)
{
	static const char prefix[] = "topology.";
	int clash = 0;
	const char *unknown = NULL;   /* topology_channels_unknown made for v's target, once */
	scratch_forget(sc);
	*to = *v;
	ARRAY_GROW(sc->vars, v->n + d->n, sc->cap);
	if (v->n)
		memcpy(sc->vars, v->vars, v->n * sizeof(*sc->vars));
	to->vars = sc->vars;
	to->cap = sc->cap;
	/* overridden values: the copy's own (v's may live only until its maker's next call) */
	for (size_t k = 0; k < v->n; k++) {
		struct settings_var *b = &sc->vars[k];
		if (!b->n_overridden)
			continue;
		struct settings_value *o = xcalloc(b->n_overridden, sizeof(*o));
		memcpy(o, b->overridden, b->n_overridden * sizeof(*o));
		ARRAY_GROW(sc->overridden, sc->noverridden + 1, sc->overridden_cap);
		sc->overridden[sc->noverridden++] = o;
		b->overridden = o;
		b->overridden_cap = b->n_overridden;
	}
	for (size_t k = 0; k < v->n && !clash; k++)
		clash = !strncmp(v->vars[k].name, prefix, sizeof(prefix) - 1);
	for (unsigned k = 0; k < d->n; k++) {
		unsigned f = d->order[k];
		struct settings_var *b = NULL;
		for (size_t j = 0; clash && j < to->n; j++)
			if (!strcmp(to->vars[j].name, topology_facts[f]))
				b = &to->vars[j];
		if (!b) {
			b = &to->vars[to->n++];
			memset(b, 0, sizeof(*b));
			b->name = topology_facts[f];
		} else if (b->current.origin.source != SETTINGS_SRC_TOPOLOGY) {
			/* what settings_set() does: the variable's value is overridden by the fact */
			struct settings_value *o = xcalloc(b->n_overridden + 1, sizeof(*o));
			if (b->n_overridden)
				memcpy(o, b->overridden, b->n_overridden * sizeof(*o));
			o[b->n_overridden] = b->current;
			ARRAY_GROW(sc->overridden, sc->noverridden + 1, sc->overridden_cap);
			sc->overridden[sc->noverridden++] = o;
			b->overridden = o;
			b->n_overridden = b->overridden_cap = b->n_overridden + 1;
		}
		memset(&b->current, 0, sizeof(b->current));
		b->current.value = d->value[f];
		b->current.spelled = topology_facts[f];
		b->current.origin.source = SETTINGS_SRC_TOPOLOGY;
		b->current.origin.detail = d->detail[f];
		if (d->detail[f] == topology_channels_unknown) {
			if (!unknown)
				unknown = topo_unknown_text(&sc->text, &sc->text_cap, v->target);
			b->current.origin.detail = unknown;
		}
	}
}

void topology_scratch_release(struct topology_scratch *sc)
{
	scratch_forget(sc);
	free(sc->overridden);
	free(sc->vars);
	free(sc->text);
	memset(sc, 0, sizeof(*sc));
}

/* Append a name to a list shown to humans: at most TOPO_NAMES_SHOWN, then the count. */
static void names_add(struct strbuf *sb, size_t *shown, const char *name)
{
	if (*shown < TOPO_NAMES_SHOWN)
		strbuf_addf(sb, "%s%s", *shown ? ", " : "", name);
	(*shown)++;
}

static void names_end(struct strbuf *sb, size_t shown)
{
	if (shown > TOPO_NAMES_SHOWN)
		strbuf_addf(sb, " and %zu more", shown - TOPO_NAMES_SHOWN);
}

/*
 * Is target i in a ring: 1, 0, or -1 (unknown: *why says why; the
 * sentinel topology_channels_unknown only for i's own channels, the text
 * when another target's channels are unknown, made once per component).
 */
static int topo_ring(struct topo *tp, size_t i, const char **why)
{
	size_t comp = tp->comp[tp->super[i]];
	*why = NULL;
	if (tp->comp_nodes[comp] > 1)
		return 1;
	if (tp->comp_unsure[comp]) {
		*why = tp->comp_unsure[comp];
		size_t owner = tp->comp_unsure_of[comp];
		if (*why == topology_channels_unknown && owner && owner - 1 != i) {
			if (!tp->comp_unsure_text)
				tp->comp_unsure_text = xcalloc(tp->nsuper ? tp->nsuper : 1, sizeof(*tp->comp_unsure_text));
			if (!tp->comp_unsure_text[comp])
				tp->comp_unsure_text[comp] = topo_concat(tp->ar, TOPO_UNKNOWN_HEAD, topo_name(tp, owner - 1),
									 TOPO_UNKNOWN_TAIL);
			*why = tp->comp_unsure_text[comp];
		}
		return -1;
	}
	return 0;
}

static unsigned long long gcd_ull(unsigned long long a, unsigned long long b)
{
	while (b) {
		unsigned long long t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/*
 * A write group: the targets of one ring, or of one cluster declared
 * multi_writer = yes (in no ring), computed once for all its members.
 */
struct topo_group {
	size_t *members, n;
	size_t *writers, nw;          /* writable members */
	size_t unknown_w;             /* members whose read_only is unknown */
	char *writer_names;           /* for messages */
	/* auto-increment, per writer (index into writers): the clash text, or unknown text */
	char **clash;
	char **unknown;
	size_t first_unknown;         /* the first writer with an unknown text, or nw (issue 13: once per group) */
};

/* The cluster a target declares (project file, annotation, inventory: settings.topology), else its Galera cluster. */
static const char *topo_declared_cluster(struct topo *tp, size_t i)
{
	const struct topology_node v_node = topo_view(tp, i), *v = &v_node;
	return v->topology && *v->topology ? v->topology : tp->cluster[i];
}

static int topo_declared_multi(struct topo *tp, size_t i)
{
	const struct topology_node v_node = topo_view(tp, i), *v = &v_node;
	return v->multi_writer && !strcmp(v->multi_writer, "yes");
}

/* The effective values of a writer: increment, offset (an offset above the increment counts as 1). */
struct ai_value {
	size_t w;                     /* index into the group's writers */
	unsigned long long inc, off;
};

static int ai_cmp(const void *pa, const void *pb)
{
	const struct ai_value *a = pa, *b = pb;
	if (a->inc != b->inc)
		return a->inc < b->inc ? -1 : 1;
	if (a->off != b->off)
		return a->off < b->off ? -1 : 1;
	return a->w < b->w ? -1 : a->w > b->w ? 1 : 0;
}

/*
 * Which writers of g generate the same values: writers sorted by increment
 * and offset; equal increments clash on equal offsets; two increments
 * clash on offsets equal modulo their gcd (a residue table per pair of
 * increments: linear in the writers for the few increments a group has).
 */
static void topo_group_auto_increment(struct topo *tp, struct topo_group *g)
{
	struct ai_value *val = xcalloc(g->nw ? g->nw : 1, sizeof(*val));
	size_t nval = 0;
	/* Galera nodes of one cluster whose values Galera sets at runtime (option files) */
	int all_one_galera = g->nw > 0;
	for (size_t k = 0; k < g->nw; k++) {
		size_t i = g->writers[k];
		all_one_galera &= *tp->cluster[i] && !strcmp(tp->cluster[i], tp->cluster[g->writers[0]]) &&
				  view_bool(tp, i, "wsrep_auto_increment_control") == 1;
	}
	if (all_one_galera) {
		free(val);
		return;   /* Galera gives each node of its cluster its own offset */
	}
	for (size_t k = 0; k < g->nw; k++) {
		size_t i = g->writers[k];
		const struct topology_node v_node = topo_view(tp, i), *v = &v_node;
		int ki, ko;
		unsigned long long inc = view_number(tp, i, "auto_increment_increment", &ki);
		unsigned long long off = view_number(tp, i, "auto_increment_offset", &ko);
		if (*tp->cluster[i] && view_bool(tp, i, "wsrep_auto_increment_control") == 1 && v->kind &&
		    !strcmp(v->kind, "file")) {
			g->unknown[k] = xasprintf("wsrep_auto_increment_control sets the values of %s at runtime",
						  topo_name(tp, i));
			continue;
		}
		if (!ki || !ko || !inc) {
			g->unknown[k] = xasprintf("auto_increment_increment or auto_increment_offset of %s is unknown",
						  topo_name(tp, i));
			continue;
		}
		if (inc < g->nw)
			g->clash[k] = xasprintf("auto_increment_increment %llu is less than the %zu writable servers (%s)",
						inc, g->nw, g->writer_names);
		val[nval].w = k;
		val[nval].inc = inc;
		val[nval].off = off > inc ? 1 : off;
		nval++;
	}
	qsort(val, nval, sizeof(*val), ai_cmp);
	for (size_t a = 0; a < nval;) {
		size_t a_end = a;
		while (a_end < nval && val[a_end].inc == val[a].inc)
			a_end++;
		/* the same increment: equal offsets */
		for (size_t x = a + 1; x < a_end; x++) {
			if (val[x].off != val[x - 1].off)
				continue;
			for (size_t y = x - 1; y <= x; y++) {
				size_t other = val[y == x ? x - 1 : x].w;
				if (!g->clash[val[y].w])
					g->clash[val[y].w] = xasprintf("%s and %s generate the same auto-increment values "
								       "(offset %llu with increment %llu on both)",
								       topo_name(tp, g->writers[val[y].w]),
								       topo_name(tp, g->writers[other]), val[y].off, val[y].inc);
			}
		}
		/* against every larger increment: offsets equal modulo the gcd */
		for (size_t b = a_end; b < nval;) {
			size_t b_end = b;
			while (b_end < nval && val[b_end].inc == val[b].inc)
				b_end++;
			unsigned long long gg = gcd_ull(val[a].inc, val[b].inc);
			size_t *first = xcalloc((size_t)gg, sizeof(size_t));   /* residue -> writer + 1 */
			for (size_t x = a; x < a_end; x++)
				if (!first[val[x].off % gg])
					first[val[x].off % gg] = val[x].w + 1;
			for (size_t y = b; y < b_end; y++) {
				size_t hit = first[val[y].off % gg];
				if (!hit)
					continue;
				size_t pair[2] = { val[y].w, hit - 1 };
				for (int side = 0; side < 2; side++)
					if (!g->clash[pair[side]])
						g->clash[pair[side]] = xasprintf(
							"%s and %s generate the same auto-increment values (offsets equal "
							"modulo the increments)", topo_name(tp, g->writers[pair[side]]),
							topo_name(tp, g->writers[pair[!side]]));
			}
			free(first);
			b = b_end;
		}
		a = a_end;
	}
	free(val);
}

static void topo_group_release(struct topo_group *g)
{
	for (size_t k = 0; k < g->nw; k++) {
		free(g->clash[k]);
		free(g->unknown[k]);
	}
	free(g->members);
	free(g->writers);
	free(g->writer_names);
	free(g->clash);
	free(g->unknown);
}

/* A ring (a component of more than one node) and its members' names, as facts show them. */
struct topo_ring_name {
	unsigned comp;
	const char *names;        /* in tp->ar */
};

static int topo_member_cmp(const void *pa, const void *pb)
{
	const unsigned *a = pa, *b = pb;   /* (component, target) */
	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	return a[1] < b[1] ? -1 : a[1] > b[1];
}

/*
 * The names of each ring's usable members in target order (names_add()),
 * sorted by component, for the rings alone (issue 13: three arrays per
 * component, 40 bytes a target, though most components are one node).
 */
static struct topo_ring_name *topo_ring_names(struct topo *tp, size_t *nrings)
{
	unsigned *m = NULL;   /* (component, target) pairs */
	size_t nm = 0, cap = 0, nr = 0;
	struct topo_ring_name *r;
	for (size_t i = 0; i < tp->n; i++) {
		unsigned cp = tp->comp[tp->super[i]];
		if (!topo_usable(tp, i) || tp->comp_nodes[cp] < 2)
			continue;
		ARRAY_GROW(m, 2 * (nm + 1), cap);
		m[2 * nm] = cp;
		m[2 * nm + 1] = (unsigned)i;
		nm++;
	}
	if (nm)
		qsort(m, nm, 2 * sizeof(*m), topo_member_cmp);
	r = xcalloc(nm ? nm : 1, sizeof(*r));
	for (size_t k = 0; k < nm;) {
		struct strbuf sb = { 0 };
		size_t shown = 0, j = k;
		for (; j < nm && m[2 * j] == m[2 * k]; j++)
			names_add(&sb, &shown, topo_name(tp, m[2 * j + 1]));
		names_end(&sb, shown);
		r[nr].comp = m[2 * k];
		r[nr++].names = arena_strdup(tp->ar, sb.buf ? sb.buf : "");
		strbuf_release(&sb);
		k = j;
	}
	free(m);
	*nrings = nr;
	return r;
}

/* The names of ring comp (topo_ring_names()), "" when it has no usable member. */
static const char *topo_ring_name(const struct topo_ring_name *r, size_t n, unsigned comp)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r[mid].comp < comp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && r[lo].comp == comp ? r[lo].names : "";
}

/* Build every write group, and each target's group (TOPO_NONE: none, it is its own). */
static size_t topo_groups(struct topo *tp, struct topo_group **out, unsigned *group_of)
{
	struct strmap clusters;
	size_t ng = 0;
	unsigned *comp_group = xcalloc(tp->ncomp ? tp->ncomp : 1, sizeof(*comp_group));
	size_t *count;
	struct topo_group *g;
	strmap_init(&clusters, 0);
	for (size_t c = 0; c < tp->ncomp; c++)
		comp_group[c] = tp->comp_nodes[c] > 1 ? (unsigned)ng++ : TOPO_NONE;
	for (size_t i = 0; i < tp->n; i++) {
		const char *why;
		size_t have;
		group_of[i] = TOPO_NONE;
		if (!topo_usable(tp, i))
			continue;
		if (topo_ring(tp, i, &why) == 1) {
			group_of[i] = comp_group[tp->comp[tp->super[i]]];
		} else if (topo_declared_multi(tp, i) && *topo_declared_cluster(tp, i)) {
			const char *key = topo_declared_cluster(tp, i);
			if (strmap_get(&clusters, key, &have)) {
				have = ng++;
				strmap_put(&clusters, key, have);
			}
			group_of[i] = have;
		}
	}
	strmap_release(&clusters);
	free(comp_group);
	g = xcalloc(ng ? ng : 1, sizeof(*g));
	count = xcalloc(ng ? ng : 1, sizeof(size_t));
	for (size_t i = 0; i < tp->n; i++)
		if (group_of[i] != TOPO_NONE)
			count[group_of[i]]++;
	for (size_t k = 0; k < ng; k++) {
		g[k].members = xcalloc(count[k] ? count[k] : 1, sizeof(size_t));
		g[k].writers = xcalloc(count[k] ? count[k] : 1, sizeof(size_t));
	}
	for (size_t i = 0; i < tp->n; i++) {
		struct topo_group *gi;
		if (group_of[i] == TOPO_NONE)
			continue;
		gi = &g[group_of[i]];
		gi->members[gi->n++] = i;
		int w = view_writable(tp, i);
		if (w == 1)
			gi->writers[gi->nw++] = i;
		else if (w < 0)
			gi->unknown_w++;
	}
	for (size_t k = 0; k < ng; k++) {
		struct strbuf sb = { 0 };
		size_t shown = 0;
		for (size_t w = 0; w < g[k].nw; w++)
			names_add(&sb, &shown, topo_name(tp, g[k].writers[w]));
		names_end(&sb, shown);
		g[k].writer_names = strbuf_detach(&sb);
		if (!g[k].writer_names)
			g[k].writer_names = xstrdup("");
		g[k].clash = xcalloc(g[k].nw ? g[k].nw : 1, sizeof(char *));
		g[k].unknown = xcalloc(g[k].nw ? g[k].nw : 1, sizeof(char *));
		if (g[k].nw > 1)
			topo_group_auto_increment(tp, &g[k]);
		for (g[k].first_unknown = 0; g[k].first_unknown < g[k].nw && !g[k].unknown[g[k].first_unknown];
		     g[k].first_unknown++)
			;
	}
	free(count);
	*out = g;
	return ng;
}

/* writers, writable_peers and auto_increment_clash of target i. */
static void topo_fact_write_group(struct topo *tp, size_t i, int ring, const char *why_ring,
				  const struct topo_group *groups, const unsigned *group_of, const unsigned *writers_in_node,
				  const char **peers_of_node)
{
	struct arena *ar = tp->ar;
	char num[32];
	if (group_of[i] == TOPO_NONE) {
		int w = view_writable(tp, i);
		if (ring == -1) {
			fact(tp, i, TF_WRITERS, NULL, why_ring);
			fact(tp, i, TF_WRITABLE_PEERS, NULL, why_ring);
			fact(tp, i, TF_AUTO_INCREMENT_CLASH, NULL, why_ring);
			return;
		}
		fact(tp, i, TF_WRITERS, w < 0 ? NULL : w ? "1" : "0",
		     w < 0 ? "read_only is unknown" : "in no ring and no declared multi-writer cluster");
		fact(tp, i, TF_WRITABLE_PEERS, "", "not in a replication ring");
		fact(tp, i, TF_AUTO_INCREMENT_CLASH, "", NULL);
		return;
	}
	const struct topo_group *g = &groups[group_of[i]];
	if (g->unknown_w) {
		fact(tp, i, TF_WRITERS, NULL, "read_only of a server of its write group is unknown");
	} else {
		snprintf(num, sizeof(num), "%zu", g->nw);
		fact(tp, i, TF_WRITERS, audit_result_intern(tp->pool, num), *g->writer_names ? arena_strdup(ar, g->writer_names) : "none");
	}
	if (ring == 1 && g->unknown_w) {
		fact(tp, i, TF_WRITABLE_PEERS, NULL, "read_only of a server of its ring is unknown");
	} else if (ring == 1) {
		/*
		 * The writable servers of the ring's other nodes (a Galera cluster is
		 * one node): the same for every member of a node, so worked out once
		 * per node (a scan per member was quadratic in a big cluster, issue 13).
		 */
		size_t node = tp->super[i];
		if (!peers_of_node[node]) {
			struct strbuf sb = { 0 };
			size_t shown = 0;
			for (size_t w = 0; w < g->nw && shown <= TOPO_NAMES_SHOWN; w++)
				if (tp->super[g->writers[w]] != node)
					names_add(&sb, &shown, topo_name(tp, g->writers[w]));
			size_t peers = g->nw - writers_in_node[node];
			if (peers > shown)
				shown = peers;
			names_end(&sb, shown);
			peers_of_node[node] = arena_strdup(ar, sb.buf ? sb.buf : "");
			strbuf_release(&sb);
		}
		fact(tp, i, TF_WRITABLE_PEERS, peers_of_node[node], NULL);
	} else {
		fact(tp, i, TF_WRITABLE_PEERS, "", "not in a replication ring");
	}
	/* i's place among the writers, which are in target order (a scan per member was quadratic, issue 13) */
	size_t k = g->nw, lo = 0, hi = g->nw;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->writers[mid] < i)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < g->nw && g->writers[lo] == i)
		k = lo;
	if (k == g->nw || g->nw < 2) {
		/* not a writer, or the only one */
		fact(tp, i, TF_AUTO_INCREMENT_CLASH, g->unknown_w && g->nw ? NULL : "",
		     g->unknown_w && g->nw ? "read_only of a server of its write group is unknown" : NULL);
	} else if (g->clash[k]) {
		fact(tp, i, TF_AUTO_INCREMENT_CLASH, arena_strdup(ar, g->clash[k]), NULL);
	} else if (g->unknown[k] || g->unknown_w) {
		fact(tp, i, TF_AUTO_INCREMENT_CLASH, NULL,
		     g->unknown[k] ? arena_strdup(ar, g->unknown[k]) : "read_only of a server of its write group is unknown");
	} else {
		/* another writer's unknown values may hide a clash with this one */
		const char *other = g->first_unknown < g->nw ? g->unknown[g->first_unknown] : NULL;
		fact(tp, i, TF_AUTO_INCREMENT_CLASH, other ? NULL : "", other ? arena_strdup(ar, other) : NULL);
	}
}

/* The errant transactions of replica i (every channel linked, in no ring). */
static void topo_fact_errant(struct topo *tp, size_t i)
{
	struct topology_node v_node = topo_view(tp, i), *v = &v_node;
	struct arena *ar = &tp->pool->arena;
	struct strbuf why = { 0 }, text = { 0 };
	size_t nsrc = 0;
	int mariadb = v->flavor == FLAVOR_MARIADB;
	const char *var = mariadb ? "gtid_binlog_state" : "gtid_executed";
	const char *mine = topo_text(tp, i, var);
	size_t *src = xcalloc(v->nchannels ? v->nchannels : 1, sizeof(size_t));
	for (size_t k = 0; k < v->nchannels; k++) {
		const struct settings_channel *ch = &v->channels[k];
		if (ch->group_replication)
			continue;
		if (!ch->source_index) {
			strbuf_addstr(&why, ch->source_why ? ch->source_why : "a channel's source is unknown");
			goto unknown;
		}
		src[nsrc++] = ch->source_index - 1 - tp->base;
	}
	if (!mine) {
		strbuf_addf(&why, "%s of %s is unknown", var, topo_name(tp, i));
		goto unknown;
	}
	for (size_t k = 0; k < nsrc; k++) {
		const struct topology_node sv_node = topo_view(tp, src[k]), *sv = &sv_node;
		if ((sv->flavor == FLAVOR_MARIADB) != mariadb) {
			strbuf_addf(&why, "%s and its source %s are of different flavors: their GTIDs differ", topo_name(tp, i),
				    topo_name(tp, src[k]));
			goto unknown;
		}
		if (!topo_text(tp, src[k], var)) {
			strbuf_addf(&why, "%s of the source %s is unknown", var, topo_name(tp, src[k]));
			goto unknown;
		}
	}
	if (mariadb) {
		struct mariadb_gtid_list r, out;
		struct mariadb_gtid_list *lists = xcalloc(nsrc ? nsrc : 1, sizeof(*lists));
		const struct mariadb_gtid_list **ptrs = xcalloc(nsrc ? nsrc : 1, sizeof(*ptrs));
		int bad = 0;
		mariadb_gtid_list_init(&r);
		mariadb_gtid_list_init(&out);
		if (mariadb_gtid_list_parse(&r, mine, &why)) {
			bad = 1;
		}
		for (size_t k = 0; k < nsrc && !bad; k++) {
			mariadb_gtid_list_init(&lists[k]);
			ptrs[k] = &lists[k];
			if (mariadb_gtid_list_parse(&lists[k], topo_text(tp, src[k], var), &why))
				bad = 1;
		}
		if (!bad) {
			mariadb_gtid_errant(&out, &r, ptrs, nsrc);
			if (out.n) {
				strbuf_addf(&text, "%zu (domain, server_id) pair%s no source has: ", out.n,
					    out.n == 1 ? "" : "s");
				mariadb_gtid_list_format(&out, &text, TOPOLOGY_SET_TEXT_MAX);
			}
		}
		mariadb_gtid_list_release(&r);
		mariadb_gtid_list_release(&out);
		for (size_t k = 0; k < nsrc; k++)
			mariadb_gtid_list_release(&lists[k]);
		free(lists);
		free(ptrs);
		if (bad)
			goto unknown;
	} else {
		struct gtidset r, all, one, errant;
		int bad = 0;
		gtidset_init(&r);
		gtidset_init(&all);
		gtidset_init(&one);
		gtidset_init(&errant);
		if (gtidset_parse(&r, mine, &why))
			bad = 1;
		for (size_t k = 0; k < nsrc && !bad; k++) {
			if (gtidset_parse(&one, topo_text(tp, src[k], var), &why))
				bad = 1;
			else
				gtidset_union(&all, &one);
		}
		if (!bad) {
			gtidset_subtract(&errant, &r, &all);
			gtidset_drop_tails(&errant, &all);
			if (!gtidset_is_empty(&errant)) {
				unsigned long long n = (unsigned long long)gtidset_count(&errant);
				strbuf_addf(&text, "%llu transaction%s: ", n, n == 1 ? "" : "s");
				gtidset_format(&errant, &text, TOPOLOGY_SET_TEXT_MAX);
			}
		}
		gtidset_release(&r);
		gtidset_release(&all);
		gtidset_release(&one);
		gtidset_release(&errant);
		if (bad)
			goto unknown;
	}
	fact(tp, i, TF_ERRANT_GTIDS, arena_strdup(ar, text.buf ? text.buf : ""),
	     mariadb ? "gtid_binlog_state compared with the sources'" : "gtid_executed minus the sources'");
	goto out;
unknown:
	fact(tp, i, TF_ERRANT_GTIDS, NULL, arena_strdup(ar, why.buf ? why.buf : "unknown"));
out:
	free(src);
	strbuf_release(&why);
	strbuf_release(&text);
}

/* The facts of the n nodes into d (topology_derive_nodes()); a channel's source_index is base + 1 + its source's index. */
static void topo_derive(const struct catalog *c, size_t n, size_t base, topology_node_fn node_of, void *node_ctx,
			topology_view_fn view_of, void *view_ctx, struct audit_result *pool,
			struct topology_derived_set *d, const char **cluster)
{
	struct topo tp;
	struct arena *ar = &pool->arena;
	memset(&tp, 0, sizeof(tp));
	tp.c = c;
	tp.pool = pool;
	tp.node_of = node_of;
	tp.node_ctx = node_ctx;
	tp.ar = ar;
	tp.base = base;
	tp.n = n;
	tp.set = d;
	tp.view_of = view_of;
	tp.view_ctx = view_ctx;
	topology_derived_set_release(d);
	if (!tp.n)
		return;
	d->n = n;
	d->of = xcalloc(n, sizeof(*d->of));   /* record 0: no fact (a target with an error) */
	topo_keep(&tp, 0);
	tp.usable = xmalloc(n);
	for (size_t i = 0; i < n; i++) {
		struct topology_node one;
		node_of(node_ctx, i, &one);
		tp.usable[i] = one.usable;
	}
	/* each view read once here: what every target needs (the rest is read again when needed) */
	arena_init(&tp.in_arena);
	tp.in_names.c = c;
	tp.in_names.a = &tp.in_arena;
	tp.writable = xmalloc(n);
	tp.kw_cluster = cluster ? cluster : xmalloc(n * sizeof(*tp.kw_cluster));
	for (size_t i = 0; i < n; i++) {
		tp.kw_cluster[i] = topo_input(&tp, i)->cluster;
		tp.writable[i] = (signed char)view_writable_read(&tp, i);
	}
	arena_init(&tp.keys);
	tp.super = xcalloc(tp.n, sizeof(*tp.super));
	tp.cluster = xcalloc(tp.n, sizeof(*tp.cluster));
	tp.uncertain_why = xcalloc(tp.n, sizeof(*tp.uncertain_why));
	topo_index(&tp);
	topo_link_channels(&tp);
	topo_build_graph(&tp);
	topo_components(&tp);

	/* per target: its replicas (by source), per graph node: its writers, per component: its names */
	unsigned *rep_start = xcalloc(tp.n + 1, sizeof(*rep_start)), *rep = NULL;
	unsigned *rep_fill = xcalloc(tp.n + 1, sizeof(*rep_fill));
	size_t nrep = 0;
	for (size_t i = 0; i < tp.n; i++) {
		const struct topology_node v_node = topo_view(&tp, i), *v = &v_node;
		for (size_t k = 0; topo_usable(&tp, i) && k < v->nchannels; k++)
			if (v->channels[k].source_index) {
				rep_start[v->channels[k].source_index - base]++;
				nrep++;
			}
	}
	for (size_t i = 0; i < tp.n; i++)
		rep_start[i + 1] += rep_start[i];
	rep = xcalloc(nrep ? nrep : 1, sizeof(*rep));
	for (size_t i = 0; i < tp.n; i++) {
		const struct topology_node v_node = topo_view(&tp, i), *v = &v_node;
		for (size_t k = 0; topo_usable(&tp, i) && k < v->nchannels; k++) {
			size_t s = v->channels[k].source_index;
			if (s)
				rep[rep_start[s - 1 - base] + rep_fill[s - 1 - base]++] = i;
		}
	}
	free(rep_fill);   /* rep is filled */
	rep_fill = NULL;
	unsigned *writers_in_node = xcalloc(tp.nsuper ? tp.nsuper : 1, sizeof(*writers_in_node));
	const char **peers_of_node = xcalloc(tp.nsuper ? tp.nsuper : 1, sizeof(char *));   /* writable_peers, per node */
	for (size_t i = 0; i < tp.n; i++)
		if (topo_usable(&tp, i) && view_writable(&tp, i) == 1)
			writers_in_node[tp.super[i]]++;
	size_t nrings;
	struct topo_ring_name *rings = topo_ring_names(&tp, &nrings);
	/* per Galera cluster: the distinct server_ids of its nodes in the run */
	struct strmap cl_index;
	size_t ncl = 0;
	strmap_init(&cl_index, 0);
	unsigned *cl_of = xcalloc(tp.n, sizeof(*cl_of));
	for (size_t i = 0; i < tp.n; i++) {
		size_t have;
		if (!topo_usable(&tp, i) || !*tp.cluster[i])
			continue;
		if (strmap_get(&cl_index, tp.cluster[i], &have)) {
			have = ncl++;
			strmap_put(&cl_index, tp.cluster[i], have);
		}
		cl_of[i] = have;
	}
	struct cl_ids {
		struct strbuf text;
		size_t n;
		int unknown;
		struct strmap seen;
	} *cl = xcalloc(ncl ? ncl : 1, sizeof(*cl));
	for (size_t k = 0; k < ncl; k++)
		strmap_init(&cl[k].seen, 0);
	for (size_t i = 0; i < tp.n; i++) {
		int known;
		size_t dummy;
		if (!topo_usable(&tp, i) || !*tp.cluster[i])
			continue;
		struct cl_ids *x = &cl[cl_of[i]];
		unsigned long long id = view_number(&tp, i, "server_id", &known);
		if (!known) {
			x->unknown = 1;
			continue;
		}
		const char *key = arena_printf(ar, "%llu", id);
		if (!strmap_get(&x->seen, key, &dummy))
			continue;
		strmap_put(&x->seen, key, 1);
		strbuf_addf(&x->text, "%s%s", x->n ? ", " : "", key);
		x->n++;
	}

	struct topo_group *groups = NULL;
	unsigned *group_of = xcalloc(tp.n, sizeof(*group_of));
	size_t ngroups = topo_groups(&tp, &groups, group_of);

	for (size_t i = 0; i < tp.n; i++) {
		struct topology_node v_node = topo_view(&tp, i), *v = &v_node;
		struct strbuf sb = { 0 };
		const char *why = NULL;
		char num[32];
		size_t shown = 0;
		if (!topo_usable(&tp, i))
			continue;   /* record 0 */
		for (size_t r = rep_start[i]; r < rep_start[i + 1]; r++)
			if (r == rep_start[i] || rep[r] != rep[r - 1])
				names_add(&sb, &shown, topo_name(&tp, rep[r]));
		names_end(&sb, shown);
		topo_decimal(num, sizeof(num), rep_start[i + 1] - rep_start[i]);
		fact(&tp, i, TF_REPLICAS, audit_result_intern(tp.pool, num),
		     sb.len ? arena_printf(ar, "replicated by %s", sb.buf) : "no audited server replicates from it");
		strbuf_release(&sb);

		int ring = topo_ring(&tp, i, &why);
		if (ring == 1)
			fact(&tp, i, TF_RING, "ON", arena_printf(ar, "ring: %s", topo_ring_name(rings, nrings, tp.comp[tp.super[i]])));
		else
			fact(&tp, i, TF_RING, ring == 0 ? "OFF" : NULL, ring == 0 ? "in no replication ring" : why);
		fact(&tp, i, TF_MULTI_WRITER, v->multi_writer,
		     v->multi_writer ? "declared" : "not declared: set multi_writer = yes or no for its cluster "
						    "in the inventory");
		topo_fact_write_group(&tp, i, ring, why, groups, group_of, writers_in_node, peers_of_node);
		if (v->channels_known && ring != 1) {
			int any = 0;
			for (size_t k = 0; k < v->nchannels; k++)
				any |= !v->channels[k].group_replication;
			if (any)
				topo_fact_errant(&tp, i);
		}
		if (!*tp.cluster[i]) {
			fact(&tp, i, TF_GALERA_ASYNC_RING, "OFF", "not a Galera node");
		} else {
			struct cl_ids *x = &cl[cl_of[i]];
			fact(&tp, i, TF_GALERA_ASYNC_RING, ring == 1 ? "ON" : ring == 0 ? "OFF" : NULL,
			     ring == -1 ? why : NULL);
			snprintf(num, sizeof(num), "%zu", x->n);
			fact(&tp, i, TF_CLUSTER_SERVER_IDS, x->unknown ? NULL : arena_strdup(ar, x->text.buf ? x->text.buf : ""),
			     x->unknown ? "server_id of a node of the cluster is unknown"
					: arena_printf(ar, "the server_ids of the nodes of cluster '%s' in this run", tp.cluster[i]));
			fact(&tp, i, TF_CLUSTER_SERVER_ID_COUNT, x->unknown ? NULL : audit_result_intern(tp.pool, num),
			     x->unknown ? "server_id of a node of the cluster is unknown" : NULL);
		}
		topo_keep(&tp, i);
	}
	for (size_t k = 0; k < ngroups; k++)
		topo_group_release(&groups[k]);
	free(groups);
	free(group_of);
	for (size_t k = 0; k < ncl; k++) {
		strbuf_release(&cl[k].text);
		strmap_release(&cl[k].seen);
	}
	free(cl);
	free(cl_of);
	strmap_release(&cl_index);
	free(rings);
	free(writers_in_node);
	free(peers_of_node);
	free(rep);
	free(rep_start);
	free(rep_fill);
	topo_index_release(&tp);
	arena_release(&tp.keys);
	free(tp.super);
	free(tp.cluster);
	free(tp.uncertain_why);
	free(tp.edge_start);
	free(tp.edge);
	free(tp.comp);
	free(tp.comp_nodes);
	free(tp.comp_unsure);
	free(tp.comp_unsure_of);
	free(tp.comp_unsure_text);
	free(tp.usable);
	free(tp.writable);
	if (tp.kw_cluster != cluster)
		free(tp.kw_cluster);
	arena_release(&tp.in_arena);
}

void topology_node_of(const struct target_result *tr, struct topology_node *node)
{
	const struct settings *v = &tr->view;
	node->name = tr->name;
	node->kind = v->kind;
	node->address = v->address;
	node->topology = v->topology;
	node->multi_writer = v->multi_writer;
	node->channels = v->channels;
	node->nchannels = (unsigned)v->nchannels;
	node->flavor = v->flavor;
	node->usable = !tr->error;
	node->channels_known = v->channels_known != 0;
}

void topology_derive_nodes(const struct catalog *c, size_t n, topology_node_fn node_of, void *node_ctx,
			   topology_view_fn view_of, void *view_ctx, struct audit_result *pool,
			   struct topology_derived_set *d, const char **cluster)
{
	topo_derive(c, n, 0, node_of, node_ctx, view_of, view_ctx, pool, d, cluster);
}

/* topology_node_fn over a result's targets (ctx: the first) */
static void topo_result_node(void *ctx, size_t i, struct topology_node *node)
{
	const struct target_result *tr = ctx;
	topology_node_of(&tr[i], node);
}

/* out->targets[base + i]'s view (topology_view_fn, ctx: the first) */
static const struct settings *topo_result_view(void *ctx, size_t i)
{
	const struct target_result *tr = ctx;
	return &tr[i].view;
}

void topology_derive(const struct catalog *c, struct audit_result *out, size_t base, struct topology_derived_set *d)
{
	size_t n = out->n > base ? out->n - base : 0;
	topology_derived_set_release(d);
	if (!n)
		return;
	topo_derive(c, n, base, topo_result_node, &out->targets[base], topo_result_view, &out->targets[base], out, d,
		    NULL);
}

void topology_link(const struct catalog *c, struct audit_result *out, size_t base)
{
	size_t n = out->n > base ? out->n - base : 0;
	if (!n)
		return;
	struct topology_derived_set d = { 0 };
	topology_derive(c, out, base, &d);
	for (size_t i = 0; i < n; i++)
		topo_apply_named(&out->targets[base + i].view, topology_derived_get(&d, i), out->targets[base + i].name);
	topology_derived_set_release(&d);
}
