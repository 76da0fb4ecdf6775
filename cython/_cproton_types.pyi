# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Precise types for the stub of proton._cproton, where the compiled module cannot tell them.

scripts/gen_cproton_stub.py reads this file: the imports and aliases at the top go into the stub as
they are; a class member or function defined here replaces the generated one (its parameters must
be the module's: the script checks). ``name: T`` for a property becomes an attribute when the module
lets it be set, else a read-only property; write ``@property`` (and a setter) to give the two
directions different types.
"""

import uuid
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Union

from proton._condition import Condition
from proton._data import AnnotationDict, symbol
from proton._delivery import Delivery, Disposition, DispositionType
from proton._endpoints import Connection, Link, Receiver, Sender, Session, Terminus
from proton._events import EventType
from proton._handler import Handler
from proton._message import Message
from proton._transport import Transport

#: What message ids and correlation ids may be.
MessageId = Union[int, str, bytes, uuid.UUID, None]
#: Annotations and instructions: symbol (or ulong) keys; str keys are turned into symbols.
Annotations = Optional[Mapping[Union[str, int], object]]


class CMessage:
    def __init__(self, body: object = None, *, inferred: bool = ..., durable: bool = ..., priority: int = ...,
                 ttl: float = ..., first_acquirer: bool = ..., delivery_count: int = ..., id: MessageId = ...,
                 correlation_id: MessageId = ..., user_id: Optional[bytes] = ..., address: Optional[str] = ...,
                 subject: Optional[str] = ..., reply_to: Optional[str] = ..., content_type: Optional[str] = ...,
                 content_encoding: Optional[str] = ..., expiry_time: float = ..., creation_time: float = ...,
                 group_id: Optional[str] = ..., group_sequence: int = ..., reply_to_group_id: Optional[str] = ...,
                 instructions: Annotations = ..., annotations: Annotations = ...,
                 properties: Optional[Mapping[str, object]] = ..., footer: Annotations = ...) -> None: ...
    inferred: bool
    durable: bool
    priority: int
    ttl: float
    first_acquirer: bool
    delivery_count: int
    id: MessageId
    correlation_id: MessageId
    @property
    def user_id(self) -> bytes: ...
    @user_id.setter
    def user_id(self, value: Optional[Union[bytes, str]]) -> None: ...
    address: Optional[str]
    subject: Optional[str]
    reply_to: Optional[str]
    @property
    def content_type(self) -> symbol: ...
    @content_type.setter
    def content_type(self, value: Optional[str]) -> None: ...
    @property
    def content_encoding(self) -> symbol: ...
    @content_encoding.setter
    def content_encoding(self, value: Optional[str]) -> None: ...
    expiry_time: float
    creation_time: float
    group_id: Optional[str]
    group_sequence: int
    reply_to_group_id: Optional[str]
    @property
    def instructions(self) -> Optional[AnnotationDict]: ...
    @instructions.setter
    def instructions(self, value: Annotations) -> None: ...
    @property
    def annotations(self) -> Optional[AnnotationDict]: ...
    @annotations.setter
    def annotations(self, value: Annotations) -> None: ...
    instruction_dict: Optional[Dict[Any, Any]]
    annotation_dict: Optional[Dict[Any, Any]]
    @property
    def properties(self) -> Optional[Dict[str, Any]]: ...
    @properties.setter
    def properties(self, value: Optional[Mapping[str, object]]) -> None: ...
    body: Any
    @property
    def footer(self) -> Optional[AnnotationDict]: ...
    @footer.setter
    def footer(self, value: Annotations) -> None: ...
    def clear(self) -> None: ...
    def encode(self) -> bytes: ...
    def decode(self, data: Union[bytes, bytearray, memoryview]) -> None: ...


# The objects of an event are typed as the handler methods that are about them receive them: in
# on_message, event.message is a Message, in on_sendable event.sender a Sender, and so on. They are
# None where the event is not about such an object (event.sender in on_connection_opened): typing
# them Optional would make every handler assert what its own event guarantees.
class CEvent:
    def dispatch(self, handler: Any, type: Optional[EventType] = None) -> None: ...
    type: EventType
    clazz: Optional[str]
    context: Any
    connection: Connection
    session: Session
    link: Link
    sender: Sender
    receiver: Receiver
    delivery: Delivery
    transport: Transport
    container: Any
    reactor: Any
    handler: Optional[Handler]
    message: Message


class CEndpoint:
    remote_condition: Optional[Condition]
    handler: Optional[Handler]


class CConnection:
    def close(self) -> None: ...
    def free(self) -> None: ...
    def session(self) -> Session: ...
    def session_head(self, mask: int) -> Optional[Session]: ...
    def link_head(self, mask: int) -> Optional[Link]: ...
    state: int
    error: int
    transport: Optional[Transport]
    connection: Connection
    container: Optional[str]
    hostname: Optional[str]
    user: Optional[str]
    authorization: Optional[str]
    password: Optional[str]
    remote_container: Optional[str]
    remote_hostname: Optional[str]
    remote_properties: Optional[Dict[Any, Any]]


class CSession:
    def open(self) -> None: ...
    def close(self) -> None: ...
    def free(self) -> None: ...
    def next(self, mask: int) -> Optional[Session]: ...
    def sender(self, name: str) -> Sender: ...
    def receiver(self, name: str) -> Receiver: ...
    state: int
    connection: Connection
    transport: Optional[Transport]
    incoming_capacity: int
    outgoing_window: int
    outgoing_bytes: int
    incoming_bytes: int


class CLink:
    def close(self) -> None: ...
    def detach(self) -> None: ...
    def free(self) -> None: ...
    def advance(self) -> bool: ...
    def drained(self) -> int: ...
    def next(self, mask: int) -> Optional[Link]: ...
    def delivery(self, tag: Union[str, bytes]) -> Delivery: ...
    def send(self, obj: Union[Message, bytes], tag: Optional[Union[str, bytes]] = None) -> Delivery: ...
    def offered(self, n: int) -> None: ...
    def stream(self, data: bytes) -> int: ...
    def flow(self, n: int) -> None: ...
    def drain(self, n: int) -> None: ...
    def draining(self) -> bool: ...
    def recv(self, limit: int) -> Optional[bytes]: ...
    state: int
    name: str
    is_sender: bool
    is_receiver: bool
    session: Session
    connection: Connection
    transport: Optional[Transport]
    source: Terminus
    target: Terminus
    remote_source: Terminus
    remote_target: Terminus
    current: Optional[Delivery]
    credit: int
    queued: int
    available: int
    unsettled: int
    drain_mode: bool
    snd_settle_mode: int
    rcv_settle_mode: int
    remote_snd_settle_mode: int
    remote_rcv_settle_mode: int
    max_message_size: int
    remote_max_message_size: int
    remote_properties: Optional[Dict[Any, Any]]


class CDelivery:
    def update(self, state: Union[int, DispositionType]) -> None: ...
    def settle(self) -> None: ...
    def abort(self) -> None: ...
    tag: Union[str, bytes]
    writable: bool
    readable: bool
    updated: bool
    pending: int
    partial: bool
    aborted: bool
    settled: bool
    local_state: Optional[DispositionType]
    remote_state: Optional[DispositionType]
    local: Disposition
    remote: Disposition
    link: Union[Sender, Receiver]
    session: Session
    connection: Connection
    transport: Optional[Transport]


class CDisposition:
    type: Optional[DispositionType]
    section_number: int
    section_offset: int
    failed: bool
    undeliverable: bool
    data: Optional[List[Any]]
    annotations: Optional[Dict[Any, Any]]
    condition: Optional[Condition]


class CTerminus:
    def copy(self, src: Terminus) -> None: ...
    type: int
    address: Optional[str]
    durability: int
    expiry_policy: int
    timeout: int
    dynamic: bool
    distribution_mode: int


class CTransport:
    def bind(self, connection: Connection) -> None: ...
    def bind_nothrow(self, connection: Connection) -> None: ...
    def unbind(self) -> None: ...
    def trace(self, n: int) -> None: ...
    def log(self, message: str) -> None: ...
    def require_auth(self, bool: bool) -> None: ...
    def require_encryption(self, bool: bool) -> None: ...
    def tick(self, now: float) -> float: ...
    def capacity(self) -> int: ...
    def push(self, binary: bytes) -> None: ...
    def close_tail(self) -> None: ...
    def pending(self) -> int: ...
    def peek(self, size: int) -> Optional[bytes]: ...
    def pop(self, size: int) -> None: ...
    def close_head(self) -> None: ...
    tracer: Optional[Callable[[Transport, str], object]]
    authenticated: bool
    encrypted: bool
    user: Optional[str]
    closed: bool
    max_frame_size: int
    remote_max_frame_size: int
    channel_max: int
    remote_channel_max: int
    idle_timeout: float
    remote_idle_timeout: float
    frames_output: int
    frames_input: int
    condition: Optional[Condition]
    connection: Optional[Connection]


class CSASL:
    @staticmethod
    def extended() -> bool: ...
    def allowed_mechs(self, mechs: Union[str, Iterable[str]]) -> None: ...
    def done(self, outcome: int) -> None: ...
    def config_name(self, name: str) -> None: ...
    def config_path(self, path: str) -> None: ...
    user: Optional[str]
    authorization: Optional[str]
    mech: Optional[str]
    outcome: Optional[int]
    allow_insecure_mechs: bool


class CSSL:
    @staticmethod
    def present() -> bool: ...
    def cipher_name(self) -> Optional[str]: ...
    def protocol_name(self) -> Optional[str]: ...
    def get_cert_subject_subfield(self, subfield_name: int) -> Optional[str]: ...
    def get_cert_subject(self) -> Optional[str]: ...
    def get_cert_fingerprint(self, fingerprint_length: int, digest_name: int) -> Optional[str]: ...
    def resume_status(self) -> int: ...
    remote_subject: Optional[str]
    peer_hostname: Optional[str]


class CSSLDomain:
    def set_credentials(self, cert_file: Optional[str], key_file: Optional[str], password: Optional[str]) -> None: ...
    def set_trusted_ca_db(self, certificate_db: str) -> None: ...
    def set_peer_authentication(self, verify_mode: int, trusted_CAs: Optional[str] = None) -> None: ...
    def allow_unsecured_client(self) -> None: ...
    mode: int


def _delivery_tag(link: CLink) -> str: ...
def build_info() -> Dict[str, Any]: ...
def now() -> float: ...
def redact(text: str) -> str: ...
def live_wrappers() -> Dict[str, int]: ...
