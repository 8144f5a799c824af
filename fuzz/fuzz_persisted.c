/*
 * fuzz_persisted.c - libFuzzer target for the persisted-variables reader
 * (DATADIR/mysqld-auto.cnf, jansson): persisted_parse() on the input as a
 * memory buffer. Nothing touches the disk.
 *
 * Besides "no crash, no hang, no out-of-bounds read" (the sanitizers), it
 * checks the result's invariants: a refused file applies nothing and has a
 * reason; an accepted one has Version 1 or 2; every variable has a name
 * and a value, is in the server's order (section, then Timestamp), and a
 * line within the input.
 *
 * Build (needs -ljansson): see fuzz/README or the fuzz Makefile target; by hand:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iauditor fuzz/fuzz_persisted.c \
 *     auditor/persisted.c auditor/fileio.c auditor/settings.c auditor/catalog.c \
 *     auditor/flavor.c auditor/diag.c auditor/util.c ... -ljansson -linih
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../auditor/persisted.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct persisted p;
	unsigned lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	persisted_init(&p);
	int rc = persisted_parse(&p, (const char *)data, size, "mysqld-auto.cnf");
	if (rc != 0 && rc != -1)
		abort();
	if (rc == -1 && (!p.refused || p.n))
		abort();
	if (rc == 0 && (p.refused || (p.version != 1 && p.version != 2)))
		abort();
	for (size_t i = 0; i < p.n; i++) {
		const struct persisted_var *v = &p.vars[i];
		if (!v->name || !v->value || v->line > lines)
			abort();
		if (i && (p.vars[i - 1].section > v->section ||
			  (p.vars[i - 1].section == v->section && p.vars[i - 1].timestamp > v->timestamp)))
			abort();
	}
	persisted_release(&p);
	return 0;
}
