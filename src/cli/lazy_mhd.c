/*
 * lazy_mhd — libmicrohttpd loaded when `cleanheat serve` starts, not when
 * the program starts. libmicrohttpd brings GnuTLS, nettle, GMP, p11-kit and
 * libunistring with it; every other command paid for loading and relocating
 * them (docs/performance.md, the dispatch). The program (not the fuzz
 * targets, which leave the server out) is linked with these functions
 * instead of libmicrohttpd: each loads libmicrohttpd.so.12 once and calls
 * the function of the same name there.
 *
 * The list below is every libmicrohttpd function src/http/server.c calls; a
 * new one there must be added here (the link of the program names it until
 * then). The two variadic information functions are called by server.c
 * with no argument after the kind asked, and are passed on so;
 * MHD_start_daemon goes to MHD_start_daemon_va. When the library cannot
 * be loaded, MHD_start_daemon says why on standard error and starts
 * nothing.
 */
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "util/dl.h"

#define MHD_FUNCS(X)                                                                               \
	X(MHD_add_response_header)                                                                 \
	X(MHD_create_post_processor)                                                               \
	X(MHD_create_response_from_buffer)                                                         \
	X(MHD_destroy_post_processor)                                                              \
	X(MHD_destroy_response)                                                                    \
	X(MHD_get_connection_info)                                                                 \
	X(MHD_get_connection_values)                                                               \
	X(MHD_get_daemon_info)                                                                     \
	X(MHD_is_feature_supported)                                                                \
	X(MHD_lookup_connection_value)                                                             \
	X(MHD_post_process)                                                                        \
	X(MHD_queue_response)                                                                      \
	X(MHD_quiesce_daemon)                                                                      \
	X(MHD_start_daemon_va)                                                                     \
	X(MHD_stop_daemon)

static struct {
#define MHD_PTR(name) __typeof__(name) *p_##name;
	MHD_FUNCS(MHD_PTR)
#undef MHD_PTR
} mhd;

/* The functions' names, and where each goes. */
#define MHD_NAME(name) #name,
#define MHD_ADDR(name) (void **)&mhd.p_##name,
static const char *const mhd_names[] = {MHD_FUNCS(MHD_NAME)};
static void **const mhd_addrs[] = {MHD_FUNCS(MHD_ADDR)};

/* Why the library could not be loaded ("" when it was), set once. */
static char load_failed[512];

static void load(void)
{
	static const char *const lib[] = {"libmicrohttpd.so.12"};
	(void)ch_dl_load(lib, 1, mhd_names, mhd_addrs, sizeof mhd_names / sizeof mhd_names[0],
	                 load_failed, sizeof load_failed);
}

/* 1 when the library is loaded (loading it the first time). */
static int loaded(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, load);
	return !load_failed[0];
}

struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
                                    void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
	struct MHD_Daemon *d;
	va_list ap;
	if (!loaded()) {
		fprintf(stderr, "cleanheat: 无法加载 HTTP 服务库 libmicrohttpd：%s\n", load_failed);
		errno = ELIBACC;
		return NULL;
	}
	va_start(ap, dh_cls);
	d = mhd.p_MHD_start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
	va_end(ap);
	return d;
}

const union MHD_ConnectionInfo *MHD_get_connection_info(struct MHD_Connection *connection,
                                                        enum MHD_ConnectionInfoType info_type, ...)
{
	return loaded() ? mhd.p_MHD_get_connection_info(connection, info_type) : NULL;
}

const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *daemon,
                                                enum MHD_DaemonInfoType info_type, ...)
{
	return loaded() ? mhd.p_MHD_get_daemon_info(daemon, info_type) : NULL;
}

/* A function returning TYPE, with PARAMS, calling the library's with ARGS;
 * FALLBACK when it is not there. */
#define MHD_FN(type, name, params, args, fallback)                                                 \
	type name params                                                                           \
	{                                                                                          \
		return loaded() ? mhd.p_##name args : fallback;                                    \
	}
#define MHD_VOID(name, params, args)                                                               \
	void name params                                                                           \
	{                                                                                          \
		if (loaded())                                                                      \
			mhd.p_##name args;                                                         \
	}

MHD_FN(enum MHD_Result, MHD_add_response_header,
       (struct MHD_Response * response, const char *header, const char *content),
       (response, header, content), MHD_NO)
MHD_FN(struct MHD_PostProcessor *, MHD_create_post_processor,
       (struct MHD_Connection * connection, size_t buffer_size, MHD_PostDataIterator iter,
        void *iter_cls),
       (connection, buffer_size, iter, iter_cls), NULL)
MHD_FN(struct MHD_Response *, MHD_create_response_from_buffer,
       (size_t size, void *buffer, enum MHD_ResponseMemoryMode mode), (size, buffer, mode), NULL)
MHD_FN(enum MHD_Result, MHD_destroy_post_processor, (struct MHD_PostProcessor * pp), (pp), MHD_NO)
MHD_VOID(MHD_destroy_response, (struct MHD_Response * response), (response))
MHD_FN(int, MHD_get_connection_values,
       (struct MHD_Connection * connection, enum MHD_ValueKind kind, MHD_KeyValueIterator iterator,
        void *iterator_cls),
       (connection, kind, iterator, iterator_cls), 0)
MHD_FN(enum MHD_Result, MHD_is_feature_supported, (enum MHD_FEATURE feature), (feature), MHD_NO)
MHD_FN(const char *, MHD_lookup_connection_value,
       (struct MHD_Connection * connection, enum MHD_ValueKind kind, const char *key),
       (connection, kind, key), NULL)
MHD_FN(enum MHD_Result, MHD_post_process,
       (struct MHD_PostProcessor * pp, const char *post_data, size_t post_data_len),
       (pp, post_data, post_data_len), MHD_NO)
MHD_FN(enum MHD_Result, MHD_queue_response,
       (struct MHD_Connection * connection, unsigned int status_code,
        struct MHD_Response *response),
       (connection, status_code, response), MHD_NO)
MHD_FN(MHD_socket, MHD_quiesce_daemon, (struct MHD_Daemon * daemon), (daemon), MHD_INVALID_SOCKET)
MHD_VOID(MHD_stop_daemon, (struct MHD_Daemon * daemon), (daemon))
