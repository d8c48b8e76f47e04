# firmware.mk — builds the boot firmware (Embedded Swift for i686 + assembly) into
# Firmware/build/firmware.elf and firmware.bin. Included by the top-level Makefile, or used
# on its own through Firmware/Makefile. Every name here starts with FW_ or firmware so it
# cannot clash with the including Makefile.

# This fragment's directory, as the including Makefile sees it ("Firmware" or ".").
FW_DIR   := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
FW_BUILD := $(FW_DIR)/build

FW_SWIFTC  ?= swiftc
FW_CLANG   ?= /opt/swift/usr/bin/clang
FW_LD      ?= ld
FW_OBJCOPY ?= objcopy

# The hand-off format is shared with Sources/FirmwareImage, which writes what this code reads.
FW_HANDOFF_FORMAT := $(FW_DIR)/../Sources/FirmwareImage/HandoffFormat.swift
FW_SWIFT_SOURCES := $(wildcard $(FW_DIR)/Swift/*.swift) $(FW_HANDOFF_FORMAT)
FW_ASM_SOURCES   := $(wildcard $(FW_DIR)/Boot/*.S)
FW_ASM_OBJECTS   := $(patsubst $(FW_DIR)/Boot/%.S,$(FW_BUILD)/%.o,$(FW_ASM_SOURCES))

# Embedded Swift for a freestanding i686. swiftc's own objects are position-independent, so it
# stops at LLVM IR and clang generates non-PIC code from that. "Extern" allows @_extern(c).
FW_SWIFTFLAGS := -enable-experimental-feature Embedded -enable-experimental-feature Extern \
  -target i686-unknown-none-elf -wmo -parse-as-library -Osize \
  -Xfrontend -disable-stack-protector -Xfrontend -function-sections
# -ffunction-sections/-fdata-sections must be given here too: sections are made by codegen.
FW_CLANGFLAGS := -target i686-unknown-none-elf -fno-pic -Os -ffunction-sections -fdata-sections
FW_ASFLAGS    := -target i686-unknown-none-elf -fno-pic -I $(FW_DIR)/Boot
FW_LDFLAGS    := -m elf_i386 -T $(FW_DIR)/firmware.ld --gc-sections -nostdlib --no-warn-execstack \
  -Map $(FW_BUILD)/firmware.map

.PHONY: firmware firmware-smoke firmware-clean

firmware: $(FW_BUILD)/firmware.bin

$(FW_BUILD):
	mkdir -p $@

$(FW_BUILD)/firmware.ll: $(FW_SWIFT_SOURCES) | $(FW_BUILD)
	$(FW_SWIFTC) $(FW_SWIFTFLAGS) -module-name Firmware -emit-ir $(FW_SWIFT_SOURCES) -o $@

$(FW_BUILD)/firmware-swift.o: $(FW_BUILD)/firmware.ll
	$(FW_CLANG) $(FW_CLANGFLAGS) -c $< -o $@

$(FW_BUILD)/%.o: $(FW_DIR)/Boot/%.S $(FW_DIR)/Boot/selectors.h | $(FW_BUILD)
	$(FW_CLANG) $(FW_ASFLAGS) -c $< -o $@

$(FW_BUILD)/firmware.elf: $(FW_ASM_OBJECTS) $(FW_BUILD)/firmware-swift.o $(FW_DIR)/firmware.ld
	$(FW_LD) $(FW_LDFLAGS) -o $@ $(FW_ASM_OBJECTS) $(FW_BUILD)/firmware-swift.o

# The ROM region of firmware.ld runs up to 4 GiB, so the binary is already a 64 KiB multiple;
# the check keeps it that way, since QEMU refuses any other size.
$(FW_BUILD)/firmware.bin: $(FW_BUILD)/firmware.elf
	$(FW_OBJCOPY) -O binary $< $@
	@size=$$(stat -c %s $@); \
	if [ $$((size % 65536)) -ne 0 ]; then echo "$@: $$size bytes, not a multiple of 64 KiB" >&2; rm -f $@; exit 1; fi; \
	echo "$@: $$size bytes"

# The boot code alone has no hand-off block: it must say so and halt, never guess a plan.
firmware-smoke: firmware
	TIMEOUT=5 $(FW_DIR)/run-smoke.sh $(FW_BUILD)/firmware.bin halt \
	  "guestfw firmware: reset" "guestfw firmware: no hand-off block in this image"

firmware-clean:
	rm -rf $(FW_BUILD)
