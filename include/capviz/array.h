/* array.h: the one way the core grows its dynamic arrays (doubling), so that
 * every owner checks the same way for memory running out. */
#ifndef CAPVIZ_ARRAY_H
#define CAPVIZ_ARRAY_H

#include <stddef.h>

/* Makes room for one more element after len in p (capacity *cap, elements
 * of size bytes), doubling from 8. Returns the array to use from now on, or
 * NULL when memory runs out (then p is still valid and *cap unchanged). */
void *array_grow(void *p, size_t *cap, size_t len, size_t size);

#endif
