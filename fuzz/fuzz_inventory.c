/*
 * fuzz_inventory.c - libFuzzer target for the fleet inventory (inventory.h:
 * INI with a [defaults] section and one section per target).
 *
 * Checks: a load that fails says why; every target is found again by its
 * name; the live spec built from a target (inventory_target_spec) parses
 * back (live_parse_host) to the same host and port; applying a target to
 * settings keeps a known role.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../auditor/inventory.h"
#include "../auditor/live.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file("fleet.ini", data, size);
	struct inventory inv;
	struct diag_list d;

	inventory_init(&inv);
	diag_list_init(&d);
	if (inventory_load(&inv, path, &d) != 0)
		FUZZ_CHECK(diag_count(&d, DIAG_ERROR) > 0, "a refused inventory says why");
	for (size_t i = 0; i < inv.n; i++) {
		const struct inventory_target *t = &inv.targets[i];
		FUZZ_CHECK(t->name && inventory_find(&inv, t->name) != NULL, "every target is found by its name");
		char *spec = inventory_target_spec(t);
		if (spec && t->host) {
			char *host = NULL;
			unsigned port = 0;
			const char *why = NULL;
			FUZZ_CHECK(live_parse_host(spec, &host, &port, &why) == 0, "a target's spec parses back");
			FUZZ_CHECK(host && !strcmp(host, t->host), "... to the same host");
			FUZZ_CHECK(port == t->port, "... and port");
			free(host);
		}
		free(spec);
		struct settings s;
		settings_init(&s, t->name, "live");
		inventory_apply(t, &s);
		FUZZ_CHECK(s.role == ROLE_ANY || s.role == ROLE_PRIMARY || s.role == ROLE_REPLICA, "a known role");
		settings_release(&s);
	}
	inventory_release(&inv);
	diag_list_release(&d);
	return 0;
}
