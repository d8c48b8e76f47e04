#!/bin/sh
# sysfs-init.sh: /init of the guest booted by scripts/capture-sysfs.sh (busybox sh).
#
# Prints, on the console (the serial port), the files guestfw reads of every PCI function the
# guest's kernel found (/sys/bus/pci/devices/BDF/resource and config, read as root, so config is
# the whole 4096 bytes of an ECAM function), hex-encoded between markers, then powers off:
#   @@begin
#   @@file BDF NAME SIZE     SIZE bytes follow as hex, 16 bytes a line, each line "@@x HEX..."
#   @@x 0123456789abcdef...
#   @@endfile BDF NAME
#   @@end COUNT              COUNT = number of functions
# Nothing is written to config space (unlike catalog-init.sh): what is captured is what Linux
# left after firmware and its own assignment.

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
echo 1 > /proc/sys/kernel/printk

# dump DEV NAME: one @@file record.
dump() {
    # sysfs reports 4096 as the size of every attribute; count what a read returns.
    _size=$(cat "$1/$2" | wc -c)
    echo "@@file ${1##*/} $2 $_size"
    od -An -v -tx1 "$1/$2" | tr -d ' ' | while read -r line; do
        [ -n "$line" ] && echo "@@x $line"
    done
    echo "@@endfile ${1##*/} $2"
}

echo "@@begin"
n=0
for d in /sys/bus/pci/devices/*; do
    n=$(( n + 1 ))
    dump "$d" resource
    dump "$d" config
done
echo "@@end $n"
sync
poweroff -f
