#!/usr/bin/env python3
"""Registers the callee of the calls benchmark (calls.sh) at the proxy under test: one REGISTER for callee@DOMAIN
whose Contact is where SIPp will answer as the callee (127.0.0.1:CONTACT_PORT), then waits for the 200.

Over UDP the REGISTER is sent from the callee's own port (bound here before SIPp takes it), since a registrar may
route to the source address of the REGISTER (ours does, as Kamailio's "received"); over TCP from a connection closed
afterwards, so the proxy connects to the Contact. Exit status 0 on a 200, 1 otherwise (the status line is printed).
Python standard library only; loopback only.
"""
import argparse
import os
import socket
import sys
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--proxy", required=True, help="HOST:PORT of the proxy/registrar")
    parser.add_argument("--transport", choices=["udp", "tcp"], default="udp")
    parser.add_argument("--contact-port", type=int, required=True)
    parser.add_argument("--user", default="callee")
    parser.add_argument("--domain", default="bench.invalid")
    parser.add_argument("--timeout", type=float, default=3.0)
    args = parser.parse_args()
    host, port = args.proxy.rsplit(":", 1)
    if not host.startswith("127."):
        sys.exit("refusing a target off loopback: " + host)
    target = (host, int(port))

    if args.transport == "udp":
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", args.contact_port))
    else:
        sock = socket.create_connection(target, timeout=args.timeout)
    sock.settimeout(args.timeout)
    local = sock.getsockname()
    tag = "%x" % (os.getpid() ^ int(time.time() * 1000))
    request = (f"REGISTER sip:{args.domain} SIP/2.0\r\n"
               f"Via: SIP/2.0/{args.transport.upper()} {local[0]}:{local[1]};branch=z9hG4bK-callee-{tag};rport\r\n"
               f"Max-Forwards: 70\r\n"
               f"From: <sip:{args.user}@{args.domain}>;tag={tag}\r\n"
               f"To: <sip:{args.user}@{args.domain}>\r\n"
               f"Call-ID: callee-{tag}@127.0.0.1\r\n"
               f"CSeq: 1 REGISTER\r\n"
               f"Contact: <sip:{args.user}@127.0.0.1:{args.contact_port};transport={args.transport}>\r\n"
               f"Expires: 3600\r\n"
               f"Content-Length: 0\r\n\r\n").encode("ascii")
    try:
        if args.transport == "udp":
            sock.sendto(request, target)
        else:
            sock.sendall(request)
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            message = sock.recv(65535).decode("ascii", "replace")
            status_line = message.split("\r\n", 1)[0]
            # Skip provisional answers, and over UDP what the proxy still sends to the callee's port (a late BYE).
            if not status_line.startswith("SIP/2.0 ") or status_line.startswith("SIP/2.0 1") \
                    or f"callee-{tag}@" not in message:
                continue
            print(status_line)
            return 0 if status_line.startswith("SIP/2.0 200") else 1
    except OSError as e:
        print(f"no answer from {args.proxy}: {e}")
        return 1
    finally:
        sock.close()
    print(f"no final answer from {args.proxy} within {args.timeout} s")
    return 1


if __name__ == "__main__":
    sys.exit(main())
