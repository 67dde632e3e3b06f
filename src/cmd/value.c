/* value.c: the values of the command language: integers, durations,
 * percentages, decimals, key names, set literals and strategy names. Every parser takes a token as pointer
 * and length (tokens are not NUL-terminated), reads digits by hand so that the
 * locale never matters, and checks for overflow before it can happen. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "capviz/cmd.h"
#include "lex.h"

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Reads the digits of s[0..len) into *out; -1 when empty or not all digits,
 * -2 when the value does not fit in 64 bits. */
static int read_digits(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]))
			return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -2;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int cmd_uint64(const char *s, size_t len, uint64_t *out)
{
	return read_digits(s, len, out);
}

int cmd_int64(const char *s, size_t len, int64_t *out)
{
	bool neg = false;
	uint64_t v;
	int r;

	if (len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		len--;
	}
	r = read_digits(s, len, &v);
	if (r < 0)
		return r;
	if (neg) {
		if (v > (uint64_t)INT64_MAX + 1)
			return -2;
		/* -(INT64_MAX + 1) cannot be negated in int64_t: build it. */
		*out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	} else {
		if (v > (uint64_t)INT64_MAX)
			return -2;
		*out = (int64_t)v;
	}
	return 0;
}

/* Splits "12.345" into whole and fraction digits (fraction scaled to
 * *fdigits digits, at most 9). -1 on bad syntax, -2 when too large. */
static int read_decimal(const char *s, size_t len, uint64_t *whole, uint64_t *frac, int *fdigits)
{
	size_t dot = len;
	int r;

	for (size_t i = 0; i < len; i++)
		if (s[i] == '.') {
			dot = i;
			break;
		}
	r = read_digits(s, dot, whole);
	if (r < 0)
		return r;
	*frac = 0;
	*fdigits = 0;
	if (dot == len)
		return 0;
	if (dot + 1 == len || len - dot - 1 > 9)
		return -1;
	r = read_digits(s + dot + 1, len - dot - 1, frac);
	if (r < 0)
		return r;
	*fdigits = (int)(len - dot - 1);
	return 0;
}

/* The unit at the end of a duration, in microseconds; 0 when unknown. */
static int64_t unit_us(const char *u, size_t len)
{
	static const struct { const char *name; int64_t us; } units[] = {
		{ "us", 1 }, { "ms", 1000 }, { "s", 1000000 }, { "m", 60000000 },
	};

	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		const char *n = units[i].name;
		size_t k = 0;

		while (k < len && n[k] && lower(u[k]) == n[k])
			k++;
		if (k == len && !n[k])
			return units[i].us;
	}
	return 0;
}

int cmd_duration(const char *s, size_t len, bool sign, int64_t *us)
{
	bool neg = false;
	size_t num = 0;
	uint64_t whole, frac, scale = 1;
	int fdigits, r;
	int64_t unit;

	if (sign && len > 0 && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		len--;
	}
	while (num < len && (is_digit(s[num]) || s[num] == '.'))
		num++;
	unit = unit_us(s + num, len - num);
	if (num == 0 || unit == 0)
		return -1;
	r = read_decimal(s, num, &whole, &frac, &fdigits);
	if (r < 0)
		return r;
	if (whole > (uint64_t)(CMD_DURATION_MAX_US / unit))
		return -2;
	for (int i = 0; i < fdigits; i++)
		scale *= 10;
	/* frac < 10^9 and unit <= 6e7: the product stays far below 2^63. */
	whole = whole * (uint64_t)unit + frac * (uint64_t)unit / scale;
	if (whole > (uint64_t)CMD_DURATION_MAX_US)
		return -2;
	*us = neg ? -(int64_t)whole : (int64_t)whole;
	return 0;
}

int cmd_percent(const char *s, size_t len, int *pct)
{
	uint64_t v;
	int r;

	if (len > 0 && s[len - 1] == '%')
		len--;
	if (len > 3) {
		/* Long digit strings are only out of range; anything else is bad. */
		r = read_digits(s, len, &v);
		return r == -1 ? -1 : -2;
	}
	r = read_digits(s, len, &v);
	if (r < 0)
		return r;
	if (v > 100)
		return -2;
	*pct = (int)v;
	return 0;
}

int cmd_decimal(const char *s, size_t len, double *out)
{
	uint64_t whole, frac;
	double f;
	int fdigits, r = read_decimal(s, len, &whole, &frac, &fdigits);

	if (r < 0)
		return r;
	if (whole > 1000000000)
		return -2;
	f = (double)frac;
	for (int i = 0; i < fdigits; i++)
		f /= 10;
	*out = (double)whole + f;
	return 0;
}

bool cmd_key_valid(const char *s, size_t len)
{
	if (len == 0 || len >= KEY_NAME_MAX)
		return false;
	if (!(s[0] == '_' || (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	for (size_t i = 1; i < len; i++)
		if (!(s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i])))
			return false;
	return true;
}

bool cmd_path_valid(const char *s, size_t len)
{
	if (len < 2 || len >= KEY_NAME_MAX || s[0] != '/' || s[len - 1] == '/')
		return false;
	for (size_t i = 1; i < len; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch) || ch == '_' ||
		      ch == '.' || ch == '-' || ch == '/'))
			return false;
		if (ch == '/' && s[i - 1] == '/')
			return false;
	}
	return true;
}

static bool set_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* One element name of a set literal into out; fails when it is not a name
 * or is already there. */
static int set_elem(const char *name, size_t n, struct cmd_set *out, char *why, size_t whylen)
{
	struct lex_tok t = { name, n };
	char show[32];

	lex_show(&t, show, sizeof show);
	if (!cmd_key_valid(name, n)) {
		snprintf(why, whylen, "bad element name '%s' (lowercase letters, digits and _, "
			 "not starting with a digit, at most %d characters)", show, KEY_NAME_MAX - 1);
		return -1;
	}
	for (int i = 0; i < out->n; i++)
		if (strlen(out->names[i]) == n && memcmp(out->names[i], name, n) == 0) {
			snprintf(why, whylen, "element '%s' is listed twice", show);
			return -1;
		}
	if (out->n == SET_MAX_ELEMS) {
		snprintf(why, whylen, "too many elements in the set (at most %d)", SET_MAX_ELEMS);
		return -1;
	}
	memcpy(out->names[out->n], name, n);
	out->names[out->n++][n] = '\0';
	return 0;
}

int cmd_set_literal(const char *s, size_t len, struct cmd_set *out, size_t *used, char *why,
		    size_t whylen)
{
	size_t i = 1;

	memset(out, 0, sizeof *out);
	if (len == 0 || s[0] != '{') {
		snprintf(why, whylen, "expected a set such as {apple, pear}");
		return -1;
	}
	for (;;) {
		size_t start;

		while (i < len && set_space(s[i]))
			i++;
		if (i < len && s[i] == '}' && out->n == 0)
			break;
		start = i;
		while (i < len && !set_space(s[i]) && s[i] != ',' && s[i] != '}' && s[i] != '{')
			i++;
		if (i == start && i < len && (s[i] == ',' || s[i] == '}')) {
			snprintf(why, whylen, "an element of the set is missing (before '%c')", s[i]);
			return -1;
		}
		if (i == start && i < len) {
			snprintf(why, whylen, "unexpected '%c' in the set", s[i]);
			return -1;
		}
		if (i == start)
			break;
		if (set_elem(s + start, i - start, out, why, whylen) < 0)
			return -1;
		while (i < len && set_space(s[i]))
			i++;
		if (i < len && s[i] == ',') {
			i++;
			continue;
		}
		if (i < len && s[i] != '}') {
			snprintf(why, whylen, "expected ',' or '}' after '%s'", out->names[out->n - 1]);
			return -1;
		}
		break;
	}
	if (i >= len) {
		snprintf(why, whylen, "missing '}' at the end of the set");
		return -1;
	}
	*used = i + 1;
	return 0;
}

int cmd_strategy(const char *s, size_t len)
{
	static const char *const names[STRAT_COUNT] = { "lww", "crdt", "merge" };
	struct lex_tok t = { s, len };

	for (int i = 0; i < STRAT_COUNT; i++)
		if (lex_is(&t, names[i]))
			return i;
	return -1;
}
