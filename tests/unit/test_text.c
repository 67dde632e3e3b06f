/* test_text.c: text_show, the one rule for showing outside bytes on a
 * terminal: controls, invalid UTF-8, C1 controls and the characters that
 * reorder text become \xNN, a backslash \\; UTF-8 text is kept; a short
 * buffer cuts between escapes, never inside one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "capviz/text.h"

/* A literal and its length, NULs included. */
#define S(lit) lit, sizeof lit - 1

static void shows(const char *in, size_t len, const char *want)
{
	char out[256];
	size_t n = text_show(out, sizeof out, in, len);

	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static void test_escapes(void **state)
{
	(void)state;
	shows(S("balance"), "balance");
	shows(S("\033]0;PWNED\007\033[2J"), "\\x1b]0;PWNED\\x07\\x1b[2J");
	shows(S("a\0b"), "a\\x00b");
	shows(S("tab\there\r\n"), "tab\\x09here\\x0d\\x0a");
	shows(S("del\177"), "del\\x7f");
	shows(S("back\\slash"), "back\\\\slash");
	shows(S("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");        /* café € */
	shows(S("\xc2\x9b" "31m"), "\\xc2\\x9b31m");                              /* CSI as C1 */
	shows(S("\xff\xfe"), "\\xff\\xfe");
	shows(S("\xe2\x82"), "\\xe2\\x82");                                      /* cut short */
	shows(S("\xed\xa0\x80"), "\\xed\\xa0\\x80");                             /* a surrogate */
	shows(S("\xc0\xaf"), "\\xc0\\xaf");                                      /* overlong '/' */
	shows(S("x\xe2\x80\xaey"), "x\\xe2\\x80\\xaey");                          /* right-to-left override */
	shows(S("\xe2\x81\xa6"), "\\xe2\\x81\\xa6");                             /* left-to-right isolate */
	shows(S("\xe2\x80\xa8"), "\\xe2\\x80\\xa8");                             /* line separator */
	shows(S(""), "");
}

static void test_short_buffer(void **state)
{
	char out[8];

	(void)state;
	/* "ab\x1b" needs 6 bytes and a NUL: it fits; one more escape does not. */
	assert_int_equal(text_show(out, sizeof out, "ab\033\033", 4), 10);
	assert_string_equal(out, "ab\\x1b");
	assert_int_equal(text_show(out, 3, "\xc3\xa9\xc3\xa9", 4), 4);
	assert_string_equal(out, "\xc3\xa9");
	assert_int_equal(text_show(NULL, 0, "\033", 1), 4);
	assert_int_equal(text_show(out, 1, "abc", 3), 3);
	assert_string_equal(out, "");
}

static void test_utf8_len(void **state)
{
	(void)state;
	assert_int_equal(text_utf8_len((const unsigned char *)"a", 1), 1);
	assert_int_equal(text_utf8_len((const unsigned char *)"\xc3\xa9", 2), 2);
	assert_int_equal(text_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(text_utf8_len((const unsigned char *)"\xf0\x9f\x98", 3), 0);
	assert_int_equal(text_utf8_len((const unsigned char *)"\xc2\x85", 2), 0);
	assert_int_equal(text_utf8_len((const unsigned char *)"\xf4\x90\x80\x80", 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_short_buffer),
		cmocka_unit_test(test_utf8_len),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
