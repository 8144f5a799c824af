/*
 * test_memo.c - memos that start small and grow once they miss (memo.h,
 * issue 13: a run of one option file paid 135 KB of fixed memo arrays).
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "memo.h"
#include "tap.h"

struct slot {
	size_t key;   /* 0: empty */
	size_t answer;
};

#define FULL 256

/* Look key up in m as a caller does: the answer, counting a miss and filling the slot when absent. */
static size_t lookup(struct memo *m, size_t key, int *hit)
{
	struct slot *s = memo_slot(m, sizeof(*s), FULL, key * 31);
	*hit = s->key == key;
	if (!*hit) {
		memo_missed(m);
		s->key = key;
		s->answer = key * 7;
	}
	return s->answer;
}

static int all_zero(const struct memo *m, size_t size)
{
	for (size_t i = 0; i < m->n * size; i++)
		if (m->slots[i])
			return 0;
	return 1;
}

static void test_grow(void)
{
	struct memo m = MEMO_OWNED;
	size_t live = memo_arrays_live();
	int hit, wrong = 0;
	lookup(&m, 1, &hit);
	is_int((long)m.n, MEMO_FIRST_SLOTS, "the first lookup makes the small array");
	is_int((long)memo_arrays_live(), (long)live + 1, "one array made");
	ok(!hit, "the first lookup misses");
	lookup(&m, 1, &hit);
	ok(hit, "the same question again is answered from the memo");
	for (size_t k = 2; k <= MEMO_FIRST_SLOTS; k++)
		wrong += lookup(&m, k, &hit) != k * 7;
	is_int((long)m.n, MEMO_FIRST_SLOTS, "as many misses as slots: still small");
	lookup(&m, 1000, &hit);
	/* the next lookup after more misses than slots makes the full array, every answer dropped */
	struct slot *s = memo_slot(&m, sizeof(*s), FULL, 5 * 31);
	is_int((long)m.n, FULL, "more misses than slots: the full array");
	ok(s->key == 0 && all_zero(&m, sizeof(struct slot)), "the full array starts empty");
	is_int((long)memo_arrays_live(), (long)live + 1, "the small array freed when the full one is made");
	for (size_t k = 1; k <= 3 * FULL; k++)
		wrong += lookup(&m, k, &hit) != k * 7;
	is_int((long)m.n, FULL, "never beyond the full size");
	is_int(wrong, 0, "every answer is the question's, before and after growing");
	memo_release(&m);
	ok(m.slots == NULL && m.n == 0 && m.misses == 0, "memo_release empties the memo");
	is_int((long)memo_arrays_live(), (long)live, "memo_release frees the array");
	lookup(&m, 9, &hit);
	is_int((long)m.n, MEMO_FIRST_SLOTS, "after memo_release the next lookup starts small again");
	memo_release(&m);

	struct memo tiny = MEMO_OWNED;
	struct slot *t = memo_slot(&tiny, sizeof(*t), 4, 3);
	is_int((long)tiny.n, 4, "a full size below the first size is used at once");
	ok(t == (struct slot *)(void *)tiny.slots + 3, "the slot of a hash is hash modulo n");
	memo_release(&tiny);
}

static _Thread_local struct memo thread_memo = MEMO_PER_THREAD;
static _Thread_local struct memo thread_memo2 = MEMO_PER_THREAD;

static void *thread_main(void *arg)
{
	int hit;
	for (size_t k = 1; k <= 100; k++) {
		lookup(&thread_memo, k, &hit);
		lookup(&thread_memo2, k, &hit);
	}
	*(size_t *)arg = memo_arrays_live();
	return NULL;
}

static void test_threads(void)
{
	size_t before = memo_arrays_live(), during = 0;
	pthread_t th;
	int made = pthread_create(&th, NULL, thread_main, &during) == 0;
	ok(made, "a thread started");
	if (made)
		pthread_join(th, NULL);
	is_int((long)during, (long)before + 2, "a thread's two memos: two arrays while it runs");
	is_int((long)memo_arrays_live(), (long)before, "a thread's memos are freed when it ends");
	ok(thread_memo.slots == NULL, "the main thread's own memo is another one (untouched)");
	int hit;
	lookup(&thread_memo, 5, &hit);
	is_int((long)memo_arrays_live(), (long)before + 1, "the main thread's memo: its own array");
}

int main(void)
{
	test_grow();
	test_threads();
	return done_testing();
}
