/*
 * The kernel's own ceiling for transaction TCP on this host: how many "connect, send one request, read one answer,
 * close" cycles per second two minimal C processes reach over loopback, with no SIP work at all. Issue 6 asks
 * transaction TCP for at least 0.8 of persistent TCP; this bounds what any server (ours, Kamailio) and any generator
 * can reach here, so a result can say whether the goal is a server's limit or the host's.
 *
 *   churn serve PORT                                          one epoll thread: accept, read a request, answer, close
 *                                                             once the client has closed (its FIN read)
 *   churn client HOST PORT CONCURRENCY SECONDS SRC1[,SRC2...] CONCURRENCY cycles in flight, each from the next source
 *                                                             address (port 0: the kernel picks), the client closes
 *                                                             first with an ordinary FIN (TIME_WAIT on its side, as a
 *                                                             phone's); prints cycles, cycles/s, failures
 *   ... SRC1[,SRC2...] persistent                             the same cycles, each connection kept for the next
 *                                                             request: the persistent-TCP figure of the same pair
 *
 * Loopback only (the client refuses any other target); bounded by SECONDS. The request and answer are ~400 and ~300
 * bytes, the sizes of a REGISTER and its 200 here.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define REQUEST_SIZE 400
#define ANSWER_SIZE 300
#define MAX_EVENTS 256

static char request[REQUEST_SIZE];
static char answer[ANSWER_SIZE];

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

/* Server side: per connection, bytes of the request still expected (kept in epoll's data next to the fd). */
static _Noreturn void serve(int port) {
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (bind(listener, (struct sockaddr *) &addr, sizeof addr) < 0) die("bind");
    if (listen(listener, 4096) < 0) die("listen");
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (unsigned) listener};
    epoll_ctl(ep, EPOLL_CTL_ADD, listener, &ev);
    struct epoll_event events[MAX_EVENTS];
    char buf[4096];
    for (;;) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        for (int i = 0; i < n; i++) {
            int fd = (int) (events[i].data.u64 & 0xffffffffu);
            unsigned expected = (unsigned) (events[i].data.u64 >> 32);
            if (fd == listener) {
                int c;
                while ((c = accept4(listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event cev = {.events = EPOLLIN, .data.u64 = ((unsigned long long) REQUEST_SIZE << 32) | (unsigned) c};
                    epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
                }
                continue;
            }
            ssize_t r = read(fd, buf, sizeof buf);
            if (r <= 0) {
                if (r < 0 && errno == EAGAIN) continue;
                close(fd); /* the client's FIN (or an error): our side closes, epoll forgets the fd */
                continue;
            }
            if ((size_t) r >= expected) {
                if (write(fd, answer, ANSWER_SIZE) != ANSWER_SIZE) { close(fd); continue; }
                expected = REQUEST_SIZE; /* a further request on the same connection would be answered too */
            } else {
                expected -= (unsigned) r;
            }
            struct epoll_event cev = {.events = EPOLLIN, .data.u64 = ((unsigned long long) expected << 32) | (unsigned) fd};
            epoll_ctl(ep, EPOLL_CTL_MOD, fd, &cev);
        }
    }
}

struct cycle {
    int fd;
    int received;
    int state; /* 0 connecting, 1 awaiting the answer */
};

static int source_count;
static struct in_addr sources[64];
static int next_source;
static long failures;

static int start_cycle(int ep, struct cycle *c, const struct sockaddr_in *target) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    struct sockaddr_in local = {.sin_family = AF_INET, .sin_port = 0, .sin_addr = sources[next_source]};
    next_source = (next_source + 1) % source_count;
    if (bind(fd, (struct sockaddr *) &local, sizeof local) < 0) die("bind source");
    if (connect(fd, (const struct sockaddr *) target, sizeof *target) < 0 && errno != EINPROGRESS) {
        failures++;
        close(fd);
        return -1;
    }
    c->fd = fd;
    c->received = 0;
    c->state = 0;
    struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    return 0;
}

static int client(const char *host, int port, int concurrency, int seconds, char *source_list, int persistent) {
    struct sockaddr_in target = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, host, &target.sin_addr) != 1 || (ntohl(target.sin_addr.s_addr) >> 24) != 127) {
        fprintf(stderr, "loopback targets only (127.0.0.0/8): %s\n", host);
        return 2;
    }
    for (char *s = strtok(source_list, ","); s && source_count < 64; s = strtok(NULL, ",")) {
        if (inet_pton(AF_INET, s, &sources[source_count]) != 1 || (ntohl(sources[source_count].s_addr) >> 24) != 127) {
            fprintf(stderr, "loopback sources only: %s\n", s);
            return 2;
        }
        source_count++;
    }
    if (source_count == 0 || concurrency < 1 || concurrency > 4096 || seconds < 1 || seconds > 600) {
        fprintf(stderr, "need sources, 1-4096 in flight, 1-600 s\n");
        return 2;
    }
    int ep = epoll_create1(0);
    struct cycle *cycles = calloc(concurrency, sizeof *cycles);
    for (int i = 0; i < concurrency; i++) {
        while (start_cycle(ep, &cycles[i], &target) < 0) {}
    }
    struct epoll_event events[MAX_EVENTS];
    char buf[4096];
    long done = 0;
    double start = now_seconds(), end = start + seconds;
    while (now_seconds() < end) {
        int n = epoll_wait(ep, events, MAX_EVENTS, 100);
        for (int i = 0; i < n; i++) {
            struct cycle *c = events[i].data.ptr;
            if (events[i].events & (EPOLLERR | EPOLLHUP) && c->state == 0) {
                failures++;
                close(c->fd);
                while (start_cycle(ep, c, &target) < 0) {}
                continue;
            }
            if (c->state == 0) {
                if (write(c->fd, request, REQUEST_SIZE) != REQUEST_SIZE) die("write");
                c->state = 1;
                struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
                epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                continue;
            }
            ssize_t r = read(c->fd, buf, sizeof buf);
            if (r < 0 && errno == EAGAIN) continue;
            if (r <= 0) {
                failures++;
            } else if ((c->received += (int) r) < ANSWER_SIZE) {
                continue;
            } else {
                done++;
            }
            if (persistent && r > 0) { /* the next request on the same connection */
                c->received = 0;
                if (write(c->fd, request, REQUEST_SIZE) != REQUEST_SIZE) die("write");
                continue;
            }
            close(c->fd); /* the client closes first: TIME_WAIT on this side */
            while (start_cycle(ep, c, &target) < 0) {}
        }
    }
    double elapsed = now_seconds() - start;
    printf("mode=%s cycles=%ld seconds=%.1f cycles_per_s=%.0f failures=%ld concurrency=%d sources=%d\n",
           persistent ? "persistent" : "transaction", done, elapsed, done / elapsed, failures, concurrency, source_count);
    return 0;
}

int main(int argc, char **argv) {
    memset(request, 'R', REQUEST_SIZE);
    memset(answer, 'A', ANSWER_SIZE);
    if (argc == 3 && strcmp(argv[1], "serve") == 0) {
        serve(atoi(argv[2]));
    }
    if ((argc == 7 || (argc == 8 && strcmp(argv[7], "persistent") == 0)) && strcmp(argv[1], "client") == 0) {
        return client(argv[2], atoi(argv[3]), atoi(argv[4]), atoi(argv[5]), argv[6], argc == 8);
    }
    fprintf(stderr, "usage: %s serve PORT | %s client HOST PORT CONCURRENCY SECONDS SRC1[,SRC2...] [persistent]\n",
            argv[0], argv[0]);
    return 2;
}
