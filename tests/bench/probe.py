#!/usr/bin/env python3
"""Latency probe for the REGISTER benchmark: sends REGISTERs at a low fixed rate while SIPp loads the target and
times each one with the monotonic nanosecond clock. SIPp's own response times step in milliseconds on these machines,
too coarse for a server answering in ~100 us, hence this probe (Python standard library only).

One request outstanding at a time; a request unanswered within --timeout counts as lost. Transports: udp, tcp (one
persistent connection), tcp-new (a new connection per REGISTER, connect time included, as transaction TCP).
Prints one line: samples;lost;p50_us;p90_us;p99_us;max_us
With --accepted-only (the overload benchmark): latencies of 200 responses only, any other final status counted as
rejected and not as lost, and a seventh field: rejected.
"""
import argparse
import os
import socket
import time


# Unique per probe run: SIPp as the server keeps finished calls for a while and would take a reused Call-ID as a
# retransmission of an old call.
RUN = "%x%x" % (os.getpid(), int(time.time() * 1000))


def register(user, transport, local, seq, host, port):
    via = "UDP" if transport == "udp" else "TCP"
    return (f"REGISTER sip:bench.invalid SIP/2.0\r\n"
            f"Via: SIP/2.0/{via} {local[0]}:{local[1]};branch=z9hG4bK-{RUN}-{seq};rport\r\n"
            f"Max-Forwards: 70\r\n"
            f"From: <sip:{user}@bench.invalid>;tag=p{seq}\r\n"
            f"To: <sip:{user}@bench.invalid>\r\n"
            f"Call-ID: probe-{RUN}-{seq}@{local[0]}\r\n"
            f"CSeq: {seq} REGISTER\r\n"
            f"Contact: <sip:{user}@{local[0]};transport={via.lower()}>\r\n"
            f"Expires: 3600\r\n"
            f"Content-Length: 0\r\n\r\n")


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
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--transport", choices=("udp", "tcp", "tcp-new"), default="udp")
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=0.5)
    parser.add_argument("--source", default="127.0.0.1")
    parser.add_argument("--accepted-only", action="store_true")
    args = parser.parse_args()

    latencies = []
    lost = 0
    rejected = 0
    stream = None
    buffered = b""
    udp = None
    if args.transport == "udp":
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind((args.source, 0))
        udp.connect((args.host, args.port))
    interval = 1.0 / args.rate
    start = time.monotonic()
    end = start + args.duration
    seq = 0
    next_send = start
    while time.monotonic() < end:
        seq += 1
        user = "probe%03d" % (seq % 100)
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
            else:
                sent = time.perf_counter_ns()
                if stream is None:
                    stream = socket.create_connection((args.host, args.port), timeout=args.timeout,
                                                      source_address=(args.source, 0))
                    stream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    buffered = b""
                if args.transport == "tcp":
                    sent = time.perf_counter_ns()  # the persistent connection's setup is not part of a REGISTER
                stream.sendall(register(user, "tcp", stream.getsockname(), seq, args.host, args.port).encode())
                status, buffered = read_response(stream, buffered, time.monotonic() + args.timeout)
                elapsed = time.perf_counter_ns() - sent
                if args.accepted_only and status != 200:
                    rejected += 1
                else:
                    latencies.append(elapsed)
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
    latencies.sort()
    us = [value / 1000.0 for value in latencies]
    line = "%d;%d;%.0f;%.0f;%.0f;%.0f" % (len(us), lost, percentile(us, 0.50), percentile(us, 0.90),
                                          percentile(us, 0.99), us[-1] if us else float("nan"))
    print(line + (";%d" % rejected if args.accepted_only else ""))


if __name__ == "__main__":
    main()
