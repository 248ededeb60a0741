namespace Hospes.Cli.Commands;

/// <summary>The command line itself is wrong (a bad value, a file that cannot be read): said before hospesd is asked.</summary>
internal sealed class CliException(string message) : Exception(message);
