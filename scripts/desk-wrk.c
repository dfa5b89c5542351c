/*
 * desk-wrk: a closed-loop HTTP/1.1 load generator for `make bench-load`, over TCP or a Unix socket.
 *
 * wrk (Debian's package) cannot connect to a Unix socket, and a generator in Swift with
 * async-http-client was slower than the server it measured (about 5,000 requests/s). This one is
 * what wrk is at heart: one thread, epoll, keep-alive connections each with one request in
 * flight, the next sent as soon as the answer is complete. Each request takes the next body of a
 * file (one JSON body per line), so reports vary.
 *
 *   desk-wrk --tcp 127.0.0.1:8440 | --unix PATH  [--method POST] [--path /v1/reports]
 *            [--bodies FILE] [--header 'Name: value']... [--connections 32] [--seconds 5]
 *
 * Prints one JSON object: requests, seconds, per_second, p50_ms, p99_ms, p999_ms, errors
 * (connection failures and answers that are not 2xx), statuses (count by status code).
 * Answers must carry Content-Length (deskd and Hummingbird's do); chunked ones count as errors.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNECTIONS 1024
#define BUFFER_SIZE (1 << 20) /* an answer of 50 incidents is over 64 KiB */

struct connection {
    int fd;
    char *request;        /* the request being sent */
    size_t request_length;
    size_t sent;
    char input[BUFFER_SIZE];
    size_t received;
    uint64_t started_ns;
};

static struct sockaddr_storage address;
static socklen_t address_length;
static char **requests;
static size_t *request_lengths;
static size_t request_count;
static size_t next_request;
static uint32_t *latencies_us;
static size_t latency_count, latency_capacity;
static uint64_t errors;
static uint64_t statuses[600];

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "desk-wrk: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void usage(void) {
    fprintf(stderr, "usage: desk-wrk --tcp HOST:PORT | --unix PATH [--method M] [--path P] [--bodies FILE]\n"
                    "                [--header 'Name: value']... [--connections N] [--seconds S]\n");
    exit(64);
}

static int open_connection(void) {
    int fd = socket(address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    if (address.ss_family == AF_INET) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    if (connect(fd, (struct sockaddr *)&address, address_length) < 0 && errno != EINPROGRESS) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Interest in writability only while a request is partly sent: a connected socket is nearly always
 * writable, and level-triggered EPOLLOUT would spin a core the server should have. */
static void want_write(int poll, struct connection *c, int write) {
    struct epoll_event event = {.events = EPOLLIN | EPOLLRDHUP | (write ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(poll, EPOLL_CTL_MOD, c->fd, &event);
}

static void start_request(struct connection *c) {
    size_t index = next_request++ % request_count;
    c->request = requests[index];
    c->request_length = request_lengths[index];
    c->sent = 0;
    c->received = 0;
    c->started_ns = now_ns();
}

static void record(uint64_t elapsed_ns) {
    if (latency_count == latency_capacity) {
        latency_capacity = latency_capacity ? latency_capacity * 2 : 1 << 16;
        latencies_us = realloc(latencies_us, latency_capacity * sizeof *latencies_us);
        if (!latencies_us) die("realloc");
    }
    latencies_us[latency_count++] = (uint32_t)(elapsed_ns / 1000);
}

/* A complete answer in c->input? Returns its length, 0 if more is needed, -1 if unparseable. */
static long complete_response(struct connection *c, int *status) {
    c->input[c->received] = 0;
    char *end = memmem(c->input, c->received, "\r\n\r\n", 4);
    if (!end) return c->received >= BUFFER_SIZE - 1 ? -1 : 0;
    if (strncmp(c->input, "HTTP/1.1 ", 9) != 0) return -1;
    *status = atoi(c->input + 9);
    long length = -1;
    for (char *line = strstr(c->input, "\r\n") + 2; line < end; line = strstr(line, "\r\n") + 2) {
        if (strncasecmp(line, "content-length:", 15) == 0) length = atol(line + 15);
    }
    if (length < 0) return -1;
    long total = (end - c->input) + 4 + length;
    if (total >= BUFFER_SIZE) return -1;
    return (long)c->received >= total ? total : 0;
}

static int compare(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static double percentile(double p) {
    if (latency_count == 0) return 0;
    size_t index = (size_t)(p * (double)(latency_count - 1) + 0.5);
    return latencies_us[index] / 1000.0;
}

int main(int argc, char **argv) {
    const char *tcp = NULL, *unix_path = NULL, *method = "POST", *path = "/v1/reports", *bodies = NULL;
    char headers[8192] = "";
    int connections = 32;
    double seconds = 5;
    for (int i = 1; i < argc; i++) {
        if (i + 1 >= argc) usage();
        if (!strcmp(argv[i], "--tcp")) tcp = argv[++i];
        else if (!strcmp(argv[i], "--unix")) unix_path = argv[++i];
        else if (!strcmp(argv[i], "--method")) method = argv[++i];
        else if (!strcmp(argv[i], "--path")) path = argv[++i];
        else if (!strcmp(argv[i], "--bodies")) bodies = argv[++i];
        else if (!strcmp(argv[i], "--connections")) connections = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seconds")) seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--header")) {
            if (strlen(headers) + strlen(argv[i + 1]) + 3 >= sizeof headers) usage();
            strcat(headers, argv[++i]);
            strcat(headers, "\r\n");
        } else usage();
    }
    if ((!tcp) == (!unix_path) || connections < 1 || connections > MAX_CONNECTIONS || seconds <= 0) usage();

    if (tcp) {
        struct sockaddr_in *in = (struct sockaddr_in *)&address;
        char host[256];
        const char *colon = strrchr(tcp, ':');
        if (!colon || colon - tcp >= (long)sizeof host) usage();
        memcpy(host, tcp, colon - tcp);
        host[colon - tcp] = 0;
        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)atoi(colon + 1));
        if (inet_pton(AF_INET, host, &in->sin_addr) != 1) usage();
        address_length = sizeof *in;
    } else {
        struct sockaddr_un *un = (struct sockaddr_un *)&address;
        if (strlen(unix_path) >= sizeof un->sun_path) usage();
        un->sun_family = AF_UNIX;
        strcpy(un->sun_path, unix_path);
        address_length = sizeof *un;
    }

    /* One request per body line (or one request without a body). */
    char *line = NULL;
    size_t capacity = 0;
    FILE *file = bodies ? fopen(bodies, "r") : NULL;
    if (bodies && !file) die(bodies);
    for (;;) {
        ssize_t length = 0;
        if (file) {
            length = getline(&line, &capacity, file);
            if (length < 0) break;
            while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r')) line[--length] = 0;
            if (length == 0) continue;
        }
        char head[9000];
        int head_length = snprintf(head, sizeof head,
                                   "%s %s HTTP/1.1\r\nHost: localhost\r\n%s%s%s", method, path, headers,
                                   file ? "Content-Type: application/json\r\n" : "", "");
        char *request = malloc((size_t)head_length + 64 + (size_t)length);
        if (!request) die("malloc");
        int total = sprintf(request, "%sContent-Length: %zd\r\n\r\n", head, length);
        memcpy(request + total, file ? line : "", (size_t)length);
        requests = realloc(requests, (request_count + 1) * sizeof *requests);
        request_lengths = realloc(request_lengths, (request_count + 1) * sizeof *request_lengths);
        if (!requests || !request_lengths) die("realloc");
        requests[request_count] = request;
        request_lengths[request_count++] = (size_t)total + (size_t)length;
        if (!file) break;
    }
    if (file) fclose(file);
    if (request_count == 0) usage();

    int poll = epoll_create1(EPOLL_CLOEXEC);
    if (poll < 0) die("epoll_create1");
    struct connection *pool = calloc((size_t)connections, sizeof *pool);
    if (!pool) die("calloc");
    for (int i = 0; i < connections; i++) {
        pool[i].fd = open_connection();
        if (pool[i].fd < 0) die("connect");
        start_request(&pool[i]);
        struct epoll_event event = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP, .data.ptr = &pool[i]};
        if (epoll_ctl(poll, EPOLL_CTL_ADD, pool[i].fd, &event) < 0) die("epoll_ctl");
    }

    uint64_t began = now_ns(), deadline = began + (uint64_t)(seconds * 1e9);
    struct epoll_event events[MAX_CONNECTIONS];
    while (now_ns() < deadline) {
        int ready = epoll_wait(poll, events, MAX_CONNECTIONS, 100);
        if (ready < 0 && errno != EINTR) die("epoll_wait");
        for (int e = 0; e < ready; e++) {
            struct connection *c = events[e].data.ptr;
            int broken = 0;
            if (c->sent < c->request_length && (events[e].events & EPOLLOUT)) {
                ssize_t n = send(c->fd, c->request + c->sent, c->request_length - c->sent, MSG_NOSIGNAL);
                if (n > 0) c->sent += (size_t)n;
                else if (n < 0 && errno != EAGAIN) broken = 1;
                if (!broken && c->sent == c->request_length) want_write(poll, c, 0);
            } else if (c->sent == c->request_length && (events[e].events & EPOLLOUT)) {
                want_write(poll, c, 0);
            }
            if (!broken && (events[e].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) {
                for (;;) {
                    ssize_t n = recv(c->fd, c->input + c->received, BUFFER_SIZE - 1 - c->received, 0);
                    if (n > 0) {
                        c->received += (size_t)n;
                        int status = 0;
                        long length = complete_response(c, &status);
                        if (length < 0) { broken = 1; break; }
                        if (length > 0) {
                            record(now_ns() - c->started_ns);
                            if (status > 0 && status < 600) statuses[status]++;
                            if (status < 200 || status > 299) errors++;
                            start_request(c);
                            ssize_t s = send(c->fd, c->request, c->request_length, MSG_NOSIGNAL);
                            if (s > 0) c->sent = (size_t)s;
                            else if (s < 0 && errno != EAGAIN) { broken = 1; break; }
                            if (c->sent < c->request_length) want_write(poll, c, 1);
                        }
                        continue;
                    }
                    if (n < 0 && errno == EAGAIN) break;
                    broken = 1; /* closed by the server, or an error */
                    break;
                }
            }
            if (broken) {
                errors++;
                epoll_ctl(poll, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                c->fd = open_connection();
                if (c->fd < 0) die("reconnect");
                start_request(c);
                struct epoll_event event = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP, .data.ptr = c};
                if (epoll_ctl(poll, EPOLL_CTL_ADD, c->fd, &event) < 0) die("epoll_ctl");
            }
        }
    }
    double elapsed = (double)(now_ns() - began) / 1e9;
    qsort(latencies_us, latency_count, sizeof *latencies_us, compare);
    printf("{\"requests\": %zu, \"seconds\": %.3f, \"per_second\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, "
           "\"p999_ms\": %.3f, \"errors\": %llu, \"statuses\": {",
           latency_count, elapsed, (double)latency_count / elapsed, percentile(0.50), percentile(0.99),
           percentile(0.999), (unsigned long long)errors);
    int first = 1;
    for (int s = 0; s < 600; s++) {
        if (!statuses[s]) continue;
        printf("%s\"%d\": %llu", first ? "" : ", ", s, (unsigned long long)statuses[s]);
        first = 0;
    }
    printf("}}\n");
    return 0;
}
