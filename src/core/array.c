/* array.c: growing dynamic arrays by doubling. */
#include <stdlib.h>

#include "capviz/array.h"

void *array_grow(void *p, size_t *cap, size_t len, size_t size)
{
	size_t ncap;
	void *np;

	if (len < *cap)
		return p;
	ncap = *cap ? *cap * 2 : 8;
	np = realloc(p, ncap * size);
	if (np)
		*cap = ncap;
	return np;
}
