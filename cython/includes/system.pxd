# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
# The POSIX and Linux calls the event loop uses: sockets, name resolution, epoll, eventfd.
from libc.stdint cimport uint16_t, uint32_t, uint64_t

from .c_types cimport ssize_t


cdef extern from "<errno.h>" nogil:
    int errno
    enum:
        EAGAIN
        EWOULDBLOCK
        EINTR
        EINPROGRESS
        ECONNREFUSED


cdef extern from "<string.h>" nogil:
    char *strerror(int errnum)


cdef extern from "<unistd.h>" nogil:
    int close(int fd)
    ssize_t read(int fd, void *buf, size_t count)
    ssize_t write(int fd, const void *buf, size_t count)


cdef extern from "<sys/socket.h>" nogil:
    ctypedef unsigned int socklen_t
    ctypedef unsigned short sa_family_t

    struct sockaddr:
        sa_family_t sa_family

    struct sockaddr_storage:
        sa_family_t ss_family

    enum:
        AF_INET
        AF_INET6
        AF_UNSPEC
        SOCK_STREAM
        SOCK_NONBLOCK
        SOCK_CLOEXEC
        SOL_SOCKET
        SO_ERROR
        SO_REUSEADDR
        SHUT_WR
        SHUT_RDWR
        MSG_NOSIGNAL
        MSG_DONTWAIT
        SOMAXCONN

    int socket(int domain, int type, int protocol)
    int connect(int sockfd, const sockaddr *addr, socklen_t addrlen)
    int bind(int sockfd, const sockaddr *addr, socklen_t addrlen)
    int listen(int sockfd, int backlog)
    int accept4(int sockfd, sockaddr *addr, socklen_t *addrlen, int flags)
    ssize_t send(int sockfd, const void *buf, size_t len, int flags)
    ssize_t recv(int sockfd, void *buf, size_t len, int flags)
    int shutdown(int sockfd, int how)
    int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen)
    int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen)
    int getsockname(int sockfd, sockaddr *addr, socklen_t *addrlen)
    int getpeername(int sockfd, sockaddr *addr, socklen_t *addrlen)


cdef extern from "<netinet/in.h>" nogil:
    enum:
        IPPROTO_TCP
        IPPROTO_IPV6


cdef extern from "<netinet/tcp.h>" nogil:
    enum:
        TCP_NODELAY


cdef extern from "<netdb.h>" nogil:
    struct addrinfo:
        int ai_flags
        int ai_family
        int ai_socktype
        int ai_protocol
        socklen_t ai_addrlen
        sockaddr *ai_addr
        char *ai_canonname
        addrinfo *ai_next

    enum:
        AI_PASSIVE
        AI_NUMERICSERV
        AI_NUMERICHOST
        AI_ADDRCONFIG
        NI_NUMERICHOST
        NI_NUMERICSERV
        NI_MAXHOST
        NI_MAXSERV

    int getaddrinfo(const char *node, const char *service, const addrinfo *hints, addrinfo **res)
    void freeaddrinfo(addrinfo *res)
    const char *gai_strerror(int errcode)
    int getnameinfo(const sockaddr *addr, socklen_t addrlen, char *host, socklen_t hostlen, char *serv,
                    socklen_t servlen, int flags)


cdef extern from "<sys/epoll.h>" nogil:
    enum:
        EPOLLIN
        EPOLLOUT
        EPOLLERR
        EPOLLHUP
        EPOLLRDHUP
        EPOLL_CTL_ADD
        EPOLL_CTL_MOD
        EPOLL_CTL_DEL
        EPOLL_CLOEXEC

    union epoll_data:
        void *ptr
        int fd
        uint32_t u32
        uint64_t u64

    struct epoll_event:
        uint32_t events
        epoll_data data

    int epoll_create1(int flags)
    int epoll_ctl(int epfd, int op, int fd, epoll_event *event)
    int epoll_wait(int epfd, epoll_event *events, int maxevents, int timeout)


cdef extern from "<sys/eventfd.h>" nogil:
    enum:
        EFD_NONBLOCK
        EFD_CLOEXEC
    int eventfd(unsigned int initval, int flags)


cdef extern from "<time.h>" nogil:
    enum:
        CLOCK_MONOTONIC
        CLOCK_REALTIME
    struct timespec:
        long tv_sec
        long tv_nsec
    int clock_gettime(int clk_id, timespec *tp)
