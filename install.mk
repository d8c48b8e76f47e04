# install.mk — installs guestfw as a tool. Included by the top-level Makefile.
#
#   install       make install [PREFIX=/usr/local] [DESTDIR=] [CONFIGURATION=release|debug]
#                 bin/guestfw, share/guestfw/firmware.elf (the boot code, found there by an
#                 installed bin/guestfw: Sources/GuestfwCLI/BootCode.swift), the man page and the
#                 bash, zsh and fish completions in their conventional share/ directories
#   uninstall     removes exactly those files (same PREFIX and DESTDIR)
#   install-test  installs the debug build into a scratch prefix and checks it from elsewhere
#                 (scripts/install-test.sh); `make test` runs it
#
# The release binary carries the Swift runtime and Foundation (RELEASE_FLAGS), so it runs without
# the toolchain's /opt/swift libraries. install-test installs the debug build instead: the installed
# layout and files are the same, and a release build would cost CI about two minutes more.

PREFIX        ?= /usr/local
CONFIGURATION ?= release
INSTALL_ROOT  := $(DESTDIR)$(PREFIX)

# Every file install writes, relative to the prefix: uninstall removes this list.
INSTALL_BIN        := bin/guestfw
INSTALL_BOOT_CODE  := share/guestfw/firmware.elf
INSTALL_MAN_PAGE   := share/man/man1/guestfw.1
INSTALL_BASH       := share/bash-completion/completions/guestfw
INSTALL_ZSH        := share/zsh/site-functions/_guestfw
INSTALL_FISH       := share/fish/vendor_completions.d/guestfw.fish
INSTALL_FILES      := $(INSTALL_BIN) $(INSTALL_BOOT_CODE) $(INSTALL_MAN_PAGE) $(INSTALL_BASH) $(INSTALL_ZSH) $(INSTALL_FISH)

INSTALL_BUILD_FLAGS_release := $(RELEASE_FLAGS)
INSTALL_BUILD_FLAGS_debug   := -c debug
INSTALL_BUILT := .build/$(CONFIGURATION)/guestfw

# swift-argument-parser's generate-manual plugin writes the page here. The page is made from the
# commands' help texts, the same in either configuration, so it uses the debug build that
# `make build` and `make test` keep anyway. Its date is the last commit's, so one commit always
# gives the same page; .Os names guestfw and the version `guestfw --version` prints.
MAN_OUTPUT := .build/plugins/GenerateManual/outputs/guestfw/guestfw.1
MAN_DATE   ?= $(shell git log -1 --format=%cs 2>/dev/null)

.PHONY: install uninstall install-test

install: deps firmware
	@case "$(CONFIGURATION)" in release|debug) ;; \
	  *) echo "install: CONFIGURATION=$(CONFIGURATION); accepted: release or debug" >&2; exit 2 ;; esac
	$(SWIFT) build $(INSTALL_BUILD_FLAGS_$(CONFIGURATION)) --product guestfw
	$(SWIFT) package plugin generate-manual --configuration debug $(if $(MAN_DATE),--date $(MAN_DATE)) >/dev/null
	install -D -m 755 $(INSTALL_BUILT) $(INSTALL_ROOT)/$(INSTALL_BIN)
	install -D -m 644 $(FW_BUILD)/firmware.elf $(INSTALL_ROOT)/$(INSTALL_BOOT_CODE)
	@version=$$($(INSTALL_BUILT) --version) && mkdir -p $(dir $(INSTALL_ROOT)/$(INSTALL_MAN_PAGE)) && \
	sed "s/^\.Os\$$/.Os guestfw $$version/" $(MAN_OUTPUT) > $(INSTALL_ROOT)/$(INSTALL_MAN_PAGE) && \
	chmod 644 $(INSTALL_ROOT)/$(INSTALL_MAN_PAGE)
	@for shell in bash zsh fish; do \
	  case $$shell in bash) file=$(INSTALL_BASH) ;; zsh) file=$(INSTALL_ZSH) ;; fish) file=$(INSTALL_FISH) ;; esac; \
	  mkdir -p $$(dirname $(INSTALL_ROOT)/$$file) && \
	  $(INSTALL_BUILT) --generate-completion-script $$shell > $(INSTALL_ROOT)/$$file && \
	  chmod 644 $(INSTALL_ROOT)/$$file || exit 1; \
	done
	@echo "installed guestfw $$($(INSTALL_BUILT) --version) ($(CONFIGURATION)) into $(INSTALL_ROOT):"; \
	for file in $(INSTALL_FILES); do echo "  $$file"; done

uninstall:
	rm -f $(addprefix $(INSTALL_ROOT)/,$(INSTALL_FILES))
	-rmdir $(INSTALL_ROOT)/share/guestfw 2>/dev/null

# DESTDIR and PREFIX both in play: the staged prefix is then moved away from the source tree.
install-test: deps firmware
	@scratch=$$(mktemp -d) && echo "install-test: make install CONFIGURATION=debug into a scratch prefix" && \
	$(MAKE) --no-print-directory install CONFIGURATION=debug DESTDIR=$$scratch/stage PREFIX=/opt/guestfw >$$scratch/install.log 2>&1 || \
	  { cat $$scratch/install.log; rm -rf $$scratch; exit 1; }; \
	scripts/install-test.sh $$scratch/stage/opt/guestfw "$(INSTALL_FILES)"; \
	status=$$?; rm -rf $$scratch; exit $$status

# Before swift test, so its summary stays the last line of `make test`.
test: install-test
