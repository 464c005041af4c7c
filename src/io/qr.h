/*
 * qr — a QR code (libqrencode, error correction level M) drawn for people:
 * as text for a terminal and as an SVG image for the web page. Used for
 * the otpauth:// URI an authenticator app scans at enrolment.
 */
#ifndef CH_IO_QR_H
#define CH_IO_QR_H

/* TEXT's QR code as lines of Unicode block characters, two rows of modules
 * per line, light modules drawn (so it reads on a dark terminal), with a
 * quiet zone of two modules; the caller frees. NULL, with the error set,
 * when libqrencode could not be loaded (CH_ERROR, saying why) or TEXT does
 * not fit a QR code (CH_EINVALID): the caller shows the text without the
 * code, and why it is missing. */
char *ch_qr_text(const char *text);
/* TEXT's QR code as an SVG document of one path (no style attribute, so a
 * Content-Security-Policy without inline styles allows it), hidden from
 * screen readers: the page that shows it names it and gives the secret as
 * text too; the caller frees. NULL, with the error set, as ch_qr_text. */
char *ch_qr_svg(const char *text);

#endif
