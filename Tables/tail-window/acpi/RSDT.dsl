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
[009h 0009   1]                     Checksum : 97
[00Ah 0010   6]                       Oem ID : "GSTFW "
[010h 0016   8]                 Oem Table ID : "GUESTFW "
[018h 0024   4]                 Oem Revision : 00000001
[01Ch 0028   4]              Asl Compiler ID : "GFW "
[020h 0032   4]        Asl Compiler Revision : 00000001

[024h 0036   4]       ACPI Table Address   0 : 7FFE0140
[028h 0040   4]       ACPI Table Address   1 : 7FFE0280
[02Ch 0044   4]       ACPI Table Address   2 : 7FFE0300
[030h 0048   4]       ACPI Table Address   3 : 7FFE0340
[034h 0052   4]       ACPI Table Address   4 : 7FFE0380

Raw Table Data: Length 56 (0x38)

    0000: 52 53 44 54 38 00 00 00 01 97 47 53 54 46 57 20  // RSDT8.....GSTFW 
    0010: 47 55 45 53 54 46 57 20 01 00 00 00 47 46 57 20  // GUESTFW ....GFW 
    0020: 01 00 00 00 40 01 FE 7F 80 02 FE 7F 00 03 FE 7F  // ....@...........
    0030: 40 03 FE 7F 80 03 FE 7F                          // @.......
