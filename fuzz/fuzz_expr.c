/*
 * fuzz_expr.c - libFuzzer target for the rule condition language (expr.h):
 * parse, bind against the catalog (channel fields allowed), evaluate on a
 * few fixed targets and their channels, explain and describe.
 *
 * Checks: a parse failure has a message and a column inside the text (or
 * just after it); evaluation yields true, false or unknown; explaining and
 * describing never crash.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../auditor/expr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct catalog *c = fuzz_catalog();
	size_t ntargets;
	struct settings *targets = fuzz_targets(&ntargets);
	char *text = fuzz_string(data, size);
	struct arena a;
	struct expr_error err;
	struct strbuf sb = { 0 };

	arena_init(&a);
	memset(&err, 0, sizeof(err));
	struct expr *e = expr_parse(&a, text, &err);
	if (!e) {
		FUZZ_CHECK(err.message[0] != '\0', "a parse error has a message");
		FUZZ_CHECK(err.column >= 1 && err.column <= strlen(text) + 1, "a parse error's column is in the text");
		goto out;
	}
	expr_describe(e, &sb);
	strbuf_reset(&sb);
	if (expr_bind(e, &a, c, 1, &sb) != 0)
		goto out;
	for (size_t t = 0; t < ntargets; t++) {
		struct expr_env env;
		memset(&env, 0, sizeof(env));
		env.catalog = c;
		env.target = &targets[t];
		for (size_t ch = 0; ch <= targets[t].nchannels; ch++) {
			env.channel = ch < targets[t].nchannels ? &targets[t].channels[ch] : NULL;
			enum tri r = expr_eval(e, &env);
			FUZZ_CHECK(r == TRI_TRUE || r == TRI_FALSE || r == TRI_UNKNOWN, "a tri-state result");
			strbuf_reset(&sb);
			expr_explain(e, &env, &sb);
			strbuf_reset(&sb);
			expr_explain_require(e, &env, &sb);
			strbuf_reset(&sb);
			expr_describe_for(e, &targets[t], &sb);
		}
	}
out:
	strbuf_release(&sb);
	arena_release(&a);
	free(text);
	return 0;
}
