/* SPDX-License-Identifier: ISC */
/* rawpeer: a test peer built on libv6ext that does what v6ext-client never
 * does: after a normal handshake it sends into the tunnel, three times
 * over, a router advertisement and a DHCPv6 server message from the home
 * side; two RA-Guard evasions (RFC 7113 2: an RA behind an unknown Next
 * Header, a first fragment without the whole header chain); four frames a
 * site has no business sending (an 802.1Q-tagged ARP, an 802.3 STP BPDU, an
 * ARP with a 16-byte protocol address, IPv4 with IHL 4); and, as the
 * control, a well-formed ARP request and IPv4 datagram. So a test can see
 * the server drop the first eight kinds and pass the last two.
 * Usage: rawpeer ADDR PORT KEY-FILE SERVER-PUB */
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

/* An untagged Ethernet frame of any type (or 802.3 length), broadcast. */
static size_t
rawpeer_l2(uint8_t *f, uint16_t type, const uint8_t *body, size_t len)
{
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 1 };

	memset(f, 0xff, 6);
	memcpy(f + 6, src, 6);
	f[12] = (uint8_t)(type >> 8); f[13] = (uint8_t)type;
	memcpy(f + 14, body, len);
	return 14 + len;
}

#define RAWPEER_KINDS 10

/* Frame k of the RAWPEER_KINDS the usage lists, in that order. */
static size_t
rawpeer_build(uint8_t *f, int k)
{
	static const uint8_t ra[16] = { 134, 0, 0, 0, 64, 0, 0x07, 0x08 };
	static const uint8_t dhcp[12] = { 0x02, 0x23, 0x02, 0x22, 0, 12, 0, 0, 2, 1, 2, 3 };
	/* an RA behind Next Header 253 (for experiments, RFC 4727); a first
	 * fragment holding 16 bytes of a 24-byte destination options header */
	static const uint8_t exp_ra[24] = { 58, 0, 0, 0, 0, 0, 0, 0, 134, 0, 0, 0, 64, 0, 0x07, 0x08 };
	static const uint8_t frag_cut[24] = { 60, 0, 0, 1, 0, 0, 0, 7, 58, 2, 1, 20 };
	/* RFC 826: who has 10.98.0.1? tell 10.98.0.2 (behind a VLAN 5 tag,
	 * with a protocol address length of 16, as it should be) */
	static const uint8_t tagged_arp[32] = { 0, 5, 8, 6, 0, 1, 8, 0, 6, 4, 0, 1, 2, 0, 0, 0, 0, 1,
	    10, 98, 0, 2, 0, 0, 0, 0, 0, 0, 10, 98, 0, 1 };
	static const uint8_t bad_arp[28] = { 0, 1, 8, 0, 6, 16, 0, 1 };
	static const uint8_t bpdu[38] = { 0x42, 0x42, 0x03 };
	/* RFC 791: 10.98.0.2 -> 10.98.0.1, UDP to the discard port (with a
	 * header length of 4 words, and as it should be) */
	static const uint8_t ip4_ihl4[28] = { 0x44, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0, 0, 10, 98, 0, 2,
	    10, 98, 0, 1, 0x30, 0x39, 0, 9, 0, 8, 0, 0 };

	switch (k) {
	case 0: return rawpeer_frame(f, 58, ra, sizeof(ra));
	case 1: return rawpeer_frame(f, 17, dhcp, sizeof(dhcp));
	case 2: return rawpeer_frame(f, 253, exp_ra, sizeof(exp_ra));
	case 3: return rawpeer_frame(f, 44, frag_cut, sizeof(frag_cut));
	case 4: return rawpeer_l2(f, 0x8100, tagged_arp, sizeof(tagged_arp));
	case 5: return rawpeer_l2(f, sizeof(bpdu), bpdu, sizeof(bpdu));
	case 6: return rawpeer_l2(f, 0x0806, bad_arp, sizeof(bad_arp));
	case 7: return rawpeer_l2(f, 0x0800, ip4_ihl4, sizeof(ip4_ihl4));
	case 8: return rawpeer_l2(f, 0x0806, tagged_arp + 4, 28);
	default: {
		uint8_t ip4[28];

		memcpy(ip4, ip4_ihl4, sizeof(ip4));
		ip4[0] = 0x45;
		ip4[10] = 0x66; ip4[11] = 0x0a;         /* the header checksum */
		return rawpeer_l2(f, 0x0800, ip4, sizeof(ip4));
	}
	}
}

int
main(int argc, char **argv)
{
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
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < RAWPEER_KINDS; k++) {
			size_t flen = rawpeer_build(buf + WIRE_DATA_HEADER_LEN, k);

			tunnel_seal_data(&tp, buf, flen, sizeof(buf), util_now_ms(), &plen);
			sendto(fd, buf, plen, 0, &ep.u.sa, ep.len);
		}
	printf("rawpeer: handshake done, sent 3 RAs and 3 DHCPv6 server messages, 6 RA-Guard evasions, "
	    "12 frames that are not IPv6, ARP or IPv4, 3 ARP requests and 3 IPv4 datagrams\n");
	sodium_memzero(priv, sizeof(priv));
	tunnel_peer_wipe(&tp);
	close(fd);
	return 0;
}
