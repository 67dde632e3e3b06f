/* text.h: bytes from outside (a file, an outside node, a command line) as
 * they may be shown on a terminal: a key read from a history file may hold
 * ESC ] 0 ; ... BEL, which would retitle the window, or ESC [ 2 J, which
 * would clear the screen. Any module that prints such a string shows it
 * through text_show. */
#ifndef CAPVIZ_TEXT_H
#define CAPVIZ_TEXT_H

#include <stddef.h>

/* Length of the UTF-8 sequence at p (n bytes left, n > 0), or 0 when it is
 * not valid UTF-8 or is a C1 control (U+0080..U+009F: terminals obey
 * them as they obey ESC). */
size_t text_utf8_len(const unsigned char *p, size_t n);

/* s (len bytes, NULs included) for display in out (size bytes, always
 * NUL-terminated when size > 0): control bytes (below 0x20 and 0x7f), the
 * bytes of invalid UTF-8 and of C1 controls, and of the characters that
 * reorder or break lines (U+202A..U+202E, U+2066..U+2069, U+2028, U+2029)
 * become \xNN; a backslash becomes \\ (so an escape is never ambiguous);
 * the rest, UTF-8 included, is copied. When out is too small the display is
 * cut before an escape or a character, never inside one. Returns the
 * length of the whole display (without the NUL), as snprintf does. */
size_t text_show(char *out, size_t size, const char *s, size_t len);

#endif
