/*
 * memo.c - direct-mapped memos that start small and grow (see memo.h).
 */
#include "memo.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "util.h"
#include "banned.h"

/* The per-thread memos of a thread, freed by memo_thread_end() when it ends. */
#define MEMO_MAX_PER_THREAD 8

static _Thread_local struct memo *memo_registry[MEMO_MAX_PER_THREAD];
static _Thread_local size_t memo_nregistered;
static pthread_key_t memo_key;
static pthread_once_t memo_key_once = PTHREAD_ONCE_INIT;
static int memo_key_ok;
static atomic_size_t memo_live;

static void memo_free_array(struct memo *m)
{
	if (m->slots)
		atomic_fetch_sub(&memo_live, 1);
	free(m->slots);
	m->slots = NULL;
	m->n = 0;
	m->misses = 0;
}

static void memo_thread_end(void *unused)
{
	for (size_t i = 0; i < memo_nregistered; i++) {
		memo_free_array(memo_registry[i]);
		memo_registry[i]->registered = 0;
	}
	memo_nregistered = 0;
}

static void memo_key_make(void)
{
	memo_key_ok = pthread_key_create(&memo_key, memo_thread_end) == 0;
}

/* Register m to be freed at its thread's end (a thread-local memo, first array). */
static void memo_register(struct memo *m)
{
	pthread_once(&memo_key_once, memo_key_make);
	if (!memo_key_ok || memo_nregistered == MEMO_MAX_PER_THREAD)
		return;   /* then it stays until the process ends, as the fixed arrays did */
	memo_registry[memo_nregistered++] = m;
	m->registered = 1;
	/* any non-NULL value: the destructor runs only for those */
	(void)pthread_setspecific(memo_key, memo_registry);
}

void memo_make(struct memo *m, size_t size, size_t full)
{
	size_t n = m->slots ? full : (full < MEMO_FIRST_SLOTS ? full : MEMO_FIRST_SLOTS);
	memo_free_array(m);
	m->slots = xcalloc(n, size);
	m->n = n;
	atomic_fetch_add(&memo_live, 1);
	if (m->per_thread && !m->registered)
		memo_register(m);
}

void memo_release(struct memo *m)
{
	memo_free_array(m);
}

size_t memo_arrays_live(void)
{
	return atomic_load(&memo_live);
}
