# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# The per-delivery part of cyproton.aio (src/cyproton/aio/_api.py), in C on the loop's thread:
# a sender's messages that wait for credit go out here, and the future of each unsettled one is
# resolved here when the peer's outcome arrives. The Python layer keeps the API, the errors and
# everything that happens once per link or connection.
#
# A sender's state sits in its engine link's record (AIO_KEY), so that the outcome callbacks find
# it from the delivery alone. It holds no reference to the link wrapper (the record would keep the
# link alive through it); the Python Sender passes its link to pour() and removes the state with
# detach() when the link ends.

cdef char _AIO_KEY_ANCHOR = 0
cdef pn_handle_t AIO_KEY = <pn_handle_t>&_AIO_KEY_ANCHOR


cdef class AioSendState:
    """The messages of one cyproton.aio Sender waiting for credit, and its unsettled futures."""

    cdef object pending         # collections.deque of (message, future), filled by send_nowait
    cdef dict unsettled         # address of the engine delivery -> the future of its outcome
    cdef bint presettled
    cdef object accepted        # what an accepted delivery's future gets (Disposition.ACCEPTED)
    cdef object failure         # failure(delivery) -> the exception of a rejected/released/modified one

    def __init__(self, CLink link, pending, bint presettled, accepted, failure):
        self.pending = pending
        self.unsettled = {}
        self.presettled = presettled
        self.accepted = accepted
        self.failure = failure
        record_set(c_link.pn_link_attachments(link._l()), AIO_KEY, self)

    def pour(self, CLink link):
        """Send what waits, as far as the link's credit goes."""
        cdef pn_link_t *l = link._l()
        cdef pn_delivery_t *d
        pending = self.pending
        while pending and c_link.pn_link_credit(l) > 0:
            message, future = pending.popleft()
            if future.cancelled():
                continue                # given up before it could go: not sent
            delivery = send_message(link, <CMessage?>message, None)
            d = (<CDelivery>delivery)._dl()
            if self.presettled or c_delivery.pn_delivery_settled(d):
                if not future.done():
                    future.set_result(None)
            else:
                self.unsettled[<intptr_t>d] = future

    def take_unsettled(self):
        """The futures still waiting for an outcome, forgotten here (the link has ended)."""
        futures = list(self.unsettled.values())
        self.unsettled.clear()
        return futures

    def detach(self, CLink link):
        record_set(c_link.pn_link_attachments(link._l()), AIO_KEY, None)


def _aio_outcome(handler, CEvent event):
    """on_accepted, on_rejected, on_released and on_settled of cyproton.aio's core: resolve the
    future of the delivery the peer has settled or given an outcome."""
    cdef pn_delivery_t *d = event._dlv
    cdef uint64_t code
    cdef AioSendState state
    if d == NULL:
        return
    found = record_get(c_link.pn_link_attachments(c_delivery.pn_delivery_link(d)), AIO_KEY)
    if found is None:
        return
    state = <AioSendState>found
    future = state.unsettled.pop(<intptr_t>d, None)
    if future is None or future.done():
        return
    code = c_delivery.pn_delivery_remote_state(d)
    if code == c_disposition.PN_ACCEPTED:
        future.set_result(state.accepted)
    elif code == c_disposition.PN_REJECTED or code == c_disposition.PN_RELEASED \
            or code == c_disposition.PN_MODIFIED:
        future.set_exception(state.failure(event.delivery))
    else:                               # settled with no outcome
        future.set_result(event.delivery.remote_state)
