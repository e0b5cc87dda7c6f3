#!/usr/bin/env python3
"""Latency probe for the REGISTER benchmark: sends REGISTERs at a low fixed rate while SIPp loads the target and
times each one with the monotonic nanosecond clock. SIPp's own response times step in milliseconds on these machines,
too coarse for a server answering in ~100 us, hence this probe (Python standard library only).

One request outstanding at a time; a request unanswered within --timeout counts as lost. Transports: udp, tcp (one
persistent connection), tcp-new (a new connection per REGISTER, connect time included, as transaction TCP), tls (one
persistent TLS connection, the handshake not included; the server's certificate is not checked: the benchmark's keys
are self-signed).
With --password (TCP only) the probe registers with digest authentication as a UA does (RFC 3261 §22, MD5, qop=auth):
REGISTER, 401, REGISTER with Authorization, 200; one sample is that whole registration (two round trips), as users
of the registrar on WildFly (registrar-bench.sh) see it, and anything but the 401 and the 200 counts as lost.
Prints one line: samples;lost;p50_us;p90_us;p99_us;max_us
With --accepted-only (the overload benchmark): latencies of 200 responses only, any other final status counted as
rejected and not as lost, and a seventh field: rejected.
SIGTERM ends the run early and the line is still printed: the benchmarks run the probe beside their warm-up for as
long as it lasts (its users' bindings made before anything is measured) and stop it when the warm-up ends.
"""
import argparse
import hashlib
import os
import re
import signal
import socket
import ssl
import time


# Unique per probe run: SIPp as the server keeps finished calls for a while and would take a reused Call-ID as a
# retransmission of an old call.
RUN = "%x%x" % (os.getpid(), int(time.time() * 1000))


def register(user, transport, local, seq, host, port, domain=None, cseq=None, branch=None, authorization=None):
    via = {"udp": "UDP", "tls": "TLS"}.get(transport, "TCP")
    request_uri = f"sip:{domain}" if domain else "sip:bench.invalid"
    return (f"REGISTER {request_uri} SIP/2.0\r\n"
            f"Via: SIP/2.0/{via} {local[0]}:{local[1]};branch=z9hG4bK-{RUN}-{branch or seq};rport\r\n"
            f"Max-Forwards: 70\r\n"
            f"From: <sip:{user}@{domain or 'bench.invalid'}>;tag=p{seq}\r\n"
            f"To: <sip:{user}@{domain or 'bench.invalid'}>\r\n"
            f"Call-ID: probe-{RUN}-{seq}@{local[0]}\r\n"
            f"CSeq: {cseq or seq} REGISTER\r\n"
            f"Contact: <sip:{user}@{local[0]};transport={via.lower()}>\r\n"
            + (f"Authorization: {authorization}\r\n" if authorization else "") +
            f"Expires: 3600\r\n"
            f"Content-Length: 0\r\n\r\n")


def digest_authorization(head, user, password, domain, seq):
    """The Authorization answering the first MD5 challenge of a 401 head (RFC 2617/7616 client side, qop=auth)."""
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() != "www-authenticate" or not re.search(r"algorithm=\"?MD5\b", value, re.I):
            continue
        params = dict((k.lower(), v1 or v2) for k, v1, v2 in re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]+))', value))
        realm, nonce = params["realm"], params["nonce"]
        uri = f"sip:{domain}"
        cnonce = "%08x" % seq
        md5 = lambda text: hashlib.md5(text.encode()).hexdigest()
        response = md5(f"{md5(f'{user}:{realm}:{password}')}:{nonce}:00000001:{cnonce}:auth:{md5(f'REGISTER:{uri}')}")
        return (f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", response="{response}", '
                f'algorithm=MD5, cnonce="{cnonce}", qop=auth, nc=00000001')
    raise ValueError("no MD5 challenge in the 401")


def read_response(sock, buffered, deadline):
    """Reads one SIP response from a stream (header end plus Content-Length body); returns (status, rest)."""
    while True:
        end = buffered.find(b"\r\n\r\n")
        if end >= 0:
            head = buffered[:end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() in ("content-length", "l"):
                    length = int(value.strip())
            total = end + 4 + length
            if len(buffered) >= total:
                read_response.head = head
                return int(head.split(" ", 2)[1]), buffered[total:]
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout()
        sock.settimeout(remaining)
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed by peer")
        buffered += chunk


def percentile(sorted_values, fraction):
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def main():
    # SIGTERM (also from `timeout`) ends the loop within one timeout; the summary line below is still printed.
    stopping = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--transport", choices=("udp", "tcp", "tcp-new", "tls"), default="udp")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=0.5)
    parser.add_argument("--source", default="127.0.0.1")
    parser.add_argument("--domain", help="the registrar's domain: Request-URI sip:DOMAIN, AORs user@DOMAIN")
    parser.add_argument("--user-prefix", default="probe", help="users PREFIX000 to PREFIX099")
    parser.add_argument("--password", help="register with digest authentication (tcp only), every user this password")
    parser.add_argument("--accepted-only", action="store_true")
    parser.add_argument("--samples", help="also write every sample to this file: wall-clock send time (epoch ns) and"
                        " latency (ns), one per line, to line slow samples up with a JFR recording of the server")
    args = parser.parse_args()
    if args.password and args.transport != "tcp":
        parser.error("--password needs --transport tcp")

    latencies = []
    sent_at = []  # wall-clock send times, parallel to latencies, for --samples
    lost = 0
    rejected = 0
    stream = None
    buffered = b""
    udp = None
    if args.transport == "udp":
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind((args.source, 0))
        udp.connect((args.host, args.port))
    tls = None
    if args.transport == "tls":
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
    interval = 1.0 / args.rate
    start = time.monotonic()
    end = start + args.duration
    seq = 0
    next_send = start
    while time.monotonic() < end and not stopping:
        seq += 1
        user = "%s%03d" % (args.user_prefix, seq % 100)
        try:
            if args.transport == "udp":
                message = register(user, "udp", udp.getsockname(), seq, args.host, args.port).encode()
                sent = time.perf_counter_ns()
                udp.send(message)
                deadline = time.monotonic() + args.timeout
                while True:
                    udp.settimeout(max(0.0, deadline - time.monotonic()))
                    data = udp.recv(65536)
                    if f"branch=z9hG4bK-{RUN}-{seq};".encode() in data:
                        break
                elapsed = time.perf_counter_ns() - sent
                if args.accepted_only and int(data.split(b" ", 2)[1]) != 200:
                    rejected += 1
                else:
                    latencies.append(elapsed)
                    sent_at.append(time.time_ns() - elapsed)
            else:
                sent = time.perf_counter_ns()
                if stream is None:
                    stream = socket.create_connection((args.host, args.port), timeout=args.timeout,
                                                      source_address=(args.source, 0))
                    stream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    if tls is not None:
                        stream = tls.wrap_socket(stream)
                    buffered = b""
                if args.transport in ("tcp", "tls"):
                    sent = time.perf_counter_ns()  # the persistent connection's setup is not part of a REGISTER
                local = stream.getsockname()
                if args.password:
                    stream.sendall(register(user, "tls" if tls else "tcp", local, seq, args.host, args.port, args.domain,
                                            cseq=2 * seq, branch=f"{seq}a").encode())
                    status, buffered = read_response(stream, buffered, time.monotonic() + args.timeout)
                    if status != 401:
                        raise ValueError(f"expected 401, got {status}")
                    authorization = digest_authorization(read_response.head, user, args.password, args.domain, seq)
                    stream.sendall(register(user, "tls" if tls else "tcp", local, seq, args.host, args.port, args.domain,
                                            cseq=2 * seq + 1, branch=f"{seq}b", authorization=authorization).encode())
                else:
                    stream.sendall(register(user, "tls" if tls else "tcp", local, seq, args.host, args.port, args.domain).encode())
                status, buffered = read_response(stream, buffered, time.monotonic() + args.timeout)
                elapsed = time.perf_counter_ns() - sent
                if args.accepted_only and status != 200:
                    rejected += 1
                elif args.password and status != 200:
                    lost += 1  # a registration that did not end in 200 has no latency to report
                else:
                    latencies.append(elapsed)
                    sent_at.append(time.time_ns() - elapsed)
                    if status != 200:
                        lost += 1
                if args.transport == "tcp-new":
                    stream.close()
                    stream = None
        except (socket.timeout, OSError, ConnectionError, ValueError, IndexError):
            lost += 1
            if stream is not None:
                stream.close()
                stream = None
        next_send += interval
        pause = next_send - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        else:
            next_send = time.monotonic()
    if args.samples:
        with open(args.samples, "w") as out:
            out.writelines(f"{at} {latency}\n" for at, latency in zip(sent_at, latencies))
    latencies.sort()
    us = [value / 1000.0 for value in latencies]
    line = "%d;%d;%.0f;%.0f;%.0f;%.0f" % (len(us), lost, percentile(us, 0.50), percentile(us, 0.90),
                                          percentile(us, 0.99), us[-1] if us else float("nan"))
    print(line + (";%d" % rejected if args.accepted_only else ""))


if __name__ == "__main__":
    main()
