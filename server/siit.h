/* SPDX-License-Identifier: ISC */
/* siit: the IP/ICMP translation algorithm (RFC 7915) between the VPS's
 * IPv4 side and the sites, one packet at a time. Runs in the engine; pure:
 * the engine reads packets from the translator's TUN device (v6ext-nat64)
 * and writes what comes out back into it, for the kernel to route.
 *
 * IPv4 -> IPv6 (siit_4to6): the source becomes nat64-prefix + the IPv4
 * source (RFC 6052 2.2, a /96), the destination the host the eam table maps
 * the IPv4 destination to (a forward's pool address, an ipv4-map).
 * IPv6 -> IPv4 (siit_6to4): the destination must be in nat64-prefix and
 * its IPv4 one a site may reach (not the pool, not a mapped address, not
 * the public address: one site never reaches another's mapping through the
 * translator); the source must be in the sites' /64 and becomes the host's
 * eam address (an ipv4-map, its forwards' pool address, or a dynamic one).
 *
 * What is translated: TCP and UDP (checksums updated incrementally; an IPv4
 * UDP checksum of 0 computed, RFC 7915 4.5), ICMP echo and ICMP errors with
 * the packet inside translated too (4.2, 5.2; Packet Too Big <-> Frag-
 * mentation Needed with the MTU arithmetic of 4.2 and 5.2), fragments
 * (IPv4 MF/offset <-> the IPv6 Fragment header, 4.1 and 5.1.1), and other
 * protocols' payloads as they are. The TCP MSS of a SYN is clamped to what
 * the site's MTU carries, so a forwarded connection never needs path MTU
 * discovery to start.
 *
 * TTL and hop limit: the kernel decrements them when it routes into and out
 * of the TUN; the translator copies them. An IPv4 packet with DF set whose
 * translation exceeds the site MTU gets ICMPv4 Fragmentation Needed back
 * (MTU = site MTU - 20); one without DF is cut into IPv6 fragments that fit.
 * Errors the translator sends come from public-ipv4 (the TUN accepts its
 * own address as a source: accept_local), so they pass conntrack's
 * NAT like the errors of any router.
 *
 * Every length is checked before it is read; what cannot be translated is
 * dropped and counted by reason (siit_drop). */
#ifndef V6EXT_SIIT_H
#define V6EXT_SIIT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eam.h"
#include "prefix.h"

/* The most packets one input becomes: a 64 KB IPv4 packet cut into IPv6
 * fragments of a 1280-byte MTU (each carries 1232 bytes). */
#define SIIT_OUT_MAX 56
/* Room for them: each output packet at most the input + 28 bytes of IPv6
 * and Fragment header growth, within 65535 + 48 per fragment. */
#define SIIT_OUT_BYTES (SIIT_OUT_MAX * 1400 + 65536)

enum siit_drop {
	SIIT_OK,
	SIIT_DROP_TRUNCATED,    /* shorter than its headers say */
	SIIT_DROP_HEADER,       /* bad version, IHL, total length, header checksum,
	                         * extension header chain */
	SIIT_DROP_OPTIONS,      /* IPv4 source route options; a routing header
	                         * with segments left (RFC 7915 4.1, 5.1) */
	SIIT_DROP_SOURCE,       /* a source we do not translate: IPv6 not in the
	                         * sites, IPv4 loopback/multicast/the pool */
	SIIT_DROP_NO_MAPPING,   /* a destination nothing maps; the pool full */
	SIIT_DROP_HAIRPIN,      /* a site sending to the pool, a mapped or the
	                         * public address through the translator */
	SIIT_DROP_ICMP,         /* an ICMP type with no translation, or an error
	                         * whose inner packet is not one we translate */
	SIIT_DROP_FRAGMENT,     /* a fragment we cannot translate (UDP checksum 0,
	                         * ICMP in fragments, an atomic fragment's rules) */
	SIIT_DROP_TOO_BIG,      /* DF and larger than the site MTU: Fragmentation
	                         * Needed sent back */
	SIIT_DROP_TTL,          /* TTL or hop limit 0 */
	SIIT_DROP_MAX
};

const char *siit_drop_name(enum siit_drop d);   /* "truncated", "no_mapping"...: show keys */

struct siit_conf {
	uint8_t prefix96[12];           /* nat64-prefix, RFC 6052 /96 */
	struct prefix sites;            /* the /64: IPv6 sources we translate */
	struct in_addr public4;         /* public-ipv4: the source of our errors;
	                                 * never a destination from a site */
	uint16_t mtu6;                  /* the sites' MTU (>= 1280) */
};

struct siit {
	struct siit_conf c;
	struct eam *map;
	uint32_t frag_id;               /* next IPv6 Fragment Identification */
	uint16_t ip_id;                 /* next IPv4 Identification */
	uint64_t drops[SIIT_DROP_MAX];
	uint64_t packets_4to6, packets_6to4, errors_sent;
};

/* What one packet became: n packets at buf + off[i], len[i] bytes each,
 * every one for the TUN (the kernel routes translated packets and errors
 * alike). */
struct siit_out {
	uint8_t *buf;                   /* the caller's, cap bytes (SIIT_OUT_BYTES) */
	size_t cap;
	size_t n;
	size_t off[SIIT_OUT_MAX], len[SIIT_OUT_MAX];
};

void siit_init(struct siit *s, const struct siit_conf *c, struct eam *map);

/* Translate one packet read from the TUN (pkt, len bytes; the version
 * nibble chose the function). Returns SIIT_OK with out->n >= 1, or why it
 * was dropped (counted in s->drops; out->n may still be 1: an ICMP error
 * back to the sender, SIIT_DROP_TOO_BIG). now: for the eam table. */
enum siit_drop siit_4to6(struct siit *s, const uint8_t *pkt, size_t len, uint64_t now, struct siit_out *out);
enum siit_drop siit_6to4(struct siit *s, const uint8_t *pkt, size_t len, uint64_t now, struct siit_out *out);

/* A TCP burst the kernel hands over as one packet (the TUN's TSO: virtio
 * 1.1 5.1.6.2): its headers are translated as one segment's would be, its
 * payload is left as it is, and the kernel cuts it into segments on the
 * other side. In: the packet (IP header first) and the payload bytes per
 * segment; out: the new headers in out (one packet of g->hdr_len bytes),
 * the payload that follows them where it was, in the input (not copied:
 * the caller writes both), and what the virtio_net_hdr must say: the
 * headers' length and segment size (cut to fit the sites' MTU going to
 * them). The TCP checksum is left as the kernel wants a burst's:
 * the pseudo-header sum, the rest to be added (NEEDS_CSUM at the TCP
 * header, offset 16). Counted like any packet. */
struct siit_gso {
	uint16_t hdr_len;               /* IP + TCP headers of the result */
	uint16_t size;                  /* payload bytes per segment */
	const uint8_t *payload;         /* inside the input: what follows the headers */
	size_t payload_len;
};
enum siit_drop siit_gso_4to6(struct siit *s, const uint8_t *pkt, size_t len, uint16_t size, uint64_t now,
    struct siit_out *out, struct siit_gso *g);
enum siit_drop siit_gso_6to4(struct siit *s, const uint8_t *pkt, size_t len, uint16_t size, uint64_t now,
    struct siit_out *out, struct siit_gso *g);
/* A checksum left for the device (NEEDS_CSUM: csum_start, csum_offset
 * from the packet's start) completed, so the packet is an ordinary one.
 * False when the offsets lie outside it. */
bool siit_csum_complete(uint8_t *pkt, size_t len, size_t start, size_t offset);

/* RFC 6052 2.2 for a /96: the IPv6 address of v4 under prefix96, and
 * back (false when v6 is not under it). */
void siit_embed(const uint8_t prefix96[12], const struct in_addr *v4, struct in6_addr *v6);
bool siit_extract(const uint8_t prefix96[12], const struct in6_addr *v6, struct in_addr *v4);

#endif
