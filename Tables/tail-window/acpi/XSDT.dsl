/*
 * Intel ACPI Component Architecture
 * AML/ASL+ Disassembler version 20200925 (64-bit version)
 * Copyright (c) 2000 - 2020 Intel Corporation
 * 
 * Disassembly of XSDT.dat
 *
 * ACPI Data Table [XSDT]
 *
 * Format: [HexOffset DecimalOffset ByteLength]  FieldName : FieldValue
 */

[000h 0000   4]                    Signature : "XSDT"    [Extended System Description Table]
[004h 0004   4]                 Table Length : 0000004C
[008h 0008   1]                     Revision : 01
[009h 0009   1]                     Checksum : 7D
[00Ah 0010   6]                       Oem ID : "GSTFW "
[010h 0016   8]                 Oem Table ID : "GUESTFW "
[018h 0024   4]                 Oem Revision : 00000001
[01Ch 0028   4]              Asl Compiler ID : "GFW "
[020h 0032   4]        Asl Compiler Revision : 00000001

[024h 0036   8]       ACPI Table Address   0 : 000000007FFE0140
[02Ch 0044   8]       ACPI Table Address   1 : 000000007FFE0280
[034h 0052   8]       ACPI Table Address   2 : 000000007FFE0300
[03Ch 0060   8]       ACPI Table Address   3 : 000000007FFE0340
[044h 0068   8]       ACPI Table Address   4 : 000000007FFE0380

Raw Table Data: Length 76 (0x4C)

    0000: 58 53 44 54 4C 00 00 00 01 7D 47 53 54 46 57 20  // XSDTL....}GSTFW 
    0010: 47 55 45 53 54 46 57 20 01 00 00 00 47 46 57 20  // GUESTFW ....GFW 
    0020: 01 00 00 00 40 01 FE 7F 00 00 00 00 80 02 FE 7F  // ....@...........
    0030: 00 00 00 00 00 03 FE 7F 00 00 00 00 40 03 FE 7F  // ............@...
    0040: 00 00 00 00 80 03 FE 7F 00 00 00 00              // ............
