/* SPDX-License-Identifier: ISC */
/* noise: Noise_IK(psk2)_25519_ChaChaPoly_BLAKE2b, revision 34 of the Noise
 * Protocol Framework (noiseprotocol.org/noise.html).
 *
 *   IKpsk2:
 *     <- s
 *     ...
 *     -> e, es, s, ss
 *     <- e, ee, se, psk
 *
 * Section numbers below are the spec's. HASH is BLAKE2b-512, HMAC uses
 * BLAKE2b's 128-byte block (5.3), the cipher is ChaCha20-Poly1305 with the
 * IETF 96-bit nonce: 32 zero bits then the 64-bit counter, little-endian
 * (12.3). In psk mode every "e" token also does MixKey(e.pub) (9.2).
 *
 * Every function that fails leaves the handshake FAILED and wiped; DH
 * results and HKDF outputs live on the stack and are wiped at one exit. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "noise.h"
#include "util.h"

#define BLAKE2B_BLOCK 128

/* ---------------------------------------------------------------- primitives */

static void
noise_hash2(uint8_t out[NOISE_HASH_LEN], const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	crypto_generichash_blake2b_state st;

	crypto_generichash_blake2b_init(&st, NULL, 0, NOISE_HASH_LEN);
	crypto_generichash_blake2b_update(&st, a, alen);
	crypto_generichash_blake2b_update(&st, b, blen);
	crypto_generichash_blake2b_final(&st, out, NOISE_HASH_LEN);
	sodium_memzero(&st, sizeof(st));
}

/* HMAC-BLAKE2b (RFC 2104) of a ‖ b with a key of at most one block. */
static void
noise_hmac(uint8_t out[NOISE_HASH_LEN], const uint8_t key[NOISE_HASH_LEN],
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	crypto_generichash_blake2b_state st;
	uint8_t pad[BLAKE2B_BLOCK], inner[NOISE_HASH_LEN];
	size_t i;

	memset(pad, 0x36, sizeof(pad));
	for (i = 0; i < NOISE_HASH_LEN; i++)
		pad[i] ^= key[i];
	crypto_generichash_blake2b_init(&st, NULL, 0, NOISE_HASH_LEN);
	crypto_generichash_blake2b_update(&st, pad, sizeof(pad));
	crypto_generichash_blake2b_update(&st, a, alen);
	crypto_generichash_blake2b_update(&st, b, blen);
	crypto_generichash_blake2b_final(&st, inner, sizeof(inner));

	memset(pad, 0x5c, sizeof(pad));
	for (i = 0; i < NOISE_HASH_LEN; i++)
		pad[i] ^= key[i];
	crypto_generichash_blake2b_init(&st, NULL, 0, NOISE_HASH_LEN);
	crypto_generichash_blake2b_update(&st, pad, sizeof(pad));
	crypto_generichash_blake2b_update(&st, inner, sizeof(inner));
	crypto_generichash_blake2b_final(&st, out, NOISE_HASH_LEN);

	sodium_memzero(&st, sizeof(st));
	sodium_memzero(pad, sizeof(pad));
	sodium_memzero(inner, sizeof(inner));
}

/* 4.3 HKDF(chaining_key, input_key_material, num_outputs); out2/out3 may be
 * NULL when fewer outputs are wanted. */
static void
noise_hkdf(uint8_t out1[NOISE_HASH_LEN], uint8_t out2[NOISE_HASH_LEN], uint8_t out3[NOISE_HASH_LEN],
    const uint8_t ck[NOISE_HASH_LEN], const uint8_t *ikm, size_t ikmlen)
{
	uint8_t temp[NOISE_HASH_LEN], prev[NOISE_HASH_LEN];
	uint8_t one = 1, two = 2, three = 3;

	noise_hmac(temp, ck, ikm, ikmlen, NULL, 0);
	noise_hmac(prev, temp, &one, 1, NULL, 0);
	memcpy(out1, prev, NOISE_HASH_LEN);
	if (out2 != NULL) {
		noise_hmac(prev, temp, prev, NOISE_HASH_LEN, &two, 1);
		memcpy(out2, prev, NOISE_HASH_LEN);
	}
	if (out3 != NULL) {
		noise_hmac(prev, temp, prev, NOISE_HASH_LEN, &three, 1);
		memcpy(out3, prev, NOISE_HASH_LEN);
	}
	sodium_memzero(temp, sizeof(temp));
	sodium_memzero(prev, sizeof(prev));
}

static void
noise_nonce(uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES], uint64_t counter)
{
	memset(nonce, 0, 4);
	util_put_le64(nonce + 4, counter);
}

void
noise_encrypt(const uint8_t key[NOISE_KEY_LEN], uint64_t counter,
    const uint8_t *ad, size_t adlen, const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];

	noise_nonce(nonce, counter);
	crypto_aead_chacha20poly1305_ietf_encrypt(out, NULL, in, len, ad, adlen, NULL, nonce, key);
}

int
noise_decrypt(const uint8_t key[NOISE_KEY_LEN], uint64_t counter,
    const uint8_t *ad, size_t adlen, const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];

	if (len < NOISE_TAG_LEN)
		return -1;
	noise_nonce(nonce, counter);
	return crypto_aead_chacha20poly1305_ietf_decrypt(out, NULL, NULL, in, len, ad, adlen, nonce, key);
}

/* ---------------------------------------------------------------- SymmetricState (5.2) */

static void
noise_mix_hash(struct noise_handshake *hs, const uint8_t *data, size_t len)
{
	noise_hash2(hs->h, hs->h, NOISE_HASH_LEN, data, len);
}

static void
noise_mix_key(struct noise_handshake *hs, const uint8_t *ikm, size_t len)
{
	uint8_t temp_k[NOISE_HASH_LEN];

	noise_hkdf(hs->ck, temp_k, NULL, hs->ck, ikm, len);
	memcpy(hs->k, temp_k, NOISE_KEY_LEN);   /* 5.2: truncate to 32 bytes */
	hs->has_k = true;
	hs->n = 0;
	sodium_memzero(temp_k, sizeof(temp_k));
}

static void
noise_mix_key_and_hash(struct noise_handshake *hs, const uint8_t *ikm, size_t len)
{
	uint8_t temp_h[NOISE_HASH_LEN], temp_k[NOISE_HASH_LEN];

	noise_hkdf(hs->ck, temp_h, temp_k, hs->ck, ikm, len);
	noise_mix_hash(hs, temp_h, sizeof(temp_h));
	memcpy(hs->k, temp_k, NOISE_KEY_LEN);
	hs->has_k = true;
	hs->n = 0;
	sodium_memzero(temp_h, sizeof(temp_h));
	sodium_memzero(temp_k, sizeof(temp_k));
}

/* out holds len (+ NOISE_TAG_LEN once a key is set) bytes. */
static size_t
noise_encrypt_and_hash(struct noise_handshake *hs, const uint8_t *in, size_t len, uint8_t *out)
{
	if (!hs->has_k) {
		memmove(out, in, len);
		noise_mix_hash(hs, out, len);
		return len;
	}
	noise_encrypt(hs->k, hs->n++, hs->h, NOISE_HASH_LEN, in, len, out);
	noise_mix_hash(hs, out, len + NOISE_TAG_LEN);
	return len + NOISE_TAG_LEN;
}

/* len is the ciphertext length (with tag once a key is set). h advances only
 * when the message authenticates. */
static int
noise_decrypt_and_hash(struct noise_handshake *hs, const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t h_next[NOISE_HASH_LEN];
	int rc = 0;

	noise_hash2(h_next, hs->h, NOISE_HASH_LEN, in, len);
	if (!hs->has_k)
		memmove(out, in, len);
	else if (len < NOISE_TAG_LEN ||
	    noise_decrypt(hs->k, hs->n, hs->h, NOISE_HASH_LEN, in, len, out) != 0)
		rc = NOISE_ERR_DECRYPT;
	else
		hs->n++;
	if (rc == 0)
		memcpy(hs->h, h_next, NOISE_HASH_LEN);
	sodium_memzero(h_next, sizeof(h_next));
	return rc;
}

/* MixKey(DH(priv, pub)); a low-order pub (all-zero result) fails. */
static int
noise_mix_dh(struct noise_handshake *hs, const uint8_t priv[NOISE_DH_LEN], const uint8_t pub[NOISE_DH_LEN])
{
	uint8_t shared[NOISE_DH_LEN];
	int rc = 0;

	if (crypto_scalarmult(shared, priv, pub) != 0)
		rc = NOISE_ERR_DH;
	else
		noise_mix_key(hs, shared, sizeof(shared));
	sodium_memzero(shared, sizeof(shared));
	return rc;
}

/* The "e" token (and psk mode's extra MixKey(e.pub), 9.2). */
static void
noise_mix_e(struct noise_handshake *hs, const uint8_t e_pub[NOISE_DH_LEN])
{
	noise_mix_hash(hs, e_pub, NOISE_DH_LEN);
	if (hs->psk_mode)
		noise_mix_key(hs, e_pub, NOISE_DH_LEN);
}

static void
noise_new_ephemeral(struct noise_handshake *hs)
{
	if (!hs->e_fixed)
		randombytes_buf(hs->e, sizeof(hs->e));
	crypto_scalarmult_base(hs->e_pub, hs->e);
}

/* ---------------------------------------------------------------- HandshakeState */

void
noise_wipe(struct noise_handshake *hs)
{
	enum noise_role role = hs->role;
	enum noise_state state = hs->state;

	sodium_memzero(hs, sizeof(*hs));
	hs->role = role;
	hs->state = state == NOISE_STATE_DONE ? NOISE_STATE_DONE : NOISE_STATE_FAILED;
}

static int
noise_fail(struct noise_handshake *hs, int err)
{
	hs->state = NOISE_STATE_FAILED;
	noise_wipe(hs);
	return err;
}

int
noise_init(struct noise_handshake *hs, enum noise_role role, bool psk_mode,
    const uint8_t *prologue, size_t prologue_len,
    const uint8_t s[NOISE_DH_LEN], const uint8_t rs[NOISE_DH_LEN])
{
	const char *name = psk_mode ? NOISE_PROTOCOL_IKPSK2 : NOISE_PROTOCOL_IK;

	sodium_memzero(hs, sizeof(*hs));
	hs->role = role;
	hs->psk_mode = psk_mode;
	if (role == NOISE_INITIATOR && rs == NULL)
		return noise_fail(hs, NOISE_ERR_STATE);

	/* 5.2 InitializeSymmetric: the name is shorter than HASHLEN, so h is
	 * the name padded with zeros and ck = h. */
	memcpy(hs->h, name, strlen(name));
	memcpy(hs->ck, hs->h, NOISE_HASH_LEN);
	noise_mix_hash(hs, prologue, prologue_len);

	memcpy(hs->s, s, NOISE_DH_LEN);
	crypto_scalarmult_base(hs->s_pub, hs->s);
	/* pre-message "<- s": both sides hash the responder's static key */
	if (role == NOISE_INITIATOR) {
		memcpy(hs->rs, rs, NOISE_DH_LEN);
		noise_mix_hash(hs, hs->rs, NOISE_DH_LEN);
	} else {
		noise_mix_hash(hs, hs->s_pub, NOISE_DH_LEN);
	}
	hs->state = NOISE_STATE_START;
	return NOISE_OK;
}

void
noise_responder_init(struct noise_responder *r, bool psk_mode, const uint8_t *prologue, size_t prologue_len,
    const uint8_t s[NOISE_DH_LEN])
{
	struct noise_handshake hs;

	/* Initialize, MixHash(prologue), "<- s": the same for every
	 * initiation this responder will ever read */
	(void)noise_init(&hs, NOISE_RESPONDER, psk_mode, prologue, prologue_len, s, NULL);
	memcpy(r->s, hs.s, NOISE_DH_LEN);
	memcpy(r->s_pub, hs.s_pub, NOISE_DH_LEN);
	memcpy(r->h, hs.h, NOISE_HASH_LEN);
	memcpy(r->ck, hs.ck, NOISE_HASH_LEN);
	r->psk_mode = psk_mode;
	noise_wipe(&hs);
}

void
noise_responder_wipe(struct noise_responder *r)
{
	sodium_memzero(r, sizeof(*r));
}

void
noise_init_responder(struct noise_handshake *hs, const struct noise_responder *r)
{
	sodium_memzero(hs, sizeof(*hs));
	hs->role = NOISE_RESPONDER;
	hs->psk_mode = r->psk_mode;
	memcpy(hs->s, r->s, NOISE_DH_LEN);
	memcpy(hs->s_pub, r->s_pub, NOISE_DH_LEN);
	memcpy(hs->h, r->h, NOISE_HASH_LEN);
	memcpy(hs->ck, r->ck, NOISE_HASH_LEN);
	hs->state = NOISE_STATE_START;
}

int
noise_static_static(uint8_t ss[NOISE_DH_LEN], const uint8_t s[NOISE_DH_LEN], const uint8_t rs[NOISE_DH_LEN])
{
	/* a low-order key gives all zeros, and fails as noise_mix_dh would */
	if (crypto_scalarmult(ss, s, rs) != 0) {
		sodium_memzero(ss, NOISE_DH_LEN);
		return NOISE_ERR_DH;
	}
	return NOISE_OK;
}

void
noise_set_ephemeral(struct noise_handshake *hs, const uint8_t e[NOISE_DH_LEN])
{
	memcpy(hs->e, e, NOISE_DH_LEN);
	hs->e_fixed = true;
}

void
noise_set_psk(struct noise_handshake *hs, const uint8_t psk[NOISE_KEY_LEN])
{
	memcpy(hs->psk, psk, NOISE_KEY_LEN);
	hs->psk_set = true;
}

const uint8_t *
noise_remote_static(const struct noise_handshake *hs)
{
	return hs->rs;
}

/* -> e, es, s, ss */
int
noise_write_message1(struct noise_handshake *hs, const uint8_t *payload, size_t plen,
    uint8_t *out, size_t cap, size_t *outlen)
{
	size_t need = NOISE_DH_LEN + NOISE_DH_LEN + NOISE_TAG_LEN + plen + NOISE_TAG_LEN;
	uint8_t *p = out;
	int rc;

	if (hs->role != NOISE_INITIATOR || hs->state != NOISE_STATE_START)
		return noise_fail(hs, NOISE_ERR_STATE);
	if (need > cap || need > NOISE_MAX_MSG)
		return noise_fail(hs, NOISE_ERR_LENGTH);

	noise_new_ephemeral(hs);
	memcpy(p, hs->e_pub, NOISE_DH_LEN);
	noise_mix_e(hs, hs->e_pub);
	p += NOISE_DH_LEN;
	if ((rc = noise_mix_dh(hs, hs->e, hs->rs)) != 0)                /* es */
		return noise_fail(hs, rc);
	p += noise_encrypt_and_hash(hs, hs->s_pub, NOISE_DH_LEN, p);     /* s */
	if ((rc = noise_mix_dh(hs, hs->s, hs->rs)) != 0)                /* ss */
		return noise_fail(hs, rc);
	p += noise_encrypt_and_hash(hs, payload, plen, p);
	*outlen = (size_t)(p - out);
	hs->state = NOISE_STATE_MSG1;
	return NOISE_OK;
}

/* Message 1 as far as the initiator's static key: e, es, s. The responder
 * learns who is asking here, before the second Diffie-Hellman. */
static int
noise_read_message1_static(struct noise_handshake *hs, const uint8_t *msg, size_t len, size_t cap)
{
	const size_t head = NOISE_DH_LEN + NOISE_DH_LEN + NOISE_TAG_LEN;
	int rc;

	if (hs->role != NOISE_RESPONDER || hs->state != NOISE_STATE_START)
		return noise_fail(hs, NOISE_ERR_STATE);
	if (len < head + NOISE_TAG_LEN || len > NOISE_MAX_MSG || len - head - NOISE_TAG_LEN > cap)
		return noise_fail(hs, NOISE_ERR_LENGTH);

	memcpy(hs->re, msg, NOISE_DH_LEN);
	noise_mix_e(hs, hs->re);
	if ((rc = noise_mix_dh(hs, hs->s, hs->re)) != 0)                        /* es */
		return noise_fail(hs, rc);
	if ((rc = noise_decrypt_and_hash(hs, msg + NOISE_DH_LEN,
	    NOISE_DH_LEN + NOISE_TAG_LEN, hs->rs)) != 0)                           /* s */
		return noise_fail(hs, rc);
	hs->state = NOISE_STATE_MSG1_STATIC;
	return NOISE_OK;
}

/* The rest of message 1: ss (precomputed, or computed here when ss is
 * NULL), then the payload. */
static int
noise_read_message1_payload(struct noise_handshake *hs, const uint8_t ss[NOISE_DH_LEN],
    const uint8_t *msg, size_t len, uint8_t *payload, size_t *plen)
{
	const size_t head = NOISE_DH_LEN + NOISE_DH_LEN + NOISE_TAG_LEN;
	int rc;

	if (hs->role != NOISE_RESPONDER || hs->state != NOISE_STATE_MSG1_STATIC)
		return noise_fail(hs, NOISE_ERR_STATE);
	if (ss != NULL)
		noise_mix_key(hs, ss, NOISE_DH_LEN);                            /* ss */
	else if ((rc = noise_mix_dh(hs, hs->s, hs->rs)) != 0)
		return noise_fail(hs, rc);
	if ((rc = noise_decrypt_and_hash(hs, msg + head, len - head, payload)) != 0)
		return noise_fail(hs, rc);
	*plen = len - head - NOISE_TAG_LEN;
	hs->state = NOISE_STATE_MSG1;
	return NOISE_OK;
}

int
noise_read_message1(struct noise_handshake *hs, const uint8_t *msg, size_t len,
    uint8_t *payload, size_t cap, size_t *plen)
{
	int rc;

	if ((rc = noise_read_message1_static(hs, msg, len, cap)) != NOISE_OK)
		return rc;
	return noise_read_message1_payload(hs, NULL, msg, len, payload, plen);
}

/* <- e, ee, se (, psk) */
int
noise_write_message2(struct noise_handshake *hs, const uint8_t *payload, size_t plen,
    uint8_t *out, size_t cap, size_t *outlen)
{
	size_t need = NOISE_DH_LEN + plen + NOISE_TAG_LEN;
	uint8_t *p = out;
	int rc;

	if (hs->role != NOISE_RESPONDER || hs->state != NOISE_STATE_MSG1)
		return noise_fail(hs, NOISE_ERR_STATE);
	if (hs->psk_mode && !hs->psk_set)
		return noise_fail(hs, NOISE_ERR_PSK);
	if (need > cap || need > NOISE_MAX_MSG)
		return noise_fail(hs, NOISE_ERR_LENGTH);

	noise_new_ephemeral(hs);
	memcpy(p, hs->e_pub, NOISE_DH_LEN);
	noise_mix_e(hs, hs->e_pub);
	p += NOISE_DH_LEN;
	if ((rc = noise_mix_dh(hs, hs->e, hs->re)) != 0)        /* ee */
		return noise_fail(hs, rc);
	if ((rc = noise_mix_dh(hs, hs->e, hs->rs)) != 0)        /* se */
		return noise_fail(hs, rc);
	if (hs->psk_mode)
		noise_mix_key_and_hash(hs, hs->psk, NOISE_KEY_LEN);   /* psk */
	p += noise_encrypt_and_hash(hs, payload, plen, p);
	*outlen = (size_t)(p - out);
	hs->state = NOISE_STATE_DONE;
	return NOISE_OK;
}

int
noise_read_message2(struct noise_handshake *hs, const uint8_t *msg, size_t len,
    uint8_t *payload, size_t cap, size_t *plen)
{
	int rc;

	if (hs->role != NOISE_INITIATOR || hs->state != NOISE_STATE_MSG1)
		return noise_fail(hs, NOISE_ERR_STATE);
	if (hs->psk_mode && !hs->psk_set)
		return noise_fail(hs, NOISE_ERR_PSK);
	if (len < NOISE_DH_LEN + NOISE_TAG_LEN || len > NOISE_MAX_MSG ||
	    len - NOISE_DH_LEN - NOISE_TAG_LEN > cap)
		return noise_fail(hs, NOISE_ERR_LENGTH);

	memcpy(hs->re, msg, NOISE_DH_LEN);
	noise_mix_e(hs, hs->re);
	if ((rc = noise_mix_dh(hs, hs->e, hs->re)) != 0)        /* ee */
		return noise_fail(hs, rc);
	if ((rc = noise_mix_dh(hs, hs->s, hs->re)) != 0)        /* se */
		return noise_fail(hs, rc);
	if (hs->psk_mode)
		noise_mix_key_and_hash(hs, hs->psk, NOISE_KEY_LEN);   /* psk */
	if ((rc = noise_decrypt_and_hash(hs, msg + NOISE_DH_LEN, len - NOISE_DH_LEN, payload)) != 0)
		return noise_fail(hs, rc);
	*plen = len - NOISE_DH_LEN - NOISE_TAG_LEN;
	hs->state = NOISE_STATE_DONE;
	return NOISE_OK;
}

int
noise_split(struct noise_handshake *hs, uint8_t send_key[NOISE_KEY_LEN],
    uint8_t recv_key[NOISE_KEY_LEN], uint8_t hash[NOISE_HASH_LEN])
{
	uint8_t c1[NOISE_HASH_LEN], c2[NOISE_HASH_LEN];

	if (hs->state != NOISE_STATE_DONE)
		return noise_fail(hs, NOISE_ERR_STATE);
	noise_hkdf(c1, c2, NULL, hs->ck, NULL, 0);
	if (hs->role == NOISE_INITIATOR) {
		memcpy(send_key, c1, NOISE_KEY_LEN);
		memcpy(recv_key, c2, NOISE_KEY_LEN);
	} else {
		memcpy(send_key, c2, NOISE_KEY_LEN);
		memcpy(recv_key, c1, NOISE_KEY_LEN);
	}
	if (hash != NULL)
		memcpy(hash, hs->h, NOISE_HASH_LEN);
	sodium_memzero(c1, sizeof(c1));
	sodium_memzero(c2, sizeof(c2));
	noise_wipe(hs);
	return NOISE_OK;
}

/* ---------------------------------------------------------------- wire layer */

/* ephemeral, static_enc and payload_enc are contiguous in the structs, so the
 * Noise message is written into and read from them in place. */
_Static_assert(offsetof(struct wire_initiation, payload_enc) + WIRE_INIT_PAYLOAD_LEN + WIRE_TAG_LEN ==
    offsetof(struct wire_initiation, mac1), "initiation body is contiguous");
_Static_assert(offsetof(struct wire_initiation, static_enc) == offsetof(struct wire_initiation, ephemeral) + WIRE_KEY_LEN,
    "initiation body is contiguous");
_Static_assert(offsetof(struct wire_response, payload_enc) == offsetof(struct wire_response, ephemeral) + WIRE_KEY_LEN,
    "response body is contiguous");

#define NOISE_INIT_BODY (WIRE_KEY_LEN + WIRE_KEY_LEN + WIRE_TAG_LEN + WIRE_INIT_PAYLOAD_LEN + WIRE_TAG_LEN)
#define NOISE_RESP_BODY (WIRE_KEY_LEN + WIRE_RESP_PAYLOAD_LEN + WIRE_TAG_LEN)

int
noise_create_initiation(struct noise_handshake *hs, uint32_t sender,
    const uint8_t payload[WIRE_INIT_PAYLOAD_LEN], struct wire_initiation *msg)
{
	size_t n;
	int rc;

	memset(msg, 0, sizeof(*msg));
	wire_set_type(msg->type_reserved, WIRE_INITIATION);
	util_put_le32(msg->sender, sender);
	rc = noise_write_message1(hs, payload, WIRE_INIT_PAYLOAD_LEN,
	    (uint8_t *)msg + offsetof(struct wire_initiation, ephemeral), NOISE_INIT_BODY, &n);
	return rc;
}

int
noise_consume_initiation(struct noise_handshake *hs, const struct wire_initiation *msg,
    uint8_t payload[WIRE_INIT_PAYLOAD_LEN])
{
	size_t n;

	return noise_read_message1(hs, (const uint8_t *)msg + offsetof(struct wire_initiation, ephemeral), NOISE_INIT_BODY, payload, WIRE_INIT_PAYLOAD_LEN, &n);
}

int
noise_consume_initiation_static(struct noise_handshake *hs, const struct wire_initiation *msg)
{
	return noise_read_message1_static(hs, (const uint8_t *)msg + offsetof(struct wire_initiation, ephemeral),
	    NOISE_INIT_BODY, WIRE_INIT_PAYLOAD_LEN);
}

int
noise_consume_initiation_payload(struct noise_handshake *hs, const uint8_t ss[NOISE_DH_LEN],
    const struct wire_initiation *msg, uint8_t payload[WIRE_INIT_PAYLOAD_LEN])
{
	size_t n;

	return noise_read_message1_payload(hs, ss, (const uint8_t *)msg + offsetof(struct wire_initiation, ephemeral),
	    NOISE_INIT_BODY, payload, &n);
}

int
noise_create_response(struct noise_handshake *hs, uint32_t sender, uint32_t receiver,
    const uint8_t payload[WIRE_RESP_PAYLOAD_LEN], struct wire_response *msg)
{
	size_t n;

	memset(msg, 0, sizeof(*msg));
	wire_set_type(msg->type_reserved, WIRE_RESPONSE);
	util_put_le32(msg->sender, sender);
	util_put_le32(msg->receiver, receiver);
	return noise_write_message2(hs, payload, WIRE_RESP_PAYLOAD_LEN,
	    (uint8_t *)msg + offsetof(struct wire_response, ephemeral), NOISE_RESP_BODY, &n);
}

int
noise_consume_response(struct noise_handshake *hs, const struct wire_response *msg,
    uint8_t payload[WIRE_RESP_PAYLOAD_LEN])
{
	size_t n;

	return noise_read_message2(hs, (const uint8_t *)msg + offsetof(struct wire_response, ephemeral), NOISE_RESP_BODY, payload, WIRE_RESP_PAYLOAD_LEN, &n);
}

const char *
noise_strerror(int err)
{
	switch (err) {
	case NOISE_OK:          return "ok";
	case NOISE_ERR_STATE:   return "handshake message out of order";
	case NOISE_ERR_LENGTH:  return "bad handshake message length";
	case NOISE_ERR_DECRYPT: return "handshake message failed authentication";
	case NOISE_ERR_DH:      return "low-order public key";
	case NOISE_ERR_PSK:     return "no pre-shared key set";
	}
	return "unknown handshake error";
}
