/* SPDX-License-Identifier: ISC */
/* tunnel: handshakes and data for a peer; pure logic, see tunnel.h. */
#include "config.h"

#include <string.h>
#include <time.h>

#include <sodium.h>

#include "tunnel.h"
#include "util.h"

#define PROLOGUE     ((const uint8_t *)NOISE_PROLOGUE)
/* A pair without a pre-shared key runs IKpsk2 with 32 zero bytes */
static const uint8_t tunnel_no_psk[NOISE_KEY_LEN];
#define PROLOGUE_LEN (sizeof(NOISE_PROLOGUE) - 1)

const char *
tunnel_drop_name(enum tunnel_drop d)
{
	static const char *const names[DROP_MAX] = {
		[TUNNEL_OK] = "ok",
		[DROP_SHORT] = "short",
		[DROP_TYPE] = "bad_type",
		[DROP_LENGTH] = "bad_length",
		[DROP_MAC] = "bad_mac",
		[DROP_UNKNOWN_KEY] = "unknown_key",
		[DROP_HANDSHAKE] = "handshake_failed",
		[DROP_TIMESTAMP] = "stale_initiation",
		[DROP_INDEX] = "unknown_index",
		[DROP_REPLAY] = "replay",
		[DROP_DECRYPT] = "decrypt",
		[DROP_EXPIRED] = "expired",
		[DROP_NO_SESSION] = "no_session",
		[DROP_ROGUE_RA] = "rogue_ra",
		[DROP_TOO_BIG] = "too_big",
		[DROP_SOURCE] = "bad_source",
		[DROP_BAD_NDP] = "bad_ndp",
		[DROP_TAP] = "tap_write",
		[DROP_SEND] = "udp_send",
		[DROP_RATELIMITED] = "ratelimited",
		[DROP_FLOOD] = "initiation_flood",
		[DROP_QUEUE_FULL] = "handshake_queue_full",
		[DROP_HEADER_CHAIN] = "bad_header_chain",
		[DROP_ETHERTYPE] = "bad_ethertype",
	};

	return d < DROP_MAX && names[d] != NULL ? names[d] : "unknown";
}

enum tunnel_drop
tunnel_gate(const uint8_t *msg, size_t len, enum wire_type *type)
{
	switch (wire_classify(msg, len, type)) {
	case WIRE_OK:           return TUNNEL_OK;
	case WIRE_DROP_SHORT:   return DROP_SHORT;
	case WIRE_DROP_TYPE:    return DROP_TYPE;
	case WIRE_DROP_LENGTH:  return DROP_LENGTH;
	}
	return DROP_TYPE;
}

static enum tunnel_drop
tunnel_classify(const uint8_t *msg, size_t len, enum wire_type want)
{
	enum wire_type type;
	enum tunnel_drop d = tunnel_gate(msg, len, &type);

	return d != TUNNEL_OK ? d : type == want ? TUNNEL_OK : DROP_TYPE;
}

void
tunnel_peer_init(struct tunnel_peer *p, const uint8_t remote_pub[32], const uint8_t *psk, uint16_t slot)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->remote_pub, remote_pub, 32);
	p->psk = psk;
	cookie_maker_init(&p->maker, remote_pub);
	p->slot = slot;
	p->allow_aesgcm = true;
}

void
tunnel_peer_wipe(struct tunnel_peer *p)
{
	session_wipe(&p->cur);
	session_wipe(&p->prev);
	session_wipe(&p->next);
	sodium_memzero(p->ss, sizeof(p->ss));
	noise_wipe(&p->hs);
	cookie_maker_wipe(&p->maker);
	p->psk = NULL;          /* its owner wipes it */
}

void
tunnel_peer_expire(struct tunnel_peer *p, uint64_t now_ms)
{
	/* keys zeroed on expiry */
	if (p->prev.live && session_expired(&p->prev, now_ms))
		session_wipe(&p->prev);
	if (p->cur.live && session_expired(&p->cur, now_ms))
		session_wipe(&p->cur);
	if (p->next.live && session_expired(&p->next, now_ms))
		session_wipe(&p->next);      /* never confirmed */
}

bool
tunnel_peer_live(const struct tunnel_peer *p, uint64_t now_ms)
{
	return !session_expired(&p->cur, now_ms);
}

const char *
tunnel_peer_cipher(const struct tunnel_peer *p, uint64_t now_ms)
{
	return tunnel_peer_live(p, now_ms) ? session_cipher_name(p->cur.cipher) : "";
}

bool
tunnel_aesgcm_usable(bool allow)
{
	return allow && crypto_aead_aes256gcm_is_available();
}

void
tunnel_timestamp(uint8_t out[WIRE_TIMESTAMP_LEN])
{
	struct timespec ts;
	uint64_t secs;

	clock_gettime(CLOCK_REALTIME, &ts);
	/* the TAI64 label of a Unix time: 2^62 + 10 + seconds (libtai's
	 * constant; docs/PROTOCOL.md section 3) */
	secs = (UINT64_C(1) << 62) + 10 + (uint64_t)ts.tv_sec;
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(secs >> (56 - 8 * i));
	for (int i = 0; i < 4; i++)
		out[8 + i] = (uint8_t)((uint32_t)ts.tv_nsec >> (24 - 8 * i));
}

/* cur becomes prev, so that packets already in flight still open, and s
 * becomes cur. */
static void
tunnel_rotate(struct tunnel_peer *p, struct session *s)
{
	session_wipe(&p->prev);
	p->prev = p->cur;
	p->cur = *s;
	sodium_memzero(s, sizeof(*s));
	p->handshake_wall = (uint64_t)time(NULL);
}

/* The handshake's keys as a session in into. Callers have checked that the
 * cipher is usable here, so the -1 of session_init (dead, nothing may be
 * sent) is a broken invariant turned into a dropped handshake. */
static int
tunnel_keys(struct session *into, struct noise_handshake *hs, enum session_cipher cipher,
    uint32_t local, uint32_t remote, bool initiator, uint64_t now_ms)
{
	uint8_t send[NOISE_KEY_LEN], recv[NOISE_KEY_LEN];
	int rc;

	noise_split(hs, send, recv, NULL);
	rc = session_init(into, cipher, send, recv, local, remote, initiator, now_ms);
	sodium_memzero(send, sizeof(send));
	sodium_memzero(recv, sizeof(recv));
	return rc;
}

int
tunnel_initiate(struct tunnel_peer *p, const uint8_t local_priv[32], uint64_t now_ms,
    struct wire_initiation *msg)
{
	uint8_t payload[WIRE_INIT_PAYLOAD_LEN] = { 0 };
	int rc;

	tunnel_timestamp(payload);
	/* never one older than the last we sent: a wall clock stepped back
	 * must not get us refused as a replay while we run */
	if (memcmp(payload, p->sent_timestamp, WIRE_TIMESTAMP_LEN) <= 0) {
		memcpy(payload, p->sent_timestamp, WIRE_TIMESTAMP_LEN);
		for (int i = WIRE_TIMESTAMP_LEN - 1; i >= 0 && ++payload[i] == 0; i--)
			;
	}
	memcpy(p->sent_timestamp, payload, WIRE_TIMESTAMP_LEN);
	p->hs_offered_aesgcm = tunnel_aesgcm_usable(p->allow_aesgcm);
	util_put_le32(payload + WIRE_INIT_FEATURES_OFF, p->hs_offered_aesgcm ? WIRE_FEATURE_AESGCM : 0);
	p->hs_index = randombytes_random();
	if ((rc = noise_init(&p->hs, NOISE_INITIATOR, true, PROLOGUE, PROLOGUE_LEN, local_priv, p->remote_pub)) != 0)
		return rc;
	noise_set_psk(&p->hs, p->psk != NULL ? p->psk : tunnel_no_psk);
	if ((rc = noise_create_initiation(&p->hs, p->hs_index, payload, msg)) != 0)
		return rc;
	cookie_add_macs(&p->maker, (uint8_t *)msg, sizeof(*msg), now_ms);
	p->hs_pending = true;
	p->hs_sent_ms = now_ms;
	return 0;
}

enum tunnel_drop
tunnel_consume_response(struct tunnel_peer *p, struct cookie_checker *cc,
    const uint8_t *msg, size_t len, const struct endpoint *from, uint64_t now_ms)
{
	uint8_t src[COOKIE_SOURCE_MAX], payload[WIRE_RESP_PAYLOAD_LEN];
	struct noise_handshake hs;
	struct wire_response m;
	enum session_cipher cipher = SESSION_CHACHA20POLY1305;
	uint32_t features;
	enum tunnel_drop d;

	if ((d = tunnel_classify(msg, len, WIRE_RESPONSE)) != TUNNEL_OK)
		return d;
	if (cookie_check(cc, msg, len, src, endpoint_cookie_source(from, src), false, now_ms) != COOKIE_MAC_OK)
		return DROP_MAC;
	memcpy(&m, msg, sizeof(m));
	if (!p->hs_pending || util_get_le32(m.receiver) != p->hs_index)
		return DROP_INDEX;
	/* work on a copy: a forged response must not spoil the real one */
	hs = p->hs;
	if (noise_consume_response(&hs, &m, payload) != NOISE_OK) {
		noise_wipe(&hs);
		return DROP_HANDSHAKE;
	}
	features = util_get_le32(payload + WIRE_RESP_FEATURES_OFF);
	if (features & WIRE_FEATURE_AESGCM) {
		/* accepting what we did not offer breaks the protocol; running
		 * ChaCha20-Poly1305 anyway would only fail every data message */
		if (!p->hs_offered_aesgcm) {
			noise_wipe(&hs);
			return DROP_HANDSHAKE;
		}
		cipher = SESSION_AES256GCM;
	}
	{
		struct session fresh;

		if (tunnel_keys(&fresh, &hs, cipher, p->hs_index, util_get_le32(m.sender), true, now_ms) != 0)
			return DROP_HANDSHAKE;
		tunnel_rotate(p, &fresh);
	}
	noise_wipe(&p->hs);
	p->hs_pending = false;
	p->ep = *from;
	p->last_rx_ms = now_ms;         /* authenticated: the path works */
	return TUNNEL_OK;
}

enum tunnel_drop
tunnel_consume_cookie(struct tunnel_peer *p, const uint8_t *msg, size_t len, uint64_t now_ms)
{
	struct wire_cookie_reply r;
	enum tunnel_drop d;

	if ((d = tunnel_classify(msg, len, WIRE_COOKIE)) != TUNNEL_OK)
		return d;
	memcpy(&r, msg, sizeof(r));
	if (!p->hs_pending || util_get_le32(r.receiver) != p->hs_index)
		return DROP_INDEX;
	return cookie_consume_reply(&p->maker, &r, now_ms) == 0 ? TUNNEL_OK : DROP_MAC;
}

void
tunnel_responder_init(struct tunnel_responder *r, const uint8_t priv[32])
{
	sodium_memzero(r, sizeof(*r));
	noise_responder_init(&r->nr, true, PROLOGUE, PROLOGUE_LEN, priv);
	memcpy(r->pub, r->nr.s_pub, 32);
	cookie_checker_init(&r->cc, r->pub);
	r->allow_aesgcm = true;
}

void
tunnel_responder_wipe(struct tunnel_responder *r)
{
	cookie_checker_wipe(&r->cc);
	noise_responder_wipe(&r->nr);
	sodium_memzero(r, sizeof(*r));
}

void
tunnel_peer_precompute(struct tunnel_peer *p, const struct tunnel_responder *r)
{
	p->ss_ok = noise_static_static(p->ss, r->nr.s, p->remote_pub) == NOISE_OK;
}

/* Cheap before expensive: the MACs; under load a cookie or a token of the
 * source's. TUNNEL_OK when the initiation may go on to Diffie-Hellman. */
static enum tunnel_drop
tunnel_admit(struct tunnel_responder *r, const uint8_t *msg, size_t len, const struct endpoint *from,
    bool under_load, struct ratelimit *rl, uint64_t now_ms, uint8_t *reply, size_t *reply_len,
    enum tunnel_reply *kind)
{
	uint8_t src[COOKIE_SOURCE_MAX];
	size_t srclen = endpoint_cookie_source(from, src);

	switch (cookie_check(&r->cc, msg, len, src, srclen, under_load, now_ms)) {
	case COOKIE_MAC_OK:
		/* under load, even a sender that proved its address gets only
		 * its share of Diffie-Hellman */
		if (under_load && rl != NULL && !ratelimit_allow(rl, from, now_ms))
			return DROP_RATELIMITED;
		return TUNNEL_OK;
	case COOKIE_MAC2_NEEDED:
		/* a cookie reply is not sent to whoever a spoofed source
		 * names more often than its bucket allows either */
		if (rl != NULL && !ratelimit_allow(rl, from, now_ms))
			return DROP_RATELIMITED;
		cookie_create_reply(&r->cc, msg, len, util_get_le32(msg + offsetof(struct wire_initiation, sender)),
		    src, srclen, now_ms, (struct wire_cookie_reply *)reply);
		*reply_len = WIRE_COOKIE_REPLY_LEN;
		*kind = TUNNEL_REPLY_COOKIE;
		return TUNNEL_OK;
	case COOKIE_MAC1_BAD:
	case COOKIE_MAC2_BAD:
		break;
	}
	return DROP_MAC;
}

enum tunnel_drop
tunnel_consume_initiation(struct tunnel_responder *r, tunnel_lookup_fn lookup, void *ctx,
    const uint8_t *msg, size_t len, const struct endpoint *from, bool under_load, struct ratelimit *rl,
    uint64_t now_ms, struct tunnel_peer **peer, uint8_t *reply, size_t *reply_len, enum tunnel_reply *kind)
{
	uint8_t payload[WIRE_INIT_PAYLOAD_LEN];
	uint8_t features[WIRE_RESP_PAYLOAD_LEN] = { 0 };
	enum session_cipher cipher = SESSION_CHACHA20POLY1305;
	struct noise_handshake hs;
	struct wire_initiation m;
	struct session fresh;
	struct tunnel_peer *p;
	uint32_t local;
	enum tunnel_drop d;

	*kind = TUNNEL_REPLY_NONE;
	*peer = NULL;
	if ((d = tunnel_classify(msg, len, WIRE_INITIATION)) != TUNNEL_OK ||
	    (d = tunnel_admit(r, msg, len, from, under_load, rl, now_ms, reply, reply_len, kind)) != TUNNEL_OK ||
	    *kind == TUNNEL_REPLY_COOKIE)
		return d;
	memcpy(&m, msg, sizeof(m));
	/* who asks: one X25519 (es) before we know */
	noise_init_responder(&hs, &r->nr);
	if (noise_consume_initiation_static(&hs, &m) != NOISE_OK)
		return DROP_HANDSHAKE;
	if ((p = lookup(ctx, noise_remote_static(&hs))) == NULL) {
		d = DROP_UNKNOWN_KEY;
		goto out;
	}
	if (!p->ss_ok || noise_consume_initiation_payload(&hs, p->ss, &m, payload) != NOISE_OK) {
		d = DROP_HANDSHAKE;
		goto out;
	}
	/* a replayed initiation carries an old timestamp */
	if (memcmp(payload, p->last_timestamp, WIRE_TIMESTAMP_LEN) <= 0) {
		d = DROP_TIMESTAMP;
		goto out;
	}
	if (p->last_init_ms != 0 && now_ms - p->last_init_ms < TUNNEL_INIT_MIN_MS) {
		d = DROP_FLOOD;
		goto out;
	}
	/* bits we do not know are ignored: a later feature must not cost the
	 * session (PROTOCOL.md section 3) */
	if ((util_get_le32(payload + WIRE_INIT_FEATURES_OFF) & WIRE_FEATURE_AESGCM) &&
	    tunnel_aesgcm_usable(r->allow_aesgcm)) {
		cipher = SESSION_AES256GCM;
		util_put_le32(features + WIRE_RESP_FEATURES_OFF, WIRE_FEATURE_AESGCM);
	}
	noise_set_psk(&hs, p->psk != NULL ? p->psk : tunnel_no_psk);
	local = (randombytes_random() & 0xffff0000u) | p->slot;
	if (noise_create_response(&hs, local, util_get_le32(m.sender), features, (struct wire_response *)reply) != NOISE_OK ||
	    tunnel_keys(&fresh, &hs, cipher, local, util_get_le32(m.sender), false, now_ms) != 0) {
		d = DROP_HANDSHAKE;
		goto out;
	}
	/* next, until the initiator's first data message confirms it */
	session_wipe(&p->next);
	p->next = fresh;
	sodium_memzero(&fresh, sizeof(fresh));
	cookie_add_macs(&p->maker, reply, WIRE_RESPONSE_LEN, now_ms);
	memcpy(p->last_timestamp, payload, WIRE_TIMESTAMP_LEN);
	p->last_init_ms = now_ms;
	*peer = p;
	*reply_len = WIRE_RESPONSE_LEN;
	*kind = TUNNEL_REPLY_RESPONSE;
	d = TUNNEL_OK;
out:
	noise_wipe(&hs);
	sodium_memzero(payload, sizeof(payload));
	return d;
}

enum tunnel_drop
tunnel_open_data(struct tunnel_peer *p, uint8_t *pkt, size_t len, uint64_t now_ms, size_t *frame_len,
    bool *confirmed)
{
	struct session *s;
	uint32_t index;

	if (confirmed != NULL)
		*confirmed = false;
	if (len < WIRE_DATA_MIN_LEN)
		return DROP_LENGTH;
	index = util_get_le32(pkt + 4);
	if (p->cur.live && index == p->cur.local_index)
		s = &p->cur;
	else if (p->next.live && index == p->next.local_index)
		s = &p->next;
	else if (p->prev.live && index == p->prev.local_index)
		s = &p->prev;
	else
		return DROP_INDEX;
	switch (session_decrypt(s, now_ms, pkt, len, frame_len)) {
	case SESSION_OK:
		if (s == &p->next) {
			/* the initiator has the response: the new session is ours */
			tunnel_rotate(p, &p->next);
			if (confirmed != NULL)
				*confirmed = true;
		}
		p->last_rx_ms = now_ms;
		p->st.rx_packets++;
		p->st.rx_bytes += len;
		return TUNNEL_OK;
	case SESSION_ERR_EXPIRED: return DROP_EXPIRED;
	case SESSION_ERR_LENGTH:  return DROP_LENGTH;
	case SESSION_ERR_INDEX:   return DROP_INDEX;
	case SESSION_ERR_REPLAY:  return DROP_REPLAY;
	case SESSION_ERR_DECRYPT: return DROP_DECRYPT;
	}
	return DROP_DECRYPT;
}

enum tunnel_drop
tunnel_seal_data(struct tunnel_peer *p, uint8_t *pkt, size_t frame_len, size_t cap,
    uint64_t now_ms, size_t *pkt_len)
{
	if (session_expired(&p->cur, now_ms))
		return DROP_NO_SESSION;
	switch (session_encrypt(&p->cur, now_ms, pkt, frame_len, cap, pkt_len)) {
	case SESSION_OK:
		p->last_tx_ms = now_ms;
		p->st.tx_packets++;
		p->st.tx_bytes += *pkt_len;
		return TUNNEL_OK;
	case SESSION_ERR_LENGTH:
		return DROP_TOO_BIG;
	default:
		return DROP_NO_SESSION;
	}
}
