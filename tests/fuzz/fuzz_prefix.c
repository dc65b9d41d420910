/* SPDX-License-Identifier: ISC */
/* fuzz_prefix: prefix_parse_buf on arbitrary bytes, and the sub-prefix
 * arithmetic driven by the same bytes.
 *
 * Invariants (abort() when broken):
 *  - a parsed prefix has no host bits set and formats to text that parses
 *    back to the same prefix and formats to the same text again;
 *  - a refusal always says why;
 *  - prefix_sub_get succeeds exactly for index < prefix_sub_count, and the
 *    sub-prefix's first and last addresses map back to that index;
 *  - an address inside the base lies in the sub-prefix of its index;
 *  - prefix_sub_count is non-zero exactly for the lengths the product
 *    takes: a /64 into /65../120, a routed /40../63 into /48../120, at
 *    most 56 bits longer.
 * The base's length is an input byte, so on-link and routed bases are both
 * driven. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prefix.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_parse(const uint8_t *data, size_t size)
{
	struct prefix p, q;
	const char *why = NULL;
	char text[PREFIX_STRLEN], again[PREFIX_STRLEN];

	if (prefix_parse_buf(data, size, &p, &why) != 0) {
		if (why == NULL)
			abort();
		return;
	}
	if (p.len > 128)
		abort();
	/* a prefix contains its own address, and host bits are clear: the
	 * address equals the network of any address it contains */
	if (!prefix_contains(&p, &p.addr))
		abort();
	prefix_format(&p, text, sizeof(text));
	if (strlen(text) > PREFIX_STRLEN - 1)
		abort();
	if (prefix_parse(text, &q, &why) != 0)
		abort();
	if (memcmp(&p.addr, &q.addr, sizeof(p.addr)) != 0 || p.len != q.len)
		abort();
	prefix_format(&q, again, sizeof(again));
	if (strcmp(text, again) != 0)
		abort();
}

/* Input bytes, zero-padded: [0] sub_len, [1..8] index, [9..24] address,
 * [25] the base's length. */
static void
fuzz_sub(const uint8_t *data, size_t size)
{
	uint8_t in[26];
	struct prefix base, sub, other;
	struct in6_addr addr, last;
	uint64_t index = 0, count, got;
	uint8_t sub_len;

	memset(in, 0, sizeof(in));
	memcpy(in, data, size < sizeof(in) ? size : sizeof(in));
	sub_len = in[0];
	for (int i = 1; i <= 8; i++)
		index = index << 8 | in[i];
	memcpy(addr.s6_addr, in + 9, 16);

	/* the base is the address's own network, so the address is always
	 * inside; a length byte of 0 stands for the on-link /64 (short inputs) */
	base.addr = addr;
	base.len = in[25] == 0 ? PREFIX_BASE_LEN : in[25] % 129;
	prefix_mask(&base);

	count = prefix_sub_count(base.len, sub_len);
	if ((count != 0) != (base.len == PREFIX_BASE_LEN ?
	    sub_len >= PREFIX_SUB_ONLINK_MIN && sub_len <= PREFIX_SUB_MAX :
	    base.len >= PREFIX_ROUTED_MIN && base.len <= PREFIX_ROUTED_MAX &&
	    sub_len >= PREFIX_SUB_MIN && sub_len <= PREFIX_SUB_MAX && sub_len > base.len &&
	    sub_len - base.len <= PREFIX_INDEX_BITS_MAX))
		abort();
	if (count != 0 && count != UINT64_C(1) << (sub_len - base.len))
		abort();
	if (prefix_sub_get(&base, sub_len, index, &sub) == 0) {
		if (count == 0 || index >= count || sub.len != sub_len)
			abort();
		if (!prefix_contains(&base, &sub.addr))
			abort();
		if (prefix_sub_index(&base, sub_len, &sub.addr, &got) != 0 || got != index)
			abort();
		last = sub.addr;
		for (unsigned int bit = sub_len; bit < 128; bit++)
			last.s6_addr[bit / 8] |= (uint8_t)(0x80u >> (bit % 8));
		if (!prefix_contains(&sub, &last))
			abort();
		if (prefix_sub_index(&base, sub_len, &last, &got) != 0 || got != index)
			abort();
		if (index != 0 && !prefix_sub_reserved(&base, sub_len, index, &last, 1))
			abort();
	} else if (count != 0 && index < count) {
		abort();
	}

	if (prefix_sub_index(&base, sub_len, &addr, &got) == 0) {
		if (count == 0 || got >= count)
			abort();
		if (prefix_sub_get(&base, sub_len, got, &other) != 0 ||
		    !prefix_contains(&other, &addr))
			abort();
	} else if (count != 0) {
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_parse(data, size);
	fuzz_sub(data, size);
	return 0;
}
