using System.Text.Json;
using Hospes.Core.Json;

namespace Hospes.Testing;

/// <summary>Reads the CLI's `--format json` output into the wire records of Hospes.Contracts, as hospesd writes them.</summary>
public static class Wire
{
    // The one place that names the wire's JSON options: Contracts' own once it has them.
    public static JsonSerializerOptions Options => HospesJson.Options;

    public static T Read<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException($"'{json}' is not a {typeof(T).Name}");
}
