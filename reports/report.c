#include "report.h"

#include <string.h>

#include "../auditor/banned.h"

static const struct report_writer writers[] = {
	{ REPORT_TEXT, "text", report_text_write },
	{ REPORT_JSON, "json", report_json_write },
	{ REPORT_JUNIT, "junit", report_junit_write },
	{ REPORT_SARIF, "sarif", report_sarif_write },
};

const struct report_writer *report_writer_find(const char *name)
{
	for (size_t i = 0; i < sizeof(writers) / sizeof(writers[0]); i++)
		if (!strcmp(writers[i].name, name))
			return &writers[i];
	return NULL;
}

const struct report_writer *report_writer_get(enum report_format f)
{
	return &writers[f];
}

int report_write(enum report_format f, const struct audit_result *r,
		 const struct report_options *o, FILE *fp)
{
	return writers[f].write(r, o, fp);
}

struct write_ctx {
	enum report_format f;
	const struct audit_result *r;
	const struct report_options *o;
};

static int write_cb(void *ctx, void *fp)
{
	struct write_ctx *c = ctx;
	return report_write(c->f, c->r, c->o, fp);
}

int report_write_file(enum report_format f, const struct audit_result *r,
		      const struct report_options *o, const char *path)
{
	struct write_ctx c = { f, r, o };
	return write_file_atomic(path, write_cb, &c);
}
