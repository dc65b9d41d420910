/* SPDX-License-Identifier: ISC */
/* wire: classify datagrams by header and exact size before reading bodies. */
#include "config.h"

#include <string.h>

#include "wire.h"

/* Static checks: the layouts in docs/PROTOCOL.md. */
_Static_assert(sizeof(struct wire_initiation) == 152, "initiation is 152 bytes");
_Static_assert(sizeof(struct wire_response) == 96, "response is 96 bytes");
_Static_assert(sizeof(struct wire_cookie_reply) == 64, "cookie reply is 64 bytes");
_Static_assert(sizeof(struct wire_data_header) == 16, "data header is 16 bytes");

enum wire_drop
wire_classify(const uint8_t *buf, size_t len, enum wire_type *type)
{
	if (len < 4)
		return WIRE_DROP_SHORT;
	if (buf[1] != 0 || buf[2] != 0 || buf[3] != 0)
		return WIRE_DROP_TYPE;
	switch (buf[0]) {
	case WIRE_INITIATION:
		if (len != WIRE_INITIATION_LEN)
			return WIRE_DROP_LENGTH;
		break;
	case WIRE_RESPONSE:
		if (len != WIRE_RESPONSE_LEN)
			return WIRE_DROP_LENGTH;
		break;
	case WIRE_COOKIE:
		if (len != WIRE_COOKIE_REPLY_LEN)
			return WIRE_DROP_LENGTH;
		break;
	case WIRE_DATA:
		if (len < WIRE_DATA_MIN_LEN || len > WIRE_DATA_MAX_LEN)
			return WIRE_DROP_LENGTH;
		break;
	default:
		return WIRE_DROP_TYPE;
	}
	*type = (enum wire_type)buf[0];
	return WIRE_OK;
}

void
wire_set_type(uint8_t type_reserved[4], enum wire_type type)
{
	type_reserved[0] = (uint8_t)type;
	type_reserved[1] = type_reserved[2] = type_reserved[3] = 0;
}

const char *
wire_drop_name(enum wire_drop d)
{
	switch (d) {
	case WIRE_OK:           return "ok";
	case WIRE_DROP_SHORT:   return "short";
	case WIRE_DROP_TYPE:    return "bad-type";
	case WIRE_DROP_LENGTH:  return "bad-length";
	}
	return "unknown";
}
