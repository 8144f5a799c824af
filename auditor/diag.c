#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

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

/* One line, built whole and written with one call (concurrent writers do not interleave). */
static void diag_write(FILE *fp, enum diag_level level, const char *file, unsigned line, const char *message)
{
	struct strbuf sb = { 0 };
	strbuf_addstr(&sb, "crashsafe: ");
	if (file) {
		strbuf_add_escaped(&sb, file, strlen(file), NULL);
		if (line)
			strbuf_addf(&sb, ":%u", line);
		strbuf_addstr(&sb, ": ");
	}
	strbuf_addstr(&sb, diag_level_names[level]);
	strbuf_addstr(&sb, ": ");
	strbuf_add_escaped(&sb, message, strlen(message), NULL);
	strbuf_addch(&sb, '\n');
	fwrite(sb.buf, 1, sb.len, fp);
	strbuf_release(&sb);
}

void diag_print_one(const struct diag *d, FILE *fp)
{
	diag_write(fp, d->level, d->file, d->line, d->message);
}

void diag_print(const struct diag_list *l, FILE *fp)
{
	for (size_t i = 0; i < l->n; i++)
		diag_print_one(&l->items[i], fp);
}

void diag_vemit(enum diag_level level, const char *file, unsigned line, const char *fmt, va_list ap)
{
	char *msg = xvasprintf(fmt, ap);
	diag_write(stderr, level, file, line, msg);
	free(msg);
}

void diag_emit(enum diag_level level, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vemit(level, file, line, fmt, ap);
	va_end(ap);
}
