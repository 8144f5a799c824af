/*
 * fuzz_config.c - libFuzzer target for option files into settings
 * (config.h): the option-file reader as in fuzz_optfile, then every option
 * resolved against the option catalog and the variable catalog of one
 * flavor and version (chosen by the first byte), its value parsed and
 * checked (numbers with suffixes, booleans, enums, sets, paths), prefixes,
 * loose-/skip-/enable-/maximum- spellings.
 *
 * The input after the first byte is split at each "\n=====\n" into up to
 * four in-memory files, as for fuzz_optfile (main.cnf, inc.cnf, d/a.cnf,
 * d/b.cnf). Checks: every stored variable is found again under its name
 * (the hash index agrees), option_file_errors is always set, and
 * config_load() fails exactly when it names a problem.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../auditor/config.h"
#include "../auditor/optfile.h"

#define FUZZ_SEP "\n=====\n"

static const struct {
	enum flavor flavor;
	struct version version;
} fuzz_servers[] = {
	{ FLAVOR_MYSQL, { 8, 4, -1 } },
	{ FLAVOR_MYSQL, { 5, 7, 44 } },
	{ FLAVOR_MYSQL, { 8, 0, 26 } },
	{ FLAVOR_PERCONA, { 8, 0, -1 } },
	{ FLAVOR_MARIADB, { 10, 11, -1 } },
	{ FLAVOR_MARIADB, { 10, 4, -1 } },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "main.cnf", "inc.cnf", "d/a.cnf", "d/b.cnf" };
	struct optfile_buffer bufs[4];
	size_t n = 0;
	const size_t seplen = sizeof(FUZZ_SEP) - 1;

	if (size < 1)
		return 0;
	const size_t which = data[0] % (sizeof(fuzz_servers) / sizeof(fuzz_servers[0]));
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
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
	struct optfile of;
	struct settings s;
	optfile_groups_for(&g, fuzz_servers[which].flavor, &fuzz_servers[which].version, data[0] & 0x80 ? ".2" : NULL);
	optfile_init(&of);
	of.max_files = 64;
	optfile_read_buffers(&of, bufs, n, &g);

	settings_init(&s, "main.cnf", "file");
	s.flavor = fuzz_servers[which].flavor;
	s.version = fuzz_servers[which].version;
	int rc = config_load(&s, &of, fuzz_catalog());
	const struct settings_var *errors = settings_get(&s, CONFIG_FACT_OPTION_FILE_ERRORS);
	const struct settings_var *removed = settings_get(&s, CONFIG_FACT_REMOVED_OPTIONS);
	FUZZ_CHECK(errors != NULL && errors->current.value != NULL, "option_file_errors is always set");
	FUZZ_CHECK((rc < 0) == (*errors->current.value != '\0' || (removed && removed->current.value &&
								   *removed->current.value)),
		   "config_load fails exactly when it names a problem");
	for (size_t i = 0; i < s.n; i++)
		FUZZ_CHECK(settings_get(&s, s.vars[i].name) == &s.vars[i], "every variable is found under its name");
	settings_release(&s);
	optfile_release(&of);
	return 0;
}
