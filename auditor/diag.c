#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>

#include "util.h"
#include "banned.h"

static const char *const diag_level_names[] = {
	[DIAG_NOTE] = "note",
	[DIAG_WARNING] = "warning",
	[DIAG_ERROR] = "error",
};

void diag_list_init(struct diag_list *l)
{
	l->items = NULL;
	l->n = l->cap = 0;
}

void diag_list_release(struct diag_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].file);
		free(l->items[i].message);
	}
	free(l->items);
	diag_list_init(l);
}

void diag_add(struct diag_list *l, enum diag_level level, const char *file, unsigned line,
	      const char *fmt, ...)
{
	va_list ap;
	ARRAY_GROW(l->items, l->n + 1, l->cap);
	struct diag *d = &l->items[l->n++];
	d->level = level;
	d->file = file ? xstrdup(file) : NULL;
	d->line = line;
	va_start(ap, fmt);
	d->message = xvasprintf(fmt, ap);
	va_end(ap);
}

size_t diag_count(const struct diag_list *l, enum diag_level level)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].level >= level)
			n++;
	return n;
}

const char *diag_level_name(enum diag_level level)
{
	return diag_level_names[level];
}

void diag_print_one(const struct diag *d, FILE *fp)
{
	fputs("crashsafe: ", fp);
	if (d->file && d->line)
		fprintf(fp, "%s:%u: ", d->file, d->line);
	else if (d->file)
		fprintf(fp, "%s: ", d->file);
	fprintf(fp, "%s: %s\n", diag_level_names[d->level], d->message);
}

void diag_print(const struct diag_list *l, FILE *fp)
{
	for (size_t i = 0; i < l->n; i++)
		diag_print_one(&l->items[i], fp);
}
