/* SPDX-License-Identifier: ISC */
/* ctl_proto: the control socket's text protocol, shared by the daemons and
 * v6ext. A request is one line; the reply is "key=value" lines, ending with
 * "errno=N" (0 on success) and the connection closes. In a reply, a line
 * "peer=NAME" starts that peer's block. */
#ifndef V6EXT_CTL_PROTO_H
#define V6EXT_CTL_PROTO_H

#define CTL_REQUEST_MAX   256           /* one request line, with newline */
#define CTL_REQUEST_LINE  (CTL_REQUEST_MAX - 1)
#define CTL_REPLY_MAX     (32 * 1024 * 1024)    /* show: about 1 kB per peer, 16384 sites */
#define CTL_LINE_MAX      1024
#define CTL_TIMEOUT_SEC   5

#endif
