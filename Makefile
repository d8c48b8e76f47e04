# guestfw — build, test, demo and bench on a fresh Debian machine with Swift installed.
# Every target installs what it needs and is missing; nothing has to be set up by hand.

SWIFT        ?= swift
APT_PACKAGES := acpica-tools libelf-dev qemu-system-x86 busybox-static cpio librsvg2-bin libxml2-utils man-db
CACHE        := .cache
KERNEL_DIR   := $(CACHE)/kernel
GUESTFW      := .build/debug/guestfw
# Release builds (make bench, make install) carry the Swift runtime and Foundation, so an installed
# guestfw needs no toolchain; one set of flags, or each switch rebuilds .build/release whole.
RELEASE_FLAGS := -c release --static-swift-stdlib
BENCH        := .build/release/guestfw-bench
BOOT_REPORT  := .build/debug/guestfw-boot-report
DEMO_VM      := .build/default-vm.toml

.PHONY: all deps build test demo bench bless kernel capture-catalog clean

all: build

# The boot firmware (Embedded Swift + assembly): targets firmware, firmware-smoke, firmware-clean.
include Firmware/firmware.mk

# The boot tests' guest (initramfs) and boot-test; `make test` runs them too.
include boot-test.mk

# make install / uninstall / install-test; `make test` runs install-test too.
include install.mk
# The fuzz targets: fuzz, fuzz-build, fuzz-smoke (20 s each, part of `make test`).
include fuzz.mk

# apt-get update runs once, and only when a package is missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build

# The firmware smoke boots run first so that swift test's summary is the last line: the boot
# code alone (no hand-off block: it halts), then Firmware/smoke.toml's image without a kernel
# (it applies the plan and powers off), and each fuzz target for 20 s. swift test then runs every
# suite, the Linux boots too.
test: deps firmware-smoke fuzz-smoke
	$(SWIFT) build --build-tests
	rm -rf .build/smoke && $(GUESTFW) build Firmware/smoke.toml -o .build/smoke >/dev/null
	Firmware/run-smoke.sh .build/smoke/firmware.bin power-off "guestfw firmware: plan applied" \
	  "guestfw firmware: no kernel" -- -m 128M
	$(SWIFT) test --skip-build --disable-xctest

demo: build firmware initramfs
	@echo "== guestfw build --print-default (the built-in VM) =="
	@$(GUESTFW) build --print-default > $(DEMO_VM)
	@cat $(DEMO_VM)
	@echo; echo "== guestfw plan (built-in default VM) =="
	@$(GUESTFW) plan
	@echo; echo "== guestfw compare (built-in default VM) =="
	@$(GUESTFW) compare
	@echo; echo "== guestfw build -o out (plan.json, toolstack.json, ACPI tables, firmware image) =="
	@$(GUESTFW) build -o out
	@ls out out/acpi
	@echo; echo "== booting it: QEMU q35 (TCG) with out/firmware.bin and Debian's kernel; console in out/boot.log =="
	@line=$$($(GUESTFW) qemu-args $(DEMO_VM) --firmware out/firmware.bin --kernel $(KERNEL_DIR)/vmlinuz \
	  --initrd $(BOOT_INITRAMFS) --append "console=ttyS0 panic=-1"); \
	echo "$$line"; timeout 300 sh -c "$$line" > out/boot.log 2>&1; status=$$?; \
	grep -E "^guestfw firmware|MMCONFIG|reboot: Power down" out/boot.log | sed 's/\r$$//' | awk '!seen[$$0]++'; \
	echo "QEMU exited with status $$status"
	@echo; echo "== the plan's BARs and windows beside what Linux reports (/sys/bus/pci/devices/*/resource) =="
	@$(BOOT_REPORT) out/plan.json out/boot.log

# Rewrites the golden files of every example from what guestfw builds now. Review the diff
# (git diff Tables/) and commit it as a change of its own.
bless: build
	@for dir in Tables/*/; do \
	  name=$$(basename $$dir); scratch=$$(mktemp -d); \
	  $(GUESTFW) build $$dir/vm.toml -o $$scratch/out >/dev/null || { rm -rf $$scratch; exit 1; }; \
	  rm -rf $$dir/acpi; cp -r $$scratch/out/acpi $$dir/acpi; \
	  cp $$scratch/out/plan.json $$scratch/out/toolstack.json $$dir/; \
	  if [ -f $$scratch/out/xl.cfg ]; then cp $$scratch/out/xl.cfg $$dir/; fi; \
	  rm -rf $$scratch; echo "blessed $$name"; \
	done

# Plan time, hole use and density, build time (the Swift runtime and Foundation linked
# statically: 25-26 MiB peak for the 200-port build instead of 30-32 MiB), 50 MB descriptions of
# unknown keys refused, then the boots side by side: every example QEMU runs and a generated
# 32-port VM, each with guestfw's image, SeaBIOS and qboot, BENCH_ROUNDS interleaved rounds.
BENCH_ROUNDS ?= 3

bench: deps firmware initramfs
	$(SWIFT) build $(RELEASE_FLAGS) --product guestfw-bench
	$(SWIFT) build $(RELEASE_FLAGS) --product guestfw
	$(BENCH) Tables
	$(BENCH) --build .build/release/guestfw
	$(BENCH) --large-inputs .build/release/guestfw
	$(BENCH) --boot .build/release/guestfw Tables $(KERNEL_DIR)/vmlinuz $(BOOT_INITRAMFS) --rounds $(BENCH_ROUNDS)

kernel: deps
	scripts/fetch-kernel.sh $(KERNEL_DIR)

# Re-captures the device catalog's reference data from QEMU itself (a few minutes under TCG).
capture-catalog: kernel
	scripts/capture-catalog.sh Tests/VMConfigTests/Fixtures/qemu-7.2

clean: firmware-clean
	rm -rf .build out
