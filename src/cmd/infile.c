/* infile.c: input files read once (infile.h). Loaders that used to open a
 * file twice, or fopen and fread it with stdio's buffering, read it here:
 * one open, reads until the end or the limit, and a message that names the
 * file and says why when it cannot be read. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capviz/infile.h"

/* Reads fd to its end or to max + 1 bytes; -1 with errno on a read error. */
static int read_all(int fd, size_t max, char **out, size_t *outlen)
{
	size_t cap = max < 65536 ? max + 1 : 65536, len = 0;
	char *buf = malloc(cap + 1);

	if (!buf)
		return -1;
	while (len < max + 1) {
		ssize_t n;

		if (len == cap) {
			size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			char *grown = realloc(buf, ncap + 1);

			if (!grown) {
				free(buf);
				return -1;
			}
			buf = grown;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

int infile_read(const char *path, size_t max, char **buf, size_t *len, char *err, size_t errlen)
{
	bool std = strcmp(path, "-") == 0;
	int fd = std ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	const char *name = std ? "stdin" : path;
	struct stat st;
	int rc = 0;

	*buf = NULL;
	*len = 0;
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot read it: %s", name, strerror(errno));
		return -1;
	}
	/* read() would say EISDIR too, but not on every system. */
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: cannot read it: %s", name, strerror(EISDIR));
		rc = -1;
	} else if (read_all(fd, max, buf, len) < 0) {
		snprintf(err, errlen, "%s: cannot read it: %s", name, strerror(errno));
		rc = -1;
	}
	if (!std)
		close(fd);
	return rc;
}

int infile_size(const char *name, const char *buf, size_t len, size_t max, const char *what, char *err,
		size_t errlen)
{
	int line = 1;

	if (len <= max)
		return 0;
	/* The line that holds byte max + 1; "\r\n", "\n" and a lone "\r" each
	 * end a line. */
	for (size_t i = 0; i < max; i++)
		if (buf[i] == '\n' || (buf[i] == '\r' && buf[i + 1] != '\n'))
			line++;
	if (max % (1024 * 1024) == 0 && max)
		snprintf(err, errlen, "%s:%d: too big for %s (at most %zu MiB)", name, line, what, max / (1024 * 1024));
	else if (max % 1024 == 0)
		snprintf(err, errlen, "%s:%d: too big for %s (at most %zu KiB)", name, line, what, max / 1024);
	else
		snprintf(err, errlen, "%s:%d: too big for %s (at most %zu bytes)", name, line, what, max);
	return line;
}

bool infile_listable(DIR *dir, const char *name)
{
	struct stat st;

	return fstatat(dirfd(dir), name, &st, 0) == 0 && S_ISREG(st.st_mode);
}
