/*
 * fuzz_catalog.c - libFuzzer target for the variable catalog reader
 * (catalog.h, rules/variables.ini): sections, types, ranges, enums,
 * aliases, per-flavor names, defaults and versions.
 *
 * After a load, every variable is looked up again by each of its names,
 * its default and existence are asked for every flavor, and a few values
 * are checked against it. Checks: a load that succeeds finds every
 * variable under its canonical name.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../auditor/catalog.h"

static const char *const fuzz_values[] = { "", "0", "1", "ON", "off", "-1", "18446744073709551616", "1K",
					   "4G", "TABLE", "  yes ", "1e3", "x" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("variables.ini", data, size);
	struct catalog c;
	struct diag_list d;
	static const enum flavor flavors[] = { FLAVOR_MYSQL, FLAVOR_PERCONA, FLAVOR_MARIADB };
	static const struct version versions[] = { { 5, 7, -1 }, { 8, 0, 26 }, { 8, 4, -1 }, { 10, 11, 6 } };

	catalog_init(&c);
	diag_list_init(&d);
	if (catalog_load(&c, path, &d) == 0) {
		for (size_t i = 0; i < c.n; i++) {
			const struct catalog_var *v = &c.vars[i];
			FUZZ_CHECK(catalog_lookup(&c, v->name) != NULL, "a loaded variable is found by its name");
			for (size_t f = 0; f < sizeof(flavors) / sizeof(flavors[0]); f++) {
				for (size_t k = 0; k < sizeof(versions) / sizeof(versions[0]); k++) {
					(void)catalog_exists(v, flavors[f], &versions[k]);
					(void)catalog_default(v, flavors[f], &versions[k]);
					(void)catalog_name_accepted(v, v->name, flavors[f], &versions[k]);
				}
				for (size_t k = 0; k < sizeof(fuzz_values) / sizeof(fuzz_values[0]); k++) {
					char *norm = NULL;
					const char *why = NULL;
					(void)catalog_check_value(v, flavors[f], fuzz_values[k], &norm, &why);
					free(norm);
				}
			}
			const struct catalog_var *hit = NULL;
			const char *name = NULL;
			if (strlen(v->name) > 2) {
				char prefix[3] = { v->name[0], v->name[1], 0 };
				if (catalog_prefix_lookup(&c, prefix, &hit, &name) == 1)
					FUZZ_CHECK(hit && name, "a unique prefix names its variable");
			}
		}
	}
	catalog_release(&c);
	diag_list_release(&d);
	return 0;
}
