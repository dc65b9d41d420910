/* SPDX-License-Identifier: ISC */
/* hostsfile: the text is exactly the format dnsmasq --hostsdir reads, for
 * AAAA and A entries with and without an alias; an entry that would not be
 * one line of it is refused; in a real temporary directory a write reads
 * back, an overwrite replaces the old content whole and leaves no
 * temporary file, a remove removes (twice is fine), and a site name that
 * is not a plain file name is refused before anything is touched. */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hostsfile.h"

struct tmpdir {
	char path[64];
	int fd;
};

static struct hostsfile_entry
entry(const char *addr, const char *name, const char *alias)
{
	struct hostsfile_entry e = { .name = name, .alias = alias };

	e.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(e.family, addr, &e.addr), 1);
	return e;
}

static int
dir_setup(void **state)
{
	struct tmpdir *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return -1;
	snprintf(d->path, sizeof(d->path), "/tmp/test_hostsfile.XXXXXX");
	if (mkdtemp(d->path) == NULL || (d->fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		free(d);
		return -1;
	}
	*state = d;
	return 0;
}

static int
dir_teardown(void **state)
{
	struct tmpdir *d = *state;
	struct dirent *de;
	DIR *dir = opendir(d->path);

	while (dir != NULL && (de = readdir(dir)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			unlinkat(d->fd, de->d_name, 0);
	if (dir != NULL)
		closedir(dir);
	close(d->fd);
	rmdir(d->path);
	free(d);
	return 0;
}

/* The whole file DIR/name, NUL-terminated, or NULL when it is not there. */
static char *
slurp(const struct tmpdir *d, const char *name)
{
	static char buf[4096];
	int fd = openat(d->fd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	return buf;
}

/* Entries in the directory, "." and ".." aside: temporary files count. */
static int
dir_count(const struct tmpdir *d)
{
	DIR *dir = opendir(d->path);
	struct dirent *de;
	int n = 0;

	assert_non_null(dir);
	while ((de = readdir(dir)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(dir);
	return n;
}

static void
test_build(void **state)
{
	struct hostsfile_entry e[] = {
		entry("2001:db8:64:1:4::100", "vm1.home1.home.example.org", "vm1.home1"),
		entry("2001:db8:64:1:4::101", "vm2.home1.home.example.org", NULL),
		entry("192.0.2.10", "nas.home1.home.example.org", "nas.home1"),
		entry("198.51.100.7", "pi.home1.home.example.org", NULL),
	};
	const char want[] =
	    "# v6ext: site home1, written by v6extd; do not edit\n"
	    "2001:db8:64:1:4::100 vm1.home1.home.example.org vm1.home1\n"
	    "2001:db8:64:1:4::101 vm2.home1.home.example.org\n"
	    "192.0.2.10 nas.home1.home.example.org nas.home1\n"
	    "198.51.100.7 pi.home1.home.example.org\n";
	char *out;
	size_t len;

	(void)state;
	assert_int_equal(hostsfile_build("home1", e, 4, &out, &len), 0);
	assert_int_equal(len, sizeof(want) - 1);
	assert_memory_equal(out, want, len);
	assert_int_equal(out[len], '\0');
	free(out);

	/* no entries: the comment alone */
	assert_int_equal(hostsfile_build("home2", NULL, 0, &out, &len), 0);
	assert_string_equal(out, "# v6ext: site home2, written by v6extd; do not edit\n");
	assert_int_equal(len, strlen(out));
	free(out);
}

static void
test_build_refuses(void **state)
{
	struct hostsfile_entry ok = entry("2001:db8::1", "vm1.home1.home.example.org", NULL);
	struct hostsfile_entry e;
	char *out = (char *)"untouched";
	size_t len = 7;
	char longname[HOSTSFILE_NAME_MAX + 2];
	const char *bad[] = {
		"", "vm1 evil", "vm1\n::1 www.bank.example", "vm1\tx", "vm1#x", "vm1\x7f",
		longname,
	};

	(void)state;
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		e = ok;
		e.name = bad[i];
		errno = 0;
		assert_int_equal(hostsfile_build("home1", &e, 1, &out, &len), -1);
		assert_int_equal(errno, EINVAL);
		assert_null(out);
		assert_int_equal(len, 0);
		e = ok;
		e.alias = bad[i];
		assert_int_equal(hostsfile_build("home1", &e, 1, &out, &len), -1);
		assert_int_equal(errno, EINVAL);
	}
	e = ok;
	e.name = NULL;
	assert_int_equal(hostsfile_build("home1", &e, 1, &out, &len), -1);
	e = ok;
	e.family = AF_UNIX;
	assert_int_equal(hostsfile_build("home1", &e, 1, &out, &len), -1);
	assert_int_equal(errno, EINVAL);
	/* the site is in the comment line: the same rule as for the file name */
	assert_int_equal(hostsfile_build("home1\n::1 x", &ok, 1, &out, &len), -1);
	/* a name of exactly the limit is fine */
	longname[HOSTSFILE_NAME_MAX] = '\0';
	e = ok;
	e.name = longname;
	assert_int_equal(hostsfile_build("home1", &e, 1, &out, &len), 0);
	free(out);
}

static void
test_write_overwrite_remove(void **state)
{
	struct tmpdir *d = *state;
	struct hostsfile_entry a[] = {
		entry("2001:db8::1", "vm1.home1.home.example.org", "vm1.home1"),
		entry("2001:db8::2", "vm2.home1.home.example.org", "vm2.home1"),
		entry("192.0.2.1", "vm1.home1.home.example.org", "vm1.home1"),
	};
	struct hostsfile_entry b[] = {
		entry("2001:db8::3", "vm3.home1.home.example.org", NULL),
	};
	char err[256] = "";
	char *text, *got;
	size_t len;
	struct stat st;

	assert_int_equal(hostsfile_build("home1", a, 3, &text, &len), 0);
	assert_int_equal(hostsfile_write(d->fd, d->path, "home1", text, len, err, sizeof(err)), 0);
	assert_non_null(got = slurp(d, "home1"));
	assert_string_equal(got, text);
	free(text);
	assert_int_equal(dir_count(d), 1);
	/* dnsmasq reads it as another user, whatever our umask */
	assert_int_equal(fstatat(d->fd, "home1", &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0644);

	/* shorter: a file rewritten in place would keep the old tail */
	assert_int_equal(hostsfile_build("home1", b, 1, &text, &len), 0);
	assert_int_equal(hostsfile_write(d->fd, d->path, "home1", text, len, err, sizeof(err)), 0);
	assert_non_null(got = slurp(d, "home1"));
	assert_string_equal(got,
	    "# v6ext: site home1, written by v6extd; do not edit\n"
	    "2001:db8::3 vm3.home1.home.example.org\n");
	free(text);
	assert_int_equal(dir_count(d), 1);          /* no .home1.XXXXXX left */

	/* another site beside it */
	assert_int_equal(hostsfile_write(d->fd, d->path, "home2", "x\n", 2, err, sizeof(err)), 0);
	assert_int_equal(dir_count(d), 2);

	assert_int_equal(hostsfile_remove(d->fd, d->path, "home1", err, sizeof(err)), 0);
	assert_null(slurp(d, "home1"));
	assert_int_equal(hostsfile_remove(d->fd, d->path, "home1", err, sizeof(err)), 0);   /* ENOENT is fine */
	assert_non_null(slurp(d, "home2"));
	assert_int_equal(dir_count(d), 1);
}

static void
test_bad_site(void **state)
{
	struct tmpdir *d = *state;
	const char *bad[] = { "", ".", "..", ".home1", "../home1", "a/b", "/etc/hosts", "home 1", "home1\n",
	    "a-site-name-longer-than-32-bytes!", "abcdefghijklmnopqrstuvwxyz0123456" };
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(hostsfile_write(d->fd, d->path, bad[i], "x\n", 2, err, sizeof(err)), EINVAL);
		assert_non_null(strstr(err, d->path));
		assert_non_null(strstr(err, "not a site name"));
		assert_int_equal(hostsfile_remove(d->fd, d->path, bad[i], err, sizeof(err)), EINVAL);
	}
	assert_int_equal(dir_count(d), 0);
	/* 32 bytes, dots, dashes and underscores inside: fine */
	assert_int_equal(hostsfile_write(d->fd, d->path, "abcdefghijklmnopqrstuvwxyz_.-012", "x\n", 2,
	    err, sizeof(err)), 0);
	assert_int_equal(dir_count(d), 1);
}

static void
test_write_error(void **state)
{
	struct tmpdir *d = *state;
	char err[256] = "";
	int rdonly;

	/* a descriptor that is not a directory we can create in: the errno and
	 * "DIR/SITE: step: why" come back, nothing is left */
	rdonly = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(rdonly >= 0);
	assert_true(hostsfile_write(rdonly, "/proc/self", "home1", "x\n", 2, err, sizeof(err)) != 0);
	close(rdonly);
	assert_non_null(strstr(err, "/proc/self/home1: creating a temporary file: "));
	(void)d;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_build_refuses),
		cmocka_unit_test_setup_teardown(test_write_overwrite_remove, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_bad_site, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(test_write_error, dir_setup, dir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
