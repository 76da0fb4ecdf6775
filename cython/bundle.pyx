# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# What a self-contained installation (a wheel) needs at run time. Cyrus SASL loads its mechanisms
# as plugins from a directory compiled into libsasl2; a wheel carries its own plugins in
# proton/_sasl_plugins (setup.py, CYPROTON_BUNDLE=1) and this module points Cyrus there when it is
# imported, before the engine's first sasl_client_init/sasl_server_init. A user's own SASL_PATH
# wins (Cyrus reads it only when no path was set). A source build has no such directory and
# keeps the system's plugins.

import os as _os

from posix.dlfcn cimport RTLD_LAZY, RTLD_LOCAL, dlclose, dlerror, dlopen

cdef extern from *:
    """
    #ifndef CYPROTON_WITH_CYRUS
    #define CYPROTON_WITH_CYRUS 0
    #endif
    #if CYPROTON_WITH_CYRUS
    #include <sasl/sasl.h>
    static int cyproton_sasl_plugin_path(const char *path) {
        /* Cyrus copies the string; its prototype lacks the const. */
        return sasl_set_path(SASL_PATH_TYPE_PLUGIN, (char *)path) == SASL_OK ? 0 : -1;
    }
    #else
    static int cyproton_sasl_plugin_path(const char *path) { (void)path; return -1; }
    #endif
    """
    int cyproton_sasl_plugin_path(const char *path)


cdef object _use_bundled_sasl_plugins():
    here = _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "_sasl_plugins")
    if not _os.path.isdir(here) or _os.environ.get("SASL_PATH") is not None:
        return None
    if cyproton_sasl_plugin_path(_os.fsencode(here)) != 0:
        return None
    return here


# The directory Cyrus loads its plugins from when it is this wheel's own, else None.
cdef object SASL_PLUGIN_DIR = _use_bundled_sasl_plugins()
cdef object _gssapi_problem = False     # False: not looked at yet; None: loadable; str: why not


cdef object gssapi_problem():
    """Why the wheel's GSSAPI plugin cannot load (it needs the system's MIT Kerberos library), or None."""
    global _gssapi_problem
    cdef void *handle
    if _gssapi_problem is False:
        _gssapi_problem = None
        if SASL_PLUGIN_DIR is not None:
            path = _os.fsencode(_os.path.join(SASL_PLUGIN_DIR, "libgssapiv2.so"))
            handle = dlopen(path, RTLD_LAZY | RTLD_LOCAL)
            if handle != NULL:
                dlclose(handle)
            else:
                why = dlerror()
                _gssapi_problem = (
                    "the GSSAPI mechanism needs the system's MIT Kerberos GSSAPI library, libgssapi_krb5.so.2 "
                    "(Debian/Ubuntu package libgssapi-krb5-2, Fedora/RHEL krb5-libs): "
                    + (why.decode("utf-8", "replace") if why != NULL else "it could not be loaded"))
    return _gssapi_problem


cdef object sasl_mechs_hint(mechs):
    """What to add to an authentication failure when ``mechs`` asks for a mechanism that cannot load."""
    if SASL_PLUGIN_DIR is None or "GSSAPI" not in str(mechs).upper().split():
        return None
    return gssapi_problem()
