/*
 * fuzz_hostspec.c - libFuzzer target for the specs given on the command
 * line: target specs (live_parse_host: "db1", "db1:3307", "[::1]:3307",
 * "::1", "") and shard specs (shard_parse: "I/N").
 *
 * Checks: a spec is accepted with a port of at most 65535, written in
 * digits only (no sign, no blank: "db1: +5" is not port 5), or refused with
 * a reason; an accepted spec with a host has a non-empty host; an accepted
 * shard has 1 <= I <= N <= SHARD_MAX and every identity falls in 1..N.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../auditor/live.h"
#include "../auditor/shard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *spec = fuzz_string(data, size);
	char *host = NULL;
	unsigned port = 0;
	const char *why = NULL;
	if (live_parse_host(spec, &host, &port, &why) == 0) {
		FUZZ_CHECK(port <= 65535, "an accepted port is at most 65535");
		FUZZ_CHECK(!host || *host, "an accepted host is not empty");
		if (port) {
			const char *p = spec[0] == '[' ? strchr(spec, ']') + 1 : strchr(spec, ':');
			FUZZ_CHECK(p && *p == ':' && strspn(p + 1, "0123456789") == strlen(p + 1),
				   "an accepted port is written in digits only");
		}
	} else {
		FUZZ_CHECK(why != NULL && *why, "a refused spec says why");
		FUZZ_CHECK(host == NULL, "a refused spec has no host");
	}
	free(host);

	struct shard sh;
	why = NULL;
	if (shard_parse(&sh, spec, &why) == 0) {
		FUZZ_CHECK(sh.index >= 1 && sh.index <= sh.count && sh.count <= SHARD_MAX, "a shard is I/N with 1 <= I <= N");
		unsigned of = shard_of(spec, sh.count);
		FUZZ_CHECK(of >= 1 && of <= sh.count, "every identity falls in a shard");
	} else {
		FUZZ_CHECK(why != NULL && *why, "a refused shard says why");
	}
	free(spec);
	return 0;
}
