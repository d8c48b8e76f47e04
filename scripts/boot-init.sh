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
#             "disk NAME size BYTES" (from sysfs), "disk NAME read BYTES", "disk NAME done"
#             or "disk NAME missing" / "disk NAME failed"
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

# Reads the whole disk. This busybox's dd reports records, not bytes: wc counts what dd read.
read_disk() {
    name=$1
    if ! wait_for "/dev/$name"; then
        echo "disk $name missing"
        return
    fi
    echo "disk $name size $(( $(cat "/sys/block/$name/size") * 512 ))"
    if bytes=$(set -o pipefail; dd if="/dev/$name" bs=1M 2>/tmp/dd.err | wc -c); then
        echo "disk $name read $bytes"
        echo "disk $name done"
    else
        echo "disk $name read $bytes"
        echo "disk $name failed: $(cat /tmp/dd.err)"
    fi
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
