/*
 * shard.h - `--shard I/N`: split the targets of a run across N jobs (a CI
 * matrix, a Kubernetes Indexed Job) so that each audits about 1/N of them,
 * and `crashsafe merge` puts the N reports back together.
 *
 * A target's shard depends only on its identity (the name it has in the
 * reports: the inventory section's NAME, the FILE or HOST as given), never on
 * its position or on the other targets: the same target lands in the same
 * shard whatever the order of the inventory or the command line, on every
 * machine. The hash is 64-bit FNV-1a over the identity's bytes
 * (http://www.isthe.com/chongo/tech/comp/fnv/, FNV-1a, offset basis
 * 14695981039346656037, prime 1099511628211), reduced modulo N: fixed here
 * and in docs/fleet.md, since changing it would move targets between
 * shards of runs that are merged together.
 */
#ifndef CRASHSAFE_SHARD_H
#define CRASHSAFE_SHARD_H

#include <stdint.h>

/* The largest N: more jobs than this is not a fleet audit but a mistake. */
#define SHARD_MAX 100000u

struct shard {
	unsigned index;   /* 1..count */
	unsigned count;   /* 0: the run is not sharded */
};

/*
 * Parse "I/N" (1 <= I <= N <= SHARD_MAX, decimal, no signs or spaces).
 * Returns 0, or -1 with *why (static text) saying what is wrong.
 */
int shard_parse(struct shard *s, const char *arg, const char **why);

/* FNV-1a 64 of identity. */
uint64_t shard_hash(const char *identity);

/* The 1-based shard of identity among count (count >= 1). */
unsigned shard_of(const char *identity, unsigned count);

/* Nonzero when identity belongs to shard s (always, when s->count is 0 or s is NULL). */
int shard_has(const struct shard *s, const char *identity);

#endif
