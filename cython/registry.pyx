# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# The registry: every Python object the compiled code needs from the Python layer (the public
# classes it makes instances of or checks for, a few helpers) is a slot here, a module global
# named T_<name>, and proton/_bind.py fills them all with one bind() call once the package's
# modules are loaded, then check_bound() refuses to go on with one left empty. The event
# numbers go the other way: the engine's come from its header (ENGINE_EVENTS below), and the
# numbers the Python layer gives the loop's own events are bound here with the classes.
# bind() may be called again later for one slot (tracing and metrics put their Sender in).

# used by codec.pyx; from proton._data
cdef object T_symbol = None, T_char = None, T_timestamp = None, T_ubyte = None, T_ushort = None
cdef object T_uint = None, T_ulong = None, T_byte = None, T_short = None, T_int32 = None, T_float32 = None
cdef object T_decimal32 = None, T_decimal64 = None, T_decimal128 = None, T_Described = None, T_Array = None
cdef object T_UNDESCRIBED = None, T_AnnotationDict = None, T_PropertyDict = None, T_SymbolList = None
cdef object T_UnmappedType = None, T_Data = None, T_annotation_key = None
# used by engine.pyx; from proton._endpoints, proton._delivery, proton._transport, proton._message, proton._handler
cdef object T_Connection = None, T_Session = None, T_Sender = None, T_Receiver = None, T_Terminus = None
cdef object T_Delivery = None, T_Disposition = None, T_DispositionType = None, T_Condition = None
cdef object T_Transport = None, T_Handler = None, T_Message = None
# used by events.pyx; from proton._events, proton._handlers
cdef object T_Event = None, T_Reject = None, T_Release = None
# used by handlers.pyx; from proton._handlers
cdef object T_FlowController = None, T_EndpointStateHandler = None, T_IncomingMessageHandler = None
cdef object T_OutgoingMessageHandler = None

cdef tuple SLOT_NAMES = (
    "symbol", "char", "timestamp", "ubyte", "ushort", "uint", "ulong", "byte", "short", "int32", "float32",
    "decimal32", "decimal64", "decimal128", "Described", "Array", "UNDESCRIBED", "AnnotationDict",
    "PropertyDict", "SymbolList", "UnmappedType", "Data", "annotation_key", "Connection", "Session", "Sender",
    "Receiver", "Terminus", "Delivery", "Disposition", "DispositionType", "Condition", "Transport", "Handler",
    "Message", "Event", "Reject", "Release", "FlowController", "EndpointStateHandler",
    "IncomingMessageHandler", "OutgoingMessageHandler",)


cdef dict BOUND = {}         # slot name -> what was bound to it


cdef int bind_slot(str name, object value) except -1:
    """Fill the slot ``name`` (TypeError for a name that is no slot)."""
    global T_symbol, T_char, T_timestamp, T_ubyte, T_ushort, T_uint, T_ulong, T_byte, T_short, T_int32
    global T_float32, T_decimal32, T_decimal64, T_decimal128, T_Described, T_Array, T_UNDESCRIBED
    global T_AnnotationDict, T_PropertyDict, T_SymbolList, T_UnmappedType, T_Data, T_annotation_key
    global T_Connection, T_Session, T_Sender, T_Receiver, T_Terminus, T_Delivery, T_Disposition
    global T_DispositionType, T_Condition, T_Transport, T_Handler, T_Message, T_Event, T_Reject, T_Release
    global T_FlowController, T_EndpointStateHandler, T_IncomingMessageHandler, T_OutgoingMessageHandler
    if name == "symbol":
        T_symbol = value
    elif name == "char":
        T_char = value
    elif name == "timestamp":
        T_timestamp = value
    elif name == "ubyte":
        T_ubyte = value
    elif name == "ushort":
        T_ushort = value
    elif name == "uint":
        T_uint = value
    elif name == "ulong":
        T_ulong = value
    elif name == "byte":
        T_byte = value
    elif name == "short":
        T_short = value
    elif name == "int32":
        T_int32 = value
    elif name == "float32":
        T_float32 = value
    elif name == "decimal32":
        T_decimal32 = value
    elif name == "decimal64":
        T_decimal64 = value
    elif name == "decimal128":
        T_decimal128 = value
    elif name == "Described":
        T_Described = value
    elif name == "Array":
        T_Array = value
    elif name == "UNDESCRIBED":
        T_UNDESCRIBED = value
    elif name == "AnnotationDict":
        T_AnnotationDict = value
    elif name == "PropertyDict":
        T_PropertyDict = value
    elif name == "SymbolList":
        T_SymbolList = value
    elif name == "UnmappedType":
        T_UnmappedType = value
    elif name == "Data":
        T_Data = value
    elif name == "annotation_key":
        T_annotation_key = value
    elif name == "Connection":
        T_Connection = value
    elif name == "Session":
        T_Session = value
    elif name == "Sender":
        T_Sender = value
    elif name == "Receiver":
        T_Receiver = value
    elif name == "Terminus":
        T_Terminus = value
    elif name == "Delivery":
        T_Delivery = value
    elif name == "Disposition":
        T_Disposition = value
    elif name == "DispositionType":
        T_DispositionType = value
    elif name == "Condition":
        T_Condition = value
    elif name == "Transport":
        T_Transport = value
    elif name == "Handler":
        T_Handler = value
    elif name == "Message":
        T_Message = value
    elif name == "Event":
        T_Event = value
    elif name == "Reject":
        T_Reject = value
    elif name == "Release":
        T_Release = value
    elif name == "FlowController":
        T_FlowController = value
    elif name == "EndpointStateHandler":
        T_EndpointStateHandler = value
    elif name == "IncomingMessageHandler":
        T_IncomingMessageHandler = value
    elif name == "OutgoingMessageHandler":
        T_OutgoingMessageHandler = value
    else:
        raise TypeError("bind() has no slot %r" % name)
    BOUND[name] = value
    return 0


# The engine's event types the Python layer names (proton/event.h's numbers, its names lower-cased
# without PN_): Event.<NAME> for each, numbered as the engine numbers them.
ENGINE_EVENTS = (
    (c_event.PN_TIMER_TASK, "timer_task"),
    (c_event.PN_CONNECTION_INIT, "connection_init"),
    (c_event.PN_CONNECTION_BOUND, "connection_bound"),
    (c_event.PN_CONNECTION_UNBOUND, "connection_unbound"),
    (c_event.PN_CONNECTION_LOCAL_OPEN, "connection_local_open"),
    (c_event.PN_CONNECTION_REMOTE_OPEN, "connection_remote_open"),
    (c_event.PN_CONNECTION_LOCAL_CLOSE, "connection_local_close"),
    (c_event.PN_CONNECTION_REMOTE_CLOSE, "connection_remote_close"),
    (c_event.PN_CONNECTION_FINAL, "connection_final"),
    (c_event.PN_SESSION_INIT, "session_init"),
    (c_event.PN_SESSION_LOCAL_OPEN, "session_local_open"),
    (c_event.PN_SESSION_REMOTE_OPEN, "session_remote_open"),
    (c_event.PN_SESSION_LOCAL_CLOSE, "session_local_close"),
    (c_event.PN_SESSION_REMOTE_CLOSE, "session_remote_close"),
    (c_event.PN_SESSION_FINAL, "session_final"),
    (c_event.PN_LINK_INIT, "link_init"),
    (c_event.PN_LINK_LOCAL_OPEN, "link_local_open"),
    (c_event.PN_LINK_REMOTE_OPEN, "link_remote_open"),
    (c_event.PN_LINK_LOCAL_CLOSE, "link_local_close"),
    (c_event.PN_LINK_REMOTE_CLOSE, "link_remote_close"),
    (c_event.PN_LINK_LOCAL_DETACH, "link_local_detach"),
    (c_event.PN_LINK_REMOTE_DETACH, "link_remote_detach"),
    (c_event.PN_LINK_FLOW, "link_flow"),
    (c_event.PN_LINK_FINAL, "link_final"),
    (c_event.PN_DELIVERY, "delivery"),
    (c_event.PN_TRANSPORT, "transport"),
    (c_event.PN_TRANSPORT_AUTHENTICATED, "transport_authenticated"),
    (c_event.PN_TRANSPORT_ERROR, "transport_error"),
    (c_event.PN_TRANSPORT_HEAD_CLOSED, "transport_head_closed"),
    (c_event.PN_TRANSPORT_TAIL_CLOSED, "transport_tail_closed"),
    (c_event.PN_TRANSPORT_CLOSED, "transport_closed"),
)


cdef extern from *:
    """
    /* Give the Python class cls the attribute hook of compiled, the compiled class it derives from. */
    static void cyproton_copy_getattro(PyObject *cls, PyObject *compiled) {
        ((PyTypeObject *)cls)->tp_getattro = ((PyTypeObject *)compiled)->tp_getattro;
        PyType_Modified((PyTypeObject *)cls);     /* what the interpreter cached about cls is redone */
    }
    static int cyproton_getattro_differs(PyObject *cls, PyObject *compiled) {
        return ((PyTypeObject *)cls)->tp_getattro != ((PyTypeObject *)compiled)->tp_getattro
            && ((PyTypeObject *)compiled)->tp_getattro != PyObject_GenericGetAttr;
    }
    static int cyproton_is_heap_type(PyObject *t) {
        return (((PyTypeObject *)t)->tp_flags & Py_TPFLAGS_HEAPTYPE) != 0;
    }
    """
    void copy_getattro "cyproton_copy_getattro" (object cls, object compiled)
    bint getattro_differs "cyproton_getattro_differs" (object cls, object compiled)
    bint is_heap_type "cyproton_is_heap_type" (object t)


def _fast_attribute_reads(cls):
    """Let the Python class ``cls`` read attributes through its compiled base's C hook; True when
    it does so (now or already).

    CWrapper and CEvent have a ``__getattr__`` (the shared attributes of an engine object, the
    event's context fallback). CPython gives every Python subclass of such a class a generic hook
    that looks ``__getattribute__`` and ``__getattr__`` up again on each read, which costs more
    than the read itself. When no Python class on the way defines either name, the compiled
    class's own hook does exactly the same (the normal lookup, then ``__getattr__``), so the class
    gets that one. A class that defines either keeps CPython's hook, and setting either on a class
    later makes CPython work the hook out again."""
    if not isinstance(cls, type):
        return False
    compiled = None
    for t in cls.__mro__:
        if is_heap_type(t):
            d = t.__dict__
            if "__getattr__" in d or "__getattribute__" in d:
                return False
        elif compiled is None:
            compiled = t
    if compiled is None or compiled is object:
        return False
    if getattro_differs(cls, compiled):
        copy_getattro(cls, compiled)
    return True


def bind(*, event_types=None, loop_events=None, **objects):
    """Fill slots by name (``Connection=proton.Connection, ...``); ``event_types`` maps event numbers
    to EventType objects, ``loop_events`` the names of the loop's own events to their numbers.
    Each class bound reads its attributes through its compiled base's hook when it can
    (_fast_attribute_reads)."""
    for name, value in objects.items():
        bind_slot(name, value)
        if isinstance(value, type) and issubclass(value, (CWrapper, CEvent)):
            _fast_attribute_reads(value)
    if event_types is not None:
        for number, etype in event_types.items():
            add_event_type(number, etype)
    if loop_events is not None:
        bind_loop_events(loop_events)
    codec_bound()
    fast_handlers_bound()


def check_bound():
    """ImportError unless every slot and the loop's event numbers are bound."""
    missing = [name for name in SLOT_NAMES if BOUND.get(name) is None]
    if not loop_events_bound():
        missing.append("loop_events")
    if missing:
        raise ImportError("proton._cproton: the Python layer left unbound: " + ", ".join(missing))


def bound():
    """What each slot holds (a copy), for tests and diagnostics."""
    return dict(BOUND)
