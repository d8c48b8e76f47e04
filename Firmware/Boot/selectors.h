/* selectors.h — GDT selectors shared by reset16.S and entry32.S. The values are fixed by
 * Linux's 32-bit boot protocol (Documentation/arch/x86/boot.rst): the kernel is entered with
 * CS = __BOOT_CS and DS = ES = SS = __BOOT_DS, so the firmware runs with them from the start. */
#define BOOT_CS 0x10
#define BOOT_DS 0x18
