/* hello-server: the smallest useful HTTP service, for the bundled `hello` software release.
 *
 *   hello-server --port PORT --message TEXT [--pid-file FILE] ADDRESS...
 *   hello-server --check --port PORT [--message TEXT] ADDRESS
 *
 * Listens on PORT on every ADDRESS (IPv4 or IPv6) and answers every request with TEXT and a
 * newline (HTTP/1.0, text/plain, connection closed). Single-threaded, poll(2) based.
 * SIGTERM / SIGINT end it cleanly.
 * --check is the instance's promise: one GET to [ADDRESS]:PORT within 5 s; exit 0 when the
 * answer is 200 (and its body starts with TEXT when --message is given), else a message on
 * stderr and exit 1. It is the service's own check so that a promise costs no curl process. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LISTEN 16

static volatile sig_atomic_t stopping = 0;

static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

/* Fills *ss for ADDRESS:PORT; returns the family, or -1 when ADDRESS is not an IP. */
static int address_of(const char *address, int port, struct sockaddr_storage *out, socklen_t *out_len) {
  memset(out, 0, sizeof *out);
  if (strchr(address, ':')) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)out;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((unsigned short)port);
    if (inet_pton(AF_INET6, address, &a->sin6_addr) != 1) return -1;
    *out_len = sizeof *a;
    return AF_INET6;
  }
  struct sockaddr_in *a = (struct sockaddr_in *)out;
  a->sin_family = AF_INET;
  a->sin_port = htons((unsigned short)port);
  if (inet_pton(AF_INET, address, &a->sin_addr) != 1) return -1;
  *out_len = sizeof *a;
  return AF_INET;
}

/* Waits until fd is ready for `events` or the deadline (ms from now) passes. */
static int wait_for(int fd, short events, int ms) {
  struct pollfd p = {fd, events, 0};
  int r;
  do r = poll(&p, 1, ms);
  while (r < 0 && errno == EINTR);
  return r > 0;
}

static int check(const char *address, int port, const char *expect) {
  struct sockaddr_storage ss;
  socklen_t len;
  char buf[8192];
  size_t got = 0;
  int family = address_of(address, port, &ss, &len), fd, err = 0;
  socklen_t err_len = sizeof err;
  const char *request = "GET / HTTP/1.0\r\n\r\n", *body;
  if (family < 0) {
    fprintf(stderr, "hello-server --check: %s is not an IPv4 or IPv6 address\n", address);
    return 2;
  }
  fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return perror("hello-server --check: socket"), 1;
  if (connect(fd, (struct sockaddr *)&ss, len) != 0 && errno != EINPROGRESS) err = errno;
  else if (!wait_for(fd, POLLOUT, 5000)) err = ETIMEDOUT;
  else getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &err_len);
  if (err) {
    fprintf(stderr, "[%s]:%d does not answer: %s\n", address, port, strerror(err));
    close(fd);
    return 1;
  }
  (void)write(fd, request, strlen(request));
  while (got < sizeof buf - 1 && wait_for(fd, POLLIN, 5000)) {
    ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  close(fd);
  buf[got] = 0;
  if (strncmp(buf, "HTTP/1.", 7) != 0 || strncmp(buf + 8, " 200", 4) != 0) {
    fprintf(stderr, "[%s]:%d answered no 200: %.60s\n", address, port, got ? buf : "(nothing)");
    return 1;
  }
  body = strstr(buf, "\r\n\r\n");
  if (expect && (!body || strncmp(body + 4, expect, strlen(expect)) != 0)) {
    body = body ? body + 4 : "(no body)";
    fprintf(stderr, "[%s]:%d answered %.*s, not %s\n", address, port, (int)strcspn(body, "\r\n"), body, expect);
    return 1;
  }
  return 0;
}

static int listen_on(const char *address, int port) {
  struct sockaddr_storage ss;
  socklen_t len;
  int family, fd, one = 1;
  memset(&ss, 0, sizeof ss);
  family = address_of(address, port, &ss, &len);
  if (family < 0) return -1;
  fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 64) != 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

static void answer(int client, const char *message) {
  char request[4096];
  char response[8192];
  int n;
  /* Read what the client sent (one read is enough for a GET), then answer. */
  struct pollfd p = {client, POLLIN, 0};
  if (poll(&p, 1, 2000) > 0) (void)read(client, request, sizeof request);
  n = snprintf(response, sizeof response,
               "HTTP/1.0 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
               "Content-Length: %zu\r\nConnection: close\r\n\r\n%s\n",
               strlen(message) + 1, message);
  if (n > 0) (void)write(client, response, (size_t)n < sizeof response ? (size_t)n : sizeof response - 1);
  close(client);
}

int main(int argc, char **argv) {
  const char *message = "Hello!";
  const char *pid_file = NULL, *check_address = NULL;
  int port = 0, i, count = 0, checking = 0, message_given = 0;
  struct pollfd fds[MAX_LISTEN];
  struct sigaction sa;

  for (i = 1; i < argc; i++)
    if (strcmp(argv[i], "--check") == 0) checking = 1; /* wherever it is: never listen then */
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      port = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--message") == 0 && i + 1 < argc) {
      message = argv[++i];
      message_given = 1;
    } else if (strcmp(argv[i], "--check") == 0) {
      continue;
    } else if (strcmp(argv[i], "--pid-file") == 0 && i + 1 < argc) {
      pid_file = argv[++i];
    } else if (strcmp(argv[i], "--help") == 0) {
      printf("usage: hello-server --port PORT --message TEXT [--pid-file FILE] ADDRESS...\n"
             "       hello-server --check --port PORT [--message TEXT] ADDRESS\n");
      return 0;
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "hello-server: unknown option %s (try --help)\n", argv[i]);
      return 2;
    } else if (checking) {
      check_address = argv[i];
    } else if (count < MAX_LISTEN) {
      int fd = listen_on(argv[i], port);
      if (fd < 0) {
        fprintf(stderr, "hello-server: cannot listen on [%s]:%d: %s\n", argv[i], port, strerror(errno));
        return 1;
      }
      fds[count].fd = fd;
      fds[count].events = POLLIN;
      count++;
      printf("hello-server: listening on [%s]:%d\n", argv[i], port);
    }
  }
  if (checking) {
    if (port <= 0 || !check_address) {
      fprintf(stderr, "hello-server --check: need --port and one address (try --help)\n");
      return 2;
    }
    return check(check_address, port, message_given ? message : NULL);
  }
  if (port <= 0 || count == 0) {
    fprintf(stderr, "hello-server: need --port and at least one address (try --help)\n");
    return 2;
  }
  if (pid_file) {
    FILE *f = fopen(pid_file, "w");
    if (f) {
      fprintf(f, "%ld\n", (long)getpid());
      fclose(f);
    }
  }
  fflush(stdout);
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  while (!stopping) {
    int ready = poll(fds, (nfds_t)count, 1000);
    if (ready < 0) {
      if (errno == EINTR) continue;
      perror("hello-server: poll");
      return 1;
    }
    for (i = 0; i < count; i++) {
      if (fds[i].revents & POLLIN) {
        int client = accept4(fds[i].fd, NULL, NULL, SOCK_CLOEXEC);
        if (client >= 0) answer(client, message);
      }
    }
  }
  if (pid_file) unlink(pid_file);
  return 0;
}
