/* statefile: whole-file reads and atomic replacement in state-dir. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "statefile.h"

int
statefile_read(const char *dir, const char *name, size_t max, uint8_t **buf, size_t *len,
    char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int fd;

	*buf = NULL;
	*len = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		snprintf(err, errlen, "%s: not a regular file of at most %zu bytes", path, max);
		close(fd);
		return -1;
	}
	if ((*buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size && (n = read(fd, *buf + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (got != (size_t)st.st_size) {
		snprintf(err, errlen, "%s: short read", path);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	(*buf)[got] = '\0';
	*len = got;
	return 0;
}

int
statefile_write(const char *dir, const char *name, const char *text, size_t len,
    char *err, size_t errlen)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	size_t done = 0;
	int fd, dfd;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done != len || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: %s", tmp, errno ? strerror(errno) : "short write");
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	/* the rename itself is durable only once the directory is synced */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
}

int
statefile_load(const char *dir, const char *name, size_t max, statefile_parse_fn parse, void *obj,
    char *err, size_t errlen)
{
	char why[256];
	uint8_t *buf;
	size_t len;
	int rc;

	if ((rc = statefile_read(dir, name, max, &buf, &len, err, errlen)) != 0)
		return rc == 1 ? 0 : -1;
	if ((rc = parse(buf, len, obj, why, sizeof(why))) != 0)
		snprintf(err, errlen, "%s/%s: %s", dir, name, why);
	free(buf);
	return rc;
}

int
statefile_save(const char *dir, const char *name, statefile_build_fn build, const void *obj,
    char *err, size_t errlen)
{
	char *text;
	size_t len;
	int rc;

	if (build(obj, &text, &len) != 0) {
		snprintf(err, errlen, "%s/%s: out of memory", dir, name);
		return -1;
	}
	rc = statefile_write(dir, name, text, len, err, errlen);
	free(text);
	return rc;
}
