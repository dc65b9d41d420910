/* SPDX-License-Identifier: ISC */
/* dname: domain names in DNS wire form (RFC 1035 3.1): length-prefixed
 * labels ending in the root's zero byte. */
#ifndef V6EXT_DNAME_H
#define V6EXT_DNAME_H

#include <stddef.h>
#include <stdint.h>

/* A "lab.example, example.org" style list into wire form, names back to
 * back (the form of DHCPv6's Domain Search List, RFC 8415 21.20, and RA's
 * DNSSL, RFC 8106 5.2). -1 on a bad name (empty label, label over 63, name
 * over 253) or when it does not fit cap. */
int dname_encode_list(const char *list, uint8_t *out, size_t cap, size_t *len);

#endif
