/* SPDX-License-Identifier: ISC */
/* csum: the Internet checksum (RFC 1071) over large buffers, fast enough for
 * every byte of a data path: 64-bit accumulation of 32-bit words, folded at
 * the end. Sums are kept unfolded in a uint64_t so pieces can be added. */
#ifndef V6EXT_CSUM_H
#define V6EXT_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add len bytes at p (big-endian 16-bit words; an odd last byte is the high
 * half of a word, RFC 1071 4.1) to sum. p must start on an even offset of
 * the summed message. */
uint64_t csum_add(uint64_t sum, const uint8_t *p, size_t len);
/* Fold to 16 bits, not complemented. */
uint16_t csum_fold(uint64_t sum);
/* The TCP/UDP pseudo-header of an IPv4 (RFC 793 3.1) or IPv6 (RFC 8200
 * 8.1) packet whose IP header is at ip, for an upper-layer message of len
 * bytes with protocol proto. */
uint64_t csum_pseudo4(const uint8_t *ip, size_t len, uint8_t proto);
uint64_t csum_pseudo6(const uint8_t *ip, size_t len, uint8_t proto);

#endif
