# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# Everything the module reuses from one message or event to the next, and the one rule it follows.
#
# THE OWNERSHIP RULE
#
# Reused state is never shared unguarded, and nothing is reused while Python code can still run
# between its last write and its last read. Python code can run in far more places than calls
# into Python: decoding builds Described and Array values (Python __init__), hashes UUID keys
# (Python __hash__), converts custom values; every allocation may start the garbage collector,
# whose callbacks and __del__ methods are Python; a sender's tag generator is Python; and at any
# bytecode boundary the interpreter may hand the GIL to another thread, which may be running
# another Container (several containers in several threads is a supported pattern) through this
# very code.
#
# So every buffer and free list belongs to one thread: a ThreadPools object, made the first time a
# thread asks (thread_pools()) and kept in that thread's state dict, so it goes when the thread
# does. A loop runs on one thread, so each loop works with its own, and nothing in them is ever
# shared across threads. Within a thread, a buffer can still be wanted twice at once (a re-entrant
# call: an encode that runs Python code that encodes), which is what the leases are for.
#
# Each piece of reused state is of one of three kinds, with one rule per kind:
#
# 1. LEASED BUFFERS: one per thread, taken with lease_*() and handed back with release_*(). The
#    holder owns the memory alone from the first write until the last C read of it (for the
#    receive buffer: until the decoder is done; for the encode buffer: until pn_link_send has
#    copied it), across every point where Python code may run. A re-entrant call that finds the
#    thread's buffer out on lease gets a private one, freed when its holder drops it. So a lease
#    is never waited for and never taken away.
#      - ThreadPools.rx   the receive buffer: a delivery's bytes while they are decoded
#      - ThreadPools.tx   the encode buffer: a message's bytes until the link has copied them (the
#                         engine's encoder, when the direct one gives up, writes into it as well)
#      - the engine scratch message (lease_message): filled by the engine encode path
#      - the Data encode scratch (lease_data_scratch): one pn_data_encode, then copied
#
# 2. FREE LISTS: items kept for reuse, one list per thread, each item popped by exactly one taker
#    and then the taker's outright; an item goes back only when nothing else refers to it, checked
#    as the last step, after anything that may run Python code.
#      - spare engine trees (take_tree / give_back_tree, here)
#      - the spare Event (fresh_event / recycle_event, here)
#
# 3. CACHES OF IMMUTABLE VALUES: entries are immutable Python objects (or class facts) looked up
#    by key, shared by every thread as the values are immutable. The GIL is their only lock (it is
#    released around epoll_wait only, so a test-and-set done without running Python code in
#    between is atomic across threads): a slot is rewritten whole in C, the new entry worked out
#    first (which may run Python code), then the slot written, then what it held dropped. A reader
#    takes its own reference to what it found before it runs any Python code.
#      - the shared-name table of symbols and map keys (shared_name, codec.pyx)
#      - the handler method tables (method_lookup / class_method_entry, events.pyx)
#      - the fast-handler class tables (handlers.pyx), the keyword-name table (message.pyx)
#
# Nothing else in the module survives from one message to the next. Finding the thread's pools
# costs one compare while one thread keeps asking (a one-slot cache by thread-state id), and a
# dict lookup when threads take turns.


# -- the buffer type --------------------------------------------------------------------------

cdef class EncodeBuffer:
    """A growable byte buffer (malloc'd, so the engine may realloc it); the encoder writes into it.

    ``leased`` is set while a pooled buffer is out on lease (see the rule at the top of this file)."""


    def __cinit__(self):
        self.capacity = 512
        self.data = <unsigned char *>malloc(self.capacity)
        if self.data == NULL:
            raise MemoryError()
        self.size = 0

    def __dealloc__(self):
        if self.data != NULL:
            free(self.data)
            self.data = NULL

    cdef inline int reserve(self, Py_ssize_t extra) except -1:
        cdef Py_ssize_t wanted = self.size + extra
        cdef Py_ssize_t cap = self.capacity
        cdef unsigned char *grown
        if wanted <= cap:
            return 0
        if cap < 64:
            cap = 64
        while cap < wanted:
            cap *= 2
        grown = <unsigned char *>realloc(self.data, cap)
        if grown == NULL:
            raise MemoryError()
        self.data = grown
        self.capacity = cap
        return 0

    cdef inline int byte(self, unsigned char b) except -1:
        if self.size >= self.capacity:
            self.reserve(1)
        self.data[self.size] = b
        self.size += 1
        return 0

    cdef inline int u16(self, uint16_t v) except -1:
        self.reserve(2)
        self.data[self.size] = v >> 8
        self.data[self.size + 1] = v & 0xff
        self.size += 2
        return 0

    cdef inline void put32(self, Py_ssize_t at, uint32_t v) noexcept:
        self.data[at] = v >> 24
        self.data[at + 1] = (v >> 16) & 0xff
        self.data[at + 2] = (v >> 8) & 0xff
        self.data[at + 3] = v & 0xff

    cdef inline int u32(self, uint32_t v) except -1:
        self.reserve(4)
        self.put32(self.size, v)
        self.size += 4
        return 0

    cdef inline int u64(self, uint64_t v) except -1:
        self.reserve(8)
        self.put32(self.size, <uint32_t>(v >> 32))
        self.put32(self.size + 4, <uint32_t>(v & 0xffffffffu))
        self.size += 8
        return 0

    cdef inline int raw(self, const void *p, Py_ssize_t n) except -1:
        self.reserve(n)
        if n:
            memcpy(self.data + self.size, p, n)
        self.size += n
        return 0

    cdef inline int variable(self, unsigned char small_code, unsigned char large_code, const char *p,
                             Py_ssize_t n) except -1:
        """A string, symbol or binary: one-byte size when it fits, else four."""
        if n < 256:
            self.reserve(2 + n)
            self.data[self.size] = small_code
            self.data[self.size + 1] = <unsigned char>n
            self.size += 2
        else:
            self.reserve(5 + n)
            self.data[self.size] = large_code
            self.put32(self.size + 1, <uint32_t>n)
            self.size += 5
        if n:
            memcpy(self.data + self.size, p, n)
            self.size += n
        return 0


# -- 1. leased buffers ------------------------------------------------------------------------

# A pooled buffer keeps what it grew to for the next message, up to this much; one that grew larger
# (for one huge message) is shrunk back when it is handed back.
DEF KEEP_MAX = 1048576
DEF SHRINK_TO = 65536

DEF DATA_SCRATCH_SIZE = 65536      # Data.encode's first try: one encoder pass into this, then copied
DEF SPARE_MAX_NODES = 512
DEF SPARE_MAX_BYTES = 16384


cdef class ThreadPools:
    """The pooled buffers and free lists of one thread (see the rule at the top of this file)."""

    def __cinit__(self):
        self.rx = EncodeBuffer()
        self.tx = EncodeBuffer()

    def __dealloc__(self):
        # Only C memory is freed here, and nothing here runs Python code.
        if self.scratch_message != NULL:
            c_message.pn_message_free(self.scratch_message)
            self.scratch_message = NULL
        if self.data_scratch != NULL:
            free(self.data_scratch)
            self.data_scratch = NULL
        while self.spare_count > 0:
            self.spare_count -= 1
            c_codec.pn_data_free(self.spare_trees[self.spare_count])


cdef extern from *:
    """
    static unsigned long long cyproton_thread_id(void) {
        return (unsigned long long)PyThreadState_GetID(PyThreadState_Get());
    }
    """
    unsigned long long thread_id "cyproton_thread_id" () noexcept

# The last thread to ask for its pools, by the unique id of its thread state (ids are never reused,
# unlike addresses), and those pools: one strong reference, so no lookup while one thread asks.
cdef unsigned long long _pools_owner = 0
cdef ThreadPools _last_pools = None
cdef object _POOLS_KEY = "cyproton.pools"


cdef ThreadPools thread_pools():
    """This thread's pools, made the first time the thread asks. They live in the thread's state
    dict, so they go when the thread does; the one-slot cache in front is rewritten only after the
    lookup (which may run Python code) is done."""
    global _last_pools, _pools_owner
    cdef unsigned long long me = thread_id()
    cdef PyObject *found
    cdef PyObject *state
    cdef ThreadPools pools
    if _pools_owner == me and _last_pools is not None:
        return _last_pools
    state = PyThreadState_GetDict()
    if state == NULL:
        raise RuntimeError("cyproton: no thread state to keep this thread's buffers in")
    found = PyDict_GetItemWithError(<object>state, _POOLS_KEY)
    if found != NULL:
        pools = <ThreadPools>found
    else:
        pools = ThreadPools()
        PyDict_SetItem(<object>state, _POOLS_KEY, pools)
    old = _last_pools                 # dropped only once both halves of the cache are written
    _last_pools = pools
    _pools_owner = me
    old = None
    return pools


def _pools_of_this_thread():
    """This thread's ThreadPools object (for tests: one per thread, the same on each call)."""
    return thread_pools()


cdef inline EncodeBuffer lease_buffer(EncodeBuffer pooled):
    """``pooled``, emptied and now leased to the caller; a private buffer when it is out on lease."""
    if pooled.leased:
        return EncodeBuffer()
    pooled.leased = True
    pooled.size = 0
    return pooled


cdef inline void release_buffer(EncodeBuffer b) noexcept:
    """Hand back a buffer from lease_buffer() (a private one is simply dropped by its holder)."""
    cdef unsigned char *smaller
    if b.capacity > KEEP_MAX:
        smaller = <unsigned char *>realloc(b.data, SHRINK_TO)
        if smaller != NULL:
            b.data = smaller
            b.capacity = SHRINK_TO
    b.size = 0
    b.leased = False


cdef pn_message_t *lease_message(ThreadPools pools) except NULL:
    """The thread's cleared pn_message_t (filled by the engine encode path, when the direct encoder
    gives up), or a fresh one when it is out on lease."""
    cdef pn_message_t *m
    if not pools.scratch_message_leased:
        if pools.scratch_message == NULL:
            pools.scratch_message = c_message.pn_message()
            if pools.scratch_message == NULL:
                raise MemoryError()
        pools.scratch_message_leased = True
        c_message.pn_message_clear(pools.scratch_message)
        return pools.scratch_message
    m = c_message.pn_message()
    if m == NULL:
        raise MemoryError()
    return m


cdef void release_message(ThreadPools pools, pn_message_t *m) noexcept:
    if m == pools.scratch_message:
        pools.scratch_message_leased = False
    else:
        c_message.pn_message_free(m)


cdef char *lease_data_scratch(ThreadPools pools, size_t *size) noexcept:
    """The thread's Data encode scratch (its size in ``size``), or NULL when it is out on lease or
    cannot be had."""
    size[0] = 0
    if pools.data_scratch_leased:
        return NULL
    if pools.data_scratch == NULL:
        pools.data_scratch = <char *>malloc(DATA_SCRATCH_SIZE)
        if pools.data_scratch == NULL:
            return NULL
    pools.data_scratch_leased = True
    size[0] = DATA_SCRATCH_SIZE
    return pools.data_scratch


cdef inline void release_data_scratch(ThreadPools pools) noexcept:
    pools.data_scratch_leased = False


# -- 2. free lists ----------------------------------------------------------------------------
# Data objects come and go by the thousand (one per put_object/encode or decode/get_object in
# application code): a few cleared pn_data_t are kept for the next Data, with their node array and
# byte buffer already grown. Only small ones are kept, so the spares hold little memory.

cdef extern from *:
    """
    /* The head of the engine's pn_data_t (core/data.h of the pinned engine version), read only to
       see how much memory a tree holds before keeping it as a spare; checked at import time
       against the public API, and spares are not kept if the layout does not match. */
    typedef struct {
        void *nodes;
        void *buf;
        void *error;
        uint16_t capacity;
        uint16_t size;
    } cyproton_data_head;
    size_t pn_buffer_capacity(void *buf);

    static size_t cyproton_data_node_capacity(pn_data_t *d) {
        return ((cyproton_data_head *)d)->capacity;
    }
    static size_t cyproton_data_node_count(pn_data_t *d) {
        return ((cyproton_data_head *)d)->size;
    }
    static size_t cyproton_data_buffer_capacity(pn_data_t *d) {
        void *buf = ((cyproton_data_head *)d)->buf;
        return buf ? pn_buffer_capacity(buf) : 0;
    }
    """
    size_t data_node_capacity "cyproton_data_node_capacity" (pn_data_t *d) noexcept
    size_t data_node_count "cyproton_data_node_count" (pn_data_t *d) noexcept
    size_t data_buffer_capacity "cyproton_data_buffer_capacity" (pn_data_t *d) noexcept


cdef bint _spares_allowed = False


cdef bint _data_layout_matches():
    """Whether cyproton_data_head reads what the public API reports, on a tree made for the test."""
    cdef pn_data_t *d = c_codec.pn_data(7)
    cdef bint ok
    if d == NULL:
        return False
    ok = data_node_capacity(d) == 7 and data_node_count(d) == 0 and data_buffer_capacity(d) == 0
    c_codec.pn_data_put_int(d, 1)
    c_codec.pn_data_put_string(d, c_types.pn_bytes(5, b"hello"))
    ok = ok and data_node_count(d) == c_codec.pn_data_size(d) == 2 and data_buffer_capacity(d) >= 5
    c_codec.pn_data_free(d)
    return ok


_spares_allowed = _data_layout_matches()


def _tree_spares_enabled():
    """Whether freed Data trees are kept for reuse (the engine layout check passed)."""
    return _spares_allowed


cdef pn_data_t *take_tree(size_t capacity) noexcept:
    """A cleared spare tree of this thread, else a new one (NULL when out of memory)."""
    cdef ThreadPools pools
    try:
        pools = thread_pools()
    except BaseException:
        return c_codec.pn_data(capacity)
    if pools.spare_count > 0:
        pools.spare_count -= 1
        return pools.spare_trees[pools.spare_count]
    return c_codec.pn_data(capacity)


cdef void give_back_tree(pn_data_t *d) noexcept:
    """Free ``d``, or keep it cleared as a spare of this thread when it is small."""
    cdef ThreadPools pools
    if (_spares_allowed and data_node_capacity(d) <= SPARE_MAX_NODES
            and data_buffer_capacity(d) <= SPARE_MAX_BYTES):
        try:
            pools = thread_pools()
        except BaseException:
            pools = None
        if pools is not None and pools.spare_count < SPARE_TREES:
            c_codec.pn_data_clear(d)
            pools.spare_trees[pools.spare_count] = d
            pools.spare_count += 1
            return
    c_codec.pn_data_free(d)


# -- 2. free lists: the spare Event -----------------------------------------------------------

cdef extern from *:
    """
    /* Whether nothing has been attached to o: no weak reference to it and no instance attribute
       (a dict the type keeps at an offset we cannot read counts as attached). */
    static int cyproton_unmarked_object(PyObject *o) {
        PyTypeObject *tp = Py_TYPE(o);
        if (tp->tp_weaklistoffset > 0 && *(PyObject **)((char *)o + tp->tp_weaklistoffset) != NULL)
            return 0;
        if (tp->tp_dictoffset > 0) {
            PyObject *dict = *(PyObject **)((char *)o + tp->tp_dictoffset);
            return dict == NULL || PyDict_GET_SIZE(dict) == 0;
        }
        return tp->tp_dictoffset == 0;
    }
    """
    bint unmarked_object "cyproton_unmarked_object" (object o)


# One Event the loop has finished with, kept to carry the next engine event (event_from_engine,
# events.pyx): most events are seen only during their dispatch, and reusing the object saves making
# and freeing one per event. A free list of one, under rule 2 above: taken by one caller outright,
# put back only when nothing else refers to it, checked as the last step.
cdef void recycle_event(CEvent ev) noexcept:
    """Keep ``ev`` as this thread's spare Event if nothing but the caller holds it (no other
    reference, no weak reference, no attribute set on it); otherwise leave it to be freed as usual."""
    cdef ThreadPools pools
    if Py_REFCNT(ev) != 1 or type(ev) is not T_Event or not unmarked_object(ev):
        return
    # Dropping what the event held may run Python code (a __del__, a collection, a thread switch):
    # that is done first, and the event is kept only if it is still unreferenced after it.
    ev._release_engine_objects()
    ev._type = None
    ev._clsname = None
    ev._cls = NULL
    ev._pycontext = None
    ev._container = None
    ev.message = None
    ev._number = 0
    try:
        pools = thread_pools()
    except BaseException:
        return
    if pools.spare_event is None and Py_REFCNT(ev) == 1 and unmarked_object(ev):
        pools.spare_event = ev


cdef inline CEvent fresh_event():
    """This thread's spare Event, taken outright, or a new one."""
    cdef ThreadPools pools = thread_pools()
    cdef CEvent ev = pools.spare_event
    if ev is not None:
        pools.spare_event = None
        return ev
    return new_instance(T_Event)
