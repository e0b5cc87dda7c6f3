#!/usr/bin/env python3
"""The in-dialog side stream of the overload benchmark: requests an overload valve must never shed, sent at a low fixed
rate while the main load runs, and whether each got a final answer other than 503.

Alternately a BYE and an OPTIONS carrying a To tag, both for a dialog the server does not know (RFC 3261 §12.2.2: it
answers 481 Call/Transaction Does Not Exist, which is service: the request reached the server's dialog layer and was
not shed). Over UDP a request is retransmitted as a UAC does (Timer E: T1 = 500 ms, doubling); over TCP it is sent once
on one persistent connection. Python standard library only; every loop bounded by --duration plus --timeout.

With each request goes a stray response (a 200 to an INVITE the server never sent): nothing answers it, and it is
counted by the server's valve (overload-admitted-responses), which the benchmark compares with the number sent.

Prints one line: sent;served;rejected_503;timeouts;other;p50_us;p99_us;responses_sent
(served: any final answer but 503; other: served with a status other than 481, 405 or 2xx; p50/p99 over served
requests, from the first send).
"""
import argparse
import os
import select
import socket
import time

RUN = "%x%x" % (os.getpid(), int(time.time() * 1000))
T1 = 0.5


def request(method, seq, transport, local, domain):
    via = "UDP" if transport == "udp" else "TCP"
    return (f"{method} sip:callee@{domain} SIP/2.0\r\n"
            f"Via: SIP/2.0/{via} {local[0]}:{local[1]};branch=z9hG4bK-dlg{RUN}-{seq};rport\r\n"
            f"Max-Forwards: 70\r\n"
            f"From: <sip:caller@{domain}>;tag=a{seq}\r\n"
            f"To: <sip:callee@{domain}>;tag=b{seq}\r\n"
            f"Call-ID: dlg-{RUN}-{seq}@{local[0]}\r\n"
            f"CSeq: 2 {method}\r\n"
            f"Content-Length: 0\r\n\r\n").encode()


def stray_response(seq, transport, local, domain):
    """A 200 to an INVITE the server never sent (RFC 3261 §18.1.2: a response whose top Via is not the server's own is
    discarded); the valve counts it among the responses it admitted, which is how the benchmark sees it arrive."""
    via = "UDP" if transport == "udp" else "TCP"
    return (f"SIP/2.0 200 OK\r\n"
            f"Via: SIP/2.0/{via} {local[0]}:{local[1]};branch=z9hG4bK-rsp{RUN}-{seq}\r\n"
            f"From: <sip:callee@{domain}>;tag=c{seq}\r\n"
            f"To: <sip:caller@{domain}>;tag=d{seq}\r\n"
            f"Call-ID: rsp-{RUN}-{seq}@{local[0]}\r\n"
            f"CSeq: 1 INVITE\r\n"
            f"Content-Length: 0\r\n\r\n").encode()


def responses(buffer):
    """Cuts whole messages off a stream buffer (Content-Length framing); returns (messages, rest)."""
    out = []
    while True:
        buffer = buffer.lstrip(b"\r\n")
        end = buffer.find(b"\r\n\r\n")
        if end < 0:
            return out, buffer
        head = buffer[:end].decode("latin-1")
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() in ("content-length", "l"):
                length = int(value.strip() or 0)
        if len(buffer) < end + 4 + length:
            return out, buffer
        out.append(head)
        buffer = buffer[end + 4 + length:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--transport", choices=["udp", "tcp"], default="udp")
    parser.add_argument("--source", default="127.0.0.4")
    parser.add_argument("--rate", type=float, default=50)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--timeout", type=float, default=4.0, help="no final answer this long after the first send: timed out")
    parser.add_argument("--domain", default="bench.invalid")
    args = parser.parse_args()
    if not args.host.startswith("127.") or not args.source.startswith("127."):
        parser.error("loopback addresses only")

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if args.transport == "udp" else socket.SOCK_STREAM)
    sock.bind((args.source, 0))
    if args.transport == "tcp":
        sock.settimeout(args.timeout)
        sock.connect((args.host, args.port))
    sock.setblocking(False)
    local = sock.getsockname()
    target = (args.host, args.port)

    pending = {}  # branch -> [first_send, next_retransmission, interval, bytes]
    served, latencies = 0, []
    rejected = timeouts = other = sent = responses_sent = 0
    stream = b""
    start = time.monotonic()
    stop_sending = start + args.duration
    deadline = stop_sending + args.timeout + 0.5
    spacing = 1.0 / args.rate
    while True:
        now = time.monotonic()
        if now >= deadline or (now >= stop_sending and not pending):
            break
        while now < stop_sending and sent < (now - start) / spacing:
            method = "BYE" if sent % 2 == 0 else "OPTIONS"
            data = request(method, sent, args.transport, local, args.domain)
            branch = f"z9hG4bK-dlg{RUN}-{sent}"
            pending[branch] = [now, now + T1, T1, data]
            try:
                sock.sendto(data, target) if args.transport == "udp" else sock.send(data)
            except (BlockingIOError, OSError):
                pass  # counted as a timeout if never answered
            sent += 1
            try:
                data = stray_response(sent, args.transport, local, args.domain)
                sock.sendto(data, target) if args.transport == "udp" else sock.send(data)
                responses_sent += 1
            except (BlockingIOError, OSError):
                pass
        for branch, entry in list(pending.items()):
            if now - entry[0] >= args.timeout:
                timeouts += 1
                del pending[branch]
            elif args.transport == "udp" and now >= entry[1]:
                entry[2] *= 2
                entry[1] = now + entry[2]
                try:
                    sock.sendto(entry[3], target)
                except OSError:
                    pass
        readable, _, _ = select.select([sock], [], [], 0.005)
        if not readable:
            continue
        try:
            data = sock.recv(65536)
        except (BlockingIOError, ConnectionError):
            continue
        if args.transport == "tcp":
            heads, stream = responses(stream + data)
        else:
            heads = [data.split(b"\r\n\r\n", 1)[0].decode("latin-1")]
        received = time.monotonic()
        for head in heads:
            first = head.split("\r\n", 1)[0].split(" ")
            if len(first) < 2 or not first[0].startswith("SIP/") or not first[1].isdigit() or int(first[1]) < 200:
                continue
            branch = None
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() in ("via", "v") and "branch=" in value:
                    branch = value.split("branch=", 1)[1].split(";")[0].split(",")[0].strip()
                    break
            entry = pending.pop(branch, None)
            if entry is None:
                continue
            status = int(first[1])
            if status == 503:
                rejected += 1
            else:
                served += 1
                latencies.append((received - entry[0]) * 1e6)
                if status != 481 and status >= 300 and status != 405:
                    other += 1
    timeouts += len(pending)
    latencies.sort()
    pick = lambda q: "%.0f" % latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else ""
    print(f"{sent};{served};{rejected};{timeouts};{other};{pick(0.50)};{pick(0.99)};{responses_sent}")


if __name__ == "__main__":
    main()
