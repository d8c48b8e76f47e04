# boot-test.mk — the boot tests' guest and their run. Included by the top-level Makefile.
#
#   initramfs   .cache/boot/initramfs.cpio.gz: busybox, scripts/boot-init.sh as /init and the
#               modules that read the disks (virtio_pci, virtio_blk, nvme with their
#               dependencies, in load order: scripts/boot-modules.sh)
#   boot-test   builds the kernel, the initramfs, the firmware and guestfw, then runs
#               Tests/BootTests alone
#
# The tests find the guest through GUESTFW_BOOT_KERNEL and GUESTFW_BOOT_INITRD (exported here,
# so `make test`'s own swift test runs them too); without them they look in the same places.

BOOT_DIR       := $(CACHE)/boot
BOOT_INITRAMFS := $(BOOT_DIR)/initramfs.cpio.gz
BOOT_MODULES   := virtio_pci virtio_blk nvme-core nvme

export GUESTFW_BOOT_KERNEL := $(abspath $(KERNEL_DIR)/vmlinuz)
export GUESTFW_BOOT_INITRD := $(abspath $(BOOT_INITRAMFS))

.PHONY: initramfs boot-test

initramfs: $(BOOT_INITRAMFS)

# kernel-version changes when fetch-kernel.sh fetches another kernel, whose modules must follow.
# The modules are staged in a private directory: .cache is shared by several worktrees, and
# build-initramfs.sh renames its output into place, so concurrent builds cannot mix.
$(BOOT_INITRAMFS): scripts/boot-init.sh scripts/boot-modules.sh scripts/build-initramfs.sh \
                   $(wildcard $(KERNEL_DIR)/kernel-version) | kernel
	@stage=$$(mktemp -d) && \
	scripts/boot-modules.sh $(KERNEL_DIR)/modules $$stage/modules $(BOOT_MODULES) && \
	scripts/build-initramfs.sh $@ scripts/boot-init.sh $$stage/modules:/lib/modules/guestfw; \
	status=$$?; rm -rf $$stage; [ $$status -eq 0 ] && echo "$@: $$(stat -c %s $@) bytes"; exit $$status

# `make test` runs the boot tests in its one swift test (the variables above are exported), so
# its summary stays the last line; it only needs the guest built first.
test: initramfs

boot-test: deps kernel initramfs firmware
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --disable-xctest --filter BootTests
