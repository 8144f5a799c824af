/*
 * bench/delayproxy.c - distant servers on loopback: a TCP proxy that holds
 * every chunk of data DELAY milliseconds in each direction. A benchmark
 * tool, not part of crashsafe (netem, which would do this in the kernel, is
 * not available on the development machines).
 *
 *   delayproxy FIRST-PORT COUNT TARGET-PORT DELAY-MS [READYFILE]
 *
 * Listens on 127.0.0.1 ports FIRST-PORT .. FIRST-PORT+COUNT-1 (COUNT distant
 * "servers") and forwards each connection to 127.0.0.1:TARGET-PORT (one real
 * server behind all of them). A round trip costs 2 x DELAY-MS. The upstream
 * connection is opened 3 x DELAY-MS after the client's connection is
 * accepted: on a real network the server's first byte (the MySQL greeting)
 * reaches the client one and a half round trips after connect() starts
 * (SYN, SYN-ACK, then the ACK the server's accept() waits for, then the
 * greeting back), while the proxy's own accept is immediate.
 *
 * Written not to be the bottleneck at thousands of connections: one thread,
 * epoll, non-blocking sockets, no per-chunk system call but the read and the
 * write; chunks wait in a FIFO ordered by due time (every delay is the same,
 * so arrival order is due order). The soft RLIMIT_NOFILE is raised to the
 * hard limit. A close is delayed like data, in order (shutdown after the
 * data before it). READYFILE, when given, gets the proxy's pid once every
 * port listens. Runs until SIGINT/SIGTERM, or 30 minutes at most.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROXY_CHUNK 65536
#define PROXY_LIFETIME_MS (30 * 60 * 1000)

struct chunk {
	int64_t due;               /* ms, monotonic */
	size_t len, off;           /* len 0: the peer closed (shutdown when due) */
	struct chunk *next;
	char data[];
};

struct pair;

/* One direction's destination: the socket data is written to, and what waits for it. */
struct side {
	int fd;
	struct pair *p;
	int idx;                   /* 0 client, 1 upstream */
	struct chunk *head, *tail;
	int reading;               /* EPOLLIN wanted (no end of file read yet) */
	int writing;               /* EPOLLOUT wanted (a write would block) */
	int registered;            /* the fd is in the epoll set */
	int connected;
	int shut;                  /* SHUT_WR done (the close reached it) */
	int read_eof;
};

struct pair {
	struct side s[2];
	unsigned gen;
	int64_t connect_at;        /* upstream not opened yet: when to open it */
	struct pair *next_free;
};

/* A FIFO of (pair, side, generation) to flush at a due time. */
struct due {
	int64_t at;
	struct pair *p;
	unsigned gen;
	int idx;
};

static struct {
	int ep;
	int first, count, target;
	int64_t delay;
	struct due *q;
	size_t qhead, qlen, qcap;
	volatile sig_atomic_t stop;
	size_t open_pairs, total_pairs;
} g;

static int64_t proxy_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void proxy_die(const char *what)
{
	fprintf(stderr, "delayproxy: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void *proxy_alloc(size_t n)
{
	void *p = calloc(1, n);
	if (!p) {
		fprintf(stderr, "delayproxy: out of memory\n");
		exit(1);
	}
	return p;
}

static void due_push(struct pair *p, int idx, int64_t at)
{
	if (g.qlen == g.qcap) {
		size_t cap = g.qcap ? g.qcap * 2 : 1024;
		struct due *q = proxy_alloc(cap * sizeof(*q));
		for (size_t i = 0; i < g.qlen; i++)
			q[i] = g.q[(g.qhead + i) % g.qcap];
		free(g.q);
		g.q = q;
		g.qcap = cap;
		g.qhead = 0;
	}
	g.q[(g.qhead + g.qlen) % g.qcap] = (struct due){ .at = at, .p = p, .gen = p->gen, .idx = idx };
	g.qlen++;
}

/*
 * Socket events wanted for a side, from its state. A socket that wants
 * nothing leaves the set (a closed peer would report EPOLLHUP forever).
 */
static void side_update(struct side *s)
{
	if (s->fd < 0)
		return;
	struct epoll_event ev = { 0 };
	ev.events = (s->reading ? EPOLLIN : 0) | (s->writing || !s->connected ? EPOLLOUT : 0);
	ev.data.u64 = ((uint64_t)(uintptr_t)s) | 1;
	if (!ev.events) {
		if (s->registered && epoll_ctl(g.ep, EPOLL_CTL_DEL, s->fd, &ev) < 0)
			proxy_die("epoll_ctl del");
		s->registered = 0;
		return;
	}
	if (epoll_ctl(g.ep, s->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s->fd, &ev) < 0)
		proxy_die("epoll_ctl");
	s->registered = 1;
}

static struct pair *free_pairs;

static void pair_free(struct pair *p)
{
	for (int i = 0; i < 2; i++) {
		struct side *s = &p->s[i];
		if (s->fd >= 0)
			close(s->fd);
		s->fd = -1;
		while (s->head) {
			struct chunk *c = s->head;
			s->head = c->next;
			free(c);
		}
	}
	p->gen++;
	g.open_pairs--;
	/* Reused, never freed: a due entry may still name this pair (its generation tells). */
	p->connect_at = -1;
	p->next_free = free_pairs;
	free_pairs = p;
}

static void pair_maybe_done(struct pair *p)
{
	if (p->s[0].shut && p->s[1].shut && !p->s[0].head && !p->s[1].head)
		pair_free(p);
}


static void pair_open_upstream(struct pair *p)
{
	struct side *u = &p->s[1];
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)g.target) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	u->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (u->fd < 0)
		proxy_die("socket");
	setsockopt(u->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(u->fd, (struct sockaddr *)&a, sizeof(a)) < 0 && errno != EINPROGRESS) {
		/* Refused: the client sees a close. */
		close(u->fd);
		u->fd = -1;
		u->shut = 1;
		u->read_eof = 1;
		struct chunk *c = proxy_alloc(sizeof(*c));
		c->due = proxy_now() + g.delay;
		p->s[0].head = p->s[0].tail = c;
		due_push(p, 0, c->due);
		return;
	}
	u->connected = 0;
	u->reading = 1;
	p->connect_at = -1;
	side_update(u);
}

/* Write what is due on side s; shut it when the close is due. */
static void side_flush(struct side *s, int64_t now)
{
	struct pair *p = s->p;
	if (s->fd < 0 || !s->connected)
		return;
	while (s->head && s->head->due <= now) {
		struct chunk *c = s->head;
		if (!c->len) {
			shutdown(s->fd, SHUT_WR);
			s->shut = 1;
		} else {
			ssize_t n = write(s->fd, c->data + c->off, c->len - c->off);
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				s->writing = 1;
				side_update(s);
				return;
			}
			if (n < 0) {
				/* The destination is gone: drop the connection both ways. */
				s->shut = p->s[1 - s->idx].shut = 1;
				pair_free(p);
				return;
			}
			c->off += (size_t)n;
			if (c->off < c->len) {
				s->writing = 1;
				side_update(s);
				return;
			}
		}
		s->head = c->next;
		if (!s->head)
			s->tail = NULL;
		free(c);
	}
	if (s->writing) {
		s->writing = 0;
		side_update(s);
	}
	pair_maybe_done(p);
}

/* Read from side s into the other side's queue. */
static void side_read(struct side *s, int64_t now)
{
	struct pair *p = s->p;
	struct side *dst = &p->s[1 - s->idx];
	char buf[PROXY_CHUNK];
	ssize_t n = read(s->fd, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n < 0)
		n = 0;   /* reset: a close */
	if (dst->shut) {
		/* Nobody to deliver to (the server refused): drop it. */
		s->reading = 0;
		side_update(s);
		return;
	}
	struct chunk *c = proxy_alloc(sizeof(*c) + (size_t)n);
	c->due = now + g.delay;
	c->len = (size_t)n;
	memcpy(c->data, buf, (size_t)n);
	if (dst->tail)
		dst->tail->next = c;
	else
		dst->head = c;
	dst->tail = c;
	due_push(p, dst->idx, c->due);
	if (!n) {
		s->reading = 0;
		s->read_eof = 1;
		side_update(s);
	}
}

static void proxy_accept(int lfd, int64_t now)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED)
				return;
			if (errno == EMFILE || errno == ENFILE) {
				fprintf(stderr, "delayproxy: out of file descriptors (%zu open pairs)\n", g.open_pairs);
				return;
			}
			proxy_die("accept");
		}
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		struct pair *p = free_pairs;
		unsigned gen = 0;
		if (p) {
			free_pairs = p->next_free;
			gen = p->gen;
			memset(p, 0, sizeof(*p));
			p->gen = gen;
		} else {
			p = proxy_alloc(sizeof(*p));
		}
		for (int i = 0; i < 2; i++) {
			p->s[i].p = p;
			p->s[i].idx = i;
			p->s[i].fd = -1;
		}
		p->s[0].fd = fd;
		p->s[0].connected = 1;
		p->s[0].reading = 1;
		side_update(&p->s[0]);
		p->connect_at = now + 3 * g.delay;
		/* The upstream's open rides the FIFO as a flush of side 1 (due order is kept). */
		due_push(p, 1, p->connect_at);
		g.open_pairs++;
		g.total_pairs++;
	}
}

static void proxy_signal(int sig)
{
	(void)sig;
	g.stop = 1;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: delayproxy FIRST-PORT COUNT TARGET-PORT DELAY-MS [READYFILE]\n");
		return 2;
	}
	g.first = atoi(argv[1]);
	g.count = atoi(argv[2]);
	g.target = atoi(argv[3]);
	g.delay = atoi(argv[4]);
	if (g.first <= 0 || g.count <= 0 || g.first + g.count > 65536 || g.target <= 0 || g.delay < 0) {
		fprintf(stderr, "delayproxy: bad arguments\n");
		return 2;
	}
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, proxy_signal);
	signal(SIGTERM, proxy_signal);
	g.ep = epoll_create1(EPOLL_CLOEXEC);
	if (g.ep < 0)
		proxy_die("epoll_create1");
	for (int i = 0; i < g.count; i++) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		int one = 1;
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)(g.first + i)) };
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (fd < 0)
			proxy_die("socket");
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
			fprintf(stderr, "delayproxy: port %d: %s\n", g.first + i, strerror(errno));
			return 1;
		}
		if (listen(fd, 4096) < 0)
			proxy_die("listen");
		struct epoll_event ev = { .events = EPOLLIN };
		ev.data.u64 = (uint64_t)fd << 1;    /* even: a listener */
		if (epoll_ctl(g.ep, EPOLL_CTL_ADD, fd, &ev) < 0)
			proxy_die("epoll_ctl");
	}
	if (argc > 5) {
		char tmp[4096];
		snprintf(tmp, sizeof(tmp), "%s.tmp", argv[5]);
		FILE *f = fopen(tmp, "w");
		if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f) || rename(tmp, argv[5]))
			proxy_die(argv[5]);
	}
	int64_t end = proxy_now() + PROXY_LIFETIME_MS;
	struct epoll_event evs[512];
	while (!g.stop) {
		int64_t now = proxy_now();
		if (now > end)
			break;
		int timeout = 1000;
		if (g.qlen) {
			int64_t wait = g.q[g.qhead].at - now;
			timeout = wait < 0 ? 0 : (int)wait;
		}
		int n = epoll_wait(g.ep, evs, (int)(sizeof(evs) / sizeof(evs[0])), timeout);
		if (n < 0 && errno != EINTR)
			proxy_die("epoll_wait");
		now = proxy_now();
		for (int i = 0; i < n; i++) {
			uint64_t d = evs[i].data.u64;
			if (!(d & 1)) {
				proxy_accept((int)(d >> 1), now);
				continue;
			}
			struct side *s = (struct side *)(uintptr_t)(d & ~(uint64_t)1);
			if (s->fd < 0)
				continue;
			if (!s->connected && (evs[i].events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
				int err = 0;
				socklen_t len = sizeof(err);
				getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				if (err) {
					/* The server refused: close the client's side once the delay is over. */
					struct pair *p = s->p;
					close(s->fd);
					s->fd = -1;
					s->registered = 0;
					s->shut = s->read_eof = 1;
					struct chunk *c = proxy_alloc(sizeof(*c));
					c->due = now + g.delay;
					if (p->s[0].tail)
						p->s[0].tail->next = c;
					else
						p->s[0].head = c;
					p->s[0].tail = c;
					due_push(p, 0, c->due);
					continue;
				}
				s->connected = 1;
				side_update(s);
				side_flush(s, now);
				if (s->fd < 0)
					continue;
			}
			if (s->reading && (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
				side_read(s, now);
			if (s->fd >= 0 && s->writing && (evs[i].events & EPOLLOUT))
				side_flush(s, now);
		}
		while (g.qlen && g.q[g.qhead].at <= now) {
			struct due e = g.q[g.qhead];
			g.qhead = (g.qhead + 1) % g.qcap;
			g.qlen--;
			if (e.gen != e.p->gen)
				continue;
			if (e.idx == 1 && e.p->connect_at >= 0 && e.p->s[1].fd < 0 && !e.p->s[1].shut) {
				pair_open_upstream(e.p);
				continue;
			}
			side_flush(&e.p->s[e.idx], now);
		}
	}
	fprintf(stderr, "delayproxy: %zu connections forwarded\n", g.total_pairs);
	return 0;
}
