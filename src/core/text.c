/* text.c: outside bytes made safe to print (text.h). The core itself never
 * prints; this is here, at the bottom of the layers, so that cmd, ui and
 * app share one rule for what reaches a terminal. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "capviz/text.h"

size_t text_utf8_len(const unsigned char *p, size_t n)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 1;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		need = 2;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		need = 3;
	else
		return 0;
	if (p[0] == 0xc2)
		lo = 0xa0;      /* U+0080..U+009F are the C1 controls */
	else if (p[0] == 0xe0)
		lo = 0xa0;      /* overlong */
	else if (p[0] == 0xed)
		hi = 0x9f;      /* surrogates */
	else if (p[0] == 0xf0)
		lo = 0x90;      /* overlong */
	else if (p[0] == 0xf4)
		hi = 0x8f;      /* past U+10FFFF */
	if (n < need + 1 || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i <= need; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return need + 1;
}

/* A valid three-byte character that reorders text or breaks a line: the
 * bidirectional embeddings and overrides, the isolates, and the line and
 * paragraph separators. */
static bool invisible_control(const unsigned char *p, size_t n)
{
	if (n != 3 || p[0] != 0xe2)
		return false;
	return (p[1] == 0x80 && p[2] >= 0xa8 && p[2] <= 0xae) || (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9);
}

size_t text_show(char *out, size_t size, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t used = 0, total = 0;
	bool full = size == 0;

	for (size_t i = 0; i < len;) {
		size_t n = text_utf8_len(p + i, len - i), w;
		char piece[16];
		bool escape = n == 0 || p[i] < 0x20 || p[i] == 0x7f || invisible_control(p + i, n);

		if (n == 0)
			n = 1;
		if (escape) {
			w = 0;
			for (size_t k = 0; k < n; k++)
				w += (size_t)snprintf(piece + w, sizeof piece - w, "\\x%02x", p[i + k]);
		} else if (p[i] == '\\') {
			memcpy(piece, "\\\\", 2);
			w = 2;
		} else {
			memcpy(piece, p + i, n);
			w = n;
		}
		if (!full && used + w < size) {
			memcpy(out + used, piece, w);
			used += w;
		} else {
			full = true;
		}
		total += w;
		i += n;
	}
	if (size > 0)
		out[used] = '\0';
	return total;
}
