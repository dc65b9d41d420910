/* SPDX-License-Identifier: ISC */
/* session: transport keys, counters, replay window, rekey and reject limits,
 * and the data messages' AEAD (ChaCha20-Poly1305 or AES-256-GCM). */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "session.h"
#include "util.h"

int
session_init(struct session *s, enum session_cipher cipher, const uint8_t send_key[NOISE_KEY_LEN],
    const uint8_t recv_key[NOISE_KEY_LEN], uint32_t local_index, uint32_t remote_index,
    bool initiator, uint64_t now_ms)
{
	memset(s, 0, sizeof(*s));
	if (cipher == SESSION_AES256GCM) {
		if (!crypto_aead_aes256gcm_is_available())
			return -1;
		/* the key schedule once per session, not once per packet */
		if (crypto_aead_aes256gcm_beforenm(&s->send_gcm, send_key) != 0 ||
		    crypto_aead_aes256gcm_beforenm(&s->recv_gcm, recv_key) != 0) {
			session_wipe(s);
			return -1;
		}
	} else if (cipher != SESSION_CHACHA20POLY1305)
		return -1;
	s->cipher = cipher;
	memcpy(s->send_key, send_key, NOISE_KEY_LEN);
	memcpy(s->recv_key, recv_key, NOISE_KEY_LEN);
	replay_init(&s->replay);
	s->local_index = local_index;
	s->remote_index = remote_index;
	s->initiator = initiator;
	s->born_ms = now_ms;
	s->live = true;
	return 0;
}

void
session_wipe(struct session *s)
{
	sodium_memzero(&s->send_gcm, sizeof(s->send_gcm));
	sodium_memzero(&s->recv_gcm, sizeof(s->recv_gcm));
	sodium_memzero(s->send_key, sizeof(s->send_key));
	sodium_memzero(s->recv_key, sizeof(s->recv_key));
	s->live = false;
}

/* Noise 12.4 (AESGCM): the 96-bit nonce is 32 zero bits then the counter
 * big-endian. ChaChaPoly (Noise 12.3, noise_encrypt) puts it little-endian;
 * each cipher follows its own rule so that a peer built on any Noise
 * library's CipherState can interoperate. */
static void
session_gcm_nonce(uint8_t nonce[crypto_aead_aes256gcm_NPUBBYTES], uint64_t counter)
{
	memset(nonce, 0, 4);
	util_put_be64(nonce + 4, counter);
}

/* Seal len bytes at in place; the tag follows them. */
static void
session_seal(struct session *s, uint64_t counter, const uint8_t *ad, size_t adlen, uint8_t *in, size_t len)
{
	uint8_t nonce[crypto_aead_aes256gcm_NPUBBYTES];

	if (s->cipher == SESSION_AES256GCM) {
		session_gcm_nonce(nonce, counter);
		crypto_aead_aes256gcm_encrypt_afternm(in, NULL, in, len, ad, adlen, NULL, nonce, &s->send_gcm);
	} else
		noise_encrypt(s->send_key, counter, ad, adlen, in, len, in);
}

/* Open len bytes (tag included) at in place; -1 on a bad tag. */
static int
session_open(struct session *s, uint64_t counter, const uint8_t *ad, size_t adlen, uint8_t *in, size_t len)
{
	uint8_t nonce[crypto_aead_aes256gcm_NPUBBYTES];

	if (s->cipher == SESSION_AES256GCM) {
		session_gcm_nonce(nonce, counter);
		return crypto_aead_aes256gcm_decrypt_afternm(in, NULL, NULL, in, len, ad, adlen, nonce,
		    &s->recv_gcm) == 0 ? 0 : -1;
	}
	return noise_decrypt(s->recv_key, counter, ad, adlen, in, len, in);
}

bool
session_expired(const struct session *s, uint64_t now_ms)
{
	return !s->live || now_ms - s->born_ms >= SESSION_REJECT_AFTER_MS;
}

bool
session_needs_rekey(const struct session *s, uint64_t now_ms)
{
	return s->live && s->initiator &&
	    (s->send_counter >= SESSION_REKEY_AFTER_MESSAGES || now_ms - s->born_ms >= SESSION_REKEY_AFTER_MS);
}

enum session_result
session_encrypt(struct session *s, uint64_t now_ms, uint8_t *pkt, size_t frame_len, size_t cap, size_t *pkt_len)
{
	struct wire_data_header *hdr = (struct wire_data_header *)pkt;
	size_t len = WIRE_DATA_HEADER_LEN + frame_len + WIRE_TAG_LEN;

	if (session_expired(s, now_ms) || s->send_counter >= SESSION_REJECT_AFTER_MESSAGES) {
		session_wipe(s);
		return SESSION_ERR_EXPIRED;
	}
	if (frame_len > WIRE_FRAME_MAX || len > cap)
		return SESSION_ERR_LENGTH;
	wire_set_type(hdr->type_reserved, WIRE_DATA);
	util_put_le32(hdr->receiver, s->remote_index);
	util_put_le64(hdr->counter, s->send_counter);
	session_seal(s, s->send_counter, pkt, WIRE_DATA_HEADER_LEN, pkt + WIRE_DATA_HEADER_LEN, frame_len);
	s->send_counter++;
	*pkt_len = len;
	return SESSION_OK;
}

enum session_result
session_decrypt(struct session *s, uint64_t now_ms, uint8_t *pkt, size_t len, size_t *frame_len)
{
	uint64_t counter;

	if (len < WIRE_DATA_MIN_LEN || len > WIRE_DATA_MAX_LEN || pkt[0] != WIRE_DATA ||
	    pkt[1] != 0 || pkt[2] != 0 || pkt[3] != 0)
		return SESSION_ERR_LENGTH;
	if (session_expired(s, now_ms)) {
		session_wipe(s);
		return SESSION_ERR_EXPIRED;
	}
	if (util_get_le32(pkt + 4) != s->local_index)
		return SESSION_ERR_INDEX;
	counter = util_get_le64(pkt + 8);
	/* cheap before expensive: a replay costs no decryption */
	if (!replay_check(&s->replay, counter, SESSION_REJECT_AFTER_MESSAGES))
		return SESSION_ERR_REPLAY;
	if (session_open(s, counter, pkt, WIRE_DATA_HEADER_LEN, pkt + WIRE_DATA_HEADER_LEN,
	    len - WIRE_DATA_HEADER_LEN) != 0)
		return SESSION_ERR_DECRYPT;
	replay_update(&s->replay, counter, SESSION_REJECT_AFTER_MESSAGES);
	*frame_len = len - WIRE_DATA_MIN_LEN;
	return SESSION_OK;
}

const char *
session_cipher_name(enum session_cipher c)
{
	switch (c) {
	case SESSION_CHACHA20POLY1305: return "chacha20-poly1305";
	case SESSION_AES256GCM:        return "aes-256-gcm";
	}
	return "unknown";
}
