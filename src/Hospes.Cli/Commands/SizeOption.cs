using System.CommandLine;
using Hospes.Cli.Client;
using Hospes.Core.Errors;
using Hospes.Core.Units;

namespace Hospes.Cli.Commands;

/// <summary>--size 8G: parsed on the client so a typo never reaches hospesd.</summary>
internal static class SizeOption
{
    public static Option<string> Create(string description) => new("--size") { Description = description, Required = true };

    public static long Bytes(ParseResult p, Option<string> option)
    {
        Result<long> size = ByteSize.Parse(p.GetValue(option)!, "--size");
        return size.IsOk ? size.Value : throw new ApiException(size.Error.Message, code: "invalid_argument");
    }
}
