/*
 * fuzz_persisted.c - libFuzzer target for the persisted-variables reader
 * (persisted.h: DATADIR/mysqld-auto.cnf, read with jansson). The input is
 * the file's content, parsed from memory (persisted_parse()), then applied
 * to a MySQL 8.4 target as check --datadir applies it.
 *
 * Checks besides the sanitizers: a refused file has a reason and applies
 * nothing; an accepted one has Version 1 or 2; every variable has a name
 * and a value, comes in the server's order (section, then Timestamp) and
 * has a line within the input; applying never sets more variables than the
 * file has, and every variable applied has the file as its origin.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../auditor/persisted.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct catalog *c = fuzz_catalog();
	struct persisted p;
	struct settings s;
	unsigned lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';

	persisted_init(&p);
	int rc = persisted_parse(&p, (const char *)data, size, "mysqld-auto.cnf");
	FUZZ_CHECK(rc == 0 || rc == -1, "persisted_parse returns 0 or -1");
	FUZZ_CHECK((rc == -1) == (p.refused != NULL), "a file is refused exactly when it has a reason");
	FUZZ_CHECK(rc == 0 || p.n == 0, "a refused file applies nothing");
	FUZZ_CHECK(rc == -1 || p.version == 1 || p.version == 2, "an accepted file is Version 1 or 2");
	for (size_t i = 0; i < p.n; i++) {
		const struct persisted_var *v = &p.vars[i];
		FUZZ_CHECK(v->name && v->value, "every variable has a name and a value");
		FUZZ_CHECK(v->line <= lines, "a variable's line is within the input");
		if (i)
			FUZZ_CHECK(p.vars[i - 1].section < v->section ||
				   (p.vars[i - 1].section == v->section && p.vars[i - 1].timestamp <= v->timestamp),
				   "variables come in the server's order");
	}

	settings_init(&s, "my.cnf", "file");
	s.flavor = FLAVOR_MYSQL;
	version_parse(&s.version, "8.4");
	size_t applied = persisted_apply(&s, &p, c);
	FUZZ_CHECK(applied <= p.n, "no more variables applied than persisted");
	for (size_t i = 0; i < s.n; i++) {
		const struct settings_var *v = &s.vars[i];
		if (v->current.origin.source == SETTINGS_SRC_FILE && v->current.origin.detail &&
		    strstr(v->current.origin.detail, "PERSIST"))
			FUZZ_CHECK(v->current.origin.file && !strcmp(v->current.origin.file, "mysqld-auto.cnf"),
				   "a persisted value's origin is the persisted file");
	}
	settings_release(&s);
	persisted_release(&p);
	return 0;
}
