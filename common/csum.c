/* SPDX-License-Identifier: ISC */
/* csum: the Internet checksum, RFC 1071. */
#include "config.h"

#include <string.h>

#include "csum.h"

uint64_t
csum_add(uint64_t sum, const uint8_t *p, size_t len)
{
	/* one's-complement addition is byte-order independent (RFC 1071 2(B)):
	 * add native 32-bit words into 64 bits, swap once at the end */
	uint64_t acc = 0;
	uint32_t w;

	while (len >= 16) {
		uint32_t a, b, c, d;

		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		memcpy(&c, p + 8, 4);
		memcpy(&d, p + 12, 4);
		acc += (uint64_t)a + b + c + d;
		p += 16;
		len -= 16;
	}
	while (len >= 4) {
		memcpy(&w, p, 4);
		acc += w;
		p += 4;
		len -= 4;
	}
	w = 0;
	memcpy(&w, p, len);             /* 0 to 3 bytes, zero padded */
	acc += w;
	/* fold to 16 bits in native order, then to network order */
	acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	acc = ((acc & 0xff) << 8) | (acc >> 8);
#endif
	return sum + acc;
}

uint16_t
csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint64_t
csum_pseudo4(const uint8_t *ip, size_t len, uint8_t proto)
{
	return csum_add(0, ip + 12, 8) + proto + len;
}

uint64_t
csum_pseudo6(const uint8_t *ip, size_t len, uint8_t proto)
{
	return csum_add(0, ip + 8, 32) + proto + (len >> 16) + (len & 0xffff);
}
