#define _GNU_SOURCE
/* The C baseline of bench/Http/run.sh: one thread, epoll (level-triggered), non-blocking sockets. Every
 * "\r\n\r\n" seen on a connection is one request and gets the same fixed /plaintext response; responses to a
 * pipelined batch go out in one write. No parser, no routing: the floor a real server is measured against.
 * Build: cc -O2 -o epoll_plaintext epoll_plaintext.c   Run: ./epoll_plaintext PORT */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_EVENTS 256
#define BUF 65536

static const char RESPONSE[] =
    "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\nServer: c\r\n"
    "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n\r\nHello, World!";

struct conn { int fd; int match; };

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 5070;
    int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 1024)) { perror("listen"); return 1; }
    int ep = epoll_create1(0);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL }, events[MAX_EVENTS];
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    static char in[BUF], out[BUF * 2];
    for (;;) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        for (int i = 0; i < n; i++) {
            if (events[i].data.ptr == NULL) {
                int fd;
                while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *c = calloc(1, sizeof *c);
                    c->fd = fd;
                    struct epoll_event cev = { .events = EPOLLIN, .data.ptr = c };
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &cev);
                }
                continue;
            }
            struct conn *c = events[i].data.ptr;
            ssize_t got = read(c->fd, in, sizeof in);
            if (got <= 0) {
                if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
                close(c->fd); free(c); continue;
            }
            /* Count request ends, carrying a partial "\r\n\r\n" match across reads. */
            static const char END[] = "\r\n\r\n";
            size_t len = 0;
            for (ssize_t j = 0; j < got; j++) {
                c->match = in[j] == END[c->match] ? c->match + 1 : (in[j] == '\r' ? 1 : 0);
                if (c->match == 4) {
                    c->match = 0;
                    if (len + sizeof RESPONSE - 1 > sizeof out) { (void)!write(c->fd, out, len); len = 0; }
                    memcpy(out + len, RESPONSE, sizeof RESPONSE - 1);
                    len += sizeof RESPONSE - 1;
                }
            }
            if (len > 0 && write(c->fd, out, len) < 0 && errno != EAGAIN) { close(c->fd); free(c); }
        }
    }
}
