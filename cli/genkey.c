/* SPDX-License-Identifier: ISC */
/* genkey: "v6ext genkey" and "v6ext pubkey", as wg genkey / wg pubkey:
 *
 *	umask 077; v6ext genkey > server.key
 *	v6ext pubkey < server.key > server.pub
 *
 * Keys go out with write(2) from a local buffer rather than through stdio,
 * so that no copy of a private key outlives the command in a stdio buffer
 * we cannot wipe. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "keys.h"

/* A key and optional whitespace on stdin fit easily; more is refused
 * rather than read without end. */
#define GENKEY_STDIN_MAX 256

/* Longest line written: {"private_key":"<44>"}\n plus NUL. */
#define GENKEY_LINE_MAX (KEY_B64_LEN + 32)

static int
genkey_usage(const char *cmd, int argc, char *argv[])
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		printf("Usage: %s %s [--json]\n", CLI_PROG, cmd);
		return 0;
	}
	fprintf(stderr, "Usage: %s %s [--json]\n", CLI_PROG, cmd);
	return 1;
}

static int
genkey_write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Print a key as a line of base64 or, with --json, as {"NAME":"..."}.
 * Returns the exit status. */
static int
genkey_print(const struct cli *cli, const char *cmd, const char *name,
    const uint8_t key[KEY_LEN])
{
	char b64[KEY_B64_LEN + 1];
	char line[GENKEY_LINE_MAX];
	int n, ret = 1;

	key_to_base64(b64, key);
	if (cli->json)
		n = snprintf(line, sizeof(line), "{\"%s\":\"%s\"}\n", name, b64);
	else
		n = snprintf(line, sizeof(line), "%s\n", b64);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		fprintf(stderr, "%s: %s: output line too long\n", CLI_PROG, cmd);
		goto out;
	}
	if (genkey_write_all(STDOUT_FILENO, line, (size_t)n) == -1) {
		fprintf(stderr, "%s: %s: writing stdout: %s\n", CLI_PROG, cmd, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	sodium_memzero(b64, sizeof(b64));
	sodium_memzero(line, sizeof(line));
	return ret;
}

int
cli_genkey(const struct cli *cli, int argc, char *argv[])
{
	uint8_t priv[KEY_LEN];
	struct stat st;
	int ret;

	if (argc != 1)
		return genkey_usage("genkey", argc, argv);

	/* As wg: a private key landing in a file anyone may read is worth a
	 * warning, not a refusal (the file already exists by now). */
	if (fstat(STDOUT_FILENO, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_mode & S_IRWXO) != 0)
		fputs("Warning: writing to world accessible file.\n"
		    "Consider setting the umask to 077 and trying again.\n", stderr);

	key_generate(priv);
	ret = genkey_print(cli, "genkey", "private_key", priv);
	sodium_memzero(priv, sizeof(priv));
	return ret;
}

int
cli_pubkey(const struct cli *cli, int argc, char *argv[])
{
	uint8_t buf[GENKEY_STDIN_MAX];
	uint8_t priv[KEY_LEN], pub[KEY_LEN];
	size_t n = 0;
	ssize_t r;
	int ret = 1;

	if (argc != 1)
		return genkey_usage("pubkey", argc, argv);

	/* Read to end of file, but never more than the buffer holds: a
	 * full buffer means the input is too long to be a key. */
	while (n < sizeof(buf)) {
		r = read(STDIN_FILENO, buf + n, sizeof(buf) - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			fprintf(stderr, "%s: pubkey: reading stdin: %s\n", CLI_PROG, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n == sizeof(buf) || n < KEY_B64_LEN)
		goto invalid;
	/* One key, then nothing but whitespace (a newline, usually). */
	for (size_t i = KEY_B64_LEN; i < n; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\r')
			goto invalid;
	if (key_from_base64_buf(priv, buf, KEY_B64_LEN, NULL) != 0)
		goto invalid;
	if (key_public(pub, priv) != 0) {
		fprintf(stderr, "%s: pubkey: could not compute the public key\n", CLI_PROG);
		goto out;
	}
	ret = genkey_print(cli, "pubkey", "public_key", pub);
	goto out;
invalid:
	fprintf(stderr, "%s: pubkey: invalid private key on stdin\n", CLI_PROG);
out:
	sodium_memzero(buf, sizeof(buf));
	sodium_memzero(priv, sizeof(priv));
	sodium_memzero(pub, sizeof(pub));
	return ret;
}
