import GuestfwCLI

Guestfw.runMain()
