using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hospes.Contracts;

/// <summary>The JSON shape of the API: snake_case names and dictionary keys, enums as snake_case strings, any case read.</summary>
public static class WireJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    /// <summary>The same shape, indented (what `hospes --format json` prints).</summary>
    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    /// <summary>Gives options made elsewhere (ASP.NET's) the same shape.</summary>
    public static void Apply(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.PropertyNameCaseInsensitive = true;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
    }

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = indented };
        Apply(options);
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
