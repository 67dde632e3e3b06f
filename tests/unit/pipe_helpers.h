/* pipe_helpers.h: a file that gives its bytes once, as a process
 * substitution (/dev/fd/63), /dev/stdin on a pipe or a FIFO do: text
 * written into a pipe, its read end named /dev/fd/N. */
#ifndef CAPVIZ_TEST_PIPE_HELPERS_H
#define CAPVIZ_TEST_PIPE_HELPERS_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Returns the read end (close it after), its name in path; -1 on failure.
 * text must fit in the pipe's buffer (a few KiB always do). */
static inline int pipe_with(const char *text, char *path, size_t size)
{
	int fd[2];
	size_t len = strlen(text);

	if (pipe(fd) < 0)
		return -1;
	if (write(fd[1], text, len) != (ssize_t)len) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	close(fd[1]);
	snprintf(path, size, "/dev/fd/%d", fd[0]);
	return fd[0];
}

#endif
