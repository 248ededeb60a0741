using System.CommandLine;
using Hospes.Client.Units;

namespace Hospes.Cli.Commands;

/// <summary>--size 8G: parsed on the client so a typo never reaches hospesd.</summary>
internal static class SizeOption
{
    public static Option<string> Create(string description) => new("--size") { Description = description, Required = true };

    public static long Bytes(ParseResult p, Option<string> option) => Bytes(p.GetValue(option)!);

    public static long Bytes(string text) => ByteSize.TryParse(text, "--size", out long bytes, out string? error) ? bytes : throw new CliException(error);
}
