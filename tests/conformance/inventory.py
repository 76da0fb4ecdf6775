# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""Compare a live ``proton`` package with the recorded API of python-qpid-proton 0.40.

``api_inventory.json`` (beside this file) records, per module, every public name with its kind
(``class``, ``exception``, ``function``, ``constant``, ``object``, ``module``) and, for classes,
every public member with its kind (``method``, ``property``, ``classmethod``, ``staticmethod``,
``constant``, ``instance_attribute``, ``class``), parameter lists as text, constant values, and
the protocol dunders the class defines. This module checks a live module against that record
without constructing any object. Standard library only.

What counts as present:

- a name: it exists, has the recorded kind, is in ``__all__`` when the reference's is, has the
  recorded value (constants) or ``repr`` (objects), and the same parameter names (classes and
  functions, when the record has a signature);
- a member: found in the class or a base that is not a builtin type, with the recorded kind,
  value, parameter names, and writable when the reference's property is;
- an ``instance_attribute`` member: assigned as ``<self>.<name>`` (or ``setattr(self, "name", ...)``)
  in any method of a class in the MRO whose source can be read, or any data entry of a class
  ``__dict__`` (property, descriptor, slot, plain value). Compiled classes have no source to read:
  they pass when ``hasattr(cls, name)``, or when they list the name in a class attribute
  ``__instance_attributes__ = ("body", ...)`` (a tuple of names, collected over the MRO; Python
  classes may use it too, for attributes created in ways this module cannot see);
- a dunder: defined by the class or a non-builtin base. Dunders that only concern object
  lifetime or implementation strategy are not checked: see ``UNCHECKED_DUNDERS``.

Parameter lists are compared by names only (``*args`` and ``**kwargs`` keep their stars;
annotations, defaults, ``/`` and bare ``*`` are ignored). A compiled callable that
``inspect.signature`` cannot read is read from a Cython ``embedsignature`` first docstring line.

Command line: ``python inventory.py [-v] [module ...]`` prints the coverage table.
"""

import ast
import builtins
import functools
import importlib
import inspect
import json
import os
import re
import sys
import textwrap
import types

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_INVENTORY = os.path.join(HERE, "api_inventory.json")
MODULES = ("proton", "proton.handlers", "proton.reactor", "proton.utils", "proton.tracing")

# __init__/__new__: how construction is split is ours to choose; __del__/__getattr__/__setattr__:
# the reference's cffi wrapper machinery; __hash__: the record cannot tell "unhashable" (None)
# from a hash function; __ne__: Python derives it from __eq__.
UNCHECKED_DUNDERS = frozenset({"__init__", "__new__", "__del__", "__getattr__", "__setattr__", "__hash__", "__ne__"})

_CALLABLE_KINDS = ("method", "classmethod", "staticmethod")
_NOT_DATA_KINDS = _CALLABLE_KINDS + ("class", "exception")
_SIMPLE = (bool, int, float, str, bytes, type(None))
_ROUTINE_TYPES = (types.FunctionType, types.BuiltinFunctionType, types.MethodDescriptorType,
                  types.WrapperDescriptorType, types.MethodWrapperType)
_DATA_DESCRIPTOR_TYPES = (property, types.GetSetDescriptorType, types.MemberDescriptorType)


def load_inventory(path=DEFAULT_INVENTORY):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# --------------------------------------------------------------------------- classifying live objects

def _is_routine(obj):
    return isinstance(obj, _ROUTINE_TYPES) or "cython_function" in type(obj).__name__


def _is_builtin_type(klass):
    return getattr(builtins, klass.__name__, None) is klass


def _lookup(cls, name):
    """The raw ``__dict__`` entry for ``name`` in the MRO of ``cls`` and its owner, or (None, None).

    Entries owned by builtin types (``object``, ``dict``, ``str``, ``Exception``...) do not count:
    they are not part of the API being compared.
    """
    for klass in cls.__mro__:
        if name in vars(klass):
            return (None, None) if _is_builtin_type(klass) else (vars(klass)[name], klass)
    return None, None


def _member_kind(raw):
    if isinstance(raw, (classmethod, types.ClassMethodDescriptorType)):
        return "classmethod"
    if isinstance(raw, staticmethod):
        return "staticmethod"
    if isinstance(raw, type):
        return "exception" if issubclass(raw, BaseException) else "class"
    if _is_routine(raw):
        return "method"
    if isinstance(raw, _DATA_DESCRIPTOR_TYPES) or (hasattr(type(raw), "__get__") and not isinstance(raw, _SIMPLE)):
        return "property"
    return "constant"


def _object_kind(obj):
    if inspect.ismodule(obj):
        return "module"
    if inspect.isclass(obj):
        return "exception" if issubclass(obj, BaseException) else "class"
    if _is_routine(obj):
        return "function"
    if isinstance(obj, _SIMPLE) or (isinstance(obj, tuple) and all(isinstance(v, _SIMPLE) for v in obj)):
        return "constant"
    return "object"


# --------------------------------------------------------------------------- parameter names

def params_from_text(text):
    """Parameter names of a signature written as text, e.g. ``"(self, a: int = 1, *b, **c) -> X"``.

    Returns ``["self", "a", "*b", "**c"]``. Commas nested in brackets or quotes are skipped over.
    """
    pieces, current, depth, quote = [], [], 0, None
    for ch in text[text.index("(") + 1:]:
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif ch == "," and depth == 0:
            pieces.append("".join(current))
            current = []
            continue
        current.append(ch)
    pieces.append("".join(current))
    names = []
    for piece in pieces:
        match = re.match(r"\s*(\*{0,2})\s*([A-Za-z_]\w*)", piece)
        if match:
            names.append(match.group(1) + match.group(2))
    return names


def _doc_signature(obj, name):
    """The ``(...)`` part of a Cython ``embedsignature`` first docstring line naming ``name``."""
    doc = (getattr(obj, "__doc__", None) or "").strip()
    match = re.match(r"[\w.]*\b%s(\(.*)" % re.escape(name), doc.splitlines()[0] if doc else "")
    return match.group(1) if match else None


def live_params(obj, name=None):
    """Parameter names of a live callable or class (as :func:`params_from_text`), or None."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        pass
    else:
        stars = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
        names = [stars.get(p.kind, "") + p.name for p in sig.parameters.values()]
        # Keyword-only parameters with defaults at the end are our extensions (a call written for
        # python-qpid-proton never passes them): compare without them.
        extra = list(sig.parameters.values())
        while extra and extra[-1].kind == inspect.Parameter.KEYWORD_ONLY and extra[-1].default is not extra[-1].empty:
            extra.pop()
            names.pop()
        return names
    if inspect.isclass(obj):
        # a compiled class documents its constructor on itself; a Python subclass that defines no
        # __init__ of its own inherits the constructor, and so the documentation, of a compiled base
        for klass in obj.__mro__:
            text = None if _is_builtin_type(klass) else _doc_signature(klass, klass.__name__)
            if text is not None:
                return params_from_text(text)
        return None
    text = _doc_signature(obj, name or getattr(obj, "__name__", ""))
    return None if text is None else params_from_text(text)


def _params_problem(recorded_text, live):
    recorded = params_from_text(recorded_text)
    if live is None:
        return "parameters cannot be introspected (compile with embedsignature=True), expected (%s)" % (
            ", ".join(recorded))
    if live != recorded:
        return "parameters (%s), expected (%s)" % (", ".join(live), ", ".join(recorded))
    return None


# --------------------------------------------------------------------------- values

def _value_problem(record, value):
    """Why ``value`` differs from a recorded constant/object (``type``, ``value`` or ``repr``), or None."""
    type_name = type(value).__name__
    if "value" in record:
        shown = repr(value) if isinstance(value, bytes) else (list(value) if isinstance(value, tuple) else value)
        if type_name != record.get("type", type_name) or shown != record["value"]:
            return "value %r (%s), expected %r (%s)" % (value, type_name, record["value"], record.get("type"))
    elif "repr" in record:
        if repr(value) != record["repr"]:
            return "repr %r, expected %r" % (repr(value), record["repr"])
    elif record.get("type") and type_name != record["type"]:
        return "type %s, expected %s" % (type_name, record["type"])
    return None


# --------------------------------------------------------------------------- instance attributes

@functools.lru_cache(maxsize=None)
def _assigned_attributes(klass):
    """Names assigned on the instance by the methods of ``klass``; None when there is no source."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(klass)))
    except (OSError, TypeError, SyntaxError):
        return None
    names = set()
    class_defs = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    for method in (class_defs[0].body if class_defs else []):
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        positional = method.args.posonlyargs + method.args.args
        if not positional:
            continue
        owner = positional[0].arg  # "self", whatever the method calls it
        for node in ast.walk(method):
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets = [node.target]
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr"
                  and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id == owner
                  and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)):
                names.add(node.args[1].value)
                continue
            else:
                continue
            stack = list(targets)
            while stack:
                target = stack.pop()
                if isinstance(target, (ast.Tuple, ast.List)):
                    stack.extend(target.elts)
                elif isinstance(target, ast.Starred):
                    stack.append(target.value)
                elif (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                      and target.value.id == owner):
                    names.add(target.attr)
    return frozenset(names)


def _instance_attribute_problem(cls, name):
    raw, owner = _lookup(cls, name)
    if owner is not None:
        kind = _member_kind(raw)
        return None if kind not in _NOT_DATA_KINDS else "%s, expected instance_attribute" % kind
    for klass in cls.__mro__:
        if _is_builtin_type(klass):
            continue
        if name in vars(klass).get("__instance_attributes__", ()):
            return None
        assigned = _assigned_attributes(klass)
        if assigned is None:
            if hasattr(cls, name):
                return None
        elif name in assigned:
            return None
    return "missing (instance_attribute)"


# --------------------------------------------------------------------------- one name

def _member_problem(cls, name, record):
    kind = record["kind"]
    if kind == "instance_attribute":
        return _instance_attribute_problem(cls, name)
    raw, owner = _lookup(cls, name)
    if owner is None:
        return "missing (%s)" % kind
    live_kind = _member_kind(raw)
    if live_kind != kind:
        return "%s, expected %s" % (live_kind, kind)
    if kind == "constant":
        return _value_problem(record, raw)
    if kind in _CALLABLE_KINDS and "signature" in record:
        func = raw.__func__ if isinstance(raw, (classmethod, staticmethod)) else raw
        return _params_problem(record["signature"], live_params(func, name))
    if kind == "property" and record.get("writable") and isinstance(raw, property) and raw.fset is None:
        return "read-only property, expected writable"
    return None


def _check(inventory, module_name, name, module_obj):
    """(items checked, items failed, problems) for one recorded name of one module."""
    record = inventory[module_name][name]
    label = "%s.%s" % (module_name, name)
    dunders = [d for d in record.get("dunders", []) if d not in UNCHECKED_DUNDERS]
    total = 1 + len(record.get("members", {})) + len(dunders)
    if module_obj is None:
        return total, total, ["%s: missing (%s; the module did not import)" % (label, record["kind"])]
    if not hasattr(module_obj, name):
        return total, total, ["%s: missing (%s)" % (label, record["kind"])]
    obj = getattr(module_obj, name)
    problems, failed = [], 0

    name_problems = []
    live_kind = _object_kind(obj)
    if live_kind != record["kind"]:
        name_problems.append("%s, expected %s" % (live_kind, record["kind"]))
    elif live_kind in ("constant", "object"):
        value_problem = _value_problem(record, obj)
        if value_problem:
            name_problems.append(value_problem)
    if record.get("in_all") and name not in (getattr(module_obj, "__all__", None) or ()):
        name_problems.append("not in %s.__all__" % module_name)
    if "signature" in record and live_kind in ("class", "exception", "function"):
        params_problem = _params_problem(record["signature"], live_params(obj, name))
        if params_problem:
            name_problems.append(params_problem)
    if name_problems:
        failed += 1
        problems.extend("%s: %s" % (label, p) for p in name_problems)

    members = record.get("members", {})
    if not inspect.isclass(obj):
        if members or dunders:
            problems.append("%s: not a class, so its %d members are missing" % (label, len(members) + len(dunders)))
        return total, failed + len(members) + len(dunders), problems
    for member, member_record in members.items():
        problem = _member_problem(obj, member, member_record)
        if problem:
            failed += 1
            problems.append("%s.%s: %s" % (label, member, problem))
    for dunder in dunders:
        if _lookup(obj, dunder)[1] is None:
            failed += 1
            problems.append("%s.%s: not defined" % (label, dunder))
    return total, failed, problems


def missing_members(inventory, module_name, class_or_name, module_obj):
    """What ``module_obj`` lacks for one recorded name, as readable lines; [] when it matches.

    :param inventory: the loaded ``api_inventory.json``.
    :param module_name: its module key, e.g. ``"proton"``.
    :param class_or_name: the recorded name (``"Message"``) or a class whose ``__name__`` it is.
    :param module_obj: the live module, or None when it could not be imported.
    """
    name = class_or_name if isinstance(class_or_name, str) else class_or_name.__name__
    return _check(inventory, module_name, name, module_obj)[2]


def coverage(inventory, module_name, module_obj):
    """``(present, total, missing)`` over every recorded name, member and checked dunder of a module.

    Each name, member and dunder is one item; ``missing`` lists the problems found, one per line.
    """
    present = total = 0
    missing = []
    for name in inventory.get(module_name, {}):
        checked, failed, problems = _check(inventory, module_name, name, module_obj)
        total += checked
        present += checked - failed
        missing.extend(problems)
    return present, total, missing


def import_module(module_name):
    """``(module, None)``, or ``(None, "ExceptionName: message")`` when it does not import."""
    try:
        return importlib.import_module(module_name), None
    except Exception as exc:  # proton.tracing needs opentracing and jaeger_client
        return None, "%s: %s" % (type(exc).__name__, exc)


def coverage_table(rows):
    """Text table from ``[(module, present, total, note)]``."""
    lines = ["%-16s %9s %7s  %s" % ("module", "present", "cover", "note")]
    for module_name, present, total, note in rows:
        percent = 100.0 * present / total if total else 100.0
        lines.append("%-16s %4d/%-4d %6.1f%%  %s" % (module_name, present, total, percent, note or ""))
    return "\n".join(lines)


def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    verbose = "-v" in args
    modules = [a for a in args if a != "-v"] or list(MODULES)
    inventory = load_inventory()
    rows, details = [], []
    for module_name in modules:
        module_obj, error = import_module(module_name)
        present, total, missing = coverage(inventory, module_name, module_obj)
        rows.append((module_name, present, total, error))
        details.extend(missing)
    print(coverage_table(rows))
    if verbose and details:
        print("\n".join(["", "missing:"] + ["  " + line for line in details]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
