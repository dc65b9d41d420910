/* rawpeer: a test peer built on libv6ext that does what v6ext-client never
 * does: after a normal handshake it sends a router advertisement and a
 * DHCPv6 server message from the home side into the tunnel, so a test can
 * see the server drop them. Usage: rawpeer ADDR PORT KEY-FILE SERVER-PUB */
#include "config.h"

#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "keys.h"
#include "tunnel.h"
#include "util.h"

static size_t
rawpeer_frame(uint8_t *f, uint8_t nh, const uint8_t *l4, size_t l4len)
{
	static const uint8_t dst[6] = { 0x33, 0x33, 0, 0, 0, 1 }, src[6] = { 0x02, 0, 0, 0, 0, 1 };

	memset(f, 0, 14 + 40);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x86; f[13] = 0xdd;
	f[14] = 0x60;
	f[18] = (uint8_t)(l4len >> 8); f[19] = (uint8_t)l4len;
	f[20] = nh; f[21] = 255;
	f[22] = 0xfe; f[23] = 0x80; f[37] = 1;          /* fe80::1 */
	f[38] = 0xff; f[39] = 0x02; f[53] = 1;          /* ff02::1 */
	memcpy(f + 54, l4, l4len);
	return 54 + l4len;
}

int
main(int argc, char **argv)
{
	static const uint8_t ra[16] = { 134, 0, 0, 0, 64, 0, 0x07, 0x08 };
	static const uint8_t dhcp[12] = { 0x02, 0x23, 0x02, 0x22, 0, 12, 0, 0, 2, 1, 2, 3 };
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6 };
	struct tunnel_peer tp;
	struct cookie_checker cc;
	struct wire_initiation init;
	struct endpoint ep;
	uint8_t priv[32], pub[32], spub[32], buf[2048];
	char err[256];
	const char *why;
	size_t plen;
	ssize_t n;
	int fd;

	if (argc != 5 || sodium_init() < 0 || inet_pton(AF_INET6, argv[1], &sa.sin6_addr) != 1)
		return 2;
	sa.sin6_port = htons((uint16_t)atoi(argv[2]));
	if (key_read_file(argv[3], priv, err, sizeof(err)) != 0 || key_from_base64(spub, argv[4], &why) != 0) {
		fprintf(stderr, "rawpeer: bad key\n");
		return 2;
	}
	key_public(pub, priv);
	cookie_checker_init(&cc, pub);
	tunnel_peer_init(&tp, spub, NULL, 0);
	memcpy(&ep.u.in6, &sa, sizeof(sa));
	ep.len = sizeof(sa);
	if ((fd = socket(AF_INET6, SOCK_DGRAM, 0)) < 0 || tunnel_initiate(&tp, priv, util_now_ms(), &init) != 0 ||
	    sendto(fd, &init, sizeof(init), 0, &ep.u.sa, ep.len) < 0)
		return 1;
	if (poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, 3000) != 1 ||
	    (n = recv(fd, buf, sizeof(buf), 0)) <= 0 ||
	    tunnel_consume_response(&tp, &cc, buf, (size_t)n, &ep, util_now_ms()) != TUNNEL_OK) {
		fprintf(stderr, "rawpeer: no handshake\n");
		return 1;
	}
	for (int i = 0; i < 3; i++) {
		size_t flen = rawpeer_frame(buf + WIRE_DATA_HEADER_LEN, 58, ra, sizeof(ra));

		tunnel_seal_data(&tp, buf, flen, sizeof(buf), util_now_ms(), &plen);
		sendto(fd, buf, plen, 0, &ep.u.sa, ep.len);
		flen = rawpeer_frame(buf + WIRE_DATA_HEADER_LEN, 17, dhcp, sizeof(dhcp));
		tunnel_seal_data(&tp, buf, flen, sizeof(buf), util_now_ms(), &plen);
		sendto(fd, buf, plen, 0, &ep.u.sa, ep.len);
	}
	printf("rawpeer: handshake done, sent 3 RAs and 3 DHCPv6 server messages\n");
	sodium_memzero(priv, sizeof(priv));
	tunnel_peer_wipe(&tp);
	close(fd);
	return 0;
}
