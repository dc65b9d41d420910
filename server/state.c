/* SPDX-License-Identifier: ISC */
/* state: the engine's side of the state files; see state.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "priv.h"
#include "state.h"
#include "util.h"

void
state_init(struct state *st, struct priv *priv)
{
	memset(st, 0, sizeof(*st));
	st->priv = priv;
}

void
state_register(struct state *st, enum privmsg_file file, state_build_fn build, const void *obj)
{
	st->f[file].build = build;
	st->f[file].obj = obj;
}

int
state_load(struct state *st, enum privmsg_file file, size_t max, state_parse_fn parse, void *obj,
    char *err, size_t errlen)
{
	const char *name = privmsg_file_name(file);
	char why[256];
	struct stat sb;
	uint8_t *buf = NULL;
	size_t got = 0;
	int fd, rc = -1;

	if ((fd = priv_state_open(st->priv, file, err, errlen)) < 0)
		return errno == ENOENT ? 0 : -1;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || (uint64_t)sb.st_size > max) {
		snprintf(err, errlen, "state file %s: not a regular file of at most %zu bytes", name, max);
		goto out;
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		snprintf(err, errlen, "state file %s: out of memory", name);
		goto out;
	}
	while (got < (size_t)sb.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)sb.st_size - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got != (size_t)sb.st_size) {
		snprintf(err, errlen, "state file %s: short read", name);
		goto out;
	}
	buf[got] = '\0';
	if ((rc = parse(buf, got, obj, why, sizeof(why))) != 0)
		snprintf(err, errlen, "state file %s: %s", name, why);
out:
	free(buf);
	close(fd);
	return rc;
}

void
state_touch(struct state *st, enum privmsg_file file)
{
	st->f[file].dirty = true;
	st->f[file].gen++;
}

/* The file's text in a sealed memfd: the parent reads exactly what we
 * built, and we can no longer change it under its feet. */
static int
state_memfd(struct state_file *f, const char *name, char *err, size_t errlen)
{
	char *text;
	size_t len, done = 0;
	int fd;

	if (f->build(f->obj, &text, &len) != 0) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	if ((fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING)) < 0) {
		snprintf(err, errlen, "%s: memfd: %s", name, strerror(errno));
		free(text);
		return -1;
	}
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n <= 0)
			break;
		done += (size_t)n;
	}
	free(text);
	if (done != len ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
		snprintf(err, errlen, "%s: memfd: %s", name, strerror(errno ? errno : EIO));
		close(fd);
		return -1;
	}
	return fd;
}

/* A write's outcome: a failure logged once per kind (a full disk too),
 * the recovery once; the file stays dirty until a write succeeds. */
static void
state_result(struct state_file *f, const char *name, uint32_t gen, int err, const char *text)
{
	char why[PRIV_TEXT_MAX + 32], what[64];

	snprintf(why, sizeof(why), "state file %s: %s", name, text[0] ? text : strerror(err));
	snprintf(what, sizeof(what), "state file %s", name);
	if (statefile_save_done(&f->saves, what, err, why, util_now_ms()) == 0 && gen == f->gen)
		f->dirty = false;
}

void
state_flush(struct state *st)
{
	for (int i = 0; i < PRIV_FILE_MAX; i++) {
		struct state_file *f = &st->f[i];
		const char *name = privmsg_file_name((enum privmsg_file)i);
		struct privmsg req;
		char err[256];
		int fd;

		if (!f->dirty || f->inflight_id != 0 || f->build == NULL ||
		    !statefile_save_due(&f->saves, util_now_ms()))
			continue;
		if ((fd = state_memfd(f, name, err, sizeof(err))) < 0) {
			state_result(f, name, f->gen, ENOMEM, err);
			continue;
		}
		memset(&req, 0, offsetof(struct privmsg, addrs));
		req.type = PRIV_STATE_WRITE;
		req.file = (enum privmsg_file)i;
		f->inflight_gen = f->gen;
		f->inflight_id = priv_send(st->priv, &req, fd);
		close(fd);
		if (f->inflight_id == 0)
			state_result(f, name, f->gen, errno ? errno : EIO, "");
	}
}

void
state_done(struct state *st, const struct privmsg *reply)
{
	for (int i = 0; i < PRIV_FILE_MAX; i++) {
		struct state_file *f = &st->f[i];

		if (f->inflight_id == 0 || f->inflight_id != reply->id)
			continue;
		f->inflight_id = 0;
		state_result(f, privmsg_file_name((enum privmsg_file)i), f->inflight_gen, reply->err, reply->text);
		return;
	}
}

int
state_save(struct state *st, enum privmsg_file file, char *err, size_t errlen)
{
	struct state_file *f = &st->f[file];
	const char *name = privmsg_file_name(file);
	struct privmsg req, reply;
	uint32_t gen = f->gen;
	int fd, rfd;

	if ((fd = state_memfd(f, name, err, errlen)) < 0)
		return -1;
	memset(&req, 0, offsetof(struct privmsg, addrs));
	req.type = PRIV_STATE_WRITE;
	req.file = file;
	if (priv_call(st->priv, &req, fd, &reply, &rfd) != 0) {
		snprintf(err, errlen, "state file %s: parent: %s", name, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	if (rfd >= 0)
		close(rfd);
	state_result(f, name, gen, reply.err, reply.text);
	if (reply.err != 0) {
		snprintf(err, errlen, "state file %s: %s", name, reply.text[0] ? reply.text : strerror(reply.err));
		return -1;
	}
	return 0;
}

bool
state_clean(const struct state *st)
{
	for (int i = 0; i < PRIV_FILE_MAX; i++)
		if (st->f[i].dirty || st->f[i].inflight_id != 0)
			return false;
	return true;
}
