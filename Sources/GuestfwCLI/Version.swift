/// guestfw's version, stated once: `guestfw --version` prints it, and `make install` puts that
/// output in the man page's footer. Raise it when a release changes what users see.
public enum GuestfwVersion {
    public static let current = "0.1.0"
}
