# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# Engine result codes become Python exceptions here and nowhere else. The exception
# classes and the code -> class table are plain Python (proton._exceptions).

from proton._exceptions import (
    ConnectionException, DataException, LinkException, MessageException, ProtonException,
    SessionException, SSLException, SSLUnavailable, TransportException, error_for_code,
)


cdef object _error_text(pn_error_t *error):
    cdef const char *text = NULL
    if error != NULL:
        text = c_error.pn_error_text(error)
    if text == NULL:
        return ""
    return text.decode("utf-8", "replace")


cdef inline int check(int code, pn_error_t *error, object default) except -1:
    """Return ``code`` unchanged when it is not an error; raise the matching exception otherwise."""
    if code < 0:
        raise error_for_code(code, _error_text(error), default)
    return code
