# libFuzzer targets for every reader of untrusted bytes (Fuzz/Package.swift says why a package of
# its own). `make fuzz` runs each for FUZZ_SECONDS, FUZZ_JOBS at a time; `make test` runs each
# for 20 s. A crash fails the run and leaves its input in Fuzz/crashes/.
FUZZ_SECONDS ?= 600
FUZZ_JOBS    ?= 2

.PHONY: fuzz fuzz-build fuzz-smoke

fuzz-build: deps
	cd Fuzz && $(SWIFT) build --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address

fuzz: fuzz-build firmware
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_JOBS)

fuzz-smoke: fuzz-build firmware
	scripts/fuzz.sh 20 $(FUZZ_JOBS)
