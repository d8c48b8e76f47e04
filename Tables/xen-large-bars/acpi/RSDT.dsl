/*
 * Intel ACPI Component Architecture
 * AML/ASL+ Disassembler version 20200925 (64-bit version)
 * Copyright (c) 2000 - 2020 Intel Corporation
 * 
 * Disassembly of RSDT.dat
 *
 * ACPI Data Table [RSDT]
 *
 * Format: [HexOffset DecimalOffset ByteLength]  FieldName : FieldValue
 */

[000h 0000   4]                    Signature : "RSDT"    [Root System Description Table]
[004h 0004   4]                 Table Length : 00000038
[008h 0008   1]                     Revision : 01
[009h 0009   1]                     Checksum : D8
[00Ah 0010   6]                       Oem ID : "GSTFW "
[010h 0016   8]                 Oem Table ID : "GUESTFW "
[018h 0024   4]                 Oem Revision : 00000001
[01Ch 0028   4]              Asl Compiler ID : "GFW "
[020h 0032   4]        Asl Compiler Revision : 00000001

[024h 0036   4]       ACPI Table Address   0 : FC020D00
[028h 0040   4]       ACPI Table Address   1 : FC020E20
[02Ch 0044   4]       ACPI Table Address   2 : FC020E90
[030h 0048   4]       ACPI Table Address   3 : FC020F00
[034h 0052   4]       ACPI Table Address   4 : FC020ED0

Raw Table Data: Length 56 (0x38)

    0000: 52 53 44 54 38 00 00 00 01 D8 47 53 54 46 57 20  // RSDT8.....GSTFW 
    0010: 47 55 45 53 54 46 57 20 01 00 00 00 47 46 57 20  // GUESTFW ....GFW 
    0020: 01 00 00 00 00 0D 02 FC 20 0E 02 FC 90 0E 02 FC  // ........ .......
    0030: 00 0F 02 FC D0 0E 02 FC                          // ........
