/*
 * fixture.h - what several unit tests set up the same way before their first
 * test. Tests run from the tree's root (make units), so the catalog is read
 * from rules/variables.ini there.
 *
 *   if (!fixture_catalog(&cat)) return done_testing();
 *       catalog_init() and catalog_load() of rules/variables.ini; one TAP test
 *       "the catalog loads"; on failure the loader's diagnostics are printed
 *       (file:line) and 0 is returned, the catalog left for catalog_release().
 *   if (!fixture_tmpdir(buf, sizeof(buf), "engine")) return done_testing();
 *       a new directory /tmp/crashsafe-NAME-XXXXXX (mkdtemp), its path in buf
 *       (at least 22 bytes + strlen(NAME)); one TAP test; 0 when it failed.
 *       The test removes what it wrote there.
 */
#ifndef CRASHSAFE_FIXTURE_H
#define CRASHSAFE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "catalog.h"
#include "diag.h"
#include "tap.h"

static inline int fixture_catalog(struct catalog *c)
{
	struct diag_list d;
	diag_list_init(&d);
	catalog_init(c);
	int loaded = catalog_load(c, "rules/variables.ini", &d) == 0;
	if (!loaded)
		diag_print(&d, stdout);
	diag_list_release(&d);
	return ok(loaded, "the catalog loads (rules/variables.ini)");
}

static inline int fixture_tmpdir(char *buf, size_t size, const char *name)
{
	int n = snprintf(buf, size, "/tmp/crashsafe-%s-XXXXXX", name);
	int made = n > 0 && (size_t)n < size && mkdtemp(buf) != NULL;
	return ok(made, "a temporary directory for the test's files");
}

#endif
