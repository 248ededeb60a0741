using System.Text.Json;

namespace Hospes.Storage.QemuImg;

/// <summary>Reads the JSON of <c>qemu-img check --output=json</c>.</summary>
internal static class CheckJson
{
    public static CheckResult Parse(string json, string message)
    {
        using var document = JsonDocument.Parse(json);
        JsonElement root = document.RootElement;
        int corruptions = Count(root, "corruptions");
        int leaks = Count(root, "leaks");
        int errors = Count(root, "check-errors");
        return new CheckResult
        {
            Clean = corruptions == 0 && leaks == 0 && errors == 0,
            Corruptions = corruptions,
            Leaks = leaks,
            CheckErrors = errors,
            Message = message,
        };
    }

    private static int Count(JsonElement e, string name) =>
        e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
}
