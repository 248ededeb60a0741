using System.Text.Json;
using Hospes.Contracts;

namespace Hospes.Testing;

/// <summary>Reads the CLI's `--format json` output into the wire records of Hospes.Contracts, as hospesd writes them.</summary>
public static class Wire
{
    public static JsonSerializerOptions Options => WireJson.Options;

    public static T Read<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"'{json}' is not a {typeof(T).Name}");
}
