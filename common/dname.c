/* SPDX-License-Identifier: ISC */
/* dname: domain names in DNS wire form (RFC 1035 3.1). */
#include "config.h"

#include <string.h>

#include "dname.h"

int
dname_encode_list(const char *list, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = 0;
	const char *s = list;

	while (*s != '\0') {
		size_t name_len = 0;

		while (*s == ' ' || *s == ',')
			s++;
		if (*s == '\0')
			break;
		/* one name: labels up to ',' or ' ' or the end */
		for (;;) {
			size_t l = strcspn(s, "., ");

			if (l == 0 || l > 63 || n + 1 + l + 1 > cap)
				return -1;
			/* RFC 1123 2.1 host names (and '_', seen in service names) */
			for (size_t i = 0; i < l; i++)
				if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
				    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
					return -1;
			out[n++] = (uint8_t)l;
			memcpy(out + n, s, l);
			n += l;
			name_len += l + 1;
			s += l;
			if (*s != '.')
				break;
			s++;
			if (*s == '\0' || *s == ',' || *s == ' ')
				break;  /* a trailing dot: the root */
		}
		if (name_len > 254)
			return -1;
		out[n++] = 0;
	}
	*len = n;
	return 0;
}
