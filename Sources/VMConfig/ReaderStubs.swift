// TEMPORARY until the readers land.
public enum TOMLReader { public static func read(_ text: String) throws(ConfigSyntaxError) -> ConfigTable { throw ConfigSyntaxError("stub", at: SourceLocation(line: 1, column: 1)) } }
public enum JSONReader { public static func read(_ text: String) throws(ConfigSyntaxError) -> ConfigTable { throw ConfigSyntaxError("stub", at: SourceLocation(line: 1, column: 1)) } }
