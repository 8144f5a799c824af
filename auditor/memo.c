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
/* 0: not made yet, 1: made, -1: pthread_key_create() failed (a mutex, not pthread_once(): no futex call) */
static atomic_int memo_key_state;
static pthread_mutex_t memo_key_mu = PTHREAD_MUTEX_INITIALIZER;
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

/* Nonzero when the key that frees a thread's memos exists (made on first use). */
static int memo_key_made(void)
{
	int state = atomic_load_explicit(&memo_key_state, memory_order_acquire);
	if (!state) {
		pthread_mutex_lock(&memo_key_mu);
		state = atomic_load_explicit(&memo_key_state, memory_order_relaxed);
		if (!state) {
			state = pthread_key_create(&memo_key, memo_thread_end) == 0 ? 1 : -1;
			atomic_store_explicit(&memo_key_state, state, memory_order_release);
		}
		pthread_mutex_unlock(&memo_key_mu);
	}
	return state > 0;
}

/* Register m to be freed at its thread's end (a thread-local memo, first array). */
static void memo_register(struct memo *m)
{
	if (!memo_key_made() || memo_nregistered == MEMO_MAX_PER_THREAD)
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
