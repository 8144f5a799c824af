/*
 * memo.h - direct-mapped memos that start small and grow once they miss.
 *
 * Several steps of reading a target remember answers that depend on their
 * question alone (config.c: option-table lookups, value checks, plugins;
 * settings.c: whether a name is a secret's), so that the next target asking
 * the same gets them without the work. They were fixed arrays, 135 KB of
 * thread-local storage that the dynamic loader zeroes at every start and a
 * run of one option file then touches all over: 28 of its 186 page faults
 * (issue 13, docs/benchmarks.md "The fixed cost of one file"). A memo now
 * holds MEMO_FIRST_SLOTS slots (one page or less) until it has missed more
 * often than it has slots, and then its full size, so that a run of one
 * target pays for a small array and a run of thousands for the same full
 * array as before.
 *
 * A memo is a cache: any slot may be found empty (all bytes zero) at any
 * lookup, and growing drops every answer it held. Callers must treat a slot
 * of zero bytes as empty, and must compare the question kept in the slot
 * before using its answer (direct-mapped: two questions share a slot).
 *
 * Per thread: declare `static _Thread_local struct memo m = MEMO_PER_THREAD;`
 * its arrays are freed when the thread ends (a pthread key's destructor).
 * The main thread's stay until the process exits (still reachable). A memo
 * that belongs to an object (MEMO_OWNED, zero-initialised) is freed with
 * memo_release() by its owner.
 *
 * Not shared between threads: one struct memo is used by one thread.
 */
#ifndef CRASHSAFE_MEMO_H
#define CRASHSAFE_MEMO_H

#include <stddef.h>

/* The first array's slots: a power of two, so that a full size that is one keeps hash % n spread alike. */
#define MEMO_FIRST_SLOTS 16

struct memo {
	unsigned char *slots;   /* n slots of the caller's size, or NULL before the first lookup */
	size_t n;               /* MEMO_FIRST_SLOTS, then the full size */
	size_t misses;          /* memo_missed() calls since the array was made */
	int per_thread;         /* freed at the thread's end (MEMO_PER_THREAD) */
	int registered;         /* ... and registered for it */
};

#define MEMO_PER_THREAD { .per_thread = 1 }
#define MEMO_OWNED { 0 }

/*
 * The slot of hash in m, slots of size bytes, full slots at most (full: a
 * power of two, at least MEMO_FIRST_SLOTS). The first call makes an array
 * of MEMO_FIRST_SLOTS zeroed slots; a call after more than n misses makes
 * the full array instead (zeroed: every answer dropped). Never NULL (dies
 * on out-of-memory, as xcalloc() does). The slot stays valid until the next
 * memo_slot() or memo_release() on m.
 */
/* memo_slot()'s slow path: makes m's first array, or its full one (dropping the small one). */
void memo_make(struct memo *m, size_t size, size_t full);

static inline void *memo_slot(struct memo *m, size_t size, size_t full, size_t hash)
{
	if (!m->slots || (m->misses > m->n && m->n < full))
		memo_make(m, size, full);   /* the first array, or the full one */
	return m->slots + (hash % m->n) * size;
}

/* The caller did not find its question in the slot and will fill it. */
static inline void memo_missed(struct memo *m)
{
	m->misses++;
}

/* Free m's array; m is empty again (its next lookup starts small). */
void memo_release(struct memo *m);

/* Arrays made and not yet freed, in every thread (for the tests). */
size_t memo_arrays_live(void);

#endif
