/*
 * shard.c - stable shards of a run's targets (shard.h).
 */
#include "shard.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

static int shard_number(const char *s, size_t len, unsigned *out)
{
	unsigned long v = 0;
	if (!len || len > 6)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*out = (unsigned)v;
	return 0;
}

int shard_parse(struct shard *s, const char *arg, const char **why)
{
	const char *slash = strchr(arg, '/');
	unsigned i, n;
	if (!slash || shard_number(arg, (size_t)(slash - arg), &i) || shard_number(slash + 1, strlen(slash + 1), &n)) {
		*why = "expected I/N: this job's number I out of N jobs, both whole numbers (2/4)";
		return -1;
	}
	if (n < 1 || n > SHARD_MAX) {
		*why = "N must be from 1 to 100000";
		return -1;
	}
	if (i < 1 || i > n) {
		*why = "I counts from 1 to N (a Kubernetes JOB_COMPLETION_INDEX counts from 0: add 1)";
		return -1;
	}
	s->index = i;
	s->count = n;
	return 0;
}

uint64_t shard_hash(const char *identity)
{
	uint64_t h = 14695981039346656037ULL;
	for (const unsigned char *p = (const unsigned char *)identity; *p; p++) {
		h ^= *p;
		h *= 1099511628211ULL;
	}
	return h;
}

unsigned shard_of(const char *identity, unsigned count)
{
	if (count <= 1)
		return 1;
	return (unsigned)(shard_hash(identity) % count) + 1;
}

int shard_has(const struct shard *s, const char *identity)
{
	if (!s || !s->count)
		return 1;
	return shard_of(identity, s->count) == s->index;
}
