/*
 * qr — QR codes as terminal text and as SVG (see qr.h).
 *
 * libqrencode is loaded the first time a code is drawn (util/dl.h), not
 * when the program starts: only enrolling an authenticator draws one, and
 * every other command paid for loading it (docs/performance.md, the
 * dispatch). The program is not linked with it.
 */
#include <errno.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/qr.h"
#include "util/buf.h"
#include "util/dl.h"
#include "util/error.h"

#define QUIET 2 /* modules of light margin around the code */

static struct {
	__typeof__(QRcode_encodeString) *encode_string;
	__typeof__(QRcode_free) *free;
} qrencode;

static const char *const lib[] = {"libqrencode.so.4"};
static const char *const names[] = {"QRcode_encodeString", "QRcode_free"};
static void **const addrs[] = {(void **)&qrencode.encode_string, (void **)&qrencode.free};
static struct ch_dl_once libqrencode = CH_DL_ONCE_INIT(lib, names, addrs, NULL);

/* TEXT's code; NULL, with the error set, when libqrencode is missing or
 * TEXT does not fit. */
static QRcode *encode(const char *text)
{
	if (ch_dl_once(&libqrencode) != 0) {
		ch_error_set(CH_ERROR, "无法加载绘制二维码的库 libqrencode：%s", libqrencode.why);
		return NULL;
	}
	errno = 0;
	QRcode *q = qrencode.encode_string(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q && errno == ERANGE)
		ch_error_set(CH_EINVALID, "内容太长（%zu 字节），放不进一个二维码", strlen(text));
	else if (!q)
		ch_error_set(CH_ERROR, "无法生成二维码：%s", strerror(errno));
	return q;
}

/* 1 when the module at X, Y (quiet zone included) is dark. */
static int dark(const QRcode *q, int x, int y)
{
	x -= QUIET, y -= QUIET;
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[y * q->width + x] & 1;
}

char *ch_qr_text(const char *text)
{
	QRcode *q = encode(text);
	if (!q)
		return NULL;
	int n = q->width + 2 * QUIET;
	ch_buf b;
	ch_buf_init(&b);
	for (int y = 0; y < n; y += 2) {
		for (int x = 0; x < n; x++) {
			int top = !dark(q, x, y), bottom = y + 1 < n ? !dark(q, x, y + 1) : 0;
			ch_buf_puts(&b, top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ");
		}
		ch_buf_puts(&b, "\n");
	}
	qrencode.free(q);
	return ch_buf_detach(&b);
}

char *ch_qr_svg(const char *text)
{
	QRcode *q = encode(text);
	if (!q)
		return NULL;
	int n = q->width + 2 * QUIET;
	ch_buf b;
	ch_buf_init(&b);
	ch_buf_printf(&b,
	              "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	              "width=\"%d\" height=\"%d\" aria-hidden=\"true\" "
	              "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" "
	              "fill=\"#fff\"/><path fill=\"#000\" d=\"",
	              n, n, n * 6, n * 6, n, n);
	for (int y = 0; y < n; y++)
		for (int x = 0; x < n; x++)
			if (dark(q, x, y))
				ch_buf_printf(&b, "M%d %dh1v1h-1z", x, y);
	ch_buf_puts(&b, "\"/></svg>");
	qrencode.free(q);
	return ch_buf_detach(&b);
}
