/*
 * fuzz_snapshot.c - libFuzzer target for the snapshot reader (snapshot.h):
 * every form it recognises, chosen by the content as for a real file (tab
 * form with capture headers, bordered table, \G, mysqladmin, JSON,
 * MySQLTuner's "NAME","VALUE" run).
 *
 * Checks besides the sanitizers: snapshot_load() fails exactly when the
 * target has an error; every variable has a name and is found again under
 * it (the hash index agrees with the array); no secret is stored (secret.h);
 * origins and channels describe without crashing.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../auditor/secret.h"
#include "../auditor/snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct catalog *c = fuzz_catalog();
	const char *path = fuzz_file("snapshot.txt", data, size);
	struct settings s;

	settings_init(&s, path, "snapshot");
	int rc = snapshot_load(&s, path, c);
	FUZZ_CHECK((rc < 0) == (s.error != NULL), "snapshot_load returns -1 exactly when the target has an error");
	for (size_t i = 0; i < s.n; i++) {
		const struct settings_var *v = &s.vars[i];
		FUZZ_CHECK(v->name != NULL, "every variable has a name");
		FUZZ_CHECK(settings_get(&s, v->name) == v, "settings_get finds each variable under its name");
		if (secret_name(v->name) && v->current.value && *v->current.value)
			FUZZ_CHECK(!strcmp(v->current.value, SECRET_MASK), "a secret is stored masked");
		char *d = settings_origin_describe(&v->current.origin);
		free(d);
	}
	for (size_t i = 0; i < s.nchannels; i++)
		FUZZ_CHECK(s.channels[i].name != NULL, "every channel has a name");
	for (size_t i = 0; i < s.diags.n; i++)
		FUZZ_CHECK(s.diags.items[i].message != NULL, "every diagnostic has a message");
	settings_release(&s);
	return 0;
}
