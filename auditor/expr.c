/*
 * expr.c - the rule condition language: a small recursive-descent parser, a
 * binder that types literals by the catalog, and a three-valued evaluator.
 */
#include "expr.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

const char *tri_name(enum tri t)
{
	static const char *const names[] = {
		[TRI_FALSE] = "false", [TRI_TRUE] = "true", [TRI_UNKNOWN] = "unknown",
	};
	return names[t];
}

/* ---- lexer ------------------------------------------------------------ */

enum tok_kind {
	TOK_END, TOK_LPAREN, TOK_RPAREN, TOK_COMMA, TOK_AND, TOK_OR, TOK_NOT,
	TOK_EQ, TOK_NE, TOK_LT, TOK_LE, TOK_GT, TOK_GE,
	TOK_WORD, TOK_NUMBER, TOK_STRING, TOK_BAD,
};

struct token {
	enum tok_kind kind;
	const char *start;  /* in the source text */
	size_t len;
	unsigned column;
};

struct parser {
	struct arena *arena;
	const char *text;
	const char *p;
	struct token tok;
	struct expr_error *err;
	int failed;
	int depth;
};

#define EXPR_MAX_DEPTH 64

static int is_word_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_word_char(int c)
{
	return is_word_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static void parse_fail(struct parser *ps, unsigned column, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void parse_fail(struct parser *ps, unsigned column, const char *fmt, ...)
{
	if (ps->failed)
		return;
	ps->failed = 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ps->err->message, sizeof(ps->err->message), fmt, ap);
	va_end(ap);
	ps->err->column = column;
}

static void lex(struct parser *ps)
{
	const char *p = ps->p;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	struct token *t = &ps->tok;
	t->start = p;
	t->column = (unsigned)(p - ps->text) + 1;
	t->len = 1;
	switch (*p) {
	case '\0': t->kind = TOK_END; t->len = 0; break;
	case '(': t->kind = TOK_LPAREN; break;
	case ')': t->kind = TOK_RPAREN; break;
	case ',': t->kind = TOK_COMMA; break;
	case '&':
		t->kind = p[1] == '&' ? TOK_AND : TOK_BAD;
		t->len = p[1] == '&' ? 2 : 1;
		break;
	case '|':
		t->kind = p[1] == '|' ? TOK_OR : TOK_BAD;
		t->len = p[1] == '|' ? 2 : 1;
		break;
	case '!':
		if (p[1] == '=') {
			t->kind = TOK_NE;
			t->len = 2;
		} else {
			t->kind = TOK_NOT;
		}
		break;
	case '=':
		t->kind = p[1] == '=' ? TOK_EQ : TOK_BAD;
		t->len = p[1] == '=' ? 2 : 1;
		break;
	case '<':
		t->kind = p[1] == '=' ? TOK_LE : TOK_LT;
		t->len = p[1] == '=' ? 2 : 1;
		break;
	case '>':
		t->kind = p[1] == '=' ? TOK_GE : TOK_GT;
		t->len = p[1] == '=' ? 2 : 1;
		break;
	case '"':
	case '\'': {
		char q = *p;
		const char *e = p + 1;
		while (*e && *e != q)
			e++;
		if (!*e) {
			t->kind = TOK_BAD;
			t->len = (size_t)(e - p);
			parse_fail(ps, t->column, "unterminated string");
			break;
		}
		t->kind = TOK_STRING;
		t->len = (size_t)(e - p) + 1;
		break;
	}
	default:
		if (is_word_start((unsigned char)*p) || is_digit((unsigned char)*p)) {
			const char *e = p;
			while (is_word_char((unsigned char)*e) || *e == '+')
				e++;
			t->kind = is_digit((unsigned char)*p) ? TOK_NUMBER : TOK_WORD;
			t->len = (size_t)(e - p);
		} else {
			t->kind = TOK_BAD;
		}
		break;
	}
	ps->p = p + t->len;
}

static int tok_is(const struct token *t, const char *word)
{
	return t->kind == TOK_WORD && strlen(word) == t->len && !strncmp(t->start, word, t->len);
}

static void describe_token(const struct token *t, char *buf, size_t size)
{
	if (t->kind == TOK_END)
		snprintf(buf, size, "end of condition");
	else
		snprintf(buf, size, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), t->start);
}

static void expect_fail(struct parser *ps, const char *what)
{
	char found[64];
	describe_token(&ps->tok, found, sizeof(found));
	if (ps->tok.kind == TOK_BAD && ps->tok.len == 1 && *ps->tok.start == '=')
		parse_fail(ps, ps->tok.column, "expected %s but found '=' (use '==' to compare)", what);
	else
		parse_fail(ps, ps->tok.column, "expected %s but found %s", what, found);
}

static struct expr *node_new(struct parser *ps, enum expr_kind kind, unsigned column)
{
	struct expr *e = arena_alloc(ps->arena, sizeof(*e));
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->column = column;
	return e;
}

static struct expr *parse_or(struct parser *ps);

static int parse_literal(struct parser *ps, struct expr_literal *lit)
{
	const struct token *t = &ps->tok;
	memset(lit, 0, sizeof(*lit));
	if (t->kind == TOK_WORD || t->kind == TOK_NUMBER) {
		lit->text = arena_strndup(ps->arena, t->start, t->len);
	} else if (t->kind == TOK_STRING) {
		lit->text = arena_strndup(ps->arena, t->start + 1, t->len - 2);
		lit->quoted = 1;
	} else {
		expect_fail(ps, "a value (a word, a number or a \"quoted string\")");
		return -1;
	}
	lex(ps);
	return 0;
}

static const struct {
	enum tok_kind tok;
	enum expr_cmp cmp;
} cmp_tokens[] = {
	{ TOK_EQ, EXPR_EQ }, { TOK_NE, EXPR_NE }, { TOK_LT, EXPR_LT },
	{ TOK_LE, EXPR_LE }, { TOK_GT, EXPR_GT }, { TOK_GE, EXPR_GE },
};

/* IDENT OP LITERAL, the operator (a comparison token or "has") being the current token. */
static struct expr *parse_cmp(struct parser *ps, const char *ident, unsigned column, enum expr_cmp cmp)
{
	struct expr *e = node_new(ps, EXPR_CMP, column);
	e->cmp = cmp;
	e->ident = ident;
	lex(ps);
	e->lits = arena_alloc(ps->arena, sizeof(*e->lits));
	e->nlits = 1;
	if (parse_literal(ps, &e->lits[0]))
		return NULL;
	return e;
}

static struct expr *parse_after_ident(struct parser *ps, const char *ident, unsigned column)
{
	for (size_t i = 0; i < ARRAY_SIZE(cmp_tokens); i++)
		if (ps->tok.kind == cmp_tokens[i].tok)
			return parse_cmp(ps, ident, column, cmp_tokens[i].cmp);
	if (tok_is(&ps->tok, "has"))
		return parse_cmp(ps, ident, column, EXPR_HAS);
	if (tok_is(&ps->tok, "in")) {
		struct expr *e = node_new(ps, EXPR_IN, column);
		e->ident = ident;
		lex(ps);
		if (ps->tok.kind != TOK_LPAREN) {
			expect_fail(ps, "'(' after 'in'");
			return NULL;
		}
		lex(ps);
		struct expr_literal *lits = NULL;
		size_t n = 0, cap = 0;
		for (;;) {
			struct expr_literal lit;
			if (parse_literal(ps, &lit)) {
				free(lits);
				return NULL;
			}
			ARRAY_GROW(lits, n + 1, cap);
			lits[n++] = lit;
			if (ps->tok.kind == TOK_COMMA) {
				lex(ps);
				continue;
			}
			if (ps->tok.kind == TOK_RPAREN) {
				lex(ps);
				break;
			}
			free(lits);
			expect_fail(ps, "',' or ')' in the 'in' list");
			return NULL;
		}
		e->lits = arena_alloc(ps->arena, n * sizeof(*lits));
		memcpy(e->lits, lits, n * sizeof(*lits));
		e->nlits = n;
		free(lits);
		return e;
	}
	struct expr *e = node_new(ps, EXPR_TRUTH, column);
	e->ident = ident;
	return e;
}

static struct expr *parse_primary(struct parser *ps)
{
	struct token t = ps->tok;
	if (t.kind == TOK_LPAREN) {
		lex(ps);
		struct expr *e = parse_or(ps);
		if (!e)
			return NULL;
		if (ps->tok.kind != TOK_RPAREN) {
			expect_fail(ps, "')'");
			return NULL;
		}
		lex(ps);
		return e;
	}
	if (t.kind != TOK_WORD) {
		expect_fail(ps, "a condition");
		return NULL;
	}
	if (tok_is(&t, "true") || tok_is(&t, "false")) {
		struct expr *e = node_new(ps, EXPR_CONST, t.column);
		e->value = tok_is(&t, "true");
		lex(ps);
		return e;
	}
	lex(ps);
	if ((tok_is(&t, "defined") || tok_is(&t, "isset")) && ps->tok.kind == TOK_LPAREN) {
		struct expr *e = node_new(ps, tok_is(&t, "defined") ? EXPR_DEFINED : EXPR_ISSET, t.column);
		lex(ps);
		if (ps->tok.kind != TOK_WORD) {
			expect_fail(ps, "a variable name");
			return NULL;
		}
		e->ident = arena_strndup(ps->arena, ps->tok.start, ps->tok.len);
		lex(ps);
		if (ps->tok.kind != TOK_RPAREN) {
			expect_fail(ps, "')'");
			return NULL;
		}
		lex(ps);
		return e;
	}
	if (tok_is(&t, "in")) {
		parse_fail(ps, t.column, "expected a condition but found 'in'");
		return NULL;
	}
	return parse_after_ident(ps, arena_strndup(ps->arena, t.start, t.len), t.column);
}

static struct expr *parse_unary(struct parser *ps)
{
	if (ps->tok.kind == TOK_NOT) {
		unsigned column = ps->tok.column;
		if (++ps->depth > EXPR_MAX_DEPTH) {
			parse_fail(ps, column, "condition nested too deeply");
			return NULL;
		}
		lex(ps);
		struct expr *inner = parse_unary(ps);
		ps->depth--;
		if (!inner)
			return NULL;
		struct expr *e = node_new(ps, EXPR_NOT, column);
		e->left = inner;
		return e;
	}
	if (ps->tok.kind == TOK_LPAREN) {
		if (++ps->depth > EXPR_MAX_DEPTH) {
			parse_fail(ps, ps->tok.column, "condition nested too deeply");
			return NULL;
		}
		struct expr *e = parse_primary(ps);
		ps->depth--;
		return e;
	}
	return parse_primary(ps);
}

/*
 * The binary operators, loosest first: "or" binds less tightly than "and".
 * Each level is a left-associative chain of the next tighter level.
 */
static const struct {
	enum tok_kind tok;
	enum expr_kind kind;
} parse_binary_levels[] = {
	{ TOK_OR, EXPR_OR },
	{ TOK_AND, EXPR_AND },
};

static struct expr *parse_binary(struct parser *ps, size_t level)
{
	if (level == ARRAY_SIZE(parse_binary_levels))
		return parse_unary(ps);
	struct expr *l = parse_binary(ps, level + 1);
	while (l && ps->tok.kind == parse_binary_levels[level].tok) {
		unsigned column = ps->tok.column;
		lex(ps);
		struct expr *r = parse_binary(ps, level + 1);
		if (!r)
			return NULL;
		struct expr *e = node_new(ps, parse_binary_levels[level].kind, column);
		e->left = l;
		e->right = r;
		l = e;
	}
	return l;
}

static struct expr *parse_or(struct parser *ps)
{
	return parse_binary(ps, 0);
}

struct expr *expr_parse(struct arena *a, const char *text, struct expr_error *err)
{
	struct parser ps = { .arena = a, .text = text, .p = text, .err = err };
	memset(err, 0, sizeof(*err));
	lex(&ps);
	if (ps.tok.kind == TOK_END) {
		parse_fail(&ps, 1, "empty condition");
		return NULL;
	}
	struct expr *e = parse_or(&ps);
	if (e && !ps.failed && ps.tok.kind != TOK_END) {
		char found[64];
		describe_token(&ps.tok, found, sizeof(found));
		if (ps.tok.kind == TOK_BAD && *ps.tok.start == '=')
			parse_fail(&ps, ps.tok.column, "unexpected '=' (use '==' to compare)");
		else if (ps.tok.kind == TOK_BAD && (*ps.tok.start == '&' || *ps.tok.start == '|'))
			parse_fail(&ps, ps.tok.column, "unexpected %s (use '&&' or '||')", found);
		else
			parse_fail(&ps, ps.tok.column, "expected '&&', '||' or the end but found %s", found);
	}
	if (ps.failed)
		return NULL;
	return e;
}

/* ---- binding ---------------------------------------------------------- */

static const struct {
	const char *name;
	enum expr_ref ref;
} keywords[] = {
	{ "role", EXPR_REF_ROLE },
	{ "flavor", EXPR_REF_FLAVOR },
	{ "version", EXPR_REF_VERSION },
	{ "kind", EXPR_REF_KIND },
	{ "cluster", EXPR_REF_CLUSTER },
	{ "channel.name", EXPR_REF_CHANNEL_NAME },
	{ "channel.auto_position", EXPR_REF_CHANNEL_AUTO_POSITION },
	{ "channel.using_gtid", EXPR_REF_CHANNEL_USING_GTID },
	{ "channel.io_running", EXPR_REF_CHANNEL_IO_RUNNING },
	{ "channel.sql_running", EXPR_REF_CHANNEL_SQL_RUNNING },
	{ "channel.source_host", EXPR_REF_CHANNEL_SOURCE_HOST },
	{ "channel.last_io_errno", EXPR_REF_CHANNEL_LAST_IO_ERRNO },
	{ "channel.last_io_error", EXPR_REF_CHANNEL_LAST_IO_ERROR },
	{ "channel.last_sql_errno", EXPR_REF_CHANNEL_LAST_SQL_ERRNO },
	{ "channel.last_sql_error", EXPR_REF_CHANNEL_LAST_SQL_ERROR },
	{ "channel.skip_counter", EXPR_REF_CHANNEL_SKIP_COUNTER },
	{ "channel.source_server_id", EXPR_REF_CHANNEL_SOURCE_SERVER_ID },
	{ "channel.source_uuid", EXPR_REF_CHANNEL_SOURCE_UUID },
	{ "channel.source", EXPR_REF_CHANNEL_SOURCE },
	{ "channel.problem", EXPR_REF_CHANNEL_PROBLEM },
};

/* Where each channel field lives in struct settings_channel (all strings). */
static const size_t channel_field_offset[] = {
	[EXPR_REF_CHANNEL_NAME] = offsetof(struct settings_channel, name),
	[EXPR_REF_CHANNEL_AUTO_POSITION] = offsetof(struct settings_channel, auto_position),
	[EXPR_REF_CHANNEL_USING_GTID] = offsetof(struct settings_channel, using_gtid),
	[EXPR_REF_CHANNEL_IO_RUNNING] = offsetof(struct settings_channel, io_running),
	[EXPR_REF_CHANNEL_SQL_RUNNING] = offsetof(struct settings_channel, sql_running),
	[EXPR_REF_CHANNEL_SOURCE_HOST] = offsetof(struct settings_channel, source_host),
	[EXPR_REF_CHANNEL_LAST_IO_ERRNO] = offsetof(struct settings_channel, last_io_errno),
	[EXPR_REF_CHANNEL_LAST_IO_ERROR] = offsetof(struct settings_channel, last_io_error),
	[EXPR_REF_CHANNEL_LAST_SQL_ERRNO] = offsetof(struct settings_channel, last_sql_errno),
	[EXPR_REF_CHANNEL_LAST_SQL_ERROR] = offsetof(struct settings_channel, last_sql_error),
	[EXPR_REF_CHANNEL_SKIP_COUNTER] = offsetof(struct settings_channel, skip_counter),
	[EXPR_REF_CHANNEL_SOURCE_SERVER_ID] = offsetof(struct settings_channel, source_server_id),
	[EXPR_REF_CHANNEL_SOURCE_UUID] = offsetof(struct settings_channel, source_uuid),
	[EXPR_REF_CHANNEL_SOURCE] = offsetof(struct settings_channel, source_target),
	[EXPR_REF_CHANNEL_PROBLEM] = offsetof(struct settings_channel, problem),
};

int expr_ref_is_channel(enum expr_ref r)
{
	return r >= EXPR_REF_CHANNEL_NAME && r <= EXPR_REF_CHANNEL_PROBLEM;
}

static int ref_is_channel(enum expr_ref r)
{
	return expr_ref_is_channel(r);
}

#define SOURCE_PREFIX "source."
#define TOPOLOGY_PREFIX "topology."

static enum expr_ref resolve_ident(const char *ident, const struct catalog *c,
				   const struct catalog_var **var)
{
	*var = NULL;
	/* the first byte first: rules and topology look names up per target (issue 13) */
	for (size_t i = 0; i < ARRAY_SIZE(keywords); i++)
		if (ident[0] == keywords[i].name[0] && !strcmp(ident, keywords[i].name))
			return keywords[i].ref;
	if (!strncmp(ident, "channel.", 8))
		return EXPR_REF_NONE;   /* an unknown channel field */
	if (!strncmp(ident, SOURCE_PREFIX, strlen(SOURCE_PREFIX)) && ident[strlen(SOURCE_PREFIX)])
		return EXPR_REF_SOURCE;
	if (c) {
		*var = catalog_lookup(c, ident);
		if (*var)
			return EXPR_REF_VAR;
	}
	return EXPR_REF_FACT;
}

static const char *const role_words[] = { "any", "primary", "replica" };
static const char *const flavor_words[] = { "mysql", "percona", "mariadb" };
static const char *const kind_words[] = { "file", "snapshot", "live" };

static int word_in(const char *w, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!ascii_strcasecmp(w, list[i]))
			return 1;
	return 0;
}

static const char *type_name(enum catalog_type t)
{
	static const char *const names[] = {
		[CATALOG_STRING] = "a string", [CATALOG_BOOL] = "a boolean",
		[CATALOG_UINT] = "a number", [CATALOG_ENUM] = "an enumeration",
	};
	return names[t];
}

/*
 * An unsigned number as the server reads it, with an optional K, M, G, T, P
 * or E suffix (x1024^n, any case). Returns 0, or -1 when s is not one.
 */
static int parse_uint_suffix(const char *s, unsigned long long *out)
{
	static const char suffixes[] = "KMGTPE";
	unsigned long long v = 0;
	const char *p = s;
	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p - '0');
		if (v > (~0ULL - d) / 10)
			return -1;
		v = v * 10 + d;
		p++;
	}
	if (*p) {
		const char *q = strchr(suffixes, *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
		if (!q || p[1])
			return -1;
		for (long i = 0; i <= q - suffixes; i++) {
			if (v > ~0ULL / 1024)
				return -1;
			v *= 1024;
		}
	}
	*out = v;
	return 0;
}

static int bind_literal(struct expr *e, struct expr_literal *lit, struct arena *a, struct strbuf *err)
{
	switch (e->ref) {
	case EXPR_REF_ROLE:
		if (!word_in(lit->text, role_words, ARRAY_SIZE(role_words))) {
			strbuf_addf(err, "role is one of any, primary, replica, not '%s'", lit->text);
			return -1;
		}
		return 0;
	case EXPR_REF_FLAVOR:
		if (!word_in(lit->text, flavor_words, ARRAY_SIZE(flavor_words))) {
			strbuf_addf(err, "flavor is one of mysql, percona, mariadb, not '%s'", lit->text);
			return -1;
		}
		return 0;
	case EXPR_REF_KIND:
		if (!word_in(lit->text, kind_words, ARRAY_SIZE(kind_words))) {
			strbuf_addf(err, "kind is one of file, snapshot, live, not '%s'", lit->text);
			return -1;
		}
		return 0;
	case EXPR_REF_VERSION: {
		struct version v;
		if (version_parse(&v, lit->text)) {
			strbuf_addf(err, "'%s' is not a version (X.Y or X.Y.Z)", lit->text);
			return -1;
		}
		return 0;
	}
	case EXPR_REF_VAR: {
		if (e->var->type == CATALOG_STRING)
			return 0;
		if (e->kind == EXPR_CMP && e->cmp != EXPR_EQ && e->cmp != EXPR_NE &&
		    e->var->type != CATALOG_UINT) {
			strbuf_addf(err, "'%s' is %s: only == and != compare it", e->var->name,
				    type_name(e->var->type));
			return -1;
		}
		if (e->var->type == CATALOG_UINT) {
			unsigned long long n;
			if (parse_uint_suffix(lit->text, &n)) {
				strbuf_addf(err, "'%s' is not a number (digits with an optional K, M, G suffix) for %s",
					    lit->text, e->var->name);
				return -1;
			}
			lit->norm = arena_printf(a, "%llu", n);
			return 0;
		}
		char *out = NULL;
		const char *why = NULL;
		if (catalog_normalize(e->var, lit->text, &out, &why)) {
			strbuf_addf(err, "'%s' is not a value of %s (%s): %s", lit->text, e->var->name,
				    type_name(e->var->type), why ? why : "refused");
			free(out);
			return -1;
		}
		lit->norm = arena_strdup(a, out);
		free(out);
		return 0;
	}
	default:
		return 0;
	}
}

/* A bare identifier node for name, as the parser would make it. */
static struct expr *ident_node(struct arena *a, const char *name, unsigned column)
{
	struct expr *x = arena_alloc(a, sizeof(*x));
	memset(x, 0, sizeof(*x));
	x->kind = EXPR_TRUTH;
	x->ident = arena_strdup(a, name);
	x->column = column;
	return x;
}

static int bind_node(struct expr *e, struct arena *a, const struct catalog *c, unsigned allow,
		     struct strbuf *err);

/* An unquoted value naming source.X or topology.X: bind it as a reference (EXPR_ALLOW_REFS). */
static int bind_reference(struct expr *e, struct expr_literal *lit, struct arena *a, const struct catalog *c,
			  unsigned allow, struct strbuf *err)
{
	int is_source = !strncmp(lit->text, SOURCE_PREFIX, strlen(SOURCE_PREFIX));
	int is_topology = !strncmp(lit->text, TOPOLOGY_PREFIX, strlen(TOPOLOGY_PREFIX));
	if (lit->quoted || (!is_source && !is_topology))
		return 0;
	if (!(allow & EXPR_ALLOW_REFS) || (is_source && !(allow & EXPR_ALLOW_SOURCE))) {
		strbuf_addf(err, "'%s' as a value is only known in a rule with 'scope = %s'", lit->text,
			    is_source ? "link" : "topology' or 'scope = link");
		return -1;
	}
	if (e->kind == EXPR_CMP && e->cmp == EXPR_HAS) {
		strbuf_addf(err, "'has' takes a word, not '%s'", lit->text);
		return -1;
	}
	lit->ref = ident_node(a, lit->text, e->column);
	return bind_node(lit->ref, a, c, allow & ~(unsigned)EXPR_ALLOW_REFS, err);
}

/* The comparisons a left side allows, for a value that is a reference (its type is known only when evaluated). */
static int bind_reference_op(const struct expr *e, struct strbuf *err)
{
	const struct expr *id = e->ref == EXPR_REF_SOURCE ? e->sub : e;
	if (e->kind != EXPR_CMP || e->cmp == EXPR_EQ || e->cmp == EXPR_NE)
		return 0;
	if (id->ref == EXPR_REF_VAR && id->var->type != CATALOG_UINT && id->var->type != CATALOG_STRING) {
		strbuf_addf(err, "'%s' is %s: only == and != compare it", id->var->name, type_name(id->var->type));
		return -1;
	}
	return 0;
}

static int bind_node(struct expr *e, struct arena *a, const struct catalog *c, unsigned allow,
		     struct strbuf *err)
{
	switch (e->kind) {
	case EXPR_CONST:
		return 0;
	case EXPR_NOT:
		return bind_node(e->left, a, c, allow, err);
	case EXPR_AND:
	case EXPR_OR:
		if (bind_node(e->left, a, c, allow, err))
			return -1;
		return bind_node(e->right, a, c, allow, err);
	default:
		break;
	}
	e->ref = resolve_ident(e->ident, c, &e->var);
	if (e->ref == EXPR_REF_NONE) {
		strbuf_addf(err, "unknown channel field '%s' (channel.name, channel.auto_position, "
			    "channel.using_gtid, channel.io_running, channel.sql_running, "
			    "channel.source_host, channel.last_io_errno, channel.last_io_error, "
			    "channel.last_sql_errno, channel.last_sql_error, channel.skip_counter, "
			    "channel.source_server_id, channel.source_uuid, channel.source, channel.problem)",
			    e->ident);
		return -1;
	}
	if (ref_is_channel(e->ref) && !(allow & EXPR_ALLOW_CHANNEL)) {
		strbuf_addf(err, "'%s' is only known in a rule with 'scope = channel' or 'scope = link'", e->ident);
		return -1;
	}
	if (e->ref == EXPR_REF_SOURCE) {
		if (!(allow & EXPR_ALLOW_SOURCE)) {
			strbuf_addf(err, "'%s' is only known in a rule with 'scope = link'", e->ident);
			return -1;
		}
		/* NAME bound as a bare identifier of the source; e keeps the comparison */
		e->sub = ident_node(a, e->ident + strlen(SOURCE_PREFIX), e->column);
		if (bind_node(e->sub, a, c, 0, err))
			return -1;
		if (e->sub->ref == EXPR_REF_SOURCE) {
			strbuf_addf(err, "'%s': a source's source is not known", e->ident);
			return -1;
		}
		e->var = e->sub->var;
	}
	if (e->kind == EXPR_CMP && e->cmp == EXPR_HAS) {
		const struct expr *id = e->ref == EXPR_REF_SOURCE ? e->sub : e;
		if (id->ref != EXPR_REF_FACT && !ref_is_channel(id->ref) &&
		    !(id->ref == EXPR_REF_VAR && id->var->type == CATALOG_STRING)) {
			strbuf_addf(err, "'has' reads a comma-separated list: '%s' is not a text value", e->ident);
			return -1;
		}
	}
	if (e->kind == EXPR_ISSET && e->ref != EXPR_REF_VAR && e->ref != EXPR_REF_FACT) {
		strbuf_addf(err, "isset() takes a variable, not '%s'", e->ident);
		return -1;
	}
	if (e->kind == EXPR_CMP && e->cmp != EXPR_EQ && e->cmp != EXPR_NE &&
	    (e->ref == EXPR_REF_ROLE || e->ref == EXPR_REF_FLAVOR || e->ref == EXPR_REF_KIND)) {
		strbuf_addf(err, "'%s' compares only with == and != (or 'in')", e->ident);
		return -1;
	}
	for (size_t i = 0; i < e->nlits; i++) {
		if (bind_reference(e, &e->lits[i], a, c, allow, err))
			return -1;
		if (e->lits[i].ref) {
			if (bind_reference_op(e, err))
				return -1;
			continue;
		}
		if (e->ref == EXPR_REF_SOURCE) {
			/* type the literal by NAME */
			struct expr typed = *e->sub;
			typed.kind = e->kind;
			typed.cmp = e->cmp;
			if (bind_literal(&typed, &e->lits[i], a, err))
				return -1;
			continue;
		}
		if (e->kind == EXPR_CMP && e->cmp == EXPR_HAS)
			continue;
		if (bind_literal(e, &e->lits[i], a, err))
			return -1;
	}
	return 0;
}

int expr_bind(struct expr *e, struct arena *a, const struct catalog *c, int allow_channel,
	      struct strbuf *err)
{
	return bind_node(e, a, c, allow_channel ? EXPR_ALLOW_CHANNEL : 0, err);
}

int expr_bind_scope(struct expr *e, struct arena *a, const struct catalog *c, unsigned allow,
		    struct strbuf *err)
{
	return bind_node(e, a, c, allow, err);
}

/* ---- values ----------------------------------------------------------- */

/* The target's "MySQL 8.4", from the cache when the caller filled one. */
static const char *env_display(const struct expr_env *env, char *buf, size_t size)
{
	if (env->display)
		return env->display;
	expr_target_display(env->target, buf, size);
	return buf;
}

/* Append t at *at in buf[size], truncated as snprintf would. */
static void display_put(char *buf, size_t size, size_t *at, const char *t)
{
	size_t n = strlen(t);
	if (*at + 1 >= size)
		return;
	if (n > size - 1 - *at)
		n = size - 1 - *at;
	memcpy(buf + *at, t, n);
	*at += n;
	buf[*at] = '\0';
}

void expr_target_display(const struct settings *s, char *buf, size_t size)
{
	/* Without printf: once per finding explained (issue 13). */
	char v[32];
	size_t at = 0;
	if (!size)
		return;
	buf[0] = '\0';
	display_put(buf, size, &at, flavor_build_display(s->flavor, s->variant));
	if (!version_is_known(&s->version)) {
		display_put(buf, size, &at, " (version unknown)");
	} else {
		display_put(buf, size, &at, " ");
		display_put(buf, size, &at, version_format(&s->version, v, sizeof(v)));
	}
}

enum tri expr_var_exists(const struct catalog_var *v, const struct settings *s)
{
	if (s->flavor == FLAVOR_UNKNOWN || !version_is_known(&s->version)) {
		/* the catalog cannot say; a value the server itself reported can */
		const struct settings_var *sv = settings_get(s, v->name);
		if (sv && sv->current.value && sv->current.origin.source != SETTINGS_SRC_DEFAULT)
			return TRI_TRUE;
		return TRI_UNKNOWN;
	}
	return catalog_exists_build(v, s->flavor, s->variant, &s->version) ? TRI_TRUE : TRI_FALSE;
}

/*
 * The cluster a target belongs to: the collector's answer, else for a node
 * with wsrep_on=ON the wsrep_cluster_name it would join. "" when none.
 */
static const char *target_cluster(const struct expr_env *env)
{
	const struct settings *s = env->target;
	if (s->cluster)
		return s->cluster;
	const struct catalog_var *on = env->catalog ? catalog_lookup(env->catalog, "wsrep_on") : NULL;
	const struct settings_var *sv = settings_get(s, on ? on->name : "wsrep_on");
	if (!sv || !sv->current.value)
		return "";
	const char *v = sv->current.value;
	if (ascii_strcasecmp(v, "ON") && strcmp(v, "1") && ascii_strcasecmp(v, "true"))
		return "";
	const struct catalog_var *name = env->catalog ? catalog_lookup(env->catalog, "wsrep_cluster_name") : NULL;
	sv = settings_get(s, name ? name->name : "wsrep_cluster_name");
	return sv && sv->current.value ? sv->current.value : "";
}

const char *expr_target_cluster(const struct catalog *c, const struct settings *s)
{
	struct expr_env env = { .catalog = c, .target = s };
	return target_cluster(&env);
}

const char *expr_var_display(const struct catalog_var *v, const struct settings *s)
{
	if (!s || !v->naliases || catalog_name_accepted_build(v, v->name, s->flavor, s->variant, &s->version))
		return v->name;
	for (size_t i = 0; i < v->naliases; i++)
		if (catalog_name_accepted_build(v, v->aliases[i], s->flavor, s->variant, &s->version))
			return v->aliases[i];
	return v->name;
}

/*
 * A channel field as the server shows it (SHOW REPLICA STATUS /
 * SHOW ALL SLAVES STATUS columns, performance_schema's AUTO_POSITION), so
 * that a finding reads "AUTO_POSITION is 0", not "channel.auto_position is 0".
 */
static const char *const channel_field_display[] = {
	[EXPR_REF_CHANNEL_NAME - EXPR_REF_CHANNEL_NAME] = "Channel_Name",
	[EXPR_REF_CHANNEL_AUTO_POSITION - EXPR_REF_CHANNEL_NAME] = "AUTO_POSITION",
	[EXPR_REF_CHANNEL_USING_GTID - EXPR_REF_CHANNEL_NAME] = "Using_Gtid",
	[EXPR_REF_CHANNEL_IO_RUNNING - EXPR_REF_CHANNEL_NAME] = "IO_Running",
	[EXPR_REF_CHANNEL_SQL_RUNNING - EXPR_REF_CHANNEL_NAME] = "SQL_Running",
	[EXPR_REF_CHANNEL_SOURCE_HOST - EXPR_REF_CHANNEL_NAME] = "Source_Host",
	/* issue 12: the columns as SHOW REPLICA STATUS names them (MariaDB: Master_Server_Id...) */
	[EXPR_REF_CHANNEL_LAST_IO_ERRNO - EXPR_REF_CHANNEL_NAME] = "Last_IO_Errno",
	[EXPR_REF_CHANNEL_LAST_IO_ERROR - EXPR_REF_CHANNEL_NAME] = "Last_IO_Error",
	[EXPR_REF_CHANNEL_LAST_SQL_ERRNO - EXPR_REF_CHANNEL_NAME] = "Last_SQL_Errno",
	[EXPR_REF_CHANNEL_LAST_SQL_ERROR - EXPR_REF_CHANNEL_NAME] = "Last_SQL_Error",
	[EXPR_REF_CHANNEL_SKIP_COUNTER - EXPR_REF_CHANNEL_NAME] = "Skip_Counter",
	[EXPR_REF_CHANNEL_SOURCE_SERVER_ID - EXPR_REF_CHANNEL_NAME] = "Source_Server_Id",
	[EXPR_REF_CHANNEL_SOURCE_UUID - EXPR_REF_CHANNEL_NAME] = "Source_UUID",
	/* derived by crashsafe, not columns: said as what they are */
	[EXPR_REF_CHANNEL_SOURCE - EXPR_REF_CHANNEL_NAME] = "the channel's source",
	[EXPR_REF_CHANNEL_PROBLEM - EXPR_REF_CHANNEL_NAME] = "the channel's state",
};
/* every channel field has its display name */
_Static_assert(sizeof(channel_field_display) / sizeof(channel_field_display[0]) ==
		       EXPR_REF_CHANNEL_PROBLEM - EXPR_REF_CHANNEL_NAME + 1,
	       "channel_field_display lists every channel field");

/*
 * Whether catalog variable var exists on env's target, from the engine's
 * per-target cache when there is one (worked out the first time a rule
 * asks, issue 13), else expr_var_exists().
 */
static enum tri env_var_exists(const struct expr_env *env, const struct catalog_var *var)
{
	if (!env->var_exists || !env->catalog || var < env->catalog->vars || var >= env->catalog->vars + env->catalog->n)
		return expr_var_exists(var, env->target);
	signed char *slot = &env->var_exists[var - env->catalog->vars];
	if (*slot == EXPR_EXISTS_UNSET) {
		enum tri e = expr_var_exists(var, env->target);
		*slot = (signed char)(e == TRI_TRUE ? 1 : e == TRI_FALSE ? 0 : -1);
	}
	return *slot > 0 ? TRI_TRUE : *slot == 0 ? TRI_FALSE : TRI_UNKNOWN;
}

enum tri expr_env_var_exists(const struct expr_env *env, const struct catalog_var *var)
{
	return env_var_exists(env, var);
}

/*
 * named: out->name is the name a human reads (a variable as the target
 * spells it, a channel field as the server shows it); 0 when only the value
 * is wanted (evaluation: the spelling costs a catalog walk per variable,
 * issue 13), and name is left as written.
 */
static void value_of_ref(enum expr_ref ref, const struct catalog_var *var, const char *ident,
			 const struct expr_env *env, struct expr_value *out, int named)
{
	const struct settings *s = env->target;
	const struct settings_channel *ch = env->channel;
	/* every field but buf (the version's text), which only EXPR_REF_VERSION writes */
	out->state = EXPR_VALUE_KNOWN;
	out->text = NULL;
	out->sv = NULL;
	out->var = NULL;
	out->name = ident;
	if (named && ref_is_channel(ref))
		out->name = channel_field_display[ref - EXPR_REF_CHANNEL_NAME];
	switch (ref) {
	case EXPR_REF_ROLE:
		out->text = role_name(s->role);
		return;
	case EXPR_REF_FLAVOR:
		if (s->flavor == FLAVOR_UNKNOWN) {
			out->state = EXPR_VALUE_UNKNOWN;
			return;
		}
		out->text = flavor_name(s->flavor);
		return;
	case EXPR_REF_VERSION:
		if (!version_is_known(&s->version)) {
			out->state = EXPR_VALUE_UNKNOWN;
			return;
		}
		out->text = version_format(&s->version, out->buf, sizeof(out->buf));
		return;
	case EXPR_REF_KIND:
		out->text = s->kind ? s->kind : "file";
		return;
	case EXPR_REF_CLUSTER:
		out->text = target_cluster(env);
		return;
	case EXPR_REF_CHANNEL_NAME:
	case EXPR_REF_CHANNEL_AUTO_POSITION:
	case EXPR_REF_CHANNEL_USING_GTID:
	case EXPR_REF_CHANNEL_IO_RUNNING:
	case EXPR_REF_CHANNEL_SQL_RUNNING:
	case EXPR_REF_CHANNEL_SOURCE_HOST:
	case EXPR_REF_CHANNEL_LAST_IO_ERRNO:
	case EXPR_REF_CHANNEL_LAST_IO_ERROR:
	case EXPR_REF_CHANNEL_LAST_SQL_ERRNO:
	case EXPR_REF_CHANNEL_LAST_SQL_ERROR:
	case EXPR_REF_CHANNEL_SKIP_COUNTER:
	case EXPR_REF_CHANNEL_SOURCE_SERVER_ID:
	case EXPR_REF_CHANNEL_SOURCE_UUID:
	case EXPR_REF_CHANNEL_SOURCE:
	case EXPR_REF_CHANNEL_PROBLEM:
		out->text = ch ? *(const char *const *)(const void *)((const char *)ch + channel_field_offset[ref]) : NULL;
		break;
	case EXPR_REF_SOURCE:   /* expr_value_of() handles it; here only without a sub node */
		out->text = NULL;
		break;
	case EXPR_REF_VAR: {
		int cached = env->catalog && var >= env->catalog->vars && var < env->catalog->vars + env->catalog->n;
		out->var = var;
		if (!named && cached && env->var_exists && env->var_value &&
		    env->var_exists[var - env->catalog->vars] != EXPR_EXISTS_UNSET) {
			/* evaluation with the engine's cache, existence known: env_var_exists() inline (issue 13) */
			out->name = var->name;
			if (!env->var_exists[var - env->catalog->vars]) {
				out->state = EXPR_VALUE_ABSENT;
				return;
			}
			out->sv = env->var_value[var - env->catalog->vars];
			out->text = out->sv ? out->sv->current.value : NULL;
			break;
		}
		if (!named)
			out->name = var->name;
		else if (cached && env->var_name)
			out->name = env->var_name[var - env->catalog->vars]
					    ? env->var_name[var - env->catalog->vars]
					    : (env->var_name[var - env->catalog->vars] = expr_var_display(var, s));
		else
			out->name = expr_var_display(var, s);
		if (env_var_exists(env, var) == TRI_FALSE) {
			out->state = EXPR_VALUE_ABSENT;
			return;
		}
		out->sv = cached && env->var_value ? env->var_value[var - env->catalog->vars] : settings_get(s, var->name);
		out->text = out->sv ? out->sv->current.value : NULL;
		break;
	}
	case EXPR_REF_FACT:
		out->sv = settings_get(s, ident);
		out->text = out->sv ? out->sv->current.value : NULL;
		break;
	case EXPR_REF_NONE:
		out->text = NULL;
		break;
	}
	if (!out->text)
		out->state = EXPR_VALUE_UNKNOWN;
}

/* The environment of a link rule's source: the same catalog, the source's view. */
static void source_env(const struct expr_env *env, struct expr_env *se)
{
	memset(se, 0, sizeof(*se));
	se->catalog = env->catalog;
	se->target = env->source;
}

static void value_of_name(const char *name, const struct expr_env *env, struct expr_value *out, int named)
{
	const struct catalog_var *var;
	enum expr_ref ref = resolve_ident(name, env->catalog, &var);
	if (ref == EXPR_REF_SOURCE) {
		struct expr_env se;
		if (!env->source) {
			memset(out, 0, sizeof(*out));
			out->state = EXPR_VALUE_UNKNOWN;
			out->name = name;
			return;
		}
		source_env(env, &se);
		value_of_name(name + strlen(SOURCE_PREFIX), &se, out, named);
		out->name = name;
		return;
	}
	value_of_ref(ref, var, name, env, out, named);
}

void expr_value_of_name(const char *name, const struct expr_env *env, struct expr_value *out)
{
	value_of_name(name, env, out, 1);
}

/* expr_value_of(), with out->name the human's only when named (value_of_ref()). */
static void value_of(const struct expr *atom, const struct expr_env *env, struct expr_value *out, int named)
{
	enum expr_ref ref = atom->ref;
	const struct catalog_var *var = atom->var;
	if (ref == EXPR_REF_NONE)
		ref = resolve_ident(atom->ident, env->catalog, &var);
	if (ref == EXPR_REF_SOURCE) {
		struct expr_env se;
		if (!env->source) {
			/* what value_of_name() says of source.NAME without a source, without spelling it out (issue 13) */
			memset(out, 0, sizeof(*out));
			out->state = EXPR_VALUE_UNKNOWN;
			out->name = atom->ident;
			return;
		}
		if (!atom->sub) {
			value_of_name(atom->ident, env, out, named);
			return;
		}
		source_env(env, &se);
		value_of(atom->sub, &se, out, named);
		out->name = atom->ident;
		return;
	}
	value_of_ref(ref, var, atom->ident, env, out, named);
}

void expr_value_of(const struct expr *atom, const struct expr_env *env, struct expr_value *out)
{
	value_of(atom, env, out, 1);
}

/* ---- comparison ------------------------------------------------------- */

static int parse_integer(const char *s, unsigned long long *out)
{
	if (!is_digit((unsigned char)*s))
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static enum tri tri_of(int c, enum expr_cmp op)
{
	int r = 0;
	switch (op) {
	case EXPR_EQ: r = c == 0; break;
	case EXPR_NE: r = c != 0; break;
	case EXPR_LT: r = c < 0; break;
	case EXPR_LE: r = c <= 0; break;
	case EXPR_GT: r = c > 0; break;
	case EXPR_GE: r = c >= 0; break;
	case EXPR_HAS: r = 0; break;   /* compare_one() answers it */
	}
	return r ? TRI_TRUE : TRI_FALSE;
}

static int cmp_ull(unsigned long long a, unsigned long long b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

/*
 * Compare the target's version with a literal: a literal without a patch
 * level compares major.minor only; a target without one stands for the
 * newest release of its series.
 */
static int version_compare_lit(const struct version *target, const struct version *lit)
{
	if (target->major != lit->major)
		return target->major < lit->major ? -1 : 1;
	if (target->minor != lit->minor)
		return target->minor < lit->minor ? -1 : 1;
	if (lit->patch < 0)
		return 0;
	if (target->patch < 0)
		return 1;
	return target->patch < lit->patch ? -1 : target->patch > lit->patch ? 1 : 0;
}

/*
 * A catalog-typed value, normalised: *text is what to compare (raw itself,
 * a static "ON"/"OFF", or *heap, which the caller frees). Returns 0, or -1
 * when refused. The usual values take no allocation (issue 13): a boolean
 * spelled as check_bool() (catalog.c) accepts it, an enum value spelled as
 * one of the list's in any case (compared case-insensitively, it is the
 * value catalog_normalize() would return); anything else goes through
 * catalog_normalize().
 */
/*
 * a and b equal but for ASCII case (ascii_strcasecmp() == 0), inline: most
 * pairs a condition compares differ in their first byte (issue 13).
 */
static inline int same_nocase(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = (unsigned char)*a, cb = (unsigned char)*b;
		if (ca != cb) {
			ca |= ca >= 'A' && ca <= 'Z' ? 0x20 : 0;
			cb |= cb >= 'A' && cb <= 'Z' ? 0x20 : 0;
			if (ca != cb)
				return 0;
		} else if (!ca) {
			return 1;
		}
	}
}

static int normalize_value(const struct catalog_var *var, const char *raw, const char **text, char **heap)
{
	static const char *const on[] = { "on", "true", "1" };
	static const char *const off[] = { "off", "false", "0" };
	*text = raw;
	*heap = NULL;
	if (var->type == CATALOG_STRING)
		return 0;
	if (var->type == CATALOG_BOOL) {
		/* only the words that start with raw's first letter (on/off, true, false, 1, 0) */
		int c0 = raw[0] >= 'A' && raw[0] <= 'Z' ? raw[0] - 'A' + 'a' : raw[0];
		for (size_t i = 0; i < ARRAY_SIZE(on); i++) {
			if (c0 == on[i][0] && same_nocase(raw, on[i])) {
				*text = "ON";
				return 0;
			}
			if (c0 == off[i][0] && same_nocase(raw, off[i])) {
				*text = "OFF";
				return 0;
			}
		}
	} else if (var->type == CATALOG_ENUM && *raw) {
		for (size_t i = 0; i < var->nenum; i++)
			if (same_nocase(raw, var->enum_values[i]))
				return 0;
	}
	const char *why = NULL;
	char *norm = NULL;
	if (catalog_normalize(var, raw, &norm, &why)) {
		if (!norm)
			return -1;
		/* the server falls back to norm: compare what it runs with */
	}
	*heap = norm;
	if (norm)
		*text = norm;
	return 0;
}

/* Compare one known value with one literal: TRI_TRUE/FALSE, or UNKNOWN when they cannot be compared. */
static int strncasecmp_ascii(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ca = (unsigned char)a[i], cb = (unsigned char)b[i];
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb || !ca)
			return ca - cb;
	}
	return 0;
}

/* X has WORD: WORD is one of the comma-separated items of X (blanks around items ignored). */
static enum tri list_has(const char *list, const char *word)
{
	size_t wl = strlen(word);
	const char *p = list;
	while (*p) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == wl && !strncasecmp_ascii(p, word, n))
			return TRI_TRUE;
		if (!end)
			break;
		p = end + 1;
	}
	return TRI_FALSE;
}

static enum tri compare_one(const struct expr *e, const struct expr_env *env, const struct expr_value *v,
			    const struct expr_literal *lit, enum expr_cmp op)
{
	enum expr_ref ref = e->ref;
	const struct catalog_var *var = e->var;
	const struct settings *ctx = env->target;
	struct expr_literal given;
	struct expr_value rv;
	if (ref == EXPR_REF_NONE)
		ref = resolve_ident(e->ident, env->catalog, &var);
	if (ref == EXPR_REF_SOURCE) {
		/* source.NAME: typed by NAME, on the source */
		const struct expr *id = e->sub;
		if (!id)
			return TRI_UNKNOWN;
		ref = id->ref;
		var = id->var;
		ctx = env->source;
		if (!ctx)
			return TRI_UNKNOWN;
	}
	if (lit->ref) {
		/* a reference given as the value: its value, compared by the left side's type */
		value_of(lit->ref, env, &rv, 0);
		if (rv.state != EXPR_VALUE_KNOWN)
			return TRI_UNKNOWN;
		memset(&given, 0, sizeof(given));
		given.text = rv.text;
		lit = &given;
	}
	if (op == EXPR_HAS)
		return list_has(v->text, lit->text);
	if (ref == EXPR_REF_VERSION) {
		struct version lv;
		if (version_parse(&lv, lit->text))
			return TRI_UNKNOWN;
		return tri_of(version_compare_lit(&ctx->version, &lv), op);
	}
	if (ref == EXPR_REF_VAR && var->type == CATALOG_UINT) {
		unsigned long long a, b;
		if (parse_uint_suffix(v->text, &a) || parse_uint_suffix(lit->norm ? lit->norm : lit->text, &b))
			return TRI_UNKNOWN;
		return tri_of(cmp_ull(a, b), op);
	}
	if (ref == EXPR_REF_VAR && var->type != CATALOG_STRING) {
		char *tv = NULL, *lv_heap = NULL;
		const char *lv = lit->norm, *t;
		enum tri r = TRI_UNKNOWN;
		if (normalize_value(var, v->text, &t, &tv))
			return TRI_UNKNOWN;
		if (!lv) {
			const char *why;
			if (catalog_normalize(var, lit->text, &lv_heap, &why) || !lv_heap)
				goto done;
			lv = lv_heap;
		}
		/* equality, the usual question, without the order (issue 13) */
		if (op == EXPR_EQ || op == EXPR_NE)
			r = same_nocase(t, lv) == (op == EXPR_EQ) ? TRI_TRUE : TRI_FALSE;
		else
			r = tri_of(ascii_strcasecmp(t, lv), op);
done:
		free(tv);
		free(lv_heap);
		return r;
	}
	unsigned long long a, b;
	if (!parse_integer(v->text, &a) && !parse_integer(lit->text, &b))
		return tri_of(cmp_ull(a, b), op);
	if (op == EXPR_EQ || op == EXPR_NE)
		return same_nocase(v->text, lit->text) == (op == EXPR_EQ) ? TRI_TRUE : TRI_FALSE;
	int c = ascii_strcasecmp(v->text, lit->text);
	return tri_of(c < 0 ? -1 : c > 0 ? 1 : 0, op);
}

static enum tri truth_of(const struct expr_value *v)
{
	if (v->state != EXPR_VALUE_KNOWN)
		return TRI_UNKNOWN;
	const char *t = v->text;
	if (v->var && v->var->type == CATALOG_BOOL) {
		const char *norm;
		char *heap;
		if (normalize_value(v->var, t, &norm, &heap))
			return TRI_UNKNOWN;
		enum tri r = !strcmp(norm, "ON") ? TRI_TRUE : TRI_FALSE;
		free(heap);
		return r;
	}
	unsigned long long n;
	if (!parse_integer(t, &n))
		return n ? TRI_TRUE : TRI_FALSE;
	if (!*t || !ascii_strcasecmp(t, "OFF") || !ascii_strcasecmp(t, "false"))
		return TRI_FALSE;
	return TRI_TRUE;
}

static enum tri eval_defined(const struct expr *e, const struct expr_env *env)
{
	enum expr_ref ref = e->ref;
	const struct catalog_var *var = e->var;
	if (ref == EXPR_REF_NONE)
		ref = resolve_ident(e->ident, env->catalog, &var);
	switch (ref) {
	case EXPR_REF_VAR:
		return env_var_exists(env, var);
	case EXPR_REF_FACT: {
		const struct settings_var *sv = settings_get(env->target, e->ident);
		/* a capture's "# unknown" fact (snapshot.h): the live run could not read it */
		if (sv && !sv->current.value && sv->current.origin.source == SETTINGS_SRC_SNAPSHOT)
			return TRI_UNKNOWN;
		return sv && sv->current.value ? TRI_TRUE : TRI_FALSE;
	}
	case EXPR_REF_NONE:
		return TRI_FALSE;
	case EXPR_REF_SOURCE: {
		struct expr_env se;
		if (!env->source || !e->sub)
			return TRI_UNKNOWN;
		source_env(env, &se);
		struct expr d = *e->sub;
		d.kind = EXPR_DEFINED;
		return eval_defined(&d, &se);
	}
	default:
		if (ref_is_channel(ref)) {
			struct expr_value v;
			if (!env->channel)
				return TRI_FALSE;
			value_of(e, env, &v, 0);
			return v.state == EXPR_VALUE_KNOWN ? TRI_TRUE : TRI_FALSE;
		}
		return TRI_TRUE;
	}
}

static enum tri eval_isset(const struct expr *e, const struct expr_env *env)
{
	struct expr_value v;
	value_of(e, env, &v, 0);
	if (v.state == EXPR_VALUE_ABSENT)
		return TRI_FALSE;
	if (v.sv)
		return v.sv->current.origin.source != SETTINGS_SRC_DEFAULT ? TRI_TRUE : TRI_FALSE;
	/* Nothing recorded: an option file did not set it; other sources do not say. */
	return env->target->kind && !strcmp(env->target->kind, "file") ? TRI_FALSE : TRI_UNKNOWN;
}

static enum tri eval_atom(const struct expr *e, const struct expr_env *env);

enum tri expr_eval(const struct expr *e, const struct expr_env *env)
{
	switch (e->kind) {
	case EXPR_CONST:
		return e->value ? TRI_TRUE : TRI_FALSE;
	case EXPR_NOT: {
		enum tri t = expr_eval(e->left, env);
		return t == TRI_UNKNOWN ? TRI_UNKNOWN : t == TRI_TRUE ? TRI_FALSE : TRI_TRUE;
	}
	case EXPR_AND: {
		enum tri l = expr_eval(e->left, env);
		if (l == TRI_FALSE)
			return TRI_FALSE;
		enum tri r = expr_eval(e->right, env);
		if (r == TRI_FALSE)
			return TRI_FALSE;
		return l == TRI_TRUE && r == TRI_TRUE ? TRI_TRUE : TRI_UNKNOWN;
	}
	case EXPR_OR: {
		enum tri l = expr_eval(e->left, env);
		if (l == TRI_TRUE)
			return TRI_TRUE;
		enum tri r = expr_eval(e->right, env);
		if (r == TRI_TRUE)
			return TRI_TRUE;
		return l == TRI_FALSE && r == TRI_FALSE ? TRI_FALSE : TRI_UNKNOWN;
	}
	case EXPR_DEFINED:
	case EXPR_ISSET:
	case EXPR_TRUTH:
	case EXPR_CMP:
	case EXPR_IN:
		if (e->memo && env->memo) {
			signed char *m = &env->memo[e->memo - 1];
			if (*m == EXPR_MEMO_UNSET)
				*m = (signed char)eval_atom(e, env);
			return (enum tri)*m;
		}
		return eval_atom(e, env);
	}
	return TRI_UNKNOWN;
}

/*
 * value_of(e, env, v, 0) for a catalog variable whose entry and existence
 * the engine's caches hold (evaluation, issue 13): only the fields the
 * comparisons read (state, text, sv, var). Returns 0 when the caches cannot
 * answer (value_of() then).
 */
static inline int value_cached(const struct expr *e, const struct expr_env *env, struct expr_value *v)
{
	const struct catalog_var *var = e->var;
	if (e->ref != EXPR_REF_VAR || !env->var_value || !env->var_exists || !env->catalog ||
	    var < env->catalog->vars || var >= env->catalog->vars + env->catalog->n)
		return 0;
	signed char ex = env->var_exists[var - env->catalog->vars];
	if (ex == EXPR_EXISTS_UNSET)
		return 0;
	v->var = var;
	v->name = var->name;
	if (!ex) {
		v->state = EXPR_VALUE_ABSENT;
		v->text = NULL;
		v->sv = NULL;
		return 1;
	}
	v->sv = env->var_value[var - env->catalog->vars];
	v->text = v->sv ? v->sv->current.value : NULL;
	v->state = v->text ? EXPR_VALUE_KNOWN : EXPR_VALUE_UNKNOWN;
	return 1;
}

/* An atom: defined(), isset(), an identifier as a truth value, a comparison or an in list. */
static enum tri eval_atom(const struct expr *e, const struct expr_env *env)
{
	switch (e->kind) {
	case EXPR_CONST:
	case EXPR_NOT:
	case EXPR_AND:
	case EXPR_OR:
		return expr_eval(e, env);
	case EXPR_DEFINED:
		return eval_defined(e, env);
	case EXPR_ISSET:
		return eval_isset(e, env);
	case EXPR_TRUTH: {
		struct expr_value v;
		if (!value_cached(e, env, &v))
			value_of(e, env, &v, 0);
		return truth_of(&v);
	}
	case EXPR_CMP:
	case EXPR_IN: {
		struct expr_value v;
		if (!value_cached(e, env, &v))
			value_of(e, env, &v, 0);
		if (v.state != EXPR_VALUE_KNOWN)
			return TRI_UNKNOWN;
		if (e->kind == EXPR_CMP)
			return compare_one(e, env, &v, &e->lits[0], e->cmp);
		enum tri acc = TRI_FALSE;
		for (size_t i = 0; i < e->nlits; i++) {
			enum tri t = compare_one(e, env, &v, &e->lits[i], EXPR_EQ);
			if (t == TRI_TRUE)
				return TRI_TRUE;
			if (t == TRI_UNKNOWN)
				acc = TRI_UNKNOWN;
		}
		return acc;
	}
	}
	return TRI_UNKNOWN;
}

/* ---- explanations ----------------------------------------------------- */

/*
 * Facts are not variables (issue 9): "defined(config_drift)" is said as
 * what the fact is and where it is known, never as "config_drift is not
 * known". The facts are engine.c's known_facts; one without a phrase here
 * is said by its name.
 */
static const struct {
	const char *fact;
	const char *noun;   /* what the fact holds */
	const char *verb;   /* "is" or "are", agreeing with noun */
	const char *where;  /* where it is known */
} fact_phrases[] = {
	{ "option_file_errors", "the server's verdict on the option files", "is",
	  "for an option file (crashsafe check FILE)" },
	{ "removed_options", "the removed options in the option files", "are",
	  "for an option file (crashsafe check FILE)" },
	{ "metadata_tables_innodb", "the engine of the replica's metadata tables", "is",
	  "on a running server (crashsafe live)" },
	{ "runtime_only_changes", "the values changed at run time (SET GLOBAL)", "are",
	  "on a running server (crashsafe live)" },
	{ "config_drift", "the differences between the running values and the option file", "are",
	  "with crashsafe live --config FILE" },
	{ "persisted_drift", "the differences between persisted (SET PERSIST) and running values", "are",
	  "on a running server (crashsafe live, or its --capture)" },
	{ "replication_channels", "the replication channels", "are", "on a running server (crashsafe live)" },
	{ "topology.multi_writer", "its cluster's multi_writer", "is",
	  "in an inventory that declares it (multi_writer = yes or no)" },
	{ "channels_slave_pos", "whether every replication channel uses the GTID position (Using_Gtid Slave_Pos)", "is",
	  "on a running MariaDB server (crashsafe live, or its capture)" },
#define TOPOLOGY_WHERE "from the replication channels of the servers around it (crashsafe live, or their captures)"
	{ "topology.ring", "whether it is in a replication ring", "is", TOPOLOGY_WHERE },
	{ "topology.replicas", "how many audited servers replicate from it", "is", TOPOLOGY_WHERE },
	{ "topology.writers", "how many servers of its ring or cluster take writes", "is", TOPOLOGY_WHERE },
	{ "topology.writable_peers", "which other servers of its ring take writes", "is", TOPOLOGY_WHERE },
	{ "topology.auto_increment_clash", "whether writable servers of its ring or cluster generate the same "
	  "auto-increment values", "is", TOPOLOGY_WHERE },
	{ "topology.errant_gtids", "whether it has transactions its sources do not have", "is", TOPOLOGY_WHERE },
	{ "topology.galera_async_ring", "whether its Galera cluster is in a replication ring with a server outside it",
	  "is", TOPOLOGY_WHERE },
	{ "topology.cluster_server_ids", "the server_ids of its Galera cluster's nodes", "are", TOPOLOGY_WHERE },
	{ "topology.cluster_server_id_count", "how many server_ids its Galera cluster's nodes have", "is",
	  TOPOLOGY_WHERE },
#undef TOPOLOGY_WHERE
};

/*
 * The topology facts' values (auditor/topology.h) and the number of
 * replication channels said as what they mean, not as
 * "topology.writable_peers is d2": a row with a value is for that value, a
 * row without one for any other, its text holding the value at "%s" once.
 */
static const struct {
	const char *fact;
	const char *value;   /* NULL: any value the rows before did not name */
	const char *text;
} fact_values[] = {
	{ "channels_slave_pos", "ON", "every replication channel uses the GTID position (Using_Gtid Slave_Pos)" },
	{ "channels_slave_pos", "OFF", "not every replication channel uses the GTID position (Using_Gtid Slave_Pos)" },
	{ "replication_channels", "0", "it has no replication channel" },
	{ "replication_channels", "1", "it has 1 replication channel" },
	{ "replication_channels", NULL, "it has %s replication channels" },
	{ "topology.ring", "ON", "it is in a replication ring" },
	{ "topology.ring", "OFF", "it is in no replication ring" },
	{ "topology.galera_async_ring", "ON", "its Galera cluster is in a replication ring with a server outside it" },
	{ "topology.galera_async_ring", "OFF", "its Galera cluster is in no replication ring with a server outside it" },
	{ "topology.multi_writer", "yes", "its cluster is declared to take writes on more than one server (multi_writer = yes)" },
	{ "topology.multi_writer", "no", "its cluster is declared to take writes on one server (multi_writer = no)" },
	{ "topology.replicas", "0", "no audited server replicates from it" },
	{ "topology.replicas", "1", "1 audited server replicates from it" },
	{ "topology.replicas", NULL, "%s audited servers replicate from it" },
	{ "topology.writers", "0", "no server of its ring or cluster takes writes (read_only OFF)" },
	{ "topology.writers", "1", "1 server of its ring or cluster takes writes (read_only OFF)" },
	{ "topology.writers", NULL, "%s servers of its ring or cluster take writes (read_only OFF)" },
	{ "topology.writable_peers", "", "no other server of its ring takes writes" },
	{ "topology.writable_peers", NULL, "other servers of its ring take writes too: %s" },
	{ "topology.auto_increment_clash", "", "no two writable servers of its ring or cluster generate the same auto-increment values" },
	{ "topology.auto_increment_clash", NULL, "%s" },
	{ "topology.errant_gtids", "", "it has no transactions its sources do not have" },
	{ "topology.errant_gtids", NULL, "it has transactions its sources do not have: %s" },
	{ "topology.cluster_server_ids", NULL, "the nodes of its Galera cluster have server_id %s" },
	{ "topology.cluster_server_id_count", "1", "the nodes of its Galera cluster share one server_id" },
	{ "topology.cluster_server_id_count", NULL, "the nodes of its Galera cluster have %s different server_ids" },
};

/* "no other server of its ring takes writes": 1, or 0 for a fact without a row (said by its name). */
static int explain_fact_value(const char *ident, const char *value, struct strbuf *sb)
{
	for (size_t i = 0; i < ARRAY_SIZE(fact_values); i++) {
		if (strcmp(fact_values[i].fact, ident) || (fact_values[i].value && strcmp(fact_values[i].value, value)))
			continue;
		const char *at = strstr(fact_values[i].text, "%s");
		if (!at) {
			strbuf_addstr(sb, fact_values[i].text);
			return 1;
		}
		strbuf_add(sb, fact_values[i].text, (size_t)(at - fact_values[i].text));
		strbuf_addstr(sb, value);
		strbuf_addstr(sb, at + 2);
		return 1;
	}
	return 0;
}

/* A defined(FACT) whose phrase says where the fact is known: a kind test beside it says nothing more. */
static int expr_is_phrased_fact(const struct expr *e)
{
	if (e->kind != EXPR_DEFINED || e->ref == EXPR_REF_VAR)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(fact_phrases); i++)
		if (!strcmp(fact_phrases[i].fact, e->ident))
			return 1;
	return 0;
}

/* "the engine of the replica's metadata tables is unknown": 1, or 0 for a fact without a phrase. */
static int explain_fact_unknown(const char *ident, struct strbuf *sb)
{
	for (size_t i = 0; i < ARRAY_SIZE(fact_phrases); i++)
		if (!strcmp(fact_phrases[i].fact, ident)) {
			strbuf_addf(sb, "%s %s unknown", fact_phrases[i].noun, fact_phrases[i].verb);
			return 1;
		}
	return 0;
}

static void explain_fact_defined(const char *ident, enum tri val, struct strbuf *sb)
{
	for (size_t i = 0; i < ARRAY_SIZE(fact_phrases); i++) {
		if (strcmp(fact_phrases[i].fact, ident))
			continue;
		if (val == TRI_TRUE)
			strbuf_addf(sb, "%s %s known", fact_phrases[i].noun, fact_phrases[i].verb);
		else if (val == TRI_UNKNOWN)   /* a capture's "# unknown" fact */
			strbuf_addf(sb, "%s %s unknown", fact_phrases[i].noun, fact_phrases[i].verb);
		else
			strbuf_addf(sb, "%s %s known only %s", fact_phrases[i].noun, fact_phrases[i].verb,
				    fact_phrases[i].where);
		return;
	}
	strbuf_addf(sb, "%s is %s", ident, val == TRI_TRUE ? "known" : "not known");
}

static void add_sep(struct strbuf *sb, size_t mark, const char *sep)
{
	if (sb->len > mark)
		strbuf_addstr(sb, sep);
}

static void add_value_text(struct strbuf *sb, const char *text)
{
	if (!*text)
		strbuf_addstr(sb, "empty");
	else if (strchr(text, ' ') && !strchr(text, '\''))
		strbuf_addf(sb, "'%s'", text);
	else
		strbuf_addstr(sb, text);
}

static void explain_atom_value(const struct expr *e, const struct expr_env *env, struct strbuf *sb);

/* The value of e, then of the reference its comparison names as the value, if any. */
static void explain_atom(const struct expr *e, const struct expr_env *env, struct strbuf *sb)
{
	explain_atom_value(e, env, sb);
	if ((e->kind == EXPR_CMP || e->kind == EXPR_IN) && e->nlits && e->lits[0].ref) {
		strbuf_addstr(sb, ", ");
		explain_atom_value(e->lits[0].ref, env, sb);
	}
}

static void explain_atom_value(const struct expr *e, const struct expr_env *env, struct strbuf *sb)
{
	struct expr_value v;
	char where[96];
	struct expr_env se;
	expr_value_of(e, env, &v);
	if (e->ref == EXPR_REF_SOURCE && env->source) {
		/* the source's own flavor and version name its defaults */
		source_env(env, &se);
		env = &se;
	} else if (e->ref == EXPR_REF_SOURCE) {
		strbuf_addf(sb, "%s is unknown (the channel's source is not among the audited servers)", v.name);
		return;
	}
	switch (v.state) {
	case EXPR_VALUE_ABSENT:
		strbuf_addf(sb, "%s does not exist on %s", v.name, env_display(env, where, sizeof(where)));
		return;
	case EXPR_VALUE_UNKNOWN:
		if (e->ref != EXPR_REF_FACT || !explain_fact_unknown(e->ident, sb))
			strbuf_addf(sb, "%s is unknown", v.name);
		if (v.sv && v.sv->current.origin.detail)
			strbuf_addf(sb, " (%s)", v.sv->current.origin.detail);
		else if (v.sv && v.sv->current.origin.file && v.sv->current.origin.line)
			strbuf_addf(sb, " (%s:%u)", v.sv->current.origin.file, v.sv->current.origin.line);
		return;
	case EXPR_VALUE_KNOWN:
		break;
	}
	if (e->ref == EXPR_REF_CLUSTER ||
	    (e->ref == EXPR_REF_SOURCE && e->sub && e->sub->ref == EXPR_REF_CLUSTER)) {
		/* the keyword is the Galera cluster, not the cluster a report header names (issue 10) */
		const char *who = e->ref == EXPR_REF_CLUSTER ? "the server" : "the channel's source";
		if (!v.text || !*v.text)
			strbuf_addf(sb, "%s is no Galera node", who);
		else
			strbuf_addf(sb, "%s is a node of Galera cluster '%s'", who, v.text);
		return;
	}
	if (e->ref != EXPR_REF_FACT || !v.text || !explain_fact_value(e->ident, v.text, sb)) {
		/* the two pieces every explained value has, without a format (issue 13) */
		strbuf_addstr(sb, v.name ? v.name : "(null)");
		strbuf_addstr(sb, " is ");
		add_value_text(sb, v.text);
	}
	if (v.sv) {
		const struct settings_origin *o = &v.sv->current.origin;
		if (o->source == SETTINGS_SRC_DEFAULT) {
			strbuf_addstr(sb, " (default for ");
			strbuf_addstr(sb, env_display(env, where, sizeof(where)));
			strbuf_addch(sb, ')');
		} else if (o->file) {
			if (o->line)
				strbuf_addf(sb, " (%s:%u)", o->file, o->line);
			else
				strbuf_addf(sb, " (%s)", o->file);
		}
	}
}

static int expr_is_context(const struct expr *e);

/* Nonzero when e is an && that is false because a context test in it is false. */
static int expr_false_by_context(const struct expr *e, const struct expr_env *env)
{
	if (e->kind != EXPR_AND)
		return 0;
	return (expr_is_context(e->left) && expr_eval(e->left, env) == TRI_FALSE) ||
	       (expr_is_context(e->right) && expr_eval(e->right, env) == TRI_FALSE) ||
	       expr_false_by_context(e->left, env) || expr_false_by_context(e->right, env);
}

/* Nonzero when e tests only the target's context: role, flavor, version, kind, cluster. */
static int expr_is_context(const struct expr *e)
{
	switch (e->kind) {
	case EXPR_CMP:
	case EXPR_IN:
		if (e->ref == EXPR_REF_SOURCE && e->sub)   /* the source's context counts too */
			return e->sub->ref >= EXPR_REF_ROLE && e->sub->ref <= EXPR_REF_CLUSTER;
		return e->ref >= EXPR_REF_ROLE && e->ref <= EXPR_REF_CLUSTER;
	case EXPR_NOT:
		return expr_is_context(e->left);
	case EXPR_AND:
	case EXPR_OR:
		return expr_is_context(e->left) && expr_is_context(e->right);
	default:
		return 0;
	}
}

/* Nonzero when d is defined(NAME) and a is a test of NAME's value: a true a says d. */
static int expr_defined_of(const struct expr *d, const struct expr *a)
{
	return d->kind == EXPR_DEFINED && d->ident &&
	       (a->kind == EXPR_CMP || a->kind == EXPR_IN || a->kind == EXPR_TRUTH) && a->ident &&
	       !strcmp(d->ident, a->ident);
}

static void explain_node(const struct expr *e, const struct expr_env *env, enum tri val, struct strbuf *sb,
			 int skip_context)
{
	char where[96];
	switch (e->kind) {
	case EXPR_CONST:
		strbuf_addstr(sb, e->value ? "always" : "never");
		return;
	case EXPR_NOT:
		explain_node(e->left, env, expr_eval(e->left, env), sb, skip_context);
		return;
	case EXPR_AND:
	case EXPR_OR: {
		enum tri l = expr_eval(e->left, env), r = expr_eval(e->right, env);
		/* The value that decides alone: false for &&, true for ||. */
		enum tri decisive = e->kind == EXPR_AND ? TRI_FALSE : TRI_TRUE;
		size_t mark = sb->len;
		if (val == decisive) {
			explain_node(l == decisive ? e->left : e->right, env, decisive, sb, skip_context);
			return;
		}
		/*
		 * Otherwise every side that has val (true for && true, false for
		 * || false, unknowns) counts, except that a side testing only the
		 * target's context (role, flavor, version, kind, cluster) is left
		 * out when the other side says something, and a clause is not
		 * repeated.
		 */
		int use_l = l == val, use_r = r == val;
		/* "kind is file and the ... are known only on a running server": the phrase says it all */
		if (use_l && use_r && val != TRI_UNKNOWN) {
			if (expr_is_context(e->left) && expr_is_phrased_fact(e->right))
				use_l = 0;
			else if (expr_is_context(e->right) && expr_is_phrased_fact(e->left))
				use_r = 0;
		}
		/* "whether X is known and X is ON": the value says it is known */
		if (use_l && use_r && val == TRI_TRUE && e->kind == EXPR_AND) {
			if (expr_defined_of(e->left, e->right))
				use_l = 0;
			else if (expr_defined_of(e->right, e->left))
				use_r = 0;
		}
		if (skip_context && use_l && use_r && val != TRI_UNKNOWN) {
			int ctx_l = expr_is_context(e->left), ctx_r = expr_is_context(e->right);
			if (ctx_l && !ctx_r)
				use_l = 0;
			else if (ctx_r && !ctx_l)
				use_r = 0;
			/* Of an || of per-context branches, only the branch that applies counts. */
			int off_l = expr_false_by_context(e->left, env), off_r = expr_false_by_context(e->right, env);
			if (off_l && !off_r)
				use_l = 0;
			else if (off_r && !off_l)
				use_r = 0;
		}
		if (use_l)
			explain_node(e->left, env, l, sb, skip_context);
		if (use_r) {
			struct strbuf right = { 0 };
			explain_node(e->right, env, r, &right, skip_context);
			const char *left_text = sb->buf ? sb->buf + mark : "";
			if (right.len && strcmp(left_text, right.buf) != 0) {
				add_sep(sb, mark, val == TRI_UNKNOWN ? ", " : " and ");
				strbuf_addstr(sb, right.buf);
			}
			strbuf_release(&right);
		}
		return;
	}
	case EXPR_DEFINED:
		if (e->ref == EXPR_REF_VAR || (e->ref == EXPR_REF_NONE && env->catalog &&
					       catalog_lookup(env->catalog, e->ident))) {
			const struct catalog_var *var = e->var ? e->var : catalog_lookup(env->catalog, e->ident);
			if (val == TRI_UNKNOWN)
				strbuf_addf(sb, "whether %s exists is unknown on %s", expr_var_display(var, env->target),
					    env_display(env, where, sizeof(where)));
			else
				strbuf_addf(sb, "%s %s on %s", expr_var_display(var, env->target),
					    val == TRI_TRUE ? "exists" : "does not exist",
					    env_display(env, where, sizeof(where)));
		} else {
			explain_fact_defined(e->ident, val, sb);
		}
		return;
	case EXPR_ISSET: {
		struct expr_value v;
		expr_value_of(e, env, &v);
		if (val == TRI_TRUE && v.sv && v.sv->current.origin.file) {
			const struct settings_origin *o = &v.sv->current.origin;
			if (o->line)
				strbuf_addf(sb, "%s is set at %s:%u", v.name, o->file, o->line);
			else
				strbuf_addf(sb, "%s is set in %s", v.name, o->file);
		} else if (val == TRI_TRUE) {
			strbuf_addf(sb, "%s is set explicitly", v.name);
		} else if (val == TRI_FALSE) {
			strbuf_addf(sb, "%s is not set explicitly", v.name);
		} else {
			strbuf_addf(sb, "whether %s is set explicitly is unknown", v.name);
		}
		return;
	}
	case EXPR_TRUTH:
	case EXPR_CMP:
	case EXPR_IN:
		explain_atom(e, env, sb);
		return;
	}
}

void expr_explain(const struct expr *e, const struct expr_env *env, struct strbuf *sb)
{
	explain_node(e, env, expr_eval(e, env), sb, 0);
}

void expr_explain_require(const struct expr *e, const struct expr_env *env, struct strbuf *sb)
{
	explain_node(e, env, expr_eval(e, env), sb, 1);
}

/* ---- description ------------------------------------------------------ */

static const char *const cmp_words[] = {
	[EXPR_EQ] = "=", [EXPR_NE] = "!=", [EXPR_LT] = "<",
	[EXPR_LE] = "<=", [EXPR_GT] = ">", [EXPR_GE] = ">=", [EXPR_HAS] = "has",
};

static void describe_lit(const struct expr_literal *lit, struct strbuf *sb)
{
	if (lit->quoted && !*lit->text)
		strbuf_addstr(sb, "\"\"");
	else if (lit->quoted)
		strbuf_addf(sb, "\"%s\"", lit->text);
	else
		strbuf_addstr(sb, lit->text);
}

static const char *describe_name(const struct expr *e, const struct settings *s)
{
	return e->ref == EXPR_REF_VAR && e->var ? expr_var_display(e->var, s) : e->ident;
}

static void describe_node(const struct expr *e, struct strbuf *sb, enum expr_kind parent,
			  const struct settings *s)
{
	switch (e->kind) {
	case EXPR_CONST:
		strbuf_addstr(sb, e->value ? "always" : "never");
		return;
	case EXPR_NOT:
		strbuf_addstr(sb, "not ");
		if (e->left->kind == EXPR_AND || e->left->kind == EXPR_OR) {
			strbuf_addch(sb, '(');
			describe_node(e->left, sb, EXPR_NOT, s);
			strbuf_addch(sb, ')');
		} else {
			describe_node(e->left, sb, EXPR_NOT, s);
		}
		return;
	case EXPR_AND:
	case EXPR_OR: {
		int paren = parent == EXPR_AND && e->kind == EXPR_OR;
		if (paren)
			strbuf_addch(sb, '(');
		describe_node(e->left, sb, e->kind, s);
		strbuf_addstr(sb, e->kind == EXPR_AND ? " and " : " or ");
		describe_node(e->right, sb, e->kind, s);
		if (paren)
			strbuf_addch(sb, ')');
		return;
	}
	case EXPR_DEFINED:
		strbuf_addf(sb, "%s exists", describe_name(e, s));
		return;
	case EXPR_ISSET:
		strbuf_addf(sb, "%s is set explicitly", describe_name(e, s));
		return;
	case EXPR_TRUTH:
		strbuf_addf(sb, "%s is on", describe_name(e, s));
		return;
	case EXPR_CMP:
		strbuf_addf(sb, "%s %s ", describe_name(e, s), cmp_words[e->cmp]);
		describe_lit(&e->lits[0], sb);
		return;
	case EXPR_IN:
		strbuf_addf(sb, "%s in (", describe_name(e, s));
		for (size_t i = 0; i < e->nlits; i++) {
			if (i)
				strbuf_addstr(sb, ", ");
			describe_lit(&e->lits[i], sb);
		}
		strbuf_addch(sb, ')');
		return;
	}
}

void expr_describe(const struct expr *e, struct strbuf *sb)
{
	describe_node(e, sb, EXPR_CONST, NULL);
}

void expr_describe_for(const struct expr *e, const struct settings *s, struct strbuf *sb)
{
	describe_node(e, sb, EXPR_CONST, s);
}

/* Whether atom e may share a target's memo: it reads neither the channel nor the source. */
static int memo_allowed(const struct expr *e)
{
	if (e->ref == EXPR_REF_NONE || e->ref == EXPR_REF_SOURCE || ref_is_channel(e->ref) || e->sub)
		return 0;
	for (size_t i = 0; i < e->nlits; i++)
		if (e->lits[i].ref)
			return 0;
	return 1;
}

/* The key two equal atoms share: everything evaluation reads of the node, fields split by \x1f. */
static void memo_key(const struct expr *e, struct strbuf *sb)
{
	strbuf_addf(sb, "%d\x1f%d\x1f%d\x1f%p\x1f%s", (int)e->kind, (int)e->cmp, (int)e->ref, (const void *)e->var,
		    e->ident ? e->ident : "");
	for (size_t i = 0; i < e->nlits; i++)
		strbuf_addf(sb, "\x1f%d\x1e%s\x1e%s", e->lits[i].quoted, e->lits[i].text ? e->lits[i].text : "",
			    e->lits[i].norm ? e->lits[i].norm : "\x1d");
}

void expr_memo_number(struct expr *e, struct arena *a, struct strmap *seen, unsigned *n)
{
	switch (e->kind) {
	case EXPR_CONST:
		return;
	case EXPR_NOT:
		expr_memo_number(e->left, a, seen, n);
		return;
	case EXPR_AND:
	case EXPR_OR:
		expr_memo_number(e->left, a, seen, n);
		expr_memo_number(e->right, a, seen, n);
		return;
	default:
		break;
	}
	e->memo = 0;
	if (!memo_allowed(e))
		return;
	struct strbuf key = { 0 };
	size_t at;
	memo_key(e, &key);
	if (strmap_get(seen, key.buf, &at) == 0) {
		e->memo = (unsigned)at + 1;
	} else {
		e->memo = ++*n;
		strmap_put(seen, arena_strdup(a, key.buf), *n - 1);
	}
	strbuf_release(&key);
}

int expr_walk(const struct expr *e, int (*fn)(void *ctx, const struct expr *atom), void *ctx)
{
	switch (e->kind) {
	case EXPR_CONST:
		return 0;
	case EXPR_NOT:
		return expr_walk(e->left, fn, ctx);
	case EXPR_AND:
	case EXPR_OR: {
		int rc = expr_walk(e->left, fn, ctx);
		return rc ? rc : expr_walk(e->right, fn, ctx);
	}
	default: {
		int rc = fn(ctx, e);
		for (size_t i = 0; !rc && i < e->nlits; i++)
			if (e->lits[i].ref)
				rc = fn(ctx, e->lits[i].ref);
		return rc;
	}
	}
}
