#!/bin/sh
# boot-init.sh: /init of the boot-test guest (busybox sh), booted by Tests/BootTests.
#
# Prints, on the console (ttyS0), what the host compares with plan.json, in sections that open
# with a line "==== guestfw:NAME ====" and close where the next one opens:
#   begin     init runs (the kernel accepted everything up to user space)
#   iomem     /proc/iomem
#   ioports   /proc/ioports
#   pci       per function: "device DDDD:BB:DD.F", for a bridge "buses SECONDARY SUBORDINATE"
#             (decimal, read from its config space), then "resource N START END FLAGS" for
#             every line of sysfs `resource` (N counts from 0)
#   disks     only with guestfw.readdisks=1 on the kernel command line: loads the modules
#             listed in /lib/modules/guestfw/order, then per disk
#             "disk NAME size BYTES" (from sysfs), "disk NAME read BYTES", "disk NAME done
#             in SECONDS s", or "disk NAME missing" / "disk NAME failed: ..."
#   dmesg     the whole kernel log (last, so it holds the drivers' messages too)
#   end       nothing follows but the power-off
# then powers off (ACPI S5) with `poweroff -f`.

PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PATH

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
# Kernel messages would interleave with the sections; they are all in the dmesg section anyway.
# Level 1 still lets emergencies through, among them "reboot: Power down".
echo 1 > /proc/sys/kernel/printk

section() { echo "==== guestfw:$1 ===="; }

# The modules' load order was resolved on the host from their depends= (dependencies first).
load_modules() {
    while read -r module; do
        [ -n "$module" ] || continue
        insmod "/lib/modules/guestfw/$module" || echo "insmod $module failed"
    done < /lib/modules/guestfw/order
}

# Drivers probe asynchronously (nvme especially): the block node appears some time after insmod.
wait_for() {
    tries=0
    while [ ! -b "$1" ] && [ "$tries" -lt 200 ]; do
        sleep 0.1
        tries=$((tries + 1))
    done
    [ -b "$1" ]
}

# "N+P records in" of this busybox's dd (it reports records, not bytes): prints "N P".
records_in() {
    echo "$1" | sed -n 's/^\([0-9][0-9]*\)+\([0-9][0-9]*\) records in.*/\1 \2/p'
}

# Reads the whole disk and counts the bytes: whole MiB blocks first, then whatever is left in
# sectors, so the count is exact (a disk is whole sectors) and the reading fast under TCG
# (piping into wc -c instead takes ~10 s for 64 MiB).
read_disk() {
    name=$1
    if ! wait_for "/dev/$name"; then
        echo "disk $name missing"
        return
    fi
    echo "disk $name size $(( $(cat "/sys/block/$name/size") * 512 ))"
    started=$(cut -d' ' -f1 /proc/uptime)
    report=$(dd if="/dev/$name" of=/dev/null bs=1M 2>&1) || { echo "disk $name failed: $report"; return; }
    set -- $(records_in "$report")
    blocks=${1:-0}
    bytes=$((blocks * 1048576))
    if [ "${2:-0}" -gt 0 ]; then
        report=$(dd if="/dev/$name" of=/dev/null bs=512 skip=$((blocks * 2048)) 2>&1) || { echo "disk $name failed: $report"; return; }
        set -- $(records_in "$report")
        bytes=$((bytes + ${1:-0} * 512))
    fi
    echo "disk $name read $bytes"
    echo "disk $name done in $(echo "$started $(cut -d' ' -f1 /proc/uptime)" | awk '{ printf "%.2f", $2 - $1 }') s"
}

section begin

section iomem
cat /proc/iomem

section ioports
cat /proc/ioports

section pci
for d in /sys/bus/pci/devices/*; do
    echo "device ${d##*/}"
    if [ -r "$d/secondary_bus_number" ]; then
        echo "buses $(cat "$d/secondary_bus_number") $(cat "$d/subordinate_bus_number")"
    fi
    i=0
    while read -r start end flags; do
        echo "resource $i $start $end $flags"
        i=$((i + 1))
    done < "$d/resource"
done

case " $(cat /proc/cmdline) " in
    *" guestfw.readdisks=1 "*)
        section disks
        load_modules
        read_disk vda
        read_disk nvme0n1
        ;;
esac

section dmesg
dmesg

section end
sync
poweroff -f
