#!/usr/bin/python3
# SPDX-License-Identifier: ISC
"""http-serve.py ADDRESS PORT DIRECTORY: a file server for the namespace
tests and the demo, as `python3 -m http.server --bind ADDRESS`, without its
reverse lookup of ADDRESS (HTTPServer.server_bind calls socket.getfqdn): a
test namespace shares the host's /etc/resolv.conf but not its routes, so
that lookup waits for a name server it cannot reach, for as long as the
resolver's timeouts add up. One log line per request on stderr, as
http.server writes them ("CLIENT - - [DATE] "GET /PATH ..." CODE -")."""
import functools
import http.server
import socket
import socketserver
import sys

bind, port, directory = sys.argv[1], int(sys.argv[2]), sys.argv[3]


class Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6 if ":" in bind else socket.AF_INET

    def server_bind(self):
        if self.address_family == socket.AF_INET6:
            # "::" takes IPv4 too, as http.server's DualStackServer does
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = bind, port


handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=directory)
with Server((bind, port), handler) as server:
    server.serve_forever()
