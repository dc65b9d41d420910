/* SPDX-License-Identifier: ISC */
/* xlat: the translator as the engine runs it. It reads packets from the
 * TUN the parent made (xlatdev.h), translates them (siit.h) and writes them
 * back for the kernel to route; it owns the address map (eam.h) and the
 * forwards (forwards.h: the configuration's and the run-time ones, kept in
 * state-dir), checks every forward against its site, and asks the parent
 * for the nftables rules that DNAT them. Runs in the engine. */
#ifndef V6EXT_XLAT_H
#define V6EXT_XLAT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/buffer.h>

#include "conf.h"
#include "eam.h"
#include "forwards.h"
#include "siit.h"

struct engine;

#define XLAT_BATCH 64                   /* packets per read event */

struct xlat {
	int fd;
	bool offload;                   /* a virtio_net_hdr before each packet: TSO, partial checksums */
	struct event *ev;
	struct eam map;
	struct siit siit;
	struct siit_out out;
	uint8_t *in;                    /* one packet read, 64 KB */
	struct forwards fw;
	struct prefix nat64;            /* for the RAs */
	uint64_t write_fail;
};

/* The translator on fd (the parent's TUN, with offloads or not; public4
 * its public address): the map holds the ipv4-maps; no forward yet. NULL
 * with why in err. */
struct xlat *xlat_open(struct engine *e, int fd, bool offload, const struct in_addr *public4, char *err,
    size_t errlen);
void xlat_close(struct xlat *x);
/* The forwards after the sites are open: the configuration's, then the
 * run-time ones of the state file (loaded into x->fw by xlat_load_state),
 * each checked against its site, and the parent's rules for them. A
 * configured forward that fails its check stops the start; a run-time one
 * is dropped and logged. */
int xlat_start(struct engine *e, char *err, size_t errlen);
/* The state file's parser and builder, for state_load/state_register. */
int xlat_parse_state(const uint8_t *buf, size_t len, void *x, char *err, size_t errlen);
int xlat_build_state(const void *x, char **out, size_t *len);

/* v6ext forward add SITE PROTO PORT [IPV6]:PORT: checked, mapped, the
 * rules applied and the state file written before it answers. */
int xlat_forward_add(struct engine *e, const char *site, const char *text, struct evbuffer *out,
    char *err, size_t errlen);
/* v6ext forward remove SITE PROTO PORT (run-time forwards only). */
int xlat_forward_remove(struct engine *e, const char *site, const char *proto, const char *port,
    struct evbuffer *out, char *err, size_t errlen);
/* A reload: the configuration's forwards become nc's (the run-time ones
 * stay, unless nc forwards their port: then nc's wins, logged). -1 with
 * why in err, nothing changed. */
int xlat_reload(struct engine *e, const struct conf_server *nc, char *err, size_t errlen);
/* A site is gone for good: its run-time forwards go with it. */
void xlat_site_removed(struct engine *e, const char *site);

/* Once a second: idle dynamic mappings forgotten. */
void xlat_tick(struct xlat *x, uint64_t now);
/* show: the translator's figures and drops by reason (with the server's),
 * its drop_nat64_* last, so the server's block keeps its drops together;
 * and after the peers a block per forward (forward=PROTO PORT [IPV6]:PORT)
 * and per mapping (mapping=IPV4). */
void xlat_show(const struct xlat *x, struct evbuffer *out);
void xlat_show_entries(const struct xlat *x, struct evbuffer *out);

#endif
