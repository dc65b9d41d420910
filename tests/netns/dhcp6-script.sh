#!/bin/sh
# SPDX-License-Identifier: ISC
# What a DHCPv6 client runs on each event, reduced to what the tests check:
# add or remove the address it got, and append the event, the address and
# the DNS servers and search list it received to $DHCP6_LOG. dhclient
# passes new_ip6_address / new_dhcp6_name_servers, dhcpcd
# new_dhcp6_ia_na1_ia_addr1 / new_dhcp6_name_servers, and a delegated prefix.
addr=${new_ip6_address:-${new_dhcp6_ia_na1_ia_addr1:-}}
old=${old_ip6_address:-}
case "$reason" in
BOUND6|RENEW6|REBIND6|REBOOT6)
	[ -n "$old" ] && [ "$old" != "$addr" ] && ip -6 addr del "$old/128" dev "$interface" 2>/dev/null
	# dhcpcd adds the address itself; dhclient leaves it to this script
	[ -n "${new_ip6_address:-}" ] && ip -6 addr replace "$addr/128" dev "$interface" nodad
	;;
EXPIRE6|RELEASE6|STOP6)
	[ -n "$old" ] && ip -6 addr del "$old/128" dev "$interface" 2>/dev/null
	;;
esac
# a delegated prefix (dhcpcd: new_dhcp6_ia_pd1_prefix1 and its _length)
pd=${new_dhcp6_ia_pd1_prefix1:+$new_dhcp6_ia_pd1_prefix1/${new_dhcp6_ia_pd1_prefix1_length:-}}
echo "$reason addr=$addr dns=${new_dhcp6_name_servers:-} search=${new_dhcp6_domain_search:-} pd=$pd" >> "$DHCP6_LOG"
exit 0
