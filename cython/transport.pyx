# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# The transport (the AMQP protocol engine of one connection), its SASL and TLS layers, and
# the engine's log output. Engine log lines go through one sink here: it removes SASL
# secrets (the initial response of sasl-init carries a PLAIN password) before anything is
# printed or handed to a user's tracer. A transport's tracer gets every line; otherwise a line
# goes to the Python logger "proton.engine.<subsystem>" when the application has configured
# logging to show it (a handler that is not a NullHandler, and the level enabled), else frame
# traces and debug lines go to stderr, as in python-qpid-proton.

import logging as _logging
import re as _re

cdef object _engine_log = _logging.getLogger("proton")
cdef dict _engine_loggers = {}


cdef object _configured_logger(str subsystem, int level):
    """The logger for an engine line of ``subsystem`` at Python ``level``, when logging is set up to
    show it; None when it is not (then the line goes where python-qpid-proton sends it)."""
    logger = _engine_loggers.get(subsystem)
    if logger is None:
        logger = _engine_loggers[subsystem] = _logging.getLogger("proton.engine." + subsystem.lower())
    if not logger.isEnabledFor(level):
        return None
    current = logger
    while current is not None:
        for handler in current.handlers:
            if not isinstance(handler, _logging.NullHandler):
                return logger
        if not current.propagate:
            return None
        current = current.parent
    return None
cdef object _SECRET = _re.compile(r"(initial-response=)(b?\"(?:[^\"\\]|\\.)*\"|[^,\]\s]+)")
cdef object _SECRET2 = _re.compile(r"(@sasl-(?:init|response)\(\d+\) \[[^\]]*?, )(b?\"(?:[^\"\\]|\\.)*\")")


def redact(text):
    """``text`` with SASL credentials in frame traces replaced by ``<redacted>``."""
    text = _SECRET.sub(r"\1<redacted>", text)
    text = _SECRET2.sub(r"\1<redacted>", text)
    # TLS "decrypted data" traces quote the bytes: a sasl-init (descriptor 0x41) or sasl-response
    # (0x43) in them shows as \x00SA / \x00SC; everything quoted after that goes.
    return _SECRET_QUOTED.sub(r"\1<redacted>", text)


# Raw traces (PN_TRACE_RAW) dump each frame as lines of 16 bytes, hex then text:
# "->0010/0024: 50 4c 41 49 4e a0 0d 00 61 6c 69 63 65 00 73 33 PLAIN...alice.s3". A SASL frame
# (type byte 1) whose performative is sasl-init or sasl-response carries credentials: its bytes
# after the descriptor are written as ** (hex) and * (text), on its first line and on every
# following line of the same dump, in either direction (a server's trace shows what clients sent).
cdef object _SECRET_QUOTED = _re.compile(r"(\\x00S[AC])(?:[^\"\\]|\\.)*")
cdef object _RAW_LINE = _re.compile(r"(<-|->)([0-9a-f]{4})/([0-9a-f]{4,}): ((?:[0-9a-f]{2} |   ){16})(.*)", _re.S)
# (transport address, direction) -> True while the lines of a secret frame's dump are coming
cdef dict _raw_secret_dumps = {}


cdef object redact_raw_line(size_t transport, object text):
    """``text`` (one line of a raw frame dump, or anything else) with SASL credentials masked."""
    cdef Py_ssize_t offset, size, keep, doff, i
    found = _RAW_LINE.fullmatch(text)
    if found is None:
        return text
    direction, offset, size = found.group(1), int(found.group(2), 16), int(found.group(3), 16)
    key = (transport, direction)
    hexes = found.group(4).split()
    if offset == 0:
        _raw_secret_dumps.pop(key, None)
        if len(hexes) < 6 or hexes[5] != "01":
            return text                                  # not a SASL frame
        doff = int(hexes[4], 16) * 4
        if doff + 3 <= len(hexes) and hexes[doff:doff + 2] == ["00", "53"] and hexes[doff + 2] not in ("41", "43"):
            return text                                  # sasl-mechanisms, -challenge, -outcome: no secret
        keep = min(doff + 3, len(hexes)) if doff + 3 <= len(hexes) else 6
        if size > 16:
            _raw_secret_dumps[key] = True
    elif key in _raw_secret_dumps:
        keep = 0
        if offset + 16 >= size:
            del _raw_secret_dumps[key]
    else:
        return text
    shown_hex = [h if i < keep else "**" for i, h in enumerate(hexes)]
    shown_text = found.group(5)[:keep] + "*" * max(0, len(hexes) - keep)
    return "%s%s/%s: %s%s" % (direction, found.group(2), found.group(3),
                              "".join(h + " " for h in shown_hex) + "   " * (16 - len(hexes)), shown_text)


# OpenSSL's words when the two sides share no TLS version; then say how to allow the old ones.
cdef object _TLS_VERSION_REFUSED = _re.compile(r"^SSL Failure: .*(unsupported protocol|protocol version|"
                                               r"no protocols available|version too low)")
cdef str _LEGACY_TLS_HINT = (" (TLS 1.0 and 1.1 are disabled by default; a peer that needs them can be allowed with "
                             "SSLDomain.set_protocol_range(\"TLSv1\", \"TLSv1.3\"))")

cdef char _TRACER_KEY_ANCHOR = 0
cdef pn_handle_t TRACER_KEY = <pn_handle_t>&_TRACER_KEY_ANCHOR


cdef void _log_sink(intptr_t context, c_logger.pn_log_subsystem_t subsystem, c_logger.pn_log_level_t level,
                    const char *message) noexcept with gil:
    cdef pn_transport_t *t = <pn_transport_t *>context
    try:
        text = redact(PyUnicode_DecodeUTF8(message, strlen(message), "replace"))
        if level & c_logger.PN_LEVEL_RAW:
            text = redact_raw_line(<size_t>t, text)
        level_name = c_logger.pn_logger_level_name(level).decode()
        tracer = record_get(c_transport.pn_transport_attachments(t), TRACER_KEY) if t != NULL else None
        if tracer is not None:
            # the text a tracer receives, as python-qpid-proton gives it: "FRAME: 0 -> @open(16) ..."
            tracer(wrap_transport(t), "%s: %s" % (level_name, text))
            return
        subsystem_name = c_logger.pn_logger_subsystem_name(subsystem).decode()
        if level & (c_logger.PN_LEVEL_CRITICAL | c_logger.PN_LEVEL_ERROR):
            py_level = _logging.ERROR
        elif level & c_logger.PN_LEVEL_WARNING:
            py_level = _logging.WARNING
        elif level & c_logger.PN_LEVEL_INFO:
            py_level = _logging.INFO
        else:
            py_level = _logging.DEBUG
        logger = _configured_logger(subsystem_name, py_level)
        if logger is not None:
            logger.log(py_level, "[0x%x]: %s: %s", <size_t>t, level_name, text)
        elif level & (c_logger.PN_LEVEL_FRAME | c_logger.PN_LEVEL_RAW | c_logger.PN_LEVEL_TRACE
                      | c_logger.PN_LEVEL_DEBUG):
            import sys
            sys.stderr.write("[0x%x]: %s:%s:%s\n" % (<size_t>t, subsystem_name, level_name, text))
            sys.stderr.flush()
        elif py_level >= _logging.WARNING:
            _engine_log.log(py_level, "%s", text)
        else:
            _engine_log.debug("%s", text)
    except BaseException:
        pass


cdef void install_log_sink(pn_transport_t *t) noexcept:
    c_logger.pn_logger_set_log_sink(c_transport.pn_transport_logger(t), _log_sink, <intptr_t>t)


cdef class CTransport(CWrapper):
    """Base of :class:`proton.Transport`."""


    cdef pn_record_t *_record(self) noexcept:
        return c_transport.pn_transport_attachments(<pn_transport_t *>self._impl)

    cdef int _check(self, int err) except -1:
        if err < 0:
            return check(err, c_transport.pn_transport_error(self._t()), TransportException)
        return err

    def _new_engine_object(self, bint server):
        cdef pn_transport_t *t
        if self._impl != NULL:
            return False
        t = c_transport.pn_transport()
        if t == NULL:
            raise TransportException("could not create a transport (out of memory?)")
        if server:
            c_transport.pn_transport_set_server(t)
        install_log_sink(t)
        self._impl = t
        share_attributes(self)
        return True

    def bind(self, connection):
        """Attach ``connection`` to this transport."""
        self._check(c_transport.pn_transport_bind(self._t(), <pn_connection_t *>(<CWrapper?>connection)._ptr()))

    def bind_nothrow(self, connection):
        """Like :meth:`bind`, ignoring errors."""
        c_transport.pn_transport_bind(self._t(), <pn_connection_t *>(<CWrapper?>connection)._ptr())

    def unbind(self):
        """Detach the connection."""
        self._check(c_transport.pn_transport_unbind(self._t()))

    def trace(self, int n):
        """Turn protocol tracing on (Transport.TRACE_FRM, TRACE_RAW, TRACE_DRV) or off (TRACE_OFF)."""
        c_transport.pn_transport_trace(self._t(), n)

    @property
    def tracer(self):
        """A callable(transport, message) that receives trace and log lines instead of stderr."""
        return record_get(self._record(), TRACER_KEY)

    @tracer.setter
    def tracer(self, tracer):
        record_set(self._record(), TRACER_KEY, tracer)

    def log(self, message):
        """Write ``message`` to the transport's log (tracer or stderr)."""
        cdef bytes b = c_arg(message)
        c_transport.pn_transport_log(self._t(), c_ptr(b))

    def require_auth(self, bint bool):
        """Refuse peers that do not authenticate."""
        c_transport.pn_transport_require_auth(self._t(), bool)

    @property
    def authenticated(self):
        return c_transport.pn_transport_is_authenticated(self._t())

    def require_encryption(self, bint bool):
        """Refuse peers that do not encrypt."""
        c_transport.pn_transport_require_encryption(self._t(), bool)

    @property
    def encrypted(self):
        return c_transport.pn_transport_is_encrypted(self._t())

    @property
    def user(self):
        """The authenticated user (server side), or the user given (client side)."""
        return opt_str(c_transport.pn_transport_get_user(self._t()))

    def tick(self, now):
        """Process timers at time ``now`` (seconds); return the next deadline in seconds (0: none)."""
        return c_transport.pn_transport_tick(self._t(), <int64_t>(now * 1000)) / 1000.0

    def capacity(self):
        """How many input bytes the transport can take now (negative: input closed)."""
        cdef ssize_t c = c_transport.pn_transport_capacity(self._t())
        if c >= 0 or c == c_error.PN_EOS:
            return c
        return self._check(<int>c)

    def push(self, binary):
        """Feed received bytes to the transport."""
        cdef const unsigned char[::1] view = binary
        cdef ssize_t n
        if view.shape[0] == 0:
            return
        n = c_transport.pn_transport_push(self._t(), <const char *>&view[0], view.shape[0])
        self._check(<int>n if n < 0 else 0)
        if n != view.shape[0]:
            raise OverflowError("unable to process all bytes: %d, %d" % (n, view.shape[0]))

    def close_tail(self):
        """Tell the transport no more input will come."""
        self._check(c_transport.pn_transport_close_tail(self._t()))

    def pending(self):
        """How many output bytes are waiting (negative: output closed)."""
        cdef ssize_t p = c_transport.pn_transport_pending(self._t())
        if p >= 0 or p == c_error.PN_EOS:
            return p
        return self._check(<int>p)

    def peek(self, size_t size):
        """Up to ``size`` output bytes, without consuming them (None when output is closed)."""
        cdef ssize_t pending = c_transport.pn_transport_pending(self._t())
        if pending < 0:
            if pending == c_error.PN_EOS:
                return None
            self._check(<int>pending)
        if <size_t>pending < size:
            size = pending
        return PyBytes_FromStringAndSize(c_transport.pn_transport_head(self._t()), size)

    def pop(self, size_t size):
        """Consume ``size`` output bytes."""
        c_transport.pn_transport_pop(self._t(), size)

    def close_head(self):
        """Tell the transport no more output will be taken."""
        self._check(c_transport.pn_transport_close_head(self._t()))

    @property
    def closed(self):
        return c_transport.pn_transport_closed(self._t())

    @property
    def max_frame_size(self):
        return c_transport.pn_transport_get_max_frame(self._t())

    @max_frame_size.setter
    def max_frame_size(self, uint32_t value):
        c_transport.pn_transport_set_max_frame(self._t(), value)

    @property
    def remote_max_frame_size(self):
        return c_transport.pn_transport_get_remote_max_frame(self._t())

    @property
    def channel_max(self):
        return c_transport.pn_transport_get_channel_max(self._t())

    @channel_max.setter
    def channel_max(self, uint16_t value):
        if c_transport.pn_transport_set_channel_max(self._t(), value):
            raise SessionException("Too late to change channel max.")

    @property
    def remote_channel_max(self):
        return c_transport.pn_transport_remote_channel_max(self._t())

    @property
    def idle_timeout(self):
        """Idle timeout in seconds: the peer must send something at least this often."""
        return c_transport.pn_transport_get_idle_timeout(self._t()) / 1000.0

    @idle_timeout.setter
    def idle_timeout(self, seconds):
        c_transport.pn_transport_set_idle_timeout(self._t(), <uint32_t>int(seconds * 1000))

    @property
    def remote_idle_timeout(self):
        return c_transport.pn_transport_get_remote_idle_timeout(self._t()) / 1000.0

    @property
    def frames_output(self):
        return c_transport.pn_transport_get_frames_output(self._t())

    @property
    def frames_input(self):
        return c_transport.pn_transport_get_frames_input(self._t())

    @property
    def condition(self):
        """The transport's error condition, or None."""
        cond = cond_to_obj(c_transport.pn_transport_condition(self._t()))
        if cond is None:
            return None
        # Set in the engine object's attribute dict, which every wrapper of it shares.
        hint = getattr(self, "_cyproton_auth_hint", None)
        if hint is not None and cond.name == "amqp:unauthorized-access":
            cond.description = f"{cond.description} ({hint})"
        elif cond.description and _TLS_VERSION_REFUSED.search(cond.description) \
                and not getattr(self, "_cyproton_tls_range_chosen", False):
            cond.description += _LEGACY_TLS_HINT
        return cond

    @condition.setter
    def condition(self, cond):
        obj_to_cond(cond, c_transport.pn_transport_condition(self._t()))

    @property
    def connection(self):
        return wrap_connection(c_transport.pn_transport_connection(self._t()))

    @property
    def _ssl(self):
        return self._ssl_obj

    @_ssl.setter
    def _ssl(self, value):
        self._ssl_obj = value


cdef class CSASL:
    """Base of :class:`proton.SASL`: the SASL layer of a transport."""

    cdef pn_sasl_t *_impl
    cdef object _transport          # keeps the transport alive

    def __cinit__(self, transport=None, *args, **kwargs):
        cdef CTransport t
        if transport is not None:
            t = <CTransport?>transport
            self._impl = c_sasl.pn_sasl(t._t())
            self._transport = transport

    cdef pn_sasl_t *_s(self) except NULL:
        if self._impl == NULL:
            raise TransportException("SASL is not attached to a transport")
        return self._impl

    def __eq__(self, other):
        if isinstance(other, CSASL):
            return self._impl == (<CSASL>other)._impl
        return NotImplemented

    def __ne__(self, other):
        if isinstance(other, CSASL):
            return self._impl != (<CSASL>other)._impl
        return NotImplemented

    def __hash__(self):
        return hash(<size_t>self._impl)

    def __repr__(self):
        return "<%s.%s 0x%x ~ 0x%x>" % (type(self).__module__, type(self).__name__, id(self), <size_t>self._impl)

    @staticmethod
    def extended():
        """Whether a full SASL implementation (Cyrus) is linked, rather than the built-in subset."""
        return c_sasl.pn_sasl_extended()

    @property
    def user(self):
        return opt_str(c_sasl.pn_sasl_get_user(self._s()))

    @property
    def authorization(self):
        return opt_str(c_sasl.pn_sasl_get_authorization(self._s()))

    @property
    def mech(self):
        return opt_str(c_sasl.pn_sasl_get_mech(self._s()))

    @property
    def outcome(self):
        cdef int o = c_sasl.pn_sasl_outcome(self._s())
        return None if o == c_sasl.PN_SASL_NONE else o

    def allowed_mechs(self, mechs):
        """Restrict the mechanisms to ``mechs`` (a space-separated str or a list)."""
        cdef bytes b
        if isinstance(mechs, (list, tuple)):
            mechs = " ".join(mechs)
        b = c_arg(mechs)
        c_sasl.pn_sasl_allowed_mechs(self._s(), c_ptr(b))
        hint = sasl_mechs_hint(mechs)
        if hint is not None:
            _engine_log.warning("cyproton: %s", hint)
        if hint is not None or hasattr(self._transport, "_cyproton_auth_hint"):
            self._transport._cyproton_auth_hint = hint   # read by CTransport.condition

    @property
    def allow_insecure_mechs(self):
        return c_sasl.pn_sasl_get_allow_insecure_mechs(self._s())

    @allow_insecure_mechs.setter
    def allow_insecure_mechs(self, insecure):
        c_sasl.pn_sasl_set_allow_insecure_mechs(self._s(), bool(insecure))

    def done(self, int outcome):
        """Server side: finish authentication with ``outcome``."""
        c_sasl.pn_sasl_done(self._s(), <c_sasl.pn_sasl_outcome_t>outcome)

    def config_name(self, name):
        """Name of the Cyrus configuration file (without .conf)."""
        cdef bytes b = c_arg(name)
        c_sasl.pn_sasl_config_name(self._s(), c_ptr(b))

    def config_path(self, path):
        """Directory of the Cyrus configuration (fixed by the first SASL use in the process)."""
        cdef bytes b = c_arg(path)
        c_sasl.pn_sasl_config_path(self._s(), c_ptr(b))


cdef class CSSLDomain:
    """Base of :class:`proton.SSLDomain`: TLS settings shared by connections."""

    cdef pn_ssl_domain_t *_impl
    cdef readonly int mode

    def __cinit__(self, *args, **kwargs):
        self._impl = NULL

    def _create(self, int mode):
        self._impl = c_ssl.pn_ssl_domain(<c_ssl.pn_ssl_mode_t>mode)
        self.mode = mode
        if self._impl != NULL:
            # TLS 1.2 and 1.3 only, whatever the OpenSSL build or its configuration would allow;
            # SSLDomain.set_protocol_range opts in to 1.0/1.1.
            c_ssl.pn_ssl_domain_set_protocols(self._impl, b"TLSv1.2 TLSv1.3")
        return self._impl != NULL

    def __dealloc__(self):
        if self._impl != NULL:
            c_ssl.pn_ssl_domain_free(self._impl)
            self._impl = NULL

    cdef pn_ssl_domain_t *_dom(self) except NULL:
        if self._impl == NULL:
            raise SSLUnavailable("TLS is not available")
        return self._impl

    cdef int _check(self, int err, what) except -1:
        if err < 0:
            raise SSLException("SSL failure: %s" % what)
        return err

    def set_credentials(self, cert_file, key_file, password):
        """Use the certificate in ``cert_file`` and the private key in ``key_file`` (opened with
        ``password``, if any)."""
        cdef bytes c = c_arg(cert_file), k = c_arg(key_file), p = c_arg(password)
        return self._check(c_ssl.pn_ssl_domain_set_credentials(self._dom(), c_ptr(c), c_ptr(k), c_ptr(p)),
                           "could not load credentials from %r / %r" % (cert_file, key_file))

    def set_trusted_ca_db(self, certificate_db):
        """Trust the CA certificates in ``certificate_db`` (a PEM file or directory)."""
        cdef bytes b = c_arg(certificate_db)
        return self._check(c_ssl.pn_ssl_domain_set_trusted_ca_db(self._dom(), c_ptr(b)),
                           "could not load trusted CAs from %r" % (certificate_db,))

    def set_peer_authentication(self, int verify_mode, trusted_CAs=None):
        """How to check the peer: VERIFY_PEER, VERIFY_PEER_NAME or ANONYMOUS_PEER."""
        cdef bytes b = c_arg(trusted_CAs)
        return self._check(c_ssl.pn_ssl_domain_set_peer_authentication(
            self._dom(), <c_ssl.pn_ssl_verify_mode_t>verify_mode, c_ptr(b)), "invalid peer authentication settings")

    def allow_unsecured_client(self):
        """Server side: also accept clients that do not use TLS."""
        return self._check(c_ssl.pn_ssl_domain_allow_unsecured_client(self._dom()),
                           "allow_unsecured_client is only for server domains")

    def _set_protocols(self, protocols):
        cdef bytes b = c_arg(protocols)
        return self._check(c_ssl.pn_ssl_domain_set_protocols(self._dom(), c_ptr(b)),
                           "unsupported protocol list %r" % (protocols,))

    def _set_ciphers(self, ciphers):
        cdef bytes b = c_arg(ciphers)
        return self._check(c_ssl.pn_ssl_domain_set_ciphers(self._dom(), c_ptr(b)),
                           "unsupported cipher list %r" % (ciphers,))


cdef class CSSL:
    """Base of :class:`proton.SSL`: the TLS layer of one transport."""

    cdef pn_ssl_t *_impl
    cdef object _transport
    cdef public object _domain
    cdef public object _session_details

    def _attach(self, transport, domain, session_id):
        cdef CTransport t = <CTransport?>transport
        cdef CSSLDomain dom = <CSSLDomain?>domain if domain is not None else None
        cdef bytes sid = c_arg(session_id)
        self._impl = c_ssl.pn_ssl(t._t())
        if self._impl == NULL:
            raise SSLUnavailable("TLS is not available in this build")
        self._transport = transport
        if dom is not None:
            if c_ssl.pn_ssl_init(self._impl, dom._dom(), c_ptr(sid)) < 0:
                raise SSLException("SSL failure: could not initialise TLS on the transport")

    cdef pn_ssl_t *_s(self) except NULL:
        if self._impl == NULL:
            raise SSLUnavailable("TLS is not available")
        return self._impl

    @staticmethod
    def present():
        """Whether TLS support is linked in."""
        return c_ssl.pn_ssl_present()

    def cipher_name(self):
        cdef char buf[128]
        if c_ssl.pn_ssl_get_cipher_name(self._s(), buf, sizeof(buf)):
            return buf.decode("utf-8", "replace")
        return None

    def protocol_name(self):
        cdef char buf[128]
        if c_ssl.pn_ssl_get_protocol_name(self._s(), buf, sizeof(buf)):
            return buf.decode("utf-8", "replace")
        return None

    def get_cert_subject_subfield(self, int subfield_name):
        return opt_str(c_ssl.pn_ssl_get_remote_subject_subfield(
            self._s(), <c_ssl.pn_ssl_cert_subject_subfield>subfield_name))

    def get_cert_subject(self):
        return opt_str(c_ssl.pn_ssl_get_remote_subject(self._s()))

    @property
    def remote_subject(self):
        return opt_str(c_ssl.pn_ssl_get_remote_subject(self._s()))

    def get_cert_fingerprint(self, int fingerprint_length, int digest_name):
        cdef bytes buf = PyBytes_FromStringAndSize(NULL, fingerprint_length)
        if c_ssl.pn_ssl_get_cert_fingerprint(self._s(), PyBytes_AS_STRING(buf), fingerprint_length,
                                             <c_ssl.pn_ssl_hash_alg>digest_name) != 0:
            return None
        return buf.split(b"\0", 1)[0].decode("ascii")

    def resume_status(self):
        return c_ssl.pn_ssl_resume_status(self._s())

    @property
    def peer_hostname(self):
        cdef char buf[1024]
        cdef size_t size = sizeof(buf)
        if c_ssl.pn_ssl_get_peer_hostname(self._s(), buf, &size) != 0:
            return None
        return buf[:size].decode("utf-8", "replace") if size else None

    @peer_hostname.setter
    def peer_hostname(self, hostname):
        cdef bytes b = c_arg(hostname)
        if c_ssl.pn_ssl_set_peer_hostname(self._s(), c_ptr(b)) < 0:
            raise SSLException("SSL failure: could not set the peer host name")
