/*
 * fuzz_optfile.c - libFuzzer target for the option-file reader.
 *
 * The input is split at each "\n=====\n" into up to four in-memory files:
 * main.cnf (read as --defaults-file), inc.cnf (for "!include inc.cnf"),
 * and d/a.cnf, d/b.cnf (for "!includedir d"). Nothing touches the disk.
 * Besides "no crash, no hang, no out-of-bounds read" (the sanitizers), it
 * checks that every option is consistent: text is "--" + name, then
 * "=" + value when there is a value, and every source chain ends at main.cnf.
 *
 * Build and run: make fuzz FUZZ_TARGETS=optfile FUZZ_SECONDS=60 (seeds in
 * fuzz/corpus/optfile/; see fuzz/README.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../auditor/optfile.h"

#define FUZZ_SEP "\n=====\n"

static void fuzz_check(struct optfile *of)
{
	for (size_t i = 0; i < of->n; i++) {
		const struct optfile_option *o = &of->options[i];
		size_t nl = strlen(o->name);
		if (strncmp(o->text, "--", 2) || strncmp(o->text + 2, o->name, nl))
			abort();
		if (o->value) {
			if (o->text[2 + nl] != '=' || strcmp(o->text + 3 + nl, o->value))
				abort();
		} else if (o->text[2 + nl] != '\0') {
			abort();
		}
		if (!o->group || !o->source || o->line == 0)
			abort();
		const struct optfile_source *s = o->source;
		while (s->parent)
			s = s->parent;
		if (strcmp(s->path, "main.cnf"))
			abort();
	}
	/* Provenance strings once per file read (not per option: chains repeat). */
	for (size_t i = 0; i < of->nsources; i++) {
		char *d = optfile_source_describe(of->sources[i]);
		const char *c = optfile_source_chain(of, of->sources[i]);
		if (strncmp(d, of->sources[i]->path, strlen(of->sources[i]->path)) ||
		    (c == NULL) != (of->sources[i]->parent == NULL))
			abort();
		free(d);
	}
	for (size_t i = 0; i < of->diags.n; i++)
		if (!of->diags.items[i].message)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "main.cnf", "inc.cnf", "d/a.cnf", "d/b.cnf" };
	struct optfile_buffer bufs[4];
	size_t n = 0;
	const char *p = (const char *)data, *end = p + size;
	const size_t seplen = sizeof(FUZZ_SEP) - 1;

	while (n < 4) {
		const char *sep = NULL;
		for (const char *q = p; n < 3 && q + seplen <= end; q++) {
			if (*q == '\n' && !memcmp(q, FUZZ_SEP, seplen)) {
				sep = q;
				break;
			}
		}
		bufs[n].path = names[n];
		bufs[n].data = p;
		bufs[n].len = sep ? (size_t)(sep - p) : (size_t)(end - p);
		n++;
		if (!sep)
			break;
		p = sep + seplen;
	}

	struct optfile_groups g;
	struct version v = { 10, 11, -1 };
	optfile_groups_for(&g, FLAVOR_MARIADB, &v, size % 2 ? ".2" : NULL);

	struct optfile of;
	optfile_init(&of);
	of.max_files = 64;
	int rc = optfile_read_buffers(&of, bufs, n, &g);
	if ((rc < 0) != (of.fatal != 0))
		abort();
	fuzz_check(&of);
	optfile_release(&of);
	return 0;
}
