/* SPDX-License-Identifier: ISC */
/* test_alloc: the sub-prefix index of every site and its state file.
 *
 * Proves that the state file round-trips (in memory and on disk, written
 * 0600 with no temporary file left), that every malformed or cut-short
 * file is refused with a message that says why, and that alloc_assign
 * gives each site an index that never changes: config order, restarts,
 * removed and re-added peers, upstream addresses and explicit sub-prefixes
 * included. Input buffers are heap blocks of exactly their length, so
 * AddressSanitizer sees any read past the end. */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "alloc.h"
#include "conf.h"
#include "prefix.h"
#include "tmpstate.h"
#include "util.h"

#define HDR       "v6ext-sub-prefixes 1 78\n"
#define BASE_TEXT "2001:db8:64:1::/64"
/* 0x5054 >> 2: an EUI-64 address on the upstream interface */
#define EUI64_ADDR  "2001:db8:64:1:5054:ff:fe12:3456"
#define EUI64_INDEX 5141
/* the upstream router, inside index 2 */
#define ROUTER_ADDR "2001:db8:64:1:8::1"

/* ----------------------------------------------------------------- helpers */

static struct in6_addr
addr_ok(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct prefix
prefix_ok(const char *s)
{
	struct prefix p;
	const char *why = NULL;

	if (prefix_parse(s, &p, &why) != 0)
		fail_msg("%s: %s", s, why ? why : "(no reason)");
	return p;
}

/* alloc_parse on a heap copy of exactly len bytes. */
static int
parse_len(const void *text, size_t len, struct alloc *a, char *err, size_t errlen)
{
	uint8_t *buf = malloc(len > 0 ? len : 1);
	int rc;

	assert_non_null(buf);
	memcpy(buf, text, len);
	err[0] = '\0';
	rc = alloc_parse(buf, len, a, err, errlen);
	free(buf);
	return rc;
}

static void
parse_ok(const char *text, struct alloc *a)
{
	char err[256];

	if (parse_len(text, strlen(text), a, err, sizeof(err)) != 0)
		fail_msg("refused: %s\n--\n%s--", err, text);
}

static void
assert_has(const char *s, const char *want)
{
	if (strstr(s, want) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", s, want);
}

static void
assert_alloc_equal(const struct alloc *x, const struct alloc *y)
{
	assert_int_equal(x->sub_len, y->sub_len);
	assert_int_equal(x->n, y->n);
	for (size_t i = 0; i < x->n; i++) {
		assert_string_equal(x->v[i].name, y->v[i].name);
		assert_true(x->v[i].index == y->v[i].index);
	}
}

static void
assert_entry(const struct alloc *a, const char *name, uint64_t index)
{
	const struct alloc_entry *e = alloc_find(a, name);

	if (e == NULL)
		fail_msg("%s is not in the state", name);
	if (e->index != index)
		fail_msg("%s has index %llu, want %llu", name, (unsigned long long)e->index,
		    (unsigned long long)index);
}

static void
peer_auto(struct conf_peer *p, const char *name)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->sub_kind = CONF_SUB_AUTO;
}

static void
peer_index(struct conf_peer *p, const char *name, uint64_t index)
{
	peer_auto(p, name);
	p->sub_kind = CONF_SUB_INDEX;
	p->sub_index = index;
}

static void
peer_prefix(struct conf_peer *p, const char *name, const char *prefix)
{
	peer_auto(p, name);
	p->sub_kind = CONF_SUB_PREFIX;
	p->sub_prefix = prefix_ok(prefix);
}

static void
assign_ok(struct alloc *a, const struct conf_peer *peers, size_t n,
    const struct in6_addr *used, size_t n_used, uint64_t *out, bool *changed)
{
	struct prefix base = prefix_ok(BASE_TEXT);
	char err[512];

	err[0] = '\0';
	if (alloc_assign(a, peers, n, &base, used, n_used, out, changed, err, sizeof(err)) != 0)
		fail_msg("alloc_assign: %s", err);
}

static void
assign_fails(struct alloc *a, const struct conf_peer *peers, size_t n,
    const struct in6_addr *used, size_t n_used, const char *want)
{
	struct prefix base = prefix_ok(BASE_TEXT);
	uint64_t out[16];
	bool changed;
	char err[512];

	assert_true(n <= ARRAY_SIZE(out));
	err[0] = '\0';
	assert_int_equal(alloc_assign(a, peers, n, &base, used, n_used, out, &changed,
	    err, sizeof(err)), -1);
	assert_has(err, want);
}

static int
tmp_setup(void **state)
{
	return tmpstate_setup(state, "test_alloc", ALLOC_FILE);
}

static void
write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		fail_msg("%s: %s", path, strerror(errno));
	assert_true(write(fd, buf, len) == (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static uint8_t *
read_file(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		fail_msg("%s: %s", path, strerror(errno));
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	assert_true(read(fd, buf, (size_t)st.st_size) == st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

/* Five sites, among them the longest name and the largest /78 index. */
static void
fill_sites(struct alloc *a)
{
	parse_ok(HDR
	    "site home1 1\n"
	    "site home2 5\n"
	    "site lab.b-c_D 42\n"
	    "site office 16383\n"
	    "site abcdefghijklmnopqrstuvwxyz012345 2\n"
	    "end 5\n", a);
	assert_int_equal(a->n, 5);
}

/* --------------------------------------------------------- text round trip */

static void
test_build_parse_round_trip(void **state)
{
	struct alloc a, b, empty;
	char *text;
	size_t len;

	(void)state;
	alloc_init(&a, 64, 78);
	alloc_init(&b, 64, 78);
	fill_sites(&a);
	assert_int_equal(alloc_build(&a, &text, &len), 0);
	assert_int_equal(strlen(text), len);
	assert_int_equal(parse_len(text, len, &b, (char[64]){ 0 }, 64), 0);
	assert_alloc_equal(&a, &b);
	/* and the text is what the header comment describes */
	assert_has(text, "\nv6ext-sub-prefixes 1 78\n");
	assert_has(text, "\nsite home2 5\n");
	assert_has(text, "\nsite office 16383\n");
	assert_true(len >= 6 && strcmp(text + len - 6, "end 5\n") == 0);
	free(text);

	/* parsing replaces what a held before */
	parse_ok(HDR "site other 9\nend 1\n", &b);
	assert_int_equal(b.n, 1);
	assert_null(alloc_find(&b, "home1"));
	assert_entry(&b, "other", 9);

	/* no sites at all */
	alloc_init(&empty, 64, 78);
	assert_int_equal(alloc_build(&empty, &text, &len), 0);
	assert_has(text, "end 0\n");
	parse_ok(text, &b);
	assert_int_equal(b.n, 0);
	free(text);

	/* other lengths: /65 has only index 1, /120 has 2^56 - 1 */
	alloc_free(&a);
	alloc_init(&a, 64, 65);
	parse_ok("v6ext-sub-prefixes 1 65\nsite a 1\nend 1\n", &a);
	assert_entry(&a, "a", 1);
	alloc_free(&a);
	alloc_init(&a, 64, 120);
	parse_ok("v6ext-sub-prefixes 1 120\nsite a 72057594037927935\nend 1\n", &a);
	assert_entry(&a, "a", (UINT64_C(1) << 56) - 1);
	assert_int_equal(alloc_build(&a, &text, &len), 0);
	assert_has(text, "site a 72057594037927935\n");
	free(text);

	/* a routed /48 into /64s: the header names the prefix's length, and
	 * index 65535 is the last */
	alloc_free(&a);
	alloc_init(&a, 48, 64);
	parse_ok("v6ext-sub-prefixes 1 64 48\nsite a 65535\nend 1\n", &a);
	assert_entry(&a, "a", 65535);
	assert_int_equal(alloc_build(&a, &text, &len), 0);
	assert_has(text, "\nv6ext-sub-prefixes 1 64 48\n");
	free(text);
	assert_int_equal(parse_len("v6ext-sub-prefixes 1 64 48\nsite a 65536\nend 1\n",
	    strlen("v6ext-sub-prefixes 1 64 48\nsite a 65536\nend 1\n"), &a, (char[64]){ 0 }, 64), -1);
	/* an on-link file for a routed prefix: never renumbered silently */
	assert_int_equal(parse_len("v6ext-sub-prefixes 1 64\nend 0\n",
	    strlen("v6ext-sub-prefixes 1 64\nend 0\n"), &a, (char[64]){ 0 }, 64), -1);

	alloc_free(&a);
	alloc_free(&b);
	alloc_free(&empty);
}

static void
test_parse_accepts(void **state)
{
	static const char *rows[] = {
		/* 1: comments and blank lines anywhere, also after end */
		"# written by hand\n\n" HDR "\n# the first site\nsite a 1\n\n#\nsite b 2\n"
		    "# closing\nend 2\n\n# trailing comment\n",
		/* 2: more than one space between words, and around them */
		"v6ext-sub-prefixes  1   78 \n  site   a 1  \nsite b    2\n end   2\n",
		/* 3: a leading zero is still the number */
		HDR "site a 01\nsite b 0002\nend 02\n",
	};
	struct alloc a;

	(void)state;
	alloc_init(&a, 64, 78);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		parse_ok(rows[i], &a);
		assert_int_equal(a.n, 2);
		assert_entry(&a, "a", 1);
		assert_entry(&a, "b", 2);
	}
	alloc_free(&a);
}

static void
test_parse_rejects(void **state)
{
	static const char long_name[] = HDR "site abcdefghijklmnopqrstuvwxyz0123456 1\nend 1\n";
	static const struct {
		const char *text;
		size_t len;             /* 0: strlen(text) */
		const char *want;
	} rows[] = {
		/* 1, 2: empty, or nothing but comments */
		{ "", 0, "empty or truncated (no header line)" },
		{ "# a comment\n\n", 0, "no header line" },
		/* 3-7: no header, or the wrong magic */
		{ "site home1 1\nend 1\n", 0, "line 1: not a v6ext sub-prefix state file" },
		{ "v6ext-sub-prefix 1 78\nend 0\n", 0, "line 1: not a v6ext sub-prefix state file" },
		{ "V6EXT-SUB-PREFIXES 1 78\nend 0\n", 0, "not a v6ext sub-prefix state file" },
		{ "v6ext-sub-prefixes 1\nend 0\n", 0, "not a v6ext sub-prefix state file" },
		{ "v6ext-sub-prefixes 1 78 64 0\nend 0\n", 0, "not a v6ext sub-prefix state file" },
		/* 8-10: unknown version */
		{ "v6ext-sub-prefixes 2 78\nend 0\n", 0, "line 1: unknown version" },
		{ "v6ext-sub-prefixes 0 78\nend 0\n", 0, "unknown version" },
		{ "v6ext-sub-prefixes 1x 78\nend 0\n", 0, "unknown version" },
		/* 11, 12: another sub-prefix length */
		{ "v6ext-sub-prefixes 1 80\nsite a 1\nend 1\n", 0,
		  "line 1: written for another sub-prefix-length than /78" },
		{ "# c\nv6ext-sub-prefixes 1 x\nend 0\n", 0, "line 2: written for another sub-prefix-length" },
		/* 12a-12c: written for a routed prefix, or a bad length word */
		{ "v6ext-sub-prefixes 1 78 48\nend 0\n", 0,
		  "line 1: written for a /48 prefix, not the /64 configured" },
		{ "v6ext-sub-prefixes 1 78 0\nend 0\n", 0, "written for a /0 prefix" },
		{ "v6ext-sub-prefixes 1 78 x\nend 0\n", 0, "line 1: bad prefix length" },
		/* 13, 14: cut short at a line end: no end line */
		{ HDR "site a 1\nsite b 2\n", 0, "truncated (no end line)" },
		{ HDR, 0, "truncated (no end line)" },
		/* 15-17: cut mid-line */
		{ HDR "site a 1\nend 1", 0, "truncated (the last line has no newline)" },
		{ HDR "site a 1\nsite b", 0, "truncated (the last line has no newline)" },
		{ "v6ext-sub-pre", 0, "the last line has no newline" },
		/* 18-22: the end line does not count the site lines */
		{ HDR "site a 1\nsite b 2\nend 3\n", 0, "line 4: the end line counts 3 sites, the file has 2" },
		{ HDR "site a 1\nsite b 2\nend 1\n", 0, "line 4: the end line counts 1 sites, the file has 2" },
		{ HDR "site a 1\nsite b 2\nend 2x\n", 0, "the end line counts 2x sites" },
		{ HDR "end -0\n", 0, "the end line counts -0 sites" },
		{ HDR "end 000000000000000000000\n", 0, "the end line counts" },
		/* 23, 24: an end line without its count, or with two */
		{ HDR "end\n", 0, "line 2: expected 'site NAME INDEX [PUBLIC-KEY]' or 'end N'" },
		{ HDR "end 0 0\n", 0, "expected 'site NAME INDEX [PUBLIC-KEY]' or 'end N'" },
		/* 25-27: text after end */
		{ HDR "site a 1\nend 1\nsite b 2\n", 0, "line 4: text after the end line" },
		{ HDR "end 0\nend 0\n", 0, "line 3: text after the end line" },
		{ HDR "end 0\n" HDR, 0, "text after the end line" },
		/* 28, 29: a name or an index twice */
		{ HDR "site a 1\nsite a 2\nend 2\n", 0, "line 3: site a appears twice" },
		{ HDR "site a 7\nsite b 7\nend 2\n", 0, "line 3: index 7 is given twice" },
		/* 30-32: index 0 and indices past 2^(78-64) - 1 */
		{ HDR "site a 0\nend 1\n", 0, "line 2: bad index for /78" },
		{ HDR "site a 16384\nend 1\n", 0, "bad index for /78" },
		{ HDR "site a 18446744073709551615\nend 1\n", 0, "bad index for /78" },
		/* 33-39: garbage numbers */
		{ HDR "site a 1x\nend 1\n", 0, "bad index" },
		{ HDR "site a -1\nend 1\n", 0, "bad index" },
		{ HDR "site a +1\nend 1\n", 0, "bad index" },
		{ HDR "site a 0x1\nend 1\n", 0, "bad index" },
		{ HDR "site a 000000000000000000001\nend 1\n", 0, "bad index" },          /* 21 digits */
		{ HDR "site a 99999999999999999999\nend 1\n", 0, "bad index" },           /* > 2^64 */
		{ HDR "site a 18446744073709551616\nend 1\n", 0, "bad index" },           /* 2^64 */
		/* 40-45: bad names (33 characters; characters outside A-Za-z0-9_.-) */
		{ long_name, 0, "line 2: bad site name" },
		{ HDR "site home/1 1\nend 1\n", 0, "bad site name" },
		{ HDR "site home@1 1\nend 1\n", 0, "bad site name" },
		{ HDR "site h\xc3\xa9 1\nend 1\n", 0, "bad site name" },
		{ HDR "site #a 1\nend 1\n", 0, "bad site name" },
		{ HDR "site a\t1\nend 1\n", 0, "expected 'site NAME INDEX [PUBLIC-KEY]'" },
		/* 46-48: not a site line */
		{ HDR "site a\nend 1\n", 0, "line 2: expected 'site NAME INDEX [PUBLIC-KEY]' or 'end N'" },
		{ HDR "site a 1 2\nend 1\n", 0, "line 2: public key" },
		{ HDR "host a 1\nend 1\n", 0, "expected 'site NAME INDEX [PUBLIC-KEY]'" },
		/* 49-52: NUL bytes, in a site line, a comment, the header, alone */
		{ HDR "site a\0 1\nend 1\n", sizeof(HDR "site a\0 1\nend 1\n") - 1, "line 2: a NUL byte" },
		{ HDR "# \0\nend 0\n", sizeof(HDR "# \0\nend 0\n") - 1, "line 2: a NUL byte" },
		{ "v6ext-sub-prefixes\0 1 78\nend 0\n", sizeof("v6ext-sub-prefixes\0 1 78\nend 0\n") - 1,
		  "line 1: a NUL byte" },
		{ "\0\n", 2, "line 1: a NUL byte" },
	};
	struct alloc a;
	char err[256];

	(void)state;
	alloc_init(&a, 64, 78);
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		size_t len = rows[i].len ? rows[i].len : strlen(rows[i].text);

		memset(err, 0, sizeof(err));
		if (parse_len(rows[i].text, len, &a, err, sizeof(err)) != -1)
			fail_msg("row %zu: parsed", i + 1);
		if (strstr(err, rows[i].want) == NULL)
			fail_msg("row %zu: got \"%s\", want \"%s\"", i + 1, err, rows[i].want);
	}
	/* the message is cut to errlen, never overrun */
	memset(err, 'x', sizeof(err));
	assert_int_equal(parse_len("", 0, &a, err, 8), -1);
	assert_int_equal(strlen(err), 7);
	alloc_free(&a);
}

/* Every cut of a valid file short of its whole length is refused. */
static void
test_parse_every_truncation(void **state)
{
	struct alloc a, b;
	char *text, err[256];
	size_t len;

	(void)state;
	alloc_init(&a, 64, 78);
	alloc_init(&b, 64, 78);
	fill_sites(&a);
	assert_int_equal(alloc_build(&a, &text, &len), 0);
	for (size_t k = 0; k < len; k++)
		if (parse_len(text, k, &b, err, sizeof(err)) != -1)
			fail_msg("cut at %zu of %zu parsed", k, len);
	assert_int_equal(parse_len(text, len, &b, err, sizeof(err)), 0);
	assert_alloc_equal(&a, &b);
	free(text);
	alloc_free(&a);
	alloc_free(&b);
}

/* ------------------------------------------------------------- on the disk */

static void
test_save_load(void **state)
{
	struct tmpstate *t = *state;
	struct alloc a, b;
	struct stat st;
	DIR *d;
	struct dirent *de;
	size_t files = 0;
	char err[512];

	alloc_init(&a, 64, 78);
	alloc_init(&b, 64, 78);
	fill_sites(&a);
	/* the state directory does not exist yet: opening it makes it */
	assert_int_equal(stat(t->state, &st), -1);
	if (alloc_save(tmpstate_dir(t), &a, err, sizeof(err)) != 0)
		fail_msg("alloc_save: %s", err);
	assert_int_equal(stat(t->state, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 077, 0);
	/* 0600, a regular file */
	assert_int_equal(lstat(t->file, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	/* nothing else in the directory: no .tmp left behind */
	assert_non_null(d = opendir(t->state));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		assert_string_equal(de->d_name, ALLOC_FILE);
		files++;
	}
	closedir(d);
	assert_int_equal(files, 1);
	if (alloc_load(tmpstate_dir(t), &b, err, sizeof(err)) != 0)
		fail_msg("alloc_load: %s", err);
	assert_alloc_equal(&a, &b);

	/* saving again replaces the file */
	parse_ok(HDR "site solo 3\nend 1\n", &a);
	assert_int_equal(alloc_save(tmpstate_dir(t), &a, err, sizeof(err)), 0);
	assert_int_equal(alloc_load(tmpstate_dir(t), &b, err, sizeof(err)), 0);
	assert_alloc_equal(&a, &b);
	assert_int_equal(access(t->file, F_OK), 0);
	{
		char tmpname[160];

		snprintf(tmpname, sizeof(tmpname), "%s.tmp", t->file);
		assert_int_equal(access(tmpname, F_OK), -1);
		assert_int_equal(errno, ENOENT);
	}
	alloc_free(&a);
	alloc_free(&b);
}

static void
test_load_missing(void **state)
{
	struct tmpstate *t = *state;
	struct alloc a;
	char err[512];

	alloc_init(&a, 64, 78);
	fill_sites(&a);
	/* the directory exists, the file does not: an error, never an empty
	 * alloc that would renumber every site (statedir_open writes the file
	 * on a first start, so here it was lost) */
	err[0] = '\0';
	assert_int_equal(alloc_load(tmpstate_dir(t), &a, err, sizeof(err)), ENOENT);
	assert_has(err, "state-dir ");
	assert_has(err, ALLOC_FILE ": missing");
	alloc_free(&a);
}

static void
test_load_refuses(void **state)
{
	struct tmpstate *t = *state;
	struct alloc a, b;
	uint8_t *whole;
	size_t len;
	char err[512], where[160];

	alloc_init(&a, 64, 78);
	alloc_init(&b, 64, 78);
	fill_sites(&a);
	assert_int_equal(alloc_save(tmpstate_dir(t), &a, err, sizeof(err)), 0);
	whole = read_file(t->file, &len);
	/* every truncated copy fails, naming the file */
	snprintf(where, sizeof(where), "state-dir %s: " ALLOC_FILE ": ", t->state);
	for (size_t k = 0; k < len; k++) {
		write_file(t->file, whole, k);
		err[0] = '\0';
		if (alloc_load(tmpstate_dir(t), &b, err, sizeof(err)) != EINVAL)
			fail_msg("a copy cut at %zu of %zu bytes loaded", k, len);
		assert_has(err, where);
	}
	write_file(t->file, whole, len);
	assert_int_equal(alloc_load(tmpstate_dir(t), &b, err, sizeof(err)), 0);
	assert_alloc_equal(&a, &b);

	/* a state file written for /78 does not load for /80 */
	alloc_free(&b);
	alloc_init(&b, 64, 80);
	assert_int_equal(alloc_load(tmpstate_dir(t), &b, err, sizeof(err)), EINVAL);
	assert_has(err, "sub-prefix-length");
	assert_has(err, ALLOC_FILE ": line ");

	/* a directory where the file should be */
	assert_int_equal(unlink(t->file), 0);
	assert_int_equal(mkdir(t->file, 0700), 0);
	alloc_free(&b);
	alloc_init(&b, 64, 78);
	assert_int_equal(alloc_load(tmpstate_dir(t), &b, err, sizeof(err)), EISDIR);
	assert_has(err, "not a regular file");
	assert_int_equal(rmdir(t->file), 0);

	/* opening state-dir makes one directory level, not a whole path */
	{
		struct statefile_dir deep;
		char path[160];

		snprintf(path, sizeof(path), "%s/no/such", t->dir);
		assert_int_equal(statefile_dir_open(&deep, path, err, sizeof(err)), ENOENT);
		assert_has(err, path);
		assert_int_equal(deep.fd, -1);
	}
	free(whole);
	alloc_free(&a);
	alloc_free(&b);
}

/* -------------------------------------------------------------- assignment */

static void
test_assign_auto_in_order(void **state)
{
	struct conf_peer peers[3];
	struct alloc a;
	uint64_t out[3];
	bool changed;

	(void)state;
	alloc_init(&a, 64, 78);
	peer_auto(&peers[0], "home1");
	peer_auto(&peers[1], "home2");
	peer_auto(&peers[2], "lab");
	assign_ok(&a, peers, 3, NULL, 0, out, &changed);
	assert_true(changed);
	assert_true(out[0] == 1 && out[1] == 2 && out[2] == 3);
	assert_entry(&a, "home1", 1);
	assert_entry(&a, "home2", 2);
	assert_entry(&a, "lab", 3);
	assert_int_equal(a.n, 3);
	/* the same config again changes nothing */
	memset(out, 0, sizeof(out));
	assign_ok(&a, peers, 3, NULL, 0, out, &changed);
	assert_false(changed);
	assert_true(out[0] == 1 && out[1] == 2 && out[2] == 3);
	alloc_free(&a);
}

/* Auto peers skip every index that holds an upstream address or
 * neighbour: index 2 (the router) and 5141 (the VPS's EUI-64 address). */
static void
test_assign_skips_used(void **state)
{
	enum { N = EUI64_INDEX - 1 };   /* the last one passes index 5141 */
	struct in6_addr used[3];
	struct conf_peer *peers = calloc(N, sizeof(*peers));
	uint64_t *out = calloc(N, sizeof(*out));
	struct prefix base = prefix_ok(BASE_TEXT);
	struct alloc a;
	bool changed;
	uint64_t idx;
	char name[CONF_NAME_MAX + 1];

	(void)state;
	assert_non_null(peers);
	assert_non_null(out);
	used[0] = addr_ok(EUI64_ADDR);
	used[1] = addr_ok(ROUTER_ADDR);
	used[2] = addr_ok("2001:db8:99::1");    /* another /64: no effect */
	/* the indices the brief names, computed by prefix.c */
	assert_int_equal(prefix_sub_index(&base, 78, &used[0], &idx), 0);
	assert_true(idx == EUI64_INDEX);
	assert_int_equal(prefix_sub_index(&base, 78, &used[1], &idx), 0);
	assert_true(idx == 2);

	alloc_init(&a, 64, 78);
	for (size_t i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "p%zu", i);
		peer_auto(&peers[i], name);
	}
	assign_ok(&a, peers, N, used, ARRAY_SIZE(used), out, &changed);
	assert_true(changed);
	/* 1, then 3 .. 5140, then 5142 */
	assert_true(out[0] == 1);
	assert_true(out[1] == 3);
	for (size_t i = 1; i < N - 1; i++)
		assert_true(out[i] == i + 2);
	assert_true(out[N - 2] == EUI64_INDEX - 1);
	assert_true(out[N - 1] == EUI64_INDEX + 1);
	for (size_t i = 0; i < N; i++)
		assert_true(out[i] != 0 && out[i] != 2 && out[i] != EUI64_INDEX);
	assert_int_equal(a.n, N);
	alloc_free(&a);
	free(peers);
	free(out);
}

/* Config order does not matter once the state file holds the names. */
static void
test_assign_reorder_after_restart(void **state)
{
	static const char *names[] = { "home1", "home2", "lab", "office", "cabin" };
	enum { N = ARRAY_SIZE(names) };
	struct tmpstate *t = *state;
	struct conf_peer peers[N], rev[N];
	struct in6_addr used[2];
	struct alloc a, b;
	uint64_t out[N], out2[N];
	bool changed;
	char err[512];

	used[0] = addr_ok(EUI64_ADDR);
	used[1] = addr_ok(ROUTER_ADDR);
	for (size_t i = 0; i < N; i++) {
		peer_auto(&peers[i], names[i]);
		rev[N - 1 - i] = peers[i];
	}
	alloc_init(&a, 64, 78);
	assign_ok(&a, peers, N, used, 2, out, &changed);
	assert_true(changed);
	assert_true(out[0] == 1 && out[1] == 3 && out[2] == 4 && out[3] == 5 && out[4] == 6);
	if (alloc_save(tmpstate_dir(t), &a, err, sizeof(err)) != 0)
		fail_msg("alloc_save: %s", err);

	/* restart: load, and the config lists the peers the other way round */
	alloc_init(&b, 64, 78);
	if (alloc_load(tmpstate_dir(t), &b, err, sizeof(err)) != 0)
		fail_msg("alloc_load: %s", err);
	assign_ok(&b, rev, N, used, 2, out2, &changed);
	assert_false(changed);
	for (size_t i = 0; i < N; i++)
		assert_true(out2[N - 1 - i] == out[i]);
	assert_alloc_equal(&a, &b);
	alloc_free(&a);
	alloc_free(&b);
}

/* A peer that leaves the config keeps its index in the state; a new peer
 * gets the lowest index nobody holds, and the old peer gets its own back. */
static void
test_assign_new_and_departed(void **state)
{
	struct conf_peer peers[4];
	struct alloc a;
	uint64_t out[4];
	bool changed;

	(void)state;
	alloc_init(&a, 64, 78);
	peer_auto(&peers[0], "a");
	peer_auto(&peers[1], "b");
	peer_auto(&peers[2], "c");
	assign_ok(&a, peers, 3, NULL, 0, out, &changed);
	assert_true(out[0] == 1 && out[1] == 2 && out[2] == 3);

	/* b leaves, d arrives: d gets 4, not b's 2 */
	peer_auto(&peers[0], "a");
	peer_auto(&peers[1], "c");
	peer_auto(&peers[2], "d");
	assign_ok(&a, peers, 3, NULL, 0, out, &changed);
	assert_true(changed);
	assert_true(out[0] == 1 && out[1] == 3 && out[2] == 4);
	assert_entry(&a, "b", 2);
	assert_int_equal(a.n, 4);

	/* b comes back: its old index, and nothing changes in the state */
	peer_auto(&peers[3], "b");
	assign_ok(&a, peers, 4, NULL, 0, out, &changed);
	assert_false(changed);
	assert_true(out[0] == 1 && out[1] == 3 && out[2] == 4 && out[3] == 2);

	/* a gap in the state file: the lowest free index is taken */
	parse_ok(HDR "site a 1\nsite c 3\nsite z 5\nend 3\n", &a);
	peer_auto(&peers[0], "a");
	peer_auto(&peers[1], "c");
	peer_auto(&peers[2], "d");
	peer_auto(&peers[3], "e");
	assign_ok(&a, peers, 4, NULL, 0, out, &changed);
	assert_true(changed);
	assert_true(out[0] == 1 && out[1] == 3 && out[2] == 2 && out[3] == 4);
	assert_entry(&a, "z", 5);
	alloc_free(&a);
}

static void
test_assign_explicit(void **state)
{
	struct conf_peer peers[4];
	struct in6_addr used[2];
	struct prefix base = prefix_ok(BASE_TEXT), sub;
	struct alloc a;
	uint64_t out[4];
	bool changed;
	char text[PREFIX_STRLEN];

	(void)state;
	used[0] = addr_ok(EUI64_ADDR);
	used[1] = addr_ok(ROUTER_ADDR);
	alloc_init(&a, 64, 78);
	peer_index(&peers[0], "x", 7);
	peer_auto(&peers[1], "a");
	peer_prefix(&peers[2], "y", "2001:db8:64:1:14::/78");
	peer_auto(&peers[3], "b");
	assign_ok(&a, peers, 4, used, 2, out, &changed);
	assert_true(changed);
	assert_true(out[0] == 7);
	assert_true(out[2] == 5);
	/* auto peers take what is left: 1, then 3 (2 holds the router) */
	assert_true(out[1] == 1 && out[3] == 3);
	assert_entry(&a, "x", 7);
	assert_entry(&a, "y", 5);
	assert_int_equal(prefix_sub_get(&base, 78, out[0], &sub), 0);
	prefix_format(&sub, text, sizeof(text));
	assert_string_equal(text, "2001:db8:64:1:1c::/78");
	/* stable */
	assign_ok(&a, peers, 4, used, 2, out, &changed);
	assert_false(changed);

	/* an explicit peer that goes back to auto keeps its index */
	peer_auto(&peers[0], "x");
	assign_ok(&a, peers, 4, used, 2, out, &changed);
	assert_false(changed);
	assert_true(out[0] == 7);

	/* an auto peer moved to an explicit index: the state follows */
	peer_index(&peers[1], "a", 9);
	assign_ok(&a, peers, 4, used, 2, out, &changed);
	assert_true(changed);
	assert_true(out[1] == 9);
	assert_entry(&a, "a", 9);
	alloc_free(&a);
}

static void
test_assign_explicit_refused(void **state)
{
	struct conf_peer peers[2];
	struct in6_addr used[2];
	struct alloc a;

	(void)state;
	used[0] = addr_ok(EUI64_ADDR);
	used[1] = addr_ok(ROUTER_ADDR);
	alloc_init(&a, 64, 78);
	peer_auto(&peers[1], "a");
	/* 1: index 0 */
	peer_index(&peers[0], "x", 0);
	assign_fails(&a, peers, 2, used, 2, "peer x: sub-prefix 2001:db8:64:1::/78 (index 0) is reserved");
	/* 2: index 2 holds the router */
	peer_index(&peers[0], "x", 2);
	assign_fails(&a, peers, 2, used, 2, "(index 2) is reserved");
	/* 3: the same as a prefix */
	peer_prefix(&peers[0], "x", "2001:db8:64:1:8::/78");
	assign_fails(&a, peers, 2, used, 2, "sub-prefix 2001:db8:64:1:8::/78 (index 2) is reserved");
	/* 4: the VPS's own sub-prefix */
	peer_index(&peers[0], "x", EUI64_INDEX);
	assign_fails(&a, peers, 2, used, 2, "(index 5141) is reserved");
	/* 5: index 0 as a prefix */
	peer_prefix(&peers[0], "x", "2001:db8:64:1::/78");
	assign_fails(&a, peers, 2, NULL, 0, "(index 0) is reserved");
	/* 6, 7: a prefix outside the /64 */
	peer_prefix(&peers[0], "x", "2001:db8:64:2:4::/78");
	assign_fails(&a, peers, 2, used, 2,
	    "peer x: sub-prefix 2001:db8:64:2:4::/78 is not inside the prefix 2001:db8:64:1::/64");
	peer_prefix(&peers[0], "x", "2001:db8:65:1:14::/78");
	assign_fails(&a, peers, 2, used, 2, "is not inside the prefix");
	/* 8: an index past the /64 (conf.c refuses it first) */
	peer_index(&peers[0], "x", 16384);
	assign_fails(&a, peers, 2, NULL, 0, "index 16384 is not below 16384");
	/* 9: without the used addresses, index 2 is fine */
	{
		uint64_t out[2];
		bool changed;

		peer_index(&peers[0], "x", 2);
		assign_ok(&a, peers, 2, NULL, 0, out, &changed);
		assert_true(out[0] == 2 && out[1] == 1);
	}
	alloc_free(&a);
}

/* alloc.h: an explicit index two peers name is an error. conf.c refuses
 * such a file first; alloc_assign must not write a state file that
 * alloc_parse would refuse ("index N is given twice") on the next start. */
static void
test_assign_explicit_twice(void **state)
{
	struct conf_peer peers[2];
	struct alloc a, b;
	uint64_t out[2] = { 0, 0 };
	bool changed;
	struct prefix base = prefix_ok(BASE_TEXT);
	char err[512], *text;
	size_t len;
	int rc;

	(void)state;
	alloc_init(&a, 64, 78);
	alloc_init(&b, 64, 78);
	peer_index(&peers[0], "x", 7);
	peer_prefix(&peers[1], "y", "2001:db8:64:1:1c::/78");   /* index 7 too */
	err[0] = '\0';
	rc = alloc_assign(&a, peers, 2, &base, NULL, 0, out, &changed, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_has(err, "7");
	(void)text;
	(void)len;
	alloc_free(&a);
	alloc_free(&b);
}

/* An auto peer whose stored index a configured peer now claims gives it
 * up and gets a new one; a departed name holding it is dropped. */
static void
test_assign_claimed(void **state)
{
	struct conf_peer peers[4];
	struct alloc a;
	uint64_t out[4];
	bool changed;

	(void)state;
	alloc_init(&a, 64, 78);
	parse_ok(HDR "site a 1\nsite b 2\nsite gone 4\nend 3\n", &a);
	peer_auto(&peers[0], "a");
	peer_auto(&peers[1], "b");
	peer_index(&peers[2], "x", 1);          /* a's index */
	peer_index(&peers[3], "y", 4);          /* gone's index */
	assign_ok(&a, peers, 4, NULL, 0, out, &changed);
	assert_true(changed);
	assert_true(out[2] == 1);
	assert_true(out[3] == 4);
	assert_true(out[1] == 2);
	/* the lowest index nobody holds: 3 */
	assert_true(out[0] == 3);
	assert_entry(&a, "a", 3);
	assert_entry(&a, "x", 1);
	assert_entry(&a, "y", 4);
	assert_null(alloc_find(&a, "gone"));
	assert_int_equal(a.n, 4);
	/* from now on, stable */
	assign_ok(&a, peers, 4, NULL, 0, out, &changed);
	assert_false(changed);
	assert_true(out[0] == 3 && out[1] == 2 && out[2] == 1 && out[3] == 4);
	alloc_free(&a);
}

/* A state file index that now holds an upstream address is kept (the
 * sites' addresses depend on it), with a warning. */
static void
test_assign_stored_now_used(void **state)
{
	struct conf_peer peers[2];
	struct in6_addr used[1];
	struct alloc a;
	uint64_t out[2];
	bool changed;

	(void)state;
	used[0] = addr_ok(ROUTER_ADDR);         /* index 2 */
	alloc_init(&a, 64, 78);
	parse_ok(HDR "site a 2\nend 1\n", &a);
	peer_auto(&peers[0], "a");
	peer_auto(&peers[1], "b");
	assign_ok(&a, peers, 2, used, 1, out, &changed);
	assert_true(out[0] == 2);
	assert_true(out[1] == 1);
	assert_true(changed);                   /* b is new */
	alloc_free(&a);
}

static void
test_assign_full(void **state)
{
	struct conf_peer peers[4];
	struct prefix base = prefix_ok(BASE_TEXT);
	struct in6_addr used[1];
	struct alloc a;
	uint64_t out[4];
	bool changed;
	char err[512];

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		char name[8];

		snprintf(name, sizeof(name), "s%zu", i);
		peer_auto(&peers[i], name);
	}
	/* /66: four sub-prefixes, 1..3 usable */
	alloc_init(&a, 64, 66);
	assert_int_equal(alloc_assign(&a, peers, 3, &base, NULL, 0, out, &changed, err, sizeof(err)), 0);
	assert_true(out[0] == 1 && out[1] == 2 && out[2] == 3);
	assert_int_equal(alloc_assign(&a, peers, 4, &base, NULL, 0, out, &changed, err, sizeof(err)), -1);
	assert_has(err, "peer s3: no free sub-prefix left (4 of /66)");
	alloc_free(&a);

	/* a used address in index 3 leaves room for two */
	used[0] = addr_ok("2001:db8:64:1:c000::1");
	alloc_init(&a, 64, 66);
	assert_int_equal(alloc_assign(&a, peers, 2, &base, used, 1, out, &changed, err, sizeof(err)), 0);
	assert_int_equal(alloc_assign(&a, peers, 3, &base, used, 1, out, &changed, err, sizeof(err)), -1);
	assert_has(err, "peer s2: no free sub-prefix");
	alloc_free(&a);

	/* /65: one usable sub-prefix */
	alloc_init(&a, 64, 65);
	assert_int_equal(alloc_assign(&a, peers, 2, &base, NULL, 0, out, &changed, err, sizeof(err)), -1);
	assert_has(err, "no free sub-prefix left (2 of /65)");
	alloc_free(&a);

	/* /120: a departed name holds 1, a used address 2; the peer gets 3 */
	alloc_init(&a, 64, 120);
	parse_ok("v6ext-sub-prefixes 1 120\nsite old 1\nend 1\n", &a);
	used[0] = addr_ok("2001:db8:64:1::2ff");        /* index 2 */
	assert_int_equal(alloc_assign(&a, peers, 1, &base, used, 1, out, &changed, err, sizeof(err)), 0);
	assert_true(out[0] == 3);
	alloc_free(&a);
}

/* prefix = auto: the /64 picked from the upstream interface's addresses
 * is the base the peers' sub-prefixes are cut from, and those same
 * addresses are reserved. */
static void
test_assign_with_picked_base(void **state)
{
	static const char *addrs[] = {
		"fe80::5054:ff:fe12:3456",      /* link-local */
		"fd00:1::1",                    /* ULA */
		"2001:db8:99::1",               /* a /128 elsewhere */
		EUI64_ADDR,                     /* the /64 */
		"2001:db8:64:1:4::1",           /* a /128 inside it, index 1 */
	};
	static const uint8_t plens[] = { 64, 64, 128, 64, 128 };
	struct in6_addr v[ARRAY_SIZE(addrs)];
	struct conf_peer peers[2];
	struct prefix base, want = prefix_ok(BASE_TEXT);
	struct alloc a;
	uint64_t out[2];
	bool changed;
	char err[512];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(addrs); i++)
		v[i] = addr_ok(addrs[i]);
	assert_int_equal(prefix_base_pick(v, plens, ARRAY_SIZE(v), &base), 1);
	assert_memory_equal(&base.addr, &want.addr, 16);
	assert_int_equal(base.len, 64);
	peer_auto(&peers[0], "a");
	peer_auto(&peers[1], "b");
	alloc_init(&a, 64, 78);
	assert_int_equal(alloc_assign(&a, peers, 2, &base, v, ARRAY_SIZE(v), out, &changed,
	    err, sizeof(err)), 0);
	assert_true(out[0] == 2 && out[1] == 3);
	alloc_free(&a);
}

/* A peer added at run time is a site line with its public key: kept
 * through build and parse, and a bad key is refused. */
static void
test_runtime_peer(void **state)
{
	static const char text[] = "v6ext-sub-prefixes 1 78\nsite home1 1\n"
	    "site lab 6 s+rNM0M7MbUlI1EDLJs+ei56p3ONXezfDdbGJoCFPAY=\nend 2\n";
	struct alloc a, b;
	const struct alloc_entry *e;
	char err[256], *out;
	size_t len;

	(void)state;
	alloc_init(&a, 64, 78);
	alloc_init(&b, 64, 78);
	assert_int_equal(parse_len(text, strlen(text), &a, err, sizeof(err)), 0);
	assert_non_null(e = alloc_find(&a, "lab"));
	assert_true(e->runtime);
	assert_int_equal(e->index, 6);
	assert_false(alloc_find(&a, "home1")->runtime);
	assert_int_equal(alloc_build(&a, &out, &len), 0);
	assert_non_null(strstr(out, "site lab 6 s+rNM0M7MbUlI1EDLJs+ei56p3ONXezfDdbGJoCFPAY=\n"));
	assert_int_equal(parse_len(out, len, &b, err, sizeof(err)), 0);
	assert_memory_equal(alloc_find(&b, "lab")->pub, e->pub, KEY_LEN);
	free(out);
	/* no longer a run-time peer: the index stays, the key goes */
	assert_int_equal(alloc_set_runtime(&a, "lab", NULL), 0);
	assert_int_equal(alloc_build(&a, &out, &len), 0);
	assert_non_null(strstr(out, "site lab 6\n"));
	free(out);
	assert_int_equal(alloc_set_runtime(&a, "nobody", NULL), -1);
	assert_int_equal(parse_len("v6ext-sub-prefixes 1 78\nsite lab 6 notakey\nend 1\n", 49, &b, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "public key"));
	alloc_free(&a);
	alloc_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_parse_round_trip),
		cmocka_unit_test(test_parse_accepts),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_every_truncation),
		cmocka_unit_test_setup_teardown(test_save_load, tmp_setup, tmpstate_teardown),
		cmocka_unit_test_setup_teardown(test_load_missing, tmp_setup, tmpstate_teardown),
		cmocka_unit_test_setup_teardown(test_load_refuses, tmp_setup, tmpstate_teardown),
		cmocka_unit_test(test_assign_auto_in_order),
		cmocka_unit_test(test_assign_skips_used),
		cmocka_unit_test_setup_teardown(test_assign_reorder_after_restart, tmp_setup, tmpstate_teardown),
		cmocka_unit_test(test_assign_new_and_departed),
		cmocka_unit_test(test_assign_explicit),
		cmocka_unit_test(test_assign_explicit_refused),
		cmocka_unit_test(test_assign_explicit_twice),
		cmocka_unit_test(test_assign_claimed),
		cmocka_unit_test(test_assign_stored_now_used),
		cmocka_unit_test(test_assign_full),
		cmocka_unit_test(test_assign_with_picked_base),
		cmocka_unit_test(test_runtime_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
