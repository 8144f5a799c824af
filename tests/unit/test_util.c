/*
 * test_util.c - the shared helpers of util.h and diag.h: terminal-safe
 * escaping and the diagnostics that use it.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "diag.h"
#include "util.h"

static char *esc(const char *s, size_t n, const char *indent)
{
	struct strbuf sb = { 0 };
	strbuf_add_escaped(&sb, s, n, indent);
	return strbuf_detach(&sb);
}

static void test_escape(void)
{
	static const struct {
		const char *in;
		const char *want;
		const char *name;
	} cases[] = {
		{ "plain text, a\\backslash", "plain text, a\\backslash", "printable ASCII is copied" },
		{ "a\x1b[2Jb", "a\\x1b[2Jb", "ESC is escaped" },
		{ "\x1b]0;title\x07", "\\x1b]0;title\\x07", "OSC and BEL are escaped" },
		{ "line\nfake", "line\\nfake", "a newline cannot fake a line" },
		{ "cr\rover", "cr\\x0dover", "a carriage return cannot overwrite the line" },
		{ "tab\there", "tab\\there", "tab" },
		{ "del\x7f", "del\\x7f", "DEL" },
		{ "c1 \xc2\x9b[2J", "c1 \\u009b[2J", "a C1 control in UTF-8 (U+009B CSI)" },
		{ "raw \x9b[2J", "raw \\x9b[2J", "the 8-bit CSI byte alone (not UTF-8)" },
		{ "bidi \xe2\x80\xae txt", "bidi \\u202e txt", "a bidi override (U+202E)" },
		{ "iso \xe2\x81\xa6x", "iso \\u2066x", "a bidi isolate (U+2066)" },
		{ "ls \xe2\x80\xa8 ps \xe2\x80\xa9", "ls \\u2028 ps \\u2029", "line and paragraph separators" },
		{ "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80",
		  "well-formed UTF-8 is copied" },
		{ "overlong \xc0\xaf", "overlong \\xc0\\xaf", "an overlong form is escaped byte by byte" },
		{ "surrogate \xed\xa0\x80", "surrogate \\xed\\xa0\\x80", "an encoded surrogate is escaped" },
		{ "cut \xe6\x97", "cut \\xe6\\x97", "a sequence cut short is escaped" },
		{ "nbsp \xc2\xa0", "nbsp \xc2\xa0", "U+00A0 is printable" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = esc(cases[i].in, strlen(cases[i].in), NULL);
		is_str(got, cases[i].want, cases[i].name);
		free(got);
	}
	char *got = esc("a\0b", 3, NULL);
	is_str(got, "a\\x00b", "a NUL byte inside the text is escaped");
	free(got);
	got = esc("one\ntwo\x1b", 8, "    ");
	is_str(got, "one\n    two\\x1b", "with an indent, a newline is kept and indented; the rest still escaped");
	free(got);
}

static void test_diag_print(void)
{
	struct diag_list l;
	diag_list_init(&l);
	diag_add(&l, DIAG_ERROR, "evil\n\x1b[2J.cnf", 3, "value '%s' is bad", "x\x1b]0;t\x07");
	diag_add(&l, DIAG_NOTE, NULL, 0, "no file");
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	diag_print(&l, fp);
	fclose(fp);
	is_str(buf, "crashsafe: evil\\n\\x1b[2J.cnf:3: error: value 'x\\x1b]0;t\\x07' is bad\n"
		    "crashsafe: note: no file\n",
	       "diag_print escapes the file name and the message, one line each");
	free(buf);
	diag_list_release(&l);
}

int main(void)
{
	test_escape();
	test_diag_print();
	return done_testing();
}
