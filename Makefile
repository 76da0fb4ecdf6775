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

.PHONY: demo test test-cluster cluster-up cluster-down cluster-deps bench dev install system-deps system-test-deps \
        ref-venv clean

# where `make cluster-up` keeps its 3-node RabbitMQ cluster (state, logs, cluster.env with the URLs)
CLUSTER_DIR ?= build/cluster/rabbitmq

demo: install
	$(VPY) -m cyproton.demo

test: system-test-deps install ref-venv
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

bench: install ref-venv
	$(VPY) bench/run.py

# A development build in the source tree (PYTHONPATH=src), for quick iteration.
dev: system-deps $(VPY)
	PYTHON=$(VPY) scripts/dev_build.sh

install: system-deps $(VPY)
	$(VPY) -m pip install -q --no-build-isolation .

$(VPY):
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install -q --upgrade pip
	$(VPY) -m pip install -q "setuptools>=64" wheel "Cython>=3.1,<4" "pytest>=7" "hypothesis>=6" \
		opentelemetry-api opentelemetry-sdk opentracing jaeger-client six pika

system-deps: $(STAMP)/apt-build
system-test-deps: $(STAMP)/apt-test

$(STAMP)/apt-build:
	@scripts/apt_install.sh $(APT_BUILD)
	@mkdir -p $(STAMP) && touch $@

$(STAMP)/apt-test: $(STAMP)/apt-build
	@scripts/apt_install.sh $(APT_TEST)
	@mkdir -p $(STAMP) && touch $@

ref-venv: system-deps
	scripts/make_ref_venv.sh

clean:
	rm -rf build dist src/*.egg-info src/proton/*.so
