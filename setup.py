# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
"""The one build driver.

``build_ext`` does, in order:

1. read the engine pin in ``proton_c/SOURCE``;
2. obtain the archive by package name with pip (or take ``PROTON_C_ARCHIVE``), check its SHA-256;
3. unpack it under ``build/`` (never into the source tree) and apply our patch series,
   ``proton_c/patches/NNNN-*.patch`` in order (see ``proton_c/README.md``); a patch that does
   not apply exactly stops the build;
4. configure and build the engine with CMake into a static PIC library;
5. cythonize ``cython/_cproton.pyx`` and link it with the engine into ``proton._cproton``.

Environment switches: ``PROTON_C_ARCHIVE=/path/to/archive`` (offline build, still hash-checked),
``CYPROTON_ENGINE_PATCHES=/dir`` (apply the series in another directory instead of ``proton_c/patches``),
``PROTON_CY_DEBUG=1`` (line tracing, annotation, live-object counters),
``CYPROTON_USE_SYSTEM_PROTON=1`` (link an installed libqpid-proton-core through pkg-config instead),
``CYPROTON_ALLOW_STUBS=1`` (build without OpenSSL or Cyrus SASL when their headers are missing, instead of
stopping), ``CYPROTON_BUNDLE=1`` (a wheel for distribution: OpenSSL and Cyrus SASL are required, and the
Cyrus plugins are copied into the package from ``CYPROTON_SASL_PLUGIN_DIR`` or the system's plugin
directory; ``scripts/repair_wheel.py`` then bundles the libraries).

An sdist carries the pinned engine archive in ``proton_c/`` (``setup.py sdist`` puts it there), so it
builds offline; the hash check still runs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
from pathlib import Path
from typing import Optional

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext as _build_ext
from setuptools.command.sdist import sdist as _sdist

HERE = Path(__file__).resolve().parent
# CYPROTON_WORK_DIR keeps a differently compiled variant (the fuzzing build, say) apart.
WORK_DIR = Path(os.environ.get("CYPROTON_WORK_DIR") or HERE / "build")
CYTHON_REQUIREMENT = (3, 1)

# The Cyrus SASL plugins a wheel carries (CYPROTON_BUNDLE=1): file, what it provides, and the
# package that installs it on Debian/Ubuntu and on Fedora/RHEL (the manylinux images).
# EXTERNAL is built into libsasl2 itself.
SASL_PLUGINS = (
    ("libanonymous.so", "ANONYMOUS", "libsasl2-modules", "cyrus-sasl-lib"),
    ("libplain.so", "PLAIN", "libsasl2-modules", "cyrus-sasl-plain"),
    ("libscram.so", "SCRAM-SHA-1 SCRAM-SHA-224 SCRAM-SHA-256 SCRAM-SHA-384 SCRAM-SHA-512", "libsasl2-modules",
     "cyrus-sasl-scram"),
    ("libdigestmd5.so", "DIGEST-MD5", "libsasl2-modules", "cyrus-sasl-md5"),
    ("libcrammd5.so", "CRAM-MD5", "libsasl2-modules", "cyrus-sasl-md5"),
    ("libgssapiv2.so", "GSSAPI (needs the system's libgssapi_krb5.so.2)", "libsasl2-modules-gssapi-mit",
     "cyrus-sasl-gssapi"),
    ("libsasldb.so", "sasldb auxprop (servers)", "libsasl2-modules-db", "cyrus-sasl-lib"),
)
# Next to proton._cproton, which points Cyrus there when it is imported (cython/bundle.pyx).
SASL_PLUGIN_DIR = "_sasl_plugins"


def read_pin() -> dict[str, str]:
    pin: dict[str, str] = {}
    for line in (HERE / "proton_c" / "SOURCE").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            pin[key.strip()] = value.strip()
    return pin


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def log(msg: str) -> None:
    print(f"cyproton build: {msg}", flush=True)


def bundling() -> bool:
    return os.environ.get("CYPROTON_BUNDLE") == "1"


def sasl_plugin_dir() -> Path:
    """Where the build machine's Cyrus SASL plugins are (``CYPROTON_SASL_PLUGIN_DIR`` overrides)."""
    given = os.environ.get("CYPROTON_SASL_PLUGIN_DIR")
    candidates = [Path(given)] if given else []
    if not given:
        probe = subprocess.run(["pkg-config", "--variable=libdir", "libsasl2"], capture_output=True, text=True)
        if probe.returncode == 0 and probe.stdout.strip():
            candidates.append(Path(probe.stdout.strip()) / "sasl2")
        multiarch = sysconfig.get_config_var("MULTIARCH")
        if multiarch:
            candidates.append(Path("/usr/lib") / multiarch / "sasl2")
        candidates += [Path("/usr/lib64/sasl2"), Path("/usr/lib/sasl2")]
    for directory in candidates:
        missing = [p for p in SASL_PLUGINS if not (directory / p[0]).exists()]
        if not missing:
            return directory
        if directory.is_dir() or given:
            names = ", ".join(p[0] for p in missing)
            debian = " ".join(sorted({p[2] for p in missing}))
            rpm = " ".join(sorted({p[3] for p in missing}))
            raise SystemExit(f"cyproton build: the Cyrus SASL plugin directory {directory} lacks {names} "
                             f"(Debian/Ubuntu packages: {debian}; Fedora/RHEL: {rpm})")
    raise SystemExit("cyproton build: no Cyrus SASL plugin directory found (looked in "
                     f"{', '.join(map(str, candidates))}); set CYPROTON_SASL_PLUGIN_DIR")


def obtain_archive(pin: dict[str, str]) -> Path:
    expected = pin["sha256"]
    local = os.environ.get("PROTON_C_ARCHIVE")
    if local:
        archive = Path(local).resolve()
        if not archive.is_file():
            raise SystemExit(f"cyproton build: PROTON_C_ARCHIVE={local} is not a file")
    elif (HERE / "proton_c" / pin["archive"]).is_file():
        archive = HERE / "proton_c" / pin["archive"]  # the copy an sdist carries
    else:
        cache = WORK_DIR / "engine-archive"
        archive = cache / pin["archive"]
        if not archive.is_file() or sha256_of(archive) != expected:
            cache.mkdir(parents=True, exist_ok=True)
            log(f"downloading {pin['name']}=={pin['version']} (source archive) with pip")
            with tempfile.TemporaryDirectory(dir=cache) as tmp:
                args = ["download", "--no-deps", "--no-binary", ":all:", "-q", "-d", tmp,
                        f"{pin['name']}=={pin['version']}"]
                run_pip(args)
                got = Path(tmp) / pin["archive"]
                if not got.is_file():
                    raise SystemExit(f"cyproton build: pip did not produce {pin['archive']}")
                shutil.move(str(got), archive)
    actual = sha256_of(archive)
    if actual != expected:
        raise SystemExit(
            f"cyproton build: SHA-256 mismatch for {archive}:\n  expected {expected}\n  got      {actual}\n"
            "Refusing to build from an archive that is not the pinned engine source."
        )
    log(f"engine archive {archive.name} verified (sha256 {actual[:16]}...)")
    return archive


def run_pip(args: list[str]) -> None:
    # Inside pip's isolated build environment the interpreter may not see pip itself;
    # fall back to the pip on PATH (the same registry configuration applies).
    candidates = [[sys.executable, "-m", "pip"]]
    for name in ("pip3", "pip"):
        found = shutil.which(name)
        if found:
            candidates.append([found])
    for cmd in candidates:
        probe = subprocess.run([*cmd, "--version"], capture_output=True)
        if probe.returncode == 0:
            subprocess.run([*cmd, *args], check=True)
            return
    raise SystemExit("cyproton build: pip is needed to fetch the engine sources (or set PROTON_C_ARCHIVE)")


# -- the engine patch series --------------------------------------------------------------------
#
# Strict on purpose: every hunk must match the pinned sources exactly where it says (no fuzz, no
# searching for an offset), so a patch written for other sources can never half-apply.

PATCH_DIR = HERE / "proton_c" / "patches"


class PatchError(Exception):
    pass


def patch_series(directory: Optional[Path] = None) -> list[Path]:
    """The patches to apply, in order: ``NNNN-name.patch`` sorted by name."""
    if directory is None:
        override = os.environ.get("CYPROTON_ENGINE_PATCHES")
        directory = Path(override).resolve() if override else PATCH_DIR
    if not directory.is_dir():
        return []
    found = sorted(p for p in directory.iterdir() if p.suffix == ".patch")
    for p in found:
        if not (len(p.name) > 5 and p.name[:4].isdigit() and p.name[4] == "-"):
            raise SystemExit(f"cyproton build: {p} is not named NNNN-name.patch")
    return found


def series_digest(patches: list[Path]) -> str:
    digest = hashlib.sha256()
    for p in patches:
        digest.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return digest.hexdigest()


def _parse_patch(text: str) -> list[tuple[str, str, list[tuple[int, int, int, int, list[str]]]]]:
    """``[(old path, new path, [(old start, old count, new start, new count, lines)])]`` of a
    unified diff; anything before the first ``--- `` line (the header comment) is ignored."""
    lines = text.splitlines(keepends=True)
    files: list[tuple[str, str, list[tuple[int, int, int, int, list[str]]]]] = []
    i = 0
    while i < len(lines):
        if not lines[i].startswith("--- "):
            i += 1
            continue
        if i + 1 >= len(lines) or not lines[i + 1].startswith("+++ "):
            raise PatchError(f"line {i + 1}: '--- ' not followed by '+++ '")
        old_path = lines[i][4:].split("\t")[0].strip()
        new_path = lines[i + 1][4:].split("\t")[0].strip()
        i += 2
        hunks = []
        while i < len(lines) and lines[i].startswith("@@ "):
            head = lines[i].split("@@")[1].split()
            try:
                o, n = head[0][1:].split(","), head[1][1:].split(",")
                o_start, o_count = int(o[0]), int(o[1]) if len(o) > 1 else 1
                n_start, n_count = int(n[0]), int(n[1]) if len(n) > 1 else 1
            except (IndexError, ValueError):
                raise PatchError(f"line {i + 1}: bad hunk header {lines[i].strip()!r}") from None
            i += 1
            body: list[str] = []
            seen_old = seen_new = 0
            while (seen_old < o_count or seen_new < n_count) and i < len(lines):
                line = lines[i]
                tag = line[:1]
                if tag == "\\":
                    i += 1
                    continue
                if line in ("\n", "\r\n"):
                    line, tag = " " + line, " "     # an empty context line whose space was stripped
                if tag not in (" ", "-", "+"):
                    raise PatchError(f"line {i + 1}: unexpected {line.rstrip()!r} inside a hunk")
                seen_old += tag in " -"
                seen_new += tag in " +"
                body.append(line)
                i += 1
            if seen_old != o_count or seen_new != n_count:
                raise PatchError(f"hunk at old line {o_start} of {new_path} is truncated")
            if i < len(lines) and lines[i].startswith("\\"):
                body[-1] = body[-1].rstrip("\n")
                i += 1
            hunks.append((o_start, o_count, n_start, n_count, body))
        if not hunks:
            raise PatchError(f"no hunks for {new_path}")
        files.append((old_path, new_path, hunks))
    if not files:
        raise PatchError("no file changes found")
    return files


def _patch_target(tree: Path, name: str) -> Path:
    parts = Path(name).parts
    if parts and parts[0] in ("a", "b"):
        parts = parts[1:]
    if not parts or Path(name).is_absolute() or ".." in parts:
        raise PatchError(f"refusing path {name!r}")
    return tree.joinpath(*parts)


def apply_patch(tree: Path, text: str) -> list[str]:
    """Apply one unified diff to ``tree``, exactly or not at all; returns the files changed."""
    staged: list[tuple[Path, str]] = []
    for old_path, new_path, hunks in _parse_patch(text):
        target = _patch_target(tree, new_path if new_path != "/dev/null" else old_path)
        if old_path == "/dev/null":
            if target.exists():
                raise PatchError(f"{new_path} should be new but exists")
            current: list[str] = []
        else:
            if not target.is_file():
                raise PatchError(f"{old_path} does not exist in the engine sources")
            current = target.read_text().splitlines(keepends=True)
        delta = 0
        where = target.relative_to(tree)
        for number, (o_start, o_count, _n_start, _n_count, body) in enumerate(hunks, 1):
            old = [line[1:] for line in body if line[0] in " -"]
            new = [line[1:] for line in body if line[0] in " +"]
            at = (o_start - 1 if o_count else o_start) + delta
            if current[at:at + len(old)] != old:
                raise PatchError(f"hunk {number} of {where} (old line {o_start}) does not match the sources")
            current[at:at + len(old)] = new
            delta += len(new) - len(old)
        staged.append((target, "".join(current)))
    for target, content in staged:            # write only once every file matched
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content)
    return [str(t.relative_to(tree)) for t, _ in staged]


class build_ext(_build_ext):
    user_options = _build_ext.user_options + [
        ("cython-always", None, "cythonize even when the generated C looks current"),
        ("cython-annotate", None, "write Cython's HTML annotation next to the sources"),
        ("cython-directives=", None, "extra Cython directives, e.g. 'profile=True,linetrace=True'"),
        ("use-system-proton", None, "link an installed Proton-C through pkg-config (version at your risk)"),
    ]
    boolean_options = _build_ext.boolean_options + ["cython-always", "cython-annotate", "use-system-proton"]

    def initialize_options(self) -> None:
        super().initialize_options()
        self.cython_always = False
        self.cython_annotate = False
        self.cython_directives = None
        self.use_system_proton = False

    # -- the engine ---------------------------------------------------------------------------

    def _work_dir(self) -> Path:
        return WORK_DIR

    def _unpack(self, archive: Path, pin: dict[str, str]) -> Path:
        """The pinned sources with the patch series applied, under build/ (made once per archive
        and series; a series that does not apply leaves nothing behind)."""
        dest = self._work_dir() / f"proton-src-{pin['version']}"
        marker = dest / ".unpacked-sha256"
        patches = patch_series()
        stamp = f"{pin['sha256']}\npatches {series_digest(patches)}\n"
        if marker.is_file() and marker.read_text() == stamp:
            return dest
        staging = dest.with_name(dest.name + f".tmp-{os.getpid()}")
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir(parents=True)
        try:
            with tarfile.open(archive) as tar:
                for member in tar.getmembers():
                    parts = Path(member.name).parts
                    if len(parts) < 2 or parts[1] not in ("include", "src"):
                        continue
                    if member.issym() or member.islnk() or ".." in parts:
                        continue
                    member.name = str(Path(*parts[1:]))
                    tar.extract(member, staging)
            for patch in patches:
                try:
                    changed = apply_patch(staging, patch.read_text())
                except PatchError as problem:
                    raise SystemExit(f"cyproton build: engine patch {patch.name} does not apply: {problem}\n"
                                     "The patch series must match the pinned engine sources exactly "
                                     "(see proton_c/README.md).") from None
                log(f"applied engine patch {patch.name} ({', '.join(changed)})")
            (staging / ".unpacked-sha256").write_text(stamp)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)
        return dest

    def _build_engine(self) -> tuple[Path, dict[str, str]]:
        pin = read_pin()
        src = self._unpack(obtain_archive(pin), pin)
        if shutil.which("cmake") is None:
            raise SystemExit("cyproton build: cmake not found (Debian package: cmake)")
        bdir = self._work_dir() / f"engine-{sysconfig.get_platform()}"
        configure = ["cmake", "-S", str(HERE), "-B", str(bdir), "-DCMAKE_BUILD_TYPE=Release",
                     "-DCMAKE_POSITION_INDEPENDENT_CODE=ON", f"-DPROTON_SRC_DIR={src}"]
        subprocess.run(configure, check=True, cwd=HERE)
        jobs = str(os.cpu_count() or 2)
        subprocess.run(["cmake", "--build", str(bdir), "--parallel", jobs], check=True, cwd=HERE)
        config = {}
        for line in (bdir / "engine_config.txt").read_text().splitlines():
            key, _, value = line.partition("=")
            config[key] = value
        config["library"] = (bdir / "engine_library.txt").read_text().strip()
        config["include"] = str(src / "include")
        self._check_stubs(config)
        return src, config

    def _precheck_headers(self) -> None:
        """The CMake step's test for OpenSSL and Cyrus SASL (pkg-config modules), made early."""
        if shutil.which("pkg-config") is None:
            if bundling() or os.environ.get("CYPROTON_ALLOW_STUBS") != "1":
                raise SystemExit("cyproton build: pkg-config not found (Debian/Ubuntu package pkg-config, "
                                 "Fedora/RHEL pkgconf-pkg-config); it finds OpenSSL and Cyrus SASL")
            return
        config = {part: ("found" if subprocess.run(["pkg-config", "--exists", module]).returncode == 0 else "none")
                  for part, module in (("tls", "openssl"), ("sasl", "libsasl2"))}
        self._check_stubs(config)

    @staticmethod
    def _check_stubs(config: dict[str, str]) -> None:
        """Stop when OpenSSL or Cyrus SASL were not found, unless stubs are allowed (never for a wheel)."""
        missing = [what for part, what in (
            ("tls", "OpenSSL (Debian/Ubuntu package libssl-dev, Fedora/RHEL openssl-devel)"),
            ("sasl", "Cyrus SASL (Debian/Ubuntu package libsasl2-dev, Fedora/RHEL cyrus-sasl-devel)"),
        ) if config.get(part, "none") == "none"]
        if not missing:
            return
        found = " and the development files of ".join(missing)
        if bundling():
            raise SystemExit(f"cyproton build: a wheel for distribution (CYPROTON_BUNDLE=1) needs the development "
                             f"files of {found}: they were not found")
        if os.environ.get("CYPROTON_ALLOW_STUBS") == "1":
            log(f"WARNING: building without the development files of {found}: using the engine's stubs "
                "(CYPROTON_ALLOW_STUBS=1); proton.SSL.present() / proton.SASL.extended() will be False")
            return
        raise SystemExit(f"cyproton build: the development files of {found} were not found. Install them, "
                         "or set CYPROTON_ALLOW_STUBS=1 to build without (TLS or the Cyrus SASL mechanisms "
                         "are then unavailable)")

    # -- the Cyrus plugins a wheel carries ----------------------------------------------------

    def _plugin_target(self) -> Path:
        return Path(self.get_ext_fullpath("proton._cproton")).parent / SASL_PLUGIN_DIR

    def _bundle_sasl_plugins(self) -> None:
        source = sasl_plugin_dir()
        target = self._plugin_target()
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        index = ["# The Cyrus SASL plugins of this wheel; proton._cproton points Cyrus here unless SASL_PATH",
                 "# is set. file, mechanisms, copied from"]
        for name, mechs, _debian, _rpm in SASL_PLUGINS:
            real = (source / name).resolve()
            shutil.copyfile(real, target / name)
            index.append(f"{name}\t{mechs}\t{real}")
        (target / "PLUGINS.txt").write_text("\n".join(index) + "\n")
        log(f"bundled {len(SASL_PLUGINS)} Cyrus SASL plugins from {source} into {target}")

    def _system_engine(self) -> dict[str, str]:
        def pkgconfig(*args: str) -> str:
            return subprocess.run(["pkg-config", *args, "libqpid-proton-core"], check=True,
                                  capture_output=True, text=True).stdout.strip()
        version = pkgconfig("--modversion")
        log(f"linking the system Proton-C {version} at your own risk about the version")
        return {"engine_version": version, "tls": "system", "sasl": "system", "library": "",
                "include": pkgconfig("--variable=includedir"), "link_libs": pkgconfig("--libs"),
                "link_dirs": ""}

    # -- the extension ------------------------------------------------------------------------

    def _sources_newer_than_generated_c(self) -> bool:
        """Whether a Cython source is newer than the C made from it. Cython's own check follows the
        .pyx includes and cimports but not the fragment .pxd files that proton._cproton.pxd
        includes, so an edit to one of those alone would leave the old C in place."""
        generated = self._work_dir() / "cython" / "cython" / "_cproton.c"
        if not generated.exists():
            return False          # Cython makes it anyway
        made = generated.stat().st_mtime
        return any(path.suffix in (".pyx", ".pxd", ".pxi") and path.stat().st_mtime > made
                   for path in (HERE / "cython").rglob("*"))

    def finalize_options(self) -> None:
        # Cythonize here, before setuptools finalizes the extension list it will build.
        # Cython needs only the .pyx/.pxd files; the engine's headers matter at C-compile time.
        import Cython
        from Cython.Build import cythonize

        if not (self.use_system_proton or os.environ.get("CYPROTON_USE_SYSTEM_PROTON") == "1"):
            self._precheck_headers()   # before minutes of cythonizing
        have = tuple(int(x) for x in Cython.__version__.split(".")[:2])
        if have < CYTHON_REQUIREMENT:
            raise SystemExit(f"cyproton build: Cython >= 3.1 is required, found {Cython.__version__}")
        debug = os.environ.get("PROTON_CY_DEBUG") == "1"
        directives: dict[str, object] = {"language_level": 3, "embedsignature": True}
        if debug:
            directives.update(linetrace=True, profile=True)
        if self.cython_directives:
            for item in self.cython_directives.split(","):
                key, _, value = item.partition("=")
                directives[key.strip()] = {"True": True, "False": False}.get(value.strip(), value.strip())
        self.distribution.ext_modules = cythonize(
            self.distribution.ext_modules,
            include_path=[str(HERE / "cython")],
            compiler_directives=directives,
            annotate=bool(self.cython_annotate) or debug,
            force=bool(self.cython_always) or self._sources_newer_than_generated_c(),
            build_dir=str(self._work_dir() / "cython"),
            compile_time_env={"CYPROTON_DEBUG": debug},
        )
        super().finalize_options()

    def run(self) -> None:
        use_system = self.use_system_proton or os.environ.get("CYPROTON_USE_SYSTEM_PROTON") == "1"
        config = self._system_engine() if use_system else self._build_engine()[1]
        debug = os.environ.get("PROTON_CY_DEBUG") == "1"
        for ext in self.extensions:
            ext.include_dirs.append(config["include"])
            ext.define_macros += [
                ("PROTON_DECLARE_STATIC", None),
                ("CYPROTON_ENGINE_VERSION", f'"{config["engine_version"]}"'),
                ("CYPROTON_TLS_IMPL", f'"{config["tls"]}"'),
                ("CYPROTON_SASL_IMPL", f'"{config["sasl"]}"'),
                ("CYPROTON_DEBUG", "1" if debug else "0"),
            ]
            if debug:
                ext.define_macros.append(("CYTHON_TRACE_NOGIL", "1"))
            if config["library"]:
                ext.extra_objects.append(config["library"])
                # relink when the engine changed (a new patch series), not only when our C did
                ext.depends.append(config["library"])
            for flag in config["link_libs"].split():
                if flag.startswith("-l"):
                    ext.libraries.append(flag[2:])
                elif flag.startswith("-L"):
                    ext.library_dirs.append(flag[2:])
                elif flag:
                    ext.libraries.append(flag)
            ext.library_dirs += [d for d in config["link_dirs"].split() if d]
            if config["sasl"].startswith("cyrus"):  # our own engine with Cyrus: cython/bundle.pyx calls it
                ext.define_macros.append(("CYPROTON_WITH_CYRUS", "1"))
                ext.include_dirs += [d for d in config.get("sasl_include", "").split() if d]
            ext.extra_compile_args += ["-O2", "-Werror=incompatible-pointer-types"]
            if sys.platform.startswith("linux"):
                ext.extra_link_args.append("-Wl,--exclude-libs,ALL")
        super().run()
        if bundling():
            self._bundle_sasl_plugins()
        elif not self.inplace and self._plugin_target().exists():
            shutil.rmtree(self._plugin_target())  # left over from a wheel build in the same build/lib


class sdist(_sdist):
    """A source archive that builds offline: it carries the pinned engine archive in proton_c/."""

    def run(self) -> None:
        pin = read_pin()
        archive = obtain_archive(pin)
        shipped = HERE / "proton_c" / pin["archive"]
        if archive != shipped:
            shutil.copyfile(archive, shipped)
        log(f"the source archive carries {shipped.relative_to(HERE)}")
        super().run()


setup(
    ext_modules=[Extension("proton._cproton", sources=["cython/_cproton.pyx"])],
    cmdclass={"build_ext": build_ext, "sdist": sdist},
)
