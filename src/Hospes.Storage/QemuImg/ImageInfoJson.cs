using System.Text.Json;

namespace Hospes.Storage.QemuImg;

/// <summary>Reads the JSON of <c>qemu-img info --output=json [--backing-chain]</c>.</summary>
internal static class ImageInfoJson
{
    /// <summary>Parses a single image object, or a backing chain array (top image first).</summary>
    public static ImageFileInfo Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Array)
        {
            return ParseOne(root);
        }

        var layers = root.EnumerateArray().Select(ParseOne).ToList();
        if (layers.Count == 0)
        {
            throw new JsonException("qemu-img printed an empty backing chain");
        }

        return layers[0] with { BackingChain = layers.Skip(1).ToList() };
    }

    private static ImageFileInfo ParseOne(JsonElement image)
    {
        JsonElement data = image.TryGetProperty("format-specific", out JsonElement specific) && specific.TryGetProperty("data", out JsonElement d)
            ? d
            : default;
        bool corrupt = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("corrupt", out JsonElement flag) && flag.ValueKind == JsonValueKind.True;
        bool hasExtents = data.ValueKind == JsonValueKind.Object && data.TryGetProperty("extents", out JsonElement extents) && extents.ValueKind == JsonValueKind.Array;
        return new ImageFileInfo
        {
            Filename = image.GetProperty("filename").GetString() ?? "",
            Format = image.GetProperty("format").GetString() ?? "",
            VirtualSize = image.GetProperty("virtual-size").GetInt64(),
            ActualSize = Int64(image, "actual-size"),
            BackingFile = String(image, "backing-filename"),
            FullBackingFile = String(image, "full-backing-filename"),
            BackingFormat = String(image, "backing-filename-format"),
            Snapshots = image.TryGetProperty("snapshots", out JsonElement snapshots)
                ? snapshots.EnumerateArray().Select(ParseSnapshot).ToList()
                : [],
            Dirty = image.TryGetProperty("dirty-flag", out JsonElement dirty) && dirty.ValueKind == JsonValueKind.True,
            Corrupt = corrupt,
            DataFile = data.ValueKind == JsonValueKind.Object ? String(data, "data-file") : null,
            Extents = hasExtents ? [.. data.GetProperty("extents").EnumerateArray().Select(e => String(e, "filename") ?? "")] : [],
        };
    }

    private static ImageSnapshot ParseSnapshot(JsonElement s)
    {
        DateTimeOffset date = DateTimeOffset.FromUnixTimeSeconds(Int64(s, "date-sec") ?? 0)
            .AddTicks((Int64(s, "date-nsec") ?? 0) / 100);
        TimeSpan clock = TimeSpan.FromSeconds(Int64(s, "vm-clock-sec") ?? 0)
            + TimeSpan.FromTicks((Int64(s, "vm-clock-nsec") ?? 0) / 100);
        return new ImageSnapshot(String(s, "id") ?? "", String(s, "name") ?? "", Int64(s, "vm-state-size") ?? 0, date, clock);
    }

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? Int64(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : null;
}
