/* hello-server: the smallest useful HTTP service, for the bundled `hello` software release.
 *
 *   hello-server --port PORT --message TEXT [--pid-file FILE] ADDRESS...
 *
 * Listens on PORT on every ADDRESS (IPv4 or IPv6) and answers every request with TEXT and a
 * newline (HTTP/1.0, text/plain, connection closed). Single-threaded, poll(2) based.
 * SIGTERM / SIGINT end it cleanly. */
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

static int listen_on(const char *address, int port) {
  struct sockaddr_storage ss;
  socklen_t len;
  int family, fd, one = 1;
  memset(&ss, 0, sizeof ss);
  if (strchr(address, ':')) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((unsigned short)port);
    if (inet_pton(AF_INET6, address, &a->sin6_addr) != 1) return -1;
    family = AF_INET6;
    len = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, address, &a->sin_addr) != 1) return -1;
    family = AF_INET;
    len = sizeof *a;
  }
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
  const char *pid_file = NULL;
  int port = 0, i, count = 0;
  struct pollfd fds[MAX_LISTEN];
  struct sigaction sa;

  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
      port = atoi(argv[++i]);
    } else if (strcmp(argv[i], "--message") == 0 && i + 1 < argc) {
      message = argv[++i];
    } else if (strcmp(argv[i], "--pid-file") == 0 && i + 1 < argc) {
      pid_file = argv[++i];
    } else if (strcmp(argv[i], "--help") == 0) {
      printf("usage: hello-server --port PORT --message TEXT [--pid-file FILE] ADDRESS...\n");
      return 0;
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "hello-server: unknown option %s (try --help)\n", argv[i]);
      return 2;
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
