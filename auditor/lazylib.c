/*
 * lazylib.c - Connector/C, libxml2 and jansson loaded on first use (see
 * lazylib.h). One table per library lists every function crashsafe calls,
 * with the signature of the library's own header; from it come the
 * pointers resolved at load time and the functions of the same names that
 * call them.
 */
#include "lazylib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlwriter.h>
#include <mysql.h>

#include "cmd.h"
#include "diag.h"
#include "lazylib_sonames.h"   /* generated: LAZYLIB_SONAME_MYSQL, _XML, _JANSSON */
#include "banned.h"

/* Connector/C is loaded lazily only when it is MariaDB's (lazylib.h); the Makefile agrees. */
#if defined(MARIADB_PACKAGE_VERSION)
#define LAZYLIB_HAVE_MYSQL 1
#else
#define LAZYLIB_HAVE_MYSQL 0
#endif

/*
 * The tables: F(return type, name, (parameters), (arguments)) for a
 * function that returns a value, V(name, (parameters), (arguments)) for
 * one that returns nothing. Signatures as in the library's header (the
 * compiler checks them against it).
 */
#define LAZYLIB_MYSQL_FUNCS(F, V)                                                                            \
	V(mysql_close, (MYSQL *sock), (sock))                                                                \
	F(unsigned int, mysql_errno, (MYSQL *mysql), (mysql))                                                \
	F(const char *, mysql_error, (MYSQL *mysql), (mysql))                                                \
	F(MYSQL_FIELD *, mysql_fetch_fields, (MYSQL_RES *res), (res))                                        \
	F(unsigned long *, mysql_fetch_lengths, (MYSQL_RES *result), (result))                               \
	F(MYSQL_ROW, mysql_fetch_row, (MYSQL_RES *result), (result))                                         \
	F(int, mysql_fetch_row_start, (MYSQL_ROW *ret, MYSQL_RES *result), (ret, result))                    \
	F(int, mysql_fetch_row_cont, (MYSQL_ROW *ret, MYSQL_RES *result, int status), (ret, result, status)) \
	F(unsigned int, mysql_field_count, (MYSQL *mysql), (mysql))                                          \
	V(mysql_free_result, (MYSQL_RES *result), (result))                                                  \
	F(char *, mysql_get_server_info, (MYSQL *mysql), (mysql))                                            \
	F(my_socket, mysql_get_socket, (MYSQL *mysql), (mysql))                                              \
	F(const char *, mysql_get_ssl_cipher, (MYSQL *mysql), (mysql))                                       \
	F(unsigned int, mysql_get_timeout_value_ms, (const MYSQL *mysql), (mysql))                           \
	F(MYSQL *, mysql_init, (MYSQL *mysql), (mysql))                                                      \
	F(my_bool, mysql_more_results, (MYSQL *mysql), (mysql))                                              \
	F(int, mysql_next_result, (MYSQL *mysql), (mysql))                                                   \
	F(int, mysql_next_result_start, (int *ret, MYSQL *mysql), (ret, mysql))                              \
	F(int, mysql_next_result_cont, (int *ret, MYSQL *mysql, int status), (ret, mysql, status))           \
	F(unsigned int, mysql_num_fields, (MYSQL_RES *res), (res))                                           \
	F(int, mysql_options, (MYSQL *mysql, enum mysql_option option, const void *arg),                     \
	  (mysql, option, arg))                                                                              \
	F(MYSQL *, mysql_real_connect,                                                                       \
	  (MYSQL *mysql, const char *host, const char *user, const char *passwd, const char *db,             \
	   unsigned int port, const char *unix_socket, unsigned long clientflag),                            \
	  (mysql, host, user, passwd, db, port, unix_socket, clientflag))                                    \
	F(int, mysql_real_connect_start,                                                                     \
	  (MYSQL **ret, MYSQL *mysql, const char *host, const char *user, const char *passwd, const char *db, \
	   unsigned int port, const char *unix_socket, unsigned long clientflag),                            \
	  (ret, mysql, host, user, passwd, db, port, unix_socket, clientflag))                               \
	F(int, mysql_real_connect_cont, (MYSQL **ret, MYSQL *mysql, int status), (ret, mysql, status))       \
	F(int, mysql_real_query, (MYSQL *mysql, const char *q, unsigned long length), (mysql, q, length))    \
	F(int, mysql_real_query_start, (int *ret, MYSQL *mysql, const char *q, unsigned long length),        \
	  (ret, mysql, q, length))                                                                           \
	F(int, mysql_real_query_cont, (int *ret, MYSQL *mysql, int status), (ret, mysql, status))            \
	V(mysql_server_end, (void), ())                                                                      \
	F(int, mysql_server_init, (int argc, char **argv, char **groups), (argc, argv, groups))              \
	V(mysql_thread_end, (void), ())                                                                      \
	F(my_bool, mysql_thread_init, (void), ())                                                            \
	F(MYSQL_RES *, mysql_use_result, (MYSQL *mysql), (mysql))

#define LAZYLIB_XML_FUNCS(F, V)                                                                              \
	V(xmlFreeTextWriter, (xmlTextWriterPtr writer), (writer))                                            \
	F(xmlTextWriterPtr, xmlNewTextWriter, (xmlOutputBufferPtr out), (out))                               \
	F(int, xmlOutputBufferClose, (xmlOutputBufferPtr out), (out))                                        \
	F(xmlOutputBufferPtr, xmlOutputBufferCreateIO,                                                       \
	  (xmlOutputWriteCallback iowrite, xmlOutputCloseCallback ioclose, void *ioctx,                      \
	   xmlCharEncodingHandlerPtr encoder),                                                               \
	  (iowrite, ioclose, ioctx, encoder))                                                                \
	V(xmlSetGenericErrorFunc, (void *ctx, xmlGenericErrorFunc handler), (ctx, handler))                  \
	F(int, xmlTextWriterEndDocument, (xmlTextWriterPtr writer), (writer))                                \
	F(int, xmlTextWriterEndElement, (xmlTextWriterPtr writer), (writer))                                 \
	F(int, xmlTextWriterFlush, (xmlTextWriterPtr writer), (writer))                                      \
	F(int, xmlTextWriterSetIndent, (xmlTextWriterPtr writer, int indent), (writer, indent))              \
	F(int, xmlTextWriterSetIndentString, (xmlTextWriterPtr writer, const xmlChar *str), (writer, str))   \
	F(int, xmlTextWriterStartDocument,                                                                   \
	  (xmlTextWriterPtr writer, const char *version, const char *encoding, const char *standalone),      \
	  (writer, version, encoding, standalone))                                                           \
	F(int, xmlTextWriterStartElement, (xmlTextWriterPtr writer, const xmlChar *name), (writer, name))    \
	F(int, xmlTextWriterWriteAttribute, (xmlTextWriterPtr writer, const xmlChar *name,                   \
					     const xmlChar *content),                                        \
	  (writer, name, content))                                                                           \
	F(int, xmlTextWriterWriteString, (xmlTextWriterPtr writer, const xmlChar *content), (writer, content)) \
	F(int, xmlTextWriterWriteRawLen, (xmlTextWriterPtr writer, const xmlChar *content, int len),         \
	  (writer, content, len))                                                                            \
	F(int, xmlTextWriterStartAttribute, (xmlTextWriterPtr writer, const xmlChar *name), (writer, name))  \
	F(int, xmlTextWriterEndAttribute, (xmlTextWriterPtr writer), (writer))                              \
	F(xmlTextWriterPtr, xmlNewTextWriterMemory, (xmlBufferPtr buf, int compression), (buf, compression)) \
	F(xmlBufferPtr, xmlBufferCreate, (void), ())                                                         \
	V(xmlBufferFree, (xmlBufferPtr buf), (buf))                                                          \
	V(xmlBufferEmpty, (xmlBufferPtr buf), (buf))                                                         \
	F(const xmlChar *, xmlBufferContent, (const xmlBuffer *buf), (buf))                                  \
	F(int, xmlBufferLength, (const xmlBuffer *buf), (buf))

#define LAZYLIB_JANSSON_FUNCS(F, V)                                                                          \
	V(json_delete, (json_t *json), (json))                                                               \
	F(json_t *, json_loadb, (const char *buffer, size_t buflen, size_t flags, json_error_t *error),      \
	  (buffer, buflen, flags, error))                                                                    \
	F(json_t *, json_loads, (const char *input, size_t flags, json_error_t *error), (input, flags, error)) \
	F(json_t *, json_load_file, (const char *path, size_t flags, json_error_t *error), (path, flags, error)) \
	F(size_t, json_object_size, (const json_t *object), (object))                                        \
	F(json_t *, json_object_get, (const json_t *object, const char *key), (object, key))                 \
	F(void *, json_object_iter, (json_t *object), (object))                                              \
	F(void *, json_object_iter_next, (json_t *object, void *iter), (object, iter))                       \
	F(const char *, json_object_iter_key, (void *iter), (iter))                                          \
	F(size_t, json_object_iter_key_len, (void *iter), (iter))                                            \
	F(json_t *, json_object_iter_value, (void *iter), (iter))                                            \
	F(void *, json_object_key_to_iter, (const char *key), (key))                                         \
	F(size_t, json_array_size, (const json_t *array), (array))                                           \
	F(json_t *, json_array_get, (const json_t *array, size_t at), (array, at))                     \
	F(const char *, json_string_value, (const json_t *string), (string))                                 \
	F(size_t, json_string_length, (const json_t *string), (string))                                     \
	F(json_int_t, json_integer_value, (const json_t *integer), (integer))                                \
	F(double, json_real_value, (const json_t *real), (real))                                             \
	F(double, json_number_value, (const json_t *json), (json))

/* The pointers, one struct per library. */
#define LAZYLIB_PTR_F(ret, name, params, args) ret(*name) params;
#define LAZYLIB_PTR_V(name, params, args) void(*name) params;
#define LAZYLIB_NAME_F(ret, name, params, args) #name,
#define LAZYLIB_NAME_V(name, params, args) #name,

#if LAZYLIB_HAVE_MYSQL
static struct lazylib_mysql {
	LAZYLIB_MYSQL_FUNCS(LAZYLIB_PTR_F, LAZYLIB_PTR_V)
} lazylib_mysql;
static const char *const lazylib_mysql_names[] = { LAZYLIB_MYSQL_FUNCS(LAZYLIB_NAME_F, LAZYLIB_NAME_V) };
#endif
static struct lazylib_xml {
	LAZYLIB_XML_FUNCS(LAZYLIB_PTR_F, LAZYLIB_PTR_V)
} lazylib_xml;
static const char *const lazylib_xml_names[] = { LAZYLIB_XML_FUNCS(LAZYLIB_NAME_F, LAZYLIB_NAME_V) };
static struct lazylib_jansson {
	LAZYLIB_JANSSON_FUNCS(LAZYLIB_PTR_F, LAZYLIB_PTR_V)
} lazylib_jansson;
static const char *const lazylib_jansson_names[] = { LAZYLIB_JANSSON_FUNCS(LAZYLIB_NAME_F, LAZYLIB_NAME_V) };

_Static_assert(sizeof(void *) == sizeof(void (*)(void)), "dlsym() gives functions as void *");
#if LAZYLIB_HAVE_MYSQL
_Static_assert(sizeof(lazylib_mysql) == sizeof(lazylib_mysql_names) / sizeof(char *) * sizeof(void (*)(void)),
	       "only function pointers, one per name");
#endif
_Static_assert(sizeof(lazylib_xml) == sizeof(lazylib_xml_names) / sizeof(char *) * sizeof(void (*)(void)),
	       "only function pointers, one per name");
_Static_assert(sizeof(lazylib_jansson) == sizeof(lazylib_jansson_names) / sizeof(char *) * sizeof(void (*)(void)),
	       "only function pointers, one per name");

/* What each library is, where its pointers go, and how loading went. */
static struct lazylib_entry {
	const char *soname;
	const char *needed_for;
	void *fns;                   /* the struct of pointers, filled in the table's order */
	const char *const *names;
	size_t nnames;
	pthread_once_t once;
	int state;                   /* 1 loaded, -1 failed */
	char why[512];
} lazylib_entries[LAZYLIB_COUNT] = {
#if LAZYLIB_HAVE_MYSQL
	[LAZYLIB_MYSQL] = { LAZYLIB_SONAME_MYSQL, "live", &lazylib_mysql, lazylib_mysql_names,
			    sizeof(lazylib_mysql_names) / sizeof(lazylib_mysql_names[0]), PTHREAD_ONCE_INIT, 0, "" },
#else
	[LAZYLIB_MYSQL] = { "libmysqlclient (linked)", "live", NULL, NULL, 0, PTHREAD_ONCE_INIT, 1, "" },
#endif
	[LAZYLIB_XML] = { LAZYLIB_SONAME_XML, "JUnit reports", &lazylib_xml, lazylib_xml_names,
			  sizeof(lazylib_xml_names) / sizeof(lazylib_xml_names[0]), PTHREAD_ONCE_INIT, 0, "" },
	[LAZYLIB_JANSSON] = { LAZYLIB_SONAME_JANSSON, "reading JSON", &lazylib_jansson, lazylib_jansson_names,
			      sizeof(lazylib_jansson_names) / sizeof(lazylib_jansson_names[0]), PTHREAD_ONCE_INIT, 0,
			      "" },
};

static void lazylib_open(struct lazylib_entry *e)
{
	void *h = dlopen(e->soname, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *err = dlerror();
		snprintf(e->why, sizeof(e->why), "cannot load %s (needed for %s): %s", e->soname, e->needed_for,
			 err ? err : "dlopen failed");
		e->state = -1;
		return;
	}
	for (size_t i = 0; i < e->nnames; i++) {
		void *f = dlsym(h, e->names[i]);
		void (*fn)(void);
		if (!f) {
			snprintf(e->why, sizeof(e->why), "cannot load %s (needed for %s): no function %s", e->soname,
				 e->needed_for, e->names[i]);
			e->state = -1;
			return;
		}
		/*
		 * The struct holds only function pointers, in the table's order
		 * (checked below with _Static_assert): member i is at i pointers.
		 * POSIX dlsym() gives function addresses as void *.
		 */
		memcpy(&fn, &f, sizeof(fn));
		memcpy((char *)e->fns + i * sizeof(fn), &fn, sizeof(fn));
	}
	e->state = 1;
}

#if LAZYLIB_HAVE_MYSQL
static void lazylib_once_mysql(void)
{
	lazylib_open(&lazylib_entries[LAZYLIB_MYSQL]);
}
#endif
static void lazylib_once_xml(void)
{
	lazylib_open(&lazylib_entries[LAZYLIB_XML]);
}
static void lazylib_once_jansson(void)
{
	lazylib_open(&lazylib_entries[LAZYLIB_JANSSON]);
}

int lazylib_load(enum lazylib l, const char **why)
{
	static void (*const once_fn[LAZYLIB_COUNT])(void) = {
#if LAZYLIB_HAVE_MYSQL
		[LAZYLIB_MYSQL] = lazylib_once_mysql,
#endif
		[LAZYLIB_XML] = lazylib_once_xml,
		[LAZYLIB_JANSSON] = lazylib_once_jansson,
	};
	struct lazylib_entry *e = &lazylib_entries[l];
	if (once_fn[l])
		pthread_once(&e->once, once_fn[l]);
	if (e->state > 0)
		return 0;
	if (why)
		*why = e->why;
	return -1;
}

const char *lazylib_soname(enum lazylib l)
{
	return lazylib_entries[l].soname;
}

/* A library function was called: make sure its library is there, or stop as the loader would have. */
static void lazylib_need(enum lazylib l)
{
	const char *why = NULL;
	if (lazylib_load(l, &why) == 0)
		return;
	diag_emit(DIAG_ERROR, NULL, 0, "%s", why);   /* dlerror() names paths: escaped as every message */
	exit(EXIT_USAGE);
}

/* The functions of the same names: load the library (once), call through its pointer. */
#define LAZYLIB_STUB_F(lib, fns, ret, name, params, args) \
	ret name params                                   \
	{                                                 \
		lazylib_need(lib);                        \
		return fns.name args;                     \
	}
#define LAZYLIB_STUB_V(lib, fns, name, params, args)      \
	void name params                                  \
	{                                                 \
		lazylib_need(lib);                        \
		fns.name args;                            \
	}

#if LAZYLIB_HAVE_MYSQL
#define LAZYLIB_MYSQL_F(ret, name, params, args) LAZYLIB_STUB_F(LAZYLIB_MYSQL, lazylib_mysql, ret, name, params, args)
#define LAZYLIB_MYSQL_V(name, params, args) LAZYLIB_STUB_V(LAZYLIB_MYSQL, lazylib_mysql, name, params, args)
LAZYLIB_MYSQL_FUNCS(LAZYLIB_MYSQL_F, LAZYLIB_MYSQL_V)
#endif

#define LAZYLIB_XML_F(ret, name, params, args) LAZYLIB_STUB_F(LAZYLIB_XML, lazylib_xml, ret, name, params, args)
#define LAZYLIB_XML_V(name, params, args) LAZYLIB_STUB_V(LAZYLIB_XML, lazylib_xml, name, params, args)
LAZYLIB_XML_FUNCS(LAZYLIB_XML_F, LAZYLIB_XML_V)

#define LAZYLIB_JANSSON_F(ret, name, params, args) \
	LAZYLIB_STUB_F(LAZYLIB_JANSSON, lazylib_jansson, ret, name, params, args)
#define LAZYLIB_JANSSON_V(name, params, args) LAZYLIB_STUB_V(LAZYLIB_JANSSON, lazylib_jansson, name, params, args)
LAZYLIB_JANSSON_FUNCS(LAZYLIB_JANSSON_F, LAZYLIB_JANSSON_V)
